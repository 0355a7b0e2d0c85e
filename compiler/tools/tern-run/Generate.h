//===- Generate.h - tern-run --prompt: text from a language model -*- C++ -*-=//
//
// Generation with a model ternc compiled from a checkpoint (input `tokens`
// [T] int32 or int64, output `logits` [T, vocab] or [1, T, vocab]): the
// prompt, then one token at a time drawn by the runtime's sampler
// (tern_sample) from the logits at the last position. The model has no KV
// cache yet: each step runs the whole window again. Text goes through
// SentencePiece when tern-run was built with it.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_RUN_GENERATE_H
#define TERN_RUN_GENERATE_H

#include "Model.h"
#include "Options.h"

namespace tern_run {

/// Runs the generation `o` asks for and prints it; returns the exit status.
/// Throws UsageError (bad options, a model that is not a language model, no
/// tokenizer) or RuntimeError (a failed run).
int generate(const Options &o, Model &model);

} // namespace tern_run

#endif // TERN_RUN_GENERATE_H
