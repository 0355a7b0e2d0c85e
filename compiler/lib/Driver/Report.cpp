//===- Report.cpp - The efficiency report (ternc --tern-report) -----------===//
//
// See Report.h. The figures per layer come from three places: the plan
// (stored bytes, the bytes each kernel call reads and writes), the kernel
// IR (operations counted by countOps, by element type) and the dense fp32
// twin measured on the imported module (DenseTwin.h). Everything derived
// from them is computed once, in `Row`, and printed by both writers.
//
// The energy table: M. Horowitz, "Computing's energy problem (and what we
// can do about it)", ISSCC 2014, figures for 45 nm at 0.9 V. Its DRAM
// figure is 1.3-2.6 nJ per 64-bit access; the low end is used (162.5 pJ a
// byte). It lists no 16-bit integer multiply: the 32-bit figure stands in
// (an upper bound). Operations other than multiplies and adds (compares,
// selects, bitwise decoding) are charged as 32-bit integer adds.
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include "tern/Plan/LayerSummary.h"
#include "tern/Version.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace tern::driver::detail {
namespace {

using tern::kernel::OpCounts;

// Energy per operation in picojoules (Horowitz, ISSCC 2014, 45 nm).
constexpr double kAddPj[OpCounts::NumClasses] = {0.9, 0.4, 0.03, 0.05, 0.1};
constexpr double kMulPj[OpCounts::NumClasses] = {3.7, 1.1, 0.2, 3.1, 3.1};
constexpr double kOtherPj = 0.1;         // as a 32-bit integer add
constexpr double kDramPjPerByte = 162.5; // 1.3 nJ per 64-bit access
constexpr double kSramPjPerByte = 1.25;  // 10 pJ per 64-bit read, 8 KB
constexpr const char *kEnergySource =
    "M. Horowitz, \"Computing's energy problem (and what we can do about "
    "it)\", ISSCC 2014: 45 nm, 0.9 V. DRAM: the low end of 1.3-2.6 nJ per "
    "64-bit access; cache: 8 KB SRAM, 10 pJ per 64-bit read. No 16-bit "
    "integer multiply is listed: the 32-bit figure is used. Other "
    "operations (compares, selects, bit decoding) count as 32-bit adds.";

struct Row {
  std::string name, op, format;
  int64_t params = 0, storedBytes = 0, denseBytes = 0;
  int64_t elements = 0, nonzeros = 0, zerosSkipped = 0;
  int64_t denseMacs = 0, replaced = 0, bytesMoved = 0;
  OpCounts ops;
  bool activationSkip = false;
  int kernelCalls = 0;
  double timeUs = 0, denseTimeUs = 0, energyUj = 0, denseEnergyUj = 0;
};

double seconds(const MachineModel &m, int64_t bytes, int64_t ops) {
  double memory = bytes / (m.bandwidthGBs * 1e9);
  // Vector additions or multiplications: one f32 vector of each a cycle.
  double peak = 2.0 * (m.floatVectorBytes / 4) * m.clockGHz * 1e9;
  return std::max(memory, ops / peak);
}

std::vector<Row> rows(const ReportInput &in, Row &total) {
  std::vector<Row> out;
  const MachineModel &m = in.machine;
  for (const plan::LayerSummary &l : plan::summarizeLayers(*in.plan)) {
    Row r;
    r.name = l.name;
    r.op = l.opType;
    r.format = l.format;
    r.storedBytes = l.weightBytes;
    r.elements = l.weightElements;
    r.nonzeros = l.weightNonzeros;
    // A dense kernel multiplies by its zeros; ternary and sparse ones
    // do not touch them.
    if (!r.format.empty() && r.format.rfind("dense ", 0) != 0)
      r.zerosSkipped = r.elements - r.nonzeros;
    r.bytesMoved = l.bytesMoved;
    r.ops = l.ops;
    r.activationSkip = l.skipsZeroActivations;
    r.kernelCalls = l.kernelCalls;
    auto twin = in.twin->find(l.name);
    if (twin != in.twin->end()) {
      r.params = twin->second.params;
      r.denseMacs = twin->second.macs;
    } else {
      r.params = r.elements;
    }
    r.denseBytes = 4 * r.params;
    r.replaced = std::max<int64_t>(0, r.denseMacs - r.ops.mults());
    int64_t activationBytes =
        std::max<int64_t>(0, r.bytesMoved - r.storedBytes);
    r.timeUs = 1e6 * seconds(m, r.bytesMoved, r.ops.arithmetic());
    // A layer without multiply-accumulates (pooling, an activation)
    // computes the same in its twin.
    bool macs = r.denseMacs > 0;
    r.denseTimeUs = 1e6 * seconds(m, activationBytes + r.denseBytes,
                                  macs ? 2 * r.denseMacs : r.ops.arithmetic());
    double arithmeticPj = 0;
    for (int c = 0; c < OpCounts::NumClasses; ++c)
      arithmeticPj += r.ops.mul[c] * kMulPj[c] + r.ops.add[c] * kAddPj[c];
    double sharedPj = r.ops.other * kOtherPj + activationBytes * kSramPjPerByte;
    r.energyUj =
        (arithmeticPj + sharedPj + r.storedBytes * kDramPjPerByte) * 1e-6;
    r.denseEnergyUj =
        ((macs ? r.denseMacs * (kMulPj[0] + kAddPj[0]) : arithmeticPj) +
         sharedPj + r.denseBytes * kDramPjPerByte) *
        1e-6;
    total.params += r.params;
    total.storedBytes += r.storedBytes;
    total.denseBytes += r.denseBytes;
    total.elements += r.elements;
    total.nonzeros += r.nonzeros;
    total.zerosSkipped += r.zerosSkipped;
    total.denseMacs += r.denseMacs;
    total.replaced += r.replaced;
    total.bytesMoved += r.bytesMoved;
    total.ops += r.ops;
    total.kernelCalls += r.kernelCalls;
    total.timeUs += r.timeUs;
    total.denseTimeUs += r.denseTimeUs;
    total.energyUj += r.energyUj;
    total.denseEnergyUj += r.denseEnergyUj;
    out.push_back(std::move(r));
  }
  return out;
}

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

llvm::json::Object byClass(const int64_t (&counts)[OpCounts::NumClasses]) {
  llvm::json::Object o;
  int64_t total = 0;
  for (int c = 0; c < OpCounts::NumClasses; ++c) {
    o[kernel::className(OpCounts::Class(c))] = counts[c];
    total += counts[c];
  }
  o["total"] = total;
  return o;
}

llvm::json::Object figures(const Row &r) {
  llvm::json::Object o;
  o["params"] = r.params;
  o["stored_bytes"] = r.storedBytes;
  o["dense_fp32_bytes"] = r.denseBytes;
  o["weight_elements"] = r.elements;
  o["weight_nonzeros"] = r.nonzeros;
  o["weight_zeros_skipped"] = r.zerosSkipped;
  o["dense_fp32_macs"] = r.denseMacs;
  o["multiplications"] = byClass(r.ops.mul);
  o["additions"] = byClass(r.ops.add);
  o["other_ops"] = r.ops.other;
  o["multiplications_replaced"] = r.replaced;
  o["bytes_moved"] = r.bytesMoved;
  o["kernel_calls"] = r.kernelCalls;
  o["estimated_time_us"] = r.timeUs;
  o["dense_fp32_estimated_time_us"] = r.denseTimeUs;
  o["energy_uj"] = r.energyUj;
  o["dense_fp32_energy_uj"] = r.denseEnergyUj;
  return o;
}

llvm::json::Object energyTable() {
  llvm::json::Object pj;
  for (int c = 0; c < OpCounts::NumClasses; ++c) {
    std::string cls = kernel::className(OpCounts::Class(c));
    pj[cls + "_add"] = kAddPj[c];
    pj[cls + "_mul"] = kMulPj[c];
  }
  pj["other_op"] = kOtherPj;
  pj["dram_byte"] = kDramPjPerByte;
  pj["cache_byte"] = kSramPjPerByte;
  return llvm::json::Object{{"unit", "pJ"},
                            {"source", kEnergySource},
                            {"per_operation", std::move(pj)}};
}

const char *kTimeModel =
    "roofline on one core: max(bytes moved / bandwidth, additions and "
    "multiplications / (2 f32 vectors a cycle x clock)); the dense fp32 "
    "twin does 2 operations per multiply-accumulate and stores 4 bytes per "
    "parameter (a layer without multiply-accumulates costs the same in "
    "both); weights from DRAM, activations from cache in the energy "
    "estimate";

} // namespace

