//===- Schedules.cpp - The CPU, GPU and HLS schedule recipes -------------===//
//
// How a translated kernel is scheduled: one function per recipe of
// Schedule::Recipe, chosen by selectSchedule (tern-select-schedule) and run
// here by applySchedule. Each reads Kernel::schedule and the shapes and
// schedules the Funcs the translator built without changing what they
// compute; none chooses another recipe. Halide 14 miscompiles some tail
// strategies; the comments at each recipe say which forms it avoids and
// why (issue 19).
//
//===----------------------------------------------------------------------===//

#include "Translator.h"

namespace tern::kernel::detail {

namespace {

using Recipe = Schedule::Recipe;

/// Splits the pure dimension `v` of an update into vectors of `width` lanes
/// (`lanes`), and the vectors into groups of `group` (`group` indexes the
/// groups, `inGroup` the vectors inside one), every split guarded: points
/// past the end are skipped, never computed twice.
///
/// The order matters. Halide 14 miscompiles the other one, a split into
/// groups of `width * group` points whose inner part is split again into
/// vectors: in the last, ragged group it shifts the vectors inwards instead
/// of guarding them, so an update adds some outputs twice, skips others, and
/// writes past the end of its buffer when the group is longer than the rest
/// (issue 19: batch-1 layers whose width is not a multiple of the group).
/// Here the inner split is exact and only the vector tail and the group
/// tail are guarded, each by its own condition.
template <typename StageOrFunc>
static void
splitIntoVectorGroups(StageOrFunc &&stage, const Halide::Var &v, int width,
                      int group, const Halide::Var &groups,
                      const Halide::Var &inGroup, const Halide::Var &lanes) {
  Halide::Var vectors(v.name() + "_v");
  stage.split(v, vectors, lanes, width, Halide::TailStrategy::GuardWithIf)
      .split(vectors, groups, inGroup, std::max(1, group),
             Halide::TailStrategy::GuardWithIf);
}

/// What the CPU recipes share for one Func: its Vars and extents (innermost
/// first), the dimension threads take, the vector width and the chunks of
/// whole vectors a one-dimensional parallel loop is shared out in.
struct CpuLoops {
  std::vector<Halide::Var> v;
  std::vector<int64_t> ext;
  int rank = 0;
  int parDim = -1;
  bool parallel = false;
  int width = 0;
  bool vectorize = false, chunked = false;
  int64_t chunk = 0;

  CpuLoops(std::vector<Halide::Var> vars, const Output &o, const Schedule &s)
      : v(std::move(vars)), ext(o.buffer.shape.rbegin(), o.buffer.shape.rend()),
        rank(static_cast<int>(o.loopDims.size())) {
    for (int j = rank - 1; j >= 0; --j)
      if (ext[j] > 1) {
        parDim = j;
        break;
      }
    parallel = s.parallel && parDim >= 0;
    useWidth(s.vectorWidth);
  }

  /// The vector width, and the vector-aligned chunks (about 16) a GEMV's
  /// outputs are shared out in.
  void useWidth(int w) {
    width = w;
    vectorize = width > 1 && ext[0] >= width;
    chunk = (ext[0] + 15) / 16;
    if (vectorize)
      chunk = std::max<int64_t>(width, (chunk + width - 1) / width * width);
    chunked = parallel && parDim == 0 && ext[0] >= 2 * chunk;
  }

