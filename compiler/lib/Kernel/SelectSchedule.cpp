//===- SelectSchedule.cpp - The one place schedules are chosen ------------===//
//
// See SelectSchedule.h. The choices, in order, for a CPU kernel that
// reduces: a byte dot product where the lowering asked for one and the
// shape fits; blocks of output vectors for a GEMV over row-contiguous
// weights; the gather recipes for reads at stored indices; row blocks for a
// ternary accumulation over several rows; else the plain schedule. What
// each recipe does, and why, is documented at its function in the
// backend's Schedules.cpp; the measurements behind the choices are in
// bench/results/.
//
//===----------------------------------------------------------------------===//

#include "tern/Kernel/SelectSchedule.h"
#include "tern/Kernel/KernelAnalysis.h"

#include <algorithm>
#include <limits>

namespace tern::kernel {

namespace {

using Recipe = Schedule::Recipe;

/// How a value of type `t` is stored: bool as a byte.
ScalarType storage(ScalarType t) {
  return t.kind == ScalarType::Bool ? ScalarType::u(8) : t;
}

/// Loop points of the kernel, saturating.
int64_t work(const Kernel &k) {
  int64_t w = 1;
  for (int64_t e : k.loopExtents)
    w = w > std::numeric_limits<int64_t>::max() / std::max<int64_t>(e, 1)
            ? std::numeric_limits<int64_t>::max()
            : w * e;
  return w;
}

/// Whether `e` loads at an index read from memory (a gather).
bool hasDataGather(const ExprRef &e) {
  if (!e)
    return false;
  if (e->op == Op::Load)
    for (const ExprRef &index : e->args)
      if (isDataDependent(index))
        return true;
  return std::any_of(e->args.begin(), e->args.end(), hasDataGather);
}

/// Whether `e` loads a rank-2 input at (row, gathered column) with `row`
/// the loop dimension `rowsDim`: the reads GatherRows transposes.
bool hasRowGather(const Kernel &k, const ExprRef &e, int rowsDim) {
  if (!e)
    return false;
  if (e->op == Op::Load && k.inputs[e->index].shape.size() == 2 &&
      e->args[0]->op == Op::LoopVar && e->args[0]->index == rowsDim &&
      isDataDependent(e->args[1]))
    return true;
  return std::any_of(e->args.begin(), e->args.end(), [&](const ExprRef &a) {
    return hasRowGather(k, a, rowsDim);
  });
}

void selectCpu(Kernel &k, const TargetDesc &target) {
  Schedule &s = k.schedule;
  s.device = Schedule::CPU;
  s.parallel = s.parallel && work(k) >= s.minParallelWork;
  bool reduces = false;
  for (const Output &o : k.outputs)
    reduces |= static_cast<bool>(o.update);
  // The widest element the kernel stores (the first of the widest).
  ScalarType widest = ScalarType::u(8);
  for (const Output &o : k.outputs)
    if (storage(o.buffer.type).bits > widest.bits)
      widest = storage(o.buffer.type);
  if (k.outputs.size() == 1)
    widest = storage(k.outputs[0].buffer.type);
  int requestedWidth = s.vectorWidth;
  int width = s.vectorWidth ? s.vectorWidth : naturalLanes(widest, target);
  s.vectorWidth = width;
  if (!reduces) {
    s.recipe = Recipe::Plain;
    return;
  }
  int requestedUnroll = s.reductionUnroll;
  if (s.reductionUnroll < 2)
    s.reductionUnroll = 4;
  const Output &o = k.outputs[0];
  int rank = static_cast<int>(o.loopDims.size());
  // Extents innermost first.
  std::vector<int64_t> ext(o.buffer.shape.rbegin(), o.buffer.shape.rend());
  int64_t innerReduction = 0;
  for (size_t d = 0; d < k.isReduction.size(); ++d)
    if (k.isReduction[d])
      innerReduction = k.loopExtents[d];

  if (s.dotProduct >= 2 && rank >= 2 && rank <= 3 &&
      innerReduction == s.dotProduct) {
    int lanes = requestedWidth > 1 ? requestedWidth : 16;
    if (ext[0] % lanes == 0 && ext[0] / lanes <= 8) {
      s.recipe = Recipe::Dot;
      s.vectorWidth = lanes;
      s.rows = 1;
      if (rank == 3)
        for (int r : {4, 3, 2})
          if (ext[2] % r == 0) {
            s.rows = r;
            break;
          }
      return;
    }
  }
  s.recipe = Recipe::Plain;
  if (rank == 0)
    return;
  bool vectorize = width > 1 && ext[0] >= width;
  bool oneRow = rank == 1 || (rank == 2 && ext[1] == 1);
  if (s.vectorBlocks > 1 && vectorize && oneRow) {
    int64_t vectors = (ext[0] + width - 1) / width;
    s.recipe = Recipe::GemvBlocks;
    // At most half the registers hold accumulators; a GEMV as wide as one
    // vector keeps the recipe with blocks of one (a row-contiguous run).
    int64_t registers = std::max(1, target.vectorRegisters / 2);
    s.vectorBlocks = static_cast<int>(std::min<int64_t>(
        {static_cast<int64_t>(s.vectorBlocks), vectors, registers}));
    return;
  }
  bool gathers = false;
  for (const Output &out : k.outputs)
    gathers |= hasDataGather(out.init) || hasDataGather(out.update);
  gathers |= hasDataGather(k.skipWhenZero);
  if (gathers && width > 1) {
    s.recipe = Recipe::Gather;
    if (requestedWidth > 1 && k.outputs.size() == 1 && rank == 2 &&
        o.buffer.shape[0] >= 16 &&
        (hasRowGather(k, o.init, o.loopDims[0]) ||
         hasRowGather(k, o.update, o.loopDims[0])))
      s.recipe = Recipe::GatherRows;
    return;
  }
  if (requestedUnroll > 1 && rank == 2 && ext[1] >= 2 && vectorize) {
    s.recipe = Recipe::RowBlocks;
    s.rows = static_cast<int>(std::min<int64_t>(ext[1], 8));
    return;
  }
  // An update that reads its own value under a select gets a vector width
  // that divides its extent (no tail; see Schedules.cpp's plain recipe).
  bool selfUnderSelect = false;
  bool plainDot = s.dotProduct > 1;
  if (k.outputs.size() == 1) {
    selfUnderSelect = selectReadsSelf(normalizedUpdate(k, 0, plainDot).update);
  } else {
    for (const Output &out : k.outputs)
      if (out.update)
        selfUnderSelect |= selectReadsSelf(out.update);
  }
  if (selfUnderSelect && vectorize && ext[0] % width != 0) {
    int whole = width;
    while (whole > 1 && ext[0] % whole != 0)
      whole /= 2;
    s.updateVectorWidth = whole;
  }
}

} // namespace

int naturalLanes(ScalarType t, const TargetDesc &target) {
  ScalarType st = storage(t);
  int bytes = std::max(1, st.bits / 8);
  int vector = st.kind == ScalarType::Float ? target.floatVectorBytes
                                            : target.intVectorBytes;
  return std::max(1, vector / bytes);
}

Selection selectSchedule(Kernel &k, const TargetDesc &target) {
  Selection result;
  Schedule &s = k.schedule;
  if (s.recipe != Recipe::None)
    return result;
  if (target.device == Schedule::HLS) {
    s.device = Schedule::HLS;
    s.recipe = Recipe::Hls;
    if (s.hlsReuse <= 0)
      s.hlsReuse = std::max(1, target.hlsReuse);
    return result;
  }
  if (target.device == Schedule::GPU) {
    // One thread per output point: the GPU needs a parallel dimension.
    for (const Output &o : k.outputs)
      if (o.loopDims.empty()) {
        std::string reason = "its result is a scalar (a full reduction): no "
                             "parallel dimension to spread over GPU threads";
        if (!target.gpuFallback) {
          result.gpuRefusal = reason;
          return result;
        }
        result.cpuFallback = reason;
        break;
      }
    if (result.cpuFallback.empty()) {
      s.device = Schedule::GPU;
      s.recipe = Recipe::Gpu;
      return result;
    }
  }
  selectCpu(k, target);
  return result;
}

} // namespace tern::kernel
