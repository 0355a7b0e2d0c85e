//===- TernSelectSchedule.cpp - Choose every kernel's schedule -----------===//
//
// The pass around tern::kernel::selectSchedule (the one place schedules are
// chosen): describes each linalg.generic as a kernel, selects its schedule
// for the target the options describe, and writes the result as the
// kernel's #tern.schedule.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernAttrs.h"
#include "tern/Kernel/SelectSchedule.h"
#include "tern/Target/Halide/LinalgToKernel.h"
#include "tern/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"

namespace mlir::tern {
#define GEN_PASS_DEF_TERNSELECTSCHEDULEPASS
#include "tern/Transforms/Passes.h.inc"
} // namespace mlir::tern

using namespace mlir;
using namespace mlir::tern;
namespace tk = ::tern::kernel;

static_assert(static_cast<int>(ScheduleDevice::Gpu) == tk::Schedule::GPU &&
                  static_cast<int>(ScheduleDevice::Hls) == tk::Schedule::HLS,
              "ScheduleDevice and tk::Schedule::Device must agree");
static_assert(static_cast<int>(ScheduleRecipe::Hls) ==
                  static_cast<int>(tk::Schedule::Recipe::Hls),
              "ScheduleRecipe and tk::Schedule::Recipe must agree");

namespace {

ScheduleAttr toAttr(MLIRContext *ctx, const tk::Schedule &s) {
  bool cpu = s.device == tk::Schedule::CPU;
  return ScheduleAttr::get(
      ctx, static_cast<ScheduleDevice>(s.device),
      static_cast<ScheduleRecipe>(s.recipe), cpu ? s.vectorWidth : 0,
      cpu ? s.updateVectorWidth : 0, cpu && s.parallel,
      cpu ? s.reductionUnroll : 0, cpu ? s.vectorBlocks : 0, s.dotProduct,
      cpu ? s.rows : 0, s.device == tk::Schedule::GPU ? s.gpuThreads : 0,
      s.device == tk::Schedule::HLS ? s.hlsReuse : 0);
}

struct TernSelectSchedulePass
    : public mlir::tern::impl::TernSelectSchedulePassBase<
          TernSelectSchedulePass> {
  using TernSelectSchedulePassBase::TernSelectSchedulePassBase;

  void runOnOperation() override {
    tk::TargetDesc target;
    target.device = static_cast<tk::Schedule::Device>(device.getValue());
    target.gpuFallback = gpuFallback;
    target.floatVectorBytes = floatVectorBytes;
    target.intVectorBytes = intVectorBytes;
    target.vectorRegisters = vectorRegisters;
    target.hlsReuse = hlsReuse;
    // The ranges #tern.schedule accepts: lanes up to 1024 (a byte element
    // in a vector of 1024 bytes), HLS reuse up to 2^20.
    auto inRange = [](int v, int hi) { return v >= 1 && v <= hi; };
    if (!inRange(floatVectorBytes, 1024) || !inRange(intVectorBytes, 1024) ||
        !inRange(vectorRegisters, 1024) || !inRange(hlsReuse, 1 << 20)) {
      getOperation().emitError()
          << "tern-select-schedule: float-vector-bytes, int-vector-bytes and "
             "vector-registers must be 1 to 1024, hls-reuse 1 to 2^20";
      return signalPassFailure();
    }
    bool failed = false;
    getOperation()->walk([&](linalg::GenericOp op) {
      ScheduleAttr given = getSchedule(op);
      // Already chosen, or a fill folded into the kernels it initializes.
      if ((given && given.getRecipe() != ScheduleRecipe::None) ||
          isFoldedFill(op))
        return;
      // A generic the backend cannot describe is reported where the model
      // is planned, with the op's location; here it keeps no schedule.
      FailureOr<KernelBuild> build = failure();
      {
        ScopedDiagnosticHandler silence(&getContext(),
                                        [](Diagnostic &) { return success(); });
        build = buildKernel(op, "kernel");
      }
      if (::mlir::failed(build))
        return;
      tk::Kernel &k = build->kernel;
      if (auto reuse = op->getAttrOfType<IntegerAttr>("tern.hls_reuse"))
        k.schedule.hlsReuse = static_cast<int>(reuse.getInt());
      tk::Selection selection = tk::selectSchedule(k, target);
      if (!selection.ok()) {
        op.emitError() << "the GPU path cannot run this kernel: "
                       << selection.gpuRefusal
                       << "; compile with --target=host-cuda to run it on "
                          "the CPU";
        failed = true;
        return;
      }
      if (!selection.cpuFallback.empty())
        op.emitRemark() << "this kernel runs on the CPU: "
                        << selection.cpuFallback;
      op->setAttr(kScheduleAttrName, toAttr(&getContext(), k.schedule));
    });
    if (failed)
      signalPassFailure();
  }
};

} // namespace