  /// Vectorizes the innermost dimension of `stage` and runs the outermost
  /// in parallel (the plain schedule of a pure definition or an update).
  template <typename Stage>
  void schedule(Stage &&stage, Halide::TailStrategy tail) {
    if (parallel && parDim == 0) {
      if (chunked && vectorize && tail == Halide::TailStrategy::GuardWithIf) {
        // An update: vectors first, then chunks of whole vectors (see
        // splitIntoVectorGroups: Halide 14 miscompiles the other order).
        Halide::Var chunks(v[0].name() + "_o");
        Halide::Var inChunk(v[0].name() + "_c"), lanes(v[0].name() + "_i");
        splitIntoVectorGroups(stage, v[0], width,
                              static_cast<int>(chunk / width), chunks, inChunk,
                              lanes);
        stage.parallel(chunks).vectorize(lanes);
        return;
      }
      if (chunked) {
        Halide::Var outer(v[0].name() + "_o"), inner(v[0].name() + "_i");
        stage.split(v[0], outer, inner, static_cast<int>(chunk), tail);
        stage.parallel(outer);
        if (vectorize)
          stage.vectorize(inner, width, tail);
        return;
      }
      // Too short to share out: no threads.
    } else if (parallel) {
      stage.parallel(v[parDim]);
    }
    if (vectorize)
      stage.vectorize(v[0], width, tail);
  }
};

/// Applies one kernel's recipe to the Funcs in `built`.
class Scheduler {
public:
  Scheduler(const Kernel &k, Built &built)
      : k(k), s(k.schedule), built(built), rdom(built.rdom) {}

  std::string run();

private:
  const Kernel &k;
  const Schedule &s;
  Built &built;
  std::optional<Halide::RDom> &rdom;

  std::vector<Halide::Var> pureArgs(const Output &o) const {
    return outputArgs(built, o);
  }
  /// Splits the innermost reduction by the schedule's unroll factor and
  /// unrolls it; returns the reduction loops, innermost first.
  std::vector<Halide::VarOrRVar> unrollReduction(Halide::Stage stage);