std::string reportJson(const ReportInput &in) {
  Row total;
  std::vector<Row> layers = rows(in, total);
  llvm::json::Array array;
  for (const Row &r : layers) {
    llvm::json::Object o = figures(r);
    o["name"] = r.name;
    o["op"] = r.op;
    o["format"] = r.format;
    o["activation_zero_skipping"] = r.activationSkip;
    array.push_back(std::move(o));
  }
  llvm::json::Object totals = figures(total);
  totals["bytes_ratio"] = ratio(total.storedBytes, total.denseBytes);
  totals["multiplications_ratio"] = ratio(total.ops.mults(), total.denseMacs);
  totals["estimated_time_ratio"] = ratio(total.timeUs, total.denseTimeUs);
  totals["energy_ratio"] = ratio(total.energyUj, total.denseEnergyUj);
  llvm::json::Object machine{
      {"cores", 1},
      {"f32_vector_lanes", in.machine.floatVectorBytes / 4},
      {"clock_ghz", in.machine.clockGHz},
      {"bandwidth_gb_per_s", in.machine.bandwidthGBs},
      {"time_model", kTimeModel}};
  llvm::json::Object root{{"schema", "tern-report-1"},
                          {"model", in.plan->name},
                          {"source", in.plan->source},
                          {"target", in.target},
                          {"compiler", ::tern::versionLine()},
                          {"machine_model", std::move(machine)},
                          {"energy_table", energyTable()},
                          {"layers", std::move(array)},
                          {"totals", std::move(totals)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return text;
}

std::string reportMarkdown(const ReportInput &in) {
  Row total;
  std::vector<Row> layers = rows(in, total);
  std::string text;
  llvm::raw_string_ostream os(text);
  auto num = [](double v, int digits) {
    std::string s;
    llvm::raw_string_ostream o(s);
    o << llvm::format(("%." + std::to_string(digits) + "f").c_str(), v);
    return s;
  };
  auto row = [&](const Row &r, bool bold) {
    std::string b = bold ? "**" : "";
    os << "| " << b << r.name << b << " | " << r.op << " | " << r.format
       << (r.activationSkip ? " (skips zero inputs)" : "") << " | " << r.params
       << " | " << r.storedBytes << " | "
       << (r.denseBytes ? num(ratio(r.storedBytes, r.denseBytes), 3) : "-")
       << " | " << r.denseMacs << " | " << r.ops.mults() << " | "
       << r.ops.adds() << " | " << r.replaced << " | " << r.zerosSkipped
       << " | " << num(r.timeUs, 2) << " | " << num(r.energyUj, 3) << " | "
       << num(r.denseEnergyUj, 3) << " |\n";
  };
  os << "# Efficiency report: " << in.plan->name << "\n\n"
     << "Source `" << in.plan->source << "`, target `" << in.target
     << "`, compiled by " << ::tern::versionLine() << ".\n\n"
     << "| layer | op | format | params | stored bytes | vs fp32 | dense "
        "fp32 MACs | mults | adds | mults replaced | zero weights skipped | "
        "est. µs | energy µJ | fp32 energy µJ |\n"
     << "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        "\n";
  for (const Row &r : layers)
    row(r, false);
  total.name = "total";
  row(total, true);
  os << "\nAgainst the dense fp32 twin: "
     << num(ratio(total.storedBytes, total.denseBytes), 3) << "x the bytes, "
     << num(ratio(total.ops.mults(), total.denseMacs), 3)
     << "x the multiplications, "
     << num(ratio(total.timeUs, total.denseTimeUs), 3)
     << "x the estimated time, "
     << num(ratio(total.energyUj, total.denseEnergyUj), 3)
     << "x the estimated energy.\n\n"
     << "Time model: " << kTimeModel << " (" << in.machine.floatVectorBytes / 4
     << " f32 lanes, " << num(in.machine.clockGHz, 1) << " GHz, "
     << num(in.machine.bandwidthGBs, 0) << " GB/s).\n\n"
     << "Energy per operation (pJ), from " << kEnergySource << "\n\n"
     << "| operation | f32 | f16 | i8 | i16 | i32 |\n|---|---:|---:|---:|---:|"
        "---:|\n| add | ";
  auto pj = [](double v) { return llvm::format("%g", v); };
  for (int c = 0; c < OpCounts::NumClasses; ++c)
    os << pj(kAddPj[c]) << (c + 1 < OpCounts::NumClasses ? " | " : " |\n");
  os << "| multiply | ";
  for (int c = 0; c < OpCounts::NumClasses; ++c)
    os << pj(kMulPj[c]) << (c + 1 < OpCounts::NumClasses ? " | " : " |\n");
  os << "\nMemory: " << pj(kDramPjPerByte) << " pJ a byte from DRAM (weights), "
     << pj(kSramPjPerByte) << " pJ a byte from cache (activations).\n";
  return text;
}

} // namespace tern::driver::detail