  // The recipes. Each schedules one Func (an accumulator, or the Func
  // that copies it out, which always gets the plain schedule).
  void gpu(Halide::Func f, const Output &o);
  void hls(Halide::Func f);
  bool dot(Halide::Func acc, Halide::Func f, const Output &o);
  void gemvBlocks(Halide::Func f, const Output &o);
  void gather(Halide::Func f, const Output &o);
  void rowBlocks(Halide::Func f, const Output &o);
  void plain(Halide::Func f, const Output &o);
  /// The recipe of a CPU accumulator.
  void cpuRecipe(Halide::Func acc, const Output &o);
};

std::string Scheduler::run() {
  auto one = [&](size_t i, const Output &o) -> std::string {
    Halide::Func f = built.funcs[i], acc = built.accumulators[i];
    if (o.loopDims.empty()) {
      // A scalar: nothing to split; a reduction still runs in its buffer.
      if (acc.defined())
        acc.compute_root();
      return "";
    }
    switch (s.recipe) {
    case Recipe::Gpu:
      if (acc.defined()) {
        gpu(acc, o);
        acc.compute_root();
      }
      gpu(f, o);
      return "";
    case Recipe::Hls:
      if (acc.defined()) {
        hls(acc);
        acc.compute_root();
      }
      return "";
    case Recipe::Dot:
      if (!acc.defined() || !dot(acc, f, o))
        return "the dot recipe does not fit this kernel's shape";
      return "";
    case Recipe::None:
      return "has no schedule recipe (run selectSchedule)";
    default:
      if (acc.defined()) {
        cpuRecipe(acc, o);
        acc.compute_root();
      }
      plain(f, o);
      return "";
    }
  };
  for (size_t i = 0; i < built.funcs.size(); ++i)
    if (std::string problem = one(i, k.outputs[i]); !problem.empty())
      return problem;
  return "";
}

void Scheduler::cpuRecipe(Halide::Func acc, const Output &o) {
  switch (s.recipe) {
  case Recipe::GemvBlocks:
    return gemvBlocks(acc, o);
  case Recipe::Gather:
  case Recipe::GatherRows:
    return gather(acc, o);
  case Recipe::RowBlocks:
    return rowBlocks(acc, o);
  default:
    return plain(acc, o);
  }
}

/// The GPU schedule: the innermost output dimension (and the next one, up to
/// 4 wide, when it has more than one point) tiled into thread blocks of
/// Schedule::gpuThreads threads; each thread computes one output point and
/// its whole reduction in registers. Tails are guarded. With the packed
/// ternary weights stored byte-major, neighbouring threads (outputs) read
/// neighbouring bytes, so weight loads coalesce. Dimensions further out
/// stay serial loops on the host around the launch.
void Scheduler::gpu(Halide::Func f, const Output &o) {
  std::vector<Halide::Var> v = pureArgs(o); // innermost first
  std::vector<int64_t> ext(o.buffer.shape.rbegin(), o.buffer.shape.rend());
  auto tile = [&](auto &&stage) {
    const auto guard = Halide::TailStrategy::GuardWithIf;
    int tx = static_cast<int>(
        std::min<int64_t>(s.gpuThreads, std::max<int64_t>(1, ext[0])));
    Halide::Var bx(v[0].name() + "_b"), txv(v[0].name() + "_t");
    if (v.size() >= 2 && ext[1] > 1) {
      int ty = static_cast<int>(std::min<int64_t>(4, ext[1]));
      Halide::Var by(v[1].name() + "_b"), tyv(v[1].name() + "_t");
      stage.gpu_tile(v[0], v[1], bx, by, txv, tyv, tx, ty, guard);
    } else {
      stage.gpu_tile(v[0], bx, txv, tx, guard);
    }
  };
  tile(f);
  if (!f.has_update_definition())
    return;

  // Few rows of outputs and a long reduction (a GEMV, a batch of up to 8):
  // one thread
  // per output would leave most of the GPU idle. Split the reduction over
  // the 32 lanes of a warp instead: lane u takes every 32nd group of 4
  // consecutive reduction steps (so with row-major weights the lanes of a
  // warp read consecutive bytes), partial sums live in shared memory, and
  // one thread per output adds the 32 partials. Each block handles 4
  // outputs. Halide's rfactor proves the update associative first; when it
  // cannot, the kernel keeps one thread per output.
  int64_t outputs = 1;
  for (int64_t e : ext)
    outputs *= e;
  int64_t inner =
      rdom ? rdom->x.extent().as<Halide::Internal::IntImm>()->value : 0;
  bool smallBatch = v.size() == 1 || (v.size() == 2 && ext[1] <= 8);
  bool warpSplit = rdom && smallBatch && inner >= 256 && outputs <= 65536;
  if (warpSplit) {
    try {
      const auto guard = Halide::TailStrategy::GuardWithIf;
      Halide::RVar rb("rb"), rt("rt"), ro("ro"), ri("ri");
      Halide::Var u("lane");
      Halide::Func partial = f.update(0)
                                 .split(rdom->x, rb, rt, 4, guard)
                                 .split(rb, ro, ri, 32, guard)
                                 .rfactor(ri, u);
      Halide::Var b(v[0].name() + "_w"), t(v[0].name() + "_o");
      Halide::Stage update = f.update(0);
      update.split(v[0], b, t, 4, guard);
      if (v.size() == 2 && ext[1] > 1)
        update.gpu_blocks(b, v[1]);
      else
        update.gpu_blocks(b);
      update.gpu_threads(t);
      partial.compute_at(f, b).gpu_threads(u, v[0]);
      partial.update(0).gpu_threads(u, v[0]);
      return;
    } catch (const Halide::Error &) {
      // Not provably associative: fall through to one thread per output.
      // The reduction splits made before rfactor stay; they only reorder
      // the thread's serial loop.
    }
  }
  // Many outputs in two dimensions (a GEMM): 16 x 16 output tiles per
  // block; the reduction advances 16 steps at a time, and for each step
  // the block first copies the tiles of its inputs into shared memory
  // (every thread loads a few elements, then a barrier), so each input
  // element is read from global memory once per block instead of once per
  // thread. Gathered inputs are read directly.
  if (rdom && v.size() == 2 && ext[0] >= 16 && ext[1] >= 16) {
    const auto guard = Halide::TailStrategy::GuardWithIf;
    Halide::Var bx(v[0].name() + "_bx"), by(v[1].name() + "_by"),
        tx(v[0].name() + "_tx"), ty(v[1].name() + "_ty");
    Halide::RVar ro("ro"), ri("ri");
    Halide::Stage update = f.update(0);
    update.gpu_tile(v[0], v[1], bx, by, tx, ty, 16, 16, guard)
        .split(rdom->x, ro, ri, 16, guard)
        .reorder(ri, tx, ty, ro, bx, by);
    for (size_t i = 0; i < built.inputs.size(); ++i) {
      if (built.gatherInputs.count(static_cast<int>(i)) ||
          built.inputs[i].dimensions() == 0)
        continue;
      Halide::Func staged = built.inputs[i].in(f);
      std::vector<Halide::Var> args = staged.args();
      staged.compute_at(f, ro);
      if (args.size() >= 2)
        staged.gpu_threads(args[0], args[1]);
      else
        staged.gpu_threads(args[0]);
    }
    return;
  }
  tile(f.update(0));
}

/// HLS: loops stay serial (HLS pipelines them); the innermost reduction is
/// split so that its inner part, named "hls_unroll", holds
/// ceil(extent / reuse) steps, which the HLS printer unrolls.
void Scheduler::hls(Halide::Func f) {
  if (!f.has_update_definition() || !rdom)
    return;
  const auto *extent = rdom->x.extent().as<Halide::Internal::IntImm>();
  if (!extent)
    return;
  int reuse = std::max(1, s.hlsReuse);
  int64_t factor = (extent->value + reuse - 1) / reuse;
  if (factor < 2)
    return;
  Halide::RVar ro("hls_outer"), ri("hls_unroll");
  f.update(0).split(rdom->x, ro, ri, static_cast<int>(factor),
                    Halide::TailStrategy::GuardWithIf);
}

/// A byte dot product (Schedule::dotProduct; the int8 ternary kernel),
/// whose outputs are [rows x] tiles x 64 (the lowering's tile-major
/// layout): the innermost reduction step (its extent is the dot product's
/// width) and 16 outputs share one vector, so Halide sums each output's
/// products in its lane (a VectorReduce, which x86 with AVX-512 VNNI emits
/// as vpdpbusd). A tile's four vectors and up to four rows are unrolled
/// inside the reduction (16 accumulators in registers; each loaded weight
/// vector serves every row), and each tile runs over all of K, streaming its
/// weights in order. Threads share out chunks of tiles: the copy `f` runs
/// chunks in parallel and computes the accumulator per chunk, so the
/// vectorized reduction itself has no parallel loop (with one, Halide 14
/// falls back to atomic stores and no dot product). The selector chose
/// this recipe for a shape that fits; returns false if it does not.
bool Scheduler::dot(Halide::Func acc, Halide::Func f, const Output &o) {
  int rank = static_cast<int>(o.loopDims.size());
  if (!rdom || rank < 2 || rank > 3)
    return false;
  const auto *inner = rdom->x.extent().as<Halide::Internal::IntImm>();
  int width = s.vectorWidth;
  std::vector<Halide::Var> v = pureArgs(o); // innermost first
  // Extents innermost first, as Halide lists dimensions.
  std::vector<int64_t> ext(o.buffer.shape.rbegin(), o.buffer.shape.rend());
  if (!inner || inner->value != s.dotProduct || ext[0] % width != 0 ||
      ext[0] / width > 8)
    return false;

  // The copy: chunks of tiles (about 16 chunks), in parallel; rows inside.
  int64_t perChunk = (ext[1] + 15) / 16;
  Halide::Var to(v[1].name() + "_to"), ti(v[1].name() + "_ti");
  f.split(v[1], to, ti, static_cast<int>(perChunk),
          Halide::TailStrategy::ShiftInwards)
      .vectorize(v[0], width);
  if (rank == 3)
    f.reorder(v[0], ti, v[2], to);
  if (s.parallel)
    f.parallel(to);
  acc.compute_at(f, to).vectorize(v[0], width);

  Halide::Stage u = acc.update(0);
  Halide::Var nv(v[0].name() + "_nv"), ni(v[0].name() + "_ni");
  u.split(v[0], nv, ni, width, Halide::TailStrategy::RoundUp);
  std::vector<Halide::VarOrRVar> order = {rdom->x, ni, nv};
  Halide::Var mo(v.back().name() + "_mo"), mi(v.back().name() + "_mi");
  if (rank == 3) {
    u.split(v[2], mo, mi, std::max(1, s.rows), Halide::TailStrategy::RoundUp);
    order.push_back(mi);
  }
  for (int d = 1; d < rdom->dimensions(); ++d)
    order.push_back((*rdom)[d]);
  order.push_back(v[1]);
  if (rank == 3)
    order.push_back(mo);
  u.atomic().reorder(order).vectorize(rdom->x).vectorize(ni).unroll(nv);
  if (rank == 3)
    u.unroll(mi);
  if (rdom->dimensions() > 1) {
    const auto *second = (*rdom)[1].extent().as<Halide::Internal::IntImm>();
    if (second && second->value <= 8)
      u.unroll((*rdom)[1]);
  }
  return true;
}

/// Unroll the innermost reduction by 4 (or the kernel's factor): values
/// that depend only on the step's quotient by the factor are computed once
/// per that many steps (the packed byte of four trits is loaded once, and
/// its shift amounts become constants). Returns the reduction loops,
/// innermost first.
std::vector<Halide::VarOrRVar> Scheduler::unrollReduction(Halide::Stage stage) {
  int factor = s.reductionUnroll > 1 ? s.reductionUnroll : 4;
  const auto *extent = rdom->x.extent().as<Halide::Internal::IntImm>();
  if (!extent || extent->value < 2 * factor)
    return {rdom->x};
  Halide::RVar ro("ro"), ri("ri");
  stage.split(rdom->x, ro, ri, factor, Halide::TailStrategy::GuardWithIf)
      .unroll(ri);
  return {ri, ro};
}

/// A GEMV over row-contiguous weights (tern-weight-layout): blocks of
/// `vectorBlocks` adjacent output vectors, unrolled, inside the reduction,
/// so each step reads one contiguous run of a weight row into that many
/// accumulators (a plain vectorized loop would walk down a column of the
/// weights, one cache line and page per step); threads take blocks.
void Scheduler::gemvBlocks(Halide::Func f, const Output &o) {
  CpuLoops l(pureArgs(o), o, s);
  const std::vector<Halide::Var> &v = l.v;
  l.schedule(f, Halide::TailStrategy::ShiftInwards);
  Halide::Stage u = f.update(0);
  Halide::Var no(v[0].name() + "_no"), vo(v[0].name() + "_vo");
  Halide::Var vi(v[0].name() + "_vi");
  splitIntoVectorGroups(u, v[0], l.width, s.vectorBlocks, no, vo, vi);
  std::vector<Halide::VarOrRVar> order = {vi, vo};
  for (const Halide::VarOrRVar &r : unrollReduction(u))
    order.push_back(r);
  order.push_back(no);
  if (l.rank == 2)
    order.push_back(v[1]);
  u.reorder(order).vectorize(vi).unroll(vo);
  if (s.parallel)
    u.parallel(no);
}

/// Reads at stored indices (the sparse lowerings' gather formats, stored
/// in tiles of `width` outputs). Halide 14 builds a vector of gathered
/// values from one scalar load, extract and insert per lane, which costs
/// more than the scalar multiply-add it feeds. So:
/// - one row (GEMV), tiles of more than 16 outputs (ELL, index lists):
///   each tile is a serial loop over its outputs, inside the reduction,
///   and the kernel is compiled with LLVM's loop vectorizer
///   (Built::llvmLoopVectorize), which turns that loop into hardware
///   gathers (vgatherdps with AVX-512). A tile of 64 outputs is too long
///   for LLVM to unroll before it vectorizes; 16 would be unrolled into
///   scalar loads and inserts.
/// - one row, tiles of 16 (BSR, whose lanes find their column through the
///   block list: LLVM's vectorized loop measured 2.9x slower there): the
///   tile's outputs are 16 unrolled scalar accumulators, in registers.
/// - several rows: the kernel reads a transposed copy of the activations,
///   vectors of 16 rows innermost, and 16 outputs of the tile at a time
///   are unrolled vector accumulators (each stored weight, broadcast,
///   multiplies a vector of rows).
/// Threads take chunks of tiles. Measured: bench/results/sparse-kernels.md.
void Scheduler::gather(Halide::Func f, const Output &o) {
  CpuLoops l(pureArgs(o), o, s);
  const std::vector<Halide::Var> &v = l.v;
  const std::vector<int64_t> &ext = l.ext;
  int rank = l.rank, width = l.width;
  l.schedule(f, Halide::TailStrategy::ShiftInwards);
  Halide::Stage u = f.update(0);
  Halide::Var no(v[0].name() + "_no"), ni(v[0].name() + "_ni");
  u.split(v[0], no, ni, width, Halide::TailStrategy::GuardWithIf);
  std::vector<Halide::VarOrRVar> reductions = unrollReduction(u);
  bool rowVectors = !built.transposedInputs.empty() && rank == 2;
  Halide::Var mo;
  if (rowVectors) {
    mo = Halide::Var(v[1].name() + "_mo");
    Halide::Var mi(v[1].name() + "_mi");
    Halide::Var nio(v[0].name() + "_nio"), nii(v[0].name() + "_nii");
    for (auto &[index, t] : built.transposedInputs)
      t.compute_root().vectorize(t.args()[0], 16,
                                 Halide::TailStrategy::GuardWithIf);
    f.reorder_storage(v[1], v[0]);
    u.split(v[1], mo, mi, 16, Halide::TailStrategy::GuardWithIf)
        .split(ni, nio, nii, std::min(width, 16),
               Halide::TailStrategy::GuardWithIf);
    std::vector<Halide::VarOrRVar> order = {mi, nii};
    order.insert(order.end(), reductions.begin(), reductions.end());
    order.insert(order.end(), {nio, no, mo});
    u.reorder(order).unroll(nii).vectorize(mi);
  } else {
    std::vector<Halide::VarOrRVar> order = {ni};
    order.insert(order.end(), reductions.begin(), reductions.end());
    order.push_back(no);
    for (int j = 1; j < rank; ++j)
      order.push_back(v[j]);
    u.reorder(order);
    built.llvmLoopVectorize = width > 16;
    if (!built.llvmLoopVectorize)
      u.unroll(ni);
  }
  if (s.parallel) {
    int64_t tiles = (ext[0] + width - 1) / width;
    if (tiles >= 2) {
      Halide::Var co(v[0].name() + "_co"), ci(v[0].name() + "_ci");
      u.split(no, co, ci,
              static_cast<int>(std::max<int64_t>(1, (tiles + 15) / 16)),
              Halide::TailStrategy::GuardWithIf)
          .parallel(co);
    } else if (rowVectors) {
      u.parallel(mo);
    } else if (rank >= 2 && ext[rank - 1] > 1) {
      u.parallel(v[rank - 1]);
    }
  }
}

/// A ternary accumulation (the lowering asked for an unroll factor) over
/// several rows: the trit decode depends on (n, k), not on the row m, so
/// blocks of up to 8 rows go innermost, unrolled, inside the reduction,
/// and each decoded vector serves every row of the block from registers;
/// the outputs are shared out between threads in vector-aligned chunks
/// instead of the rows.
void Scheduler::rowBlocks(Halide::Func f, const Output &o) {
  CpuLoops l(pureArgs(o), o, s);
  const std::vector<Halide::Var> &v = l.v;
  const std::vector<int64_t> &ext = l.ext;
  int width = l.width;
  l.schedule(f, Halide::TailStrategy::ShiftInwards);
  Halide::Stage u = f.update(0);
  Halide::Var no(v[0].name() + "_no"), vo(v[0].name() + "_vo");
  Halide::Var vi(v[0].name() + "_vi");
  Halide::Var mo(v[1].name() + "_mo"), mi(v[1].name() + "_mi");
  // About 16 chunks of whole vectors.
  int64_t span = std::max<int64_t>(1, (ext[0] / 16 + width - 1) / width);
  splitIntoVectorGroups(u, v[0], width, static_cast<int>(span), no, vo, vi);
  u.split(v[1], mo, mi, s.rows, Halide::TailStrategy::GuardWithIf);
  std::vector<Halide::VarOrRVar> order = {vi, mi};
  for (const Halide::VarOrRVar &r : unrollReduction(u))
    order.push_back(r);
  order.insert(order.end(), {vo, mo, no});
  u.reorder(order).vectorize(vi).unroll(mi);
  if (s.parallel)
    u.parallel(no);
}

/// The plain CPU schedule, from Kernel::schedule:
///  - vectorize the innermost output dimension by the schedule's width
///    (the selector's choice: the target's natural width for the widest
///    element the kernel stores, unless the lowering asked for one), when
///    its extent is at least that width (narrower dimensions stay scalar). A
///    pure definition covers a ragged end by shifting the last vector inwards
///    (recomputing a few points); an update must not apply twice, so it
///    guards the last vector with a predicate instead (GuardWithIf);
///  - run the outermost output dimension with extent > 1 in parallel when
///    the schedule is parallel (the selector: at least minParallelWork
///    points). When that
///    dimension is the innermost one too (a vector, or a [1][N] GEMV), it is
///    split into about 16 vector-aligned chunks run in parallel;
///  - the update definition gets the same on its pure dimensions; its
///    reduction stays innermost and serial. Rank-0 outputs are not scheduled.
///
/// An update must not run twice on a point: its last vector is guarded.
/// (Updates are normalized to self + x first; see hoistSelfAdd.)
///
/// Halide 14 drops that guard when the update reads its own value under a
/// select (select(self > x, self, x), a NaN-aware max, argmax): the last
/// vector then reads and writes past the end of its buffers (issue 19,
/// the int8 kernel's row maxima at 33 rows). Such an update gets the
/// widest vector that divides the dimension, so it has no tail; scalar
/// when the extent is odd.
/// The selector gives such an update that width as
/// Schedule::updateVectorWidth.
void Scheduler::plain(Halide::Func f, const Output &o) {
  CpuLoops l(pureArgs(o), o, s);
  l.schedule(f, Halide::TailStrategy::ShiftInwards);
  if (!f.has_update_definition())
    return;
  if (s.updateVectorWidth && l.vectorize)
    l.useWidth(s.updateVectorWidth);
  l.schedule(f.update(0), Halide::TailStrategy::GuardWithIf);
  if (rdom)
    unrollReduction(f.update(0));
}

} // namespace

TranslateOptions translateOptionsFor(const Kernel &k) {
  TranslateOptions options;
  bool cpu = k.schedule.device == Schedule::CPU;
  options.runtimeChecks = cpu;
  options.compactNonzero = cpu;
  options.plainDot = k.schedule.dotProduct > 1;
  if (k.schedule.recipe == Recipe::GatherRows)
    options.transposeRowsDim = k.outputs[0].loopDims[0];
  return options;
}

std::string applySchedule(const Kernel &k, Built &built) {
  return Scheduler(k, built).run();
}

} // namespace tern::kernel::detail
