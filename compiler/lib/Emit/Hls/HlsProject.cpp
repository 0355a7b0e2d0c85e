//===- HlsProject.cpp - ternc --target=hls: an HLS project from a plan ----===//
//
// The plan's kernels (with HLS schedules from tern-select-schedule) are
// printed by emitHls (Halide's
// lowered statements through the HLS printer). This file adds what turns
// them into a project: one top function that runs the plan's steps over
// `static const` weight ROMs and local activation arrays, the testbench, the
// Tcl script and the report. Resource figures are estimates from an operator
// model (see the report's "Model" section), not synthesis results.
//
//===----------------------------------------------------------------------===//

#include "tern/Emit/HlsProject.h"

#include "tern/Plan/PlanRunner.h"
#include "tern/Target/Halide/KernelCompiler.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace tern::emit {
namespace {

namespace tk = ::tern::kernel;
namespace tp = ::tern::plan;

int64_t bytesOf(tk::ScalarType t) { return t.bits <= 8 ? 1 : t.bits / 8; }

std::string ident(const std::string &s) {
  std::string out;
  for (char c : s)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out = "_" + out;
  return out;
}

/// Resources of the parts we know (7-series and UltraScale+ data sheets).
struct Part {
  const char *prefix;
  int64_t lut, ff, dsp, bram18;
};
const Part kParts[] = {
    {"xc7z010", 17600, 35200, 80, 120},
    {"xc7z020", 53200, 106400, 220, 280},
    {"xc7a35t", 20800, 41600, 90, 100},
    {"xc7a100t", 63400, 126800, 240, 270},
    {"xczu3eg", 70560, 141120, 360, 432},
    {"xczu7ev", 230400, 460800, 1728, 624},
    {"xczu9eg", 274080, 548160, 2520, 1824},
    {"xcvu9p", 1182240, 2364480, 6840, 4320},
    {"xcu250", 1728000, 3456000, 12288, 5376},
};

const Part *findPart(const std::string &name) {
  for (const Part &p : kParts)
    if (name.rfind(p.prefix, 0) == 0)
      return &p;
  return nullptr;
}

/// A C array of the project: a port, a weight ROM or an activation buffer.
struct Array {
  std::string name;
  tk::ScalarType type;
  int64_t size = 0;      ///< elements
  int64_t partition = 1; ///< cyclic factor (size: complete)
  bool port = false, rom = false;
  int64_t weightOffset = 0;
  int firstStep = -1; ///< the layer a ROM belongs to in the report
};

struct Layer {
  std::string location, kernel, loops;
  int64_t latency = 0, lut = 0, ff = 0, dsp = 0, bram = 0, multiplies = 0;
  int unroll = 1, ii = 1;
  std::vector<std::string> partitions;
};

/// Memory of one array: BRAM18 per bank when a bank holds more than 1 kbit,
/// else LUTRAM (64 bits per LUT), registers when completely partitioned.
void memoryOf(const Array &a, int64_t &bram, int64_t &lut, int64_t &ff) {
  int64_t bits = a.size * a.type.bits;
  int64_t banks = std::max<int64_t>(1, std::min(a.partition, a.size));
  if (banks >= a.size) {
    if (!a.rom)
      ff += bits; // a ROM completely partitioned folds into the logic
    return;
  }
  int64_t bankBits = (bits + banks - 1) / banks;
  if (bankBits > 1024)
    bram += banks * ((bankBits + 18431) / 18432);
  else
    lut += banks * ((bankBits + 63) / 64);
}

bool writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    llvm::errs() << "ternc: error: cannot write '" << path
                 << "': " << ec.message() << "\n";
    return false;
  }
  os << text;
  return true;
}

template <typename T>
void printElements(std::ostringstream &os, const T *data, int64_t n,
                   const std::string &indent) {
  for (int64_t i = 0; i < n; ++i) {
    if (i % 16 == 0)
      os << (i ? ",\n" : "") << indent;
    else
      os << ", ";
    os << static_cast<int64_t>(data[i]);
  }
  os << "\n";
}

void printBlob(std::ostringstream &os, tk::ScalarType t, const char *data,
               int64_t n) {
  auto go = [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> v(n);
    std::memcpy(v.data(), data, n * sizeof(T));
    printElements(os, v.data(), n, "    ");
  };
  bool s = t.kind == tk::ScalarType::Int;
  switch (t.bits) {
  case 1:
  case 8:
    s ? go(int8_t()) : go(uint8_t());
    break;
  case 16:
    s ? go(int16_t()) : go(uint16_t());
    break;
  case 32:
    s ? go(int32_t()) : go(uint32_t());
    break;
  default:
    s ? go(int64_t()) : go(uint64_t());
    break;
  }
}

std::string fmt(double v, int digits = 1) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(digits);
  os << v;
  return os.str();
}

} // namespace

int emitHlsProject(const tp::ModelPlan &planIn, const tp::Samples &samples,
                   const HlsOptions &opt) {
  auto error = [&](const std::string &msg) {
    llvm::errs() << "ternc: error: " << msg << "\n";
    return 1;
  };
  tp::ModelPlan plan = planIn;
  const std::string &name = plan.name;
  for (const tp::Port &p : plan.inputs)
    if (p.type.kind == tk::ScalarType::Float)
      return error("input '" + p.name +
                   "' is float: the HLS target needs integer mode");

  // 1. Kernels, printed with their HLS schedules.
  std::vector<tk::HlsKernel> hk(plan.kernels.size());
  for (size_t i = 0; i < plan.kernels.size(); ++i) {
    tk::Kernel &k = plan.kernels[i];
    if (tk::Status s = tk::emitHls(k, hk[i]); !s) {
      std::string where;
      for (const tp::Step &st : plan.steps)
        if (st.kind == tp::Step::Call && st.kernel == static_cast<int>(i)) {
          where = st.location + ": ";
          break;
        }
      return error(where + s.message);
    }
  }

  // 2. Arrays: ports, weight ROMs (one per offset and type), activation
  //    buffers (one per arena offset and type: reshapes of one tensor share
  //    its array, as they share its bytes on the CPU).
  std::vector<Array> arrays;
  std::map<std::string, int> byKey;
  auto arrayOf = [&](const tp::View &v, int step) -> int {
    Array a;
    a.type = v.type;
    a.size = tk::numElements(v.shape);
    switch (v.storage.kind) {
    case tp::Storage::Input:
      a.name = "in_" + ident(plan.inputs[v.storage.index].name);
      a.port = true;
      break;
    case tp::Storage::Output:
      a.name = "out_" + ident(plan.outputs[v.storage.index].name);
      a.port = true;
      break;
    case tp::Storage::Weight:
      a.name = "w" + std::to_string(v.storage.offset) + "_" + v.type.str();
      a.rom = true;
      a.weightOffset = v.storage.offset;
      break;
    case tp::Storage::Arena:
      a.name = "a" + std::to_string(v.storage.offset) + "_" + v.type.str();
      break;
    }
    auto it = byKey.find(a.name);
    if (it != byKey.end()) {
      Array &old = arrays[it->second];
      old.size = std::max(old.size, a.size); // views of one tensor
      return it->second;
    }
    a.firstStep = step;
    arrays.push_back(a);
    byKey[a.name] = static_cast<int>(arrays.size()) - 1;
    return static_cast<int>(arrays.size()) - 1;
  };
  for (size_t i = 0; i < plan.inputs.size(); ++i)
    arrayOf({{tp::Storage::Input, static_cast<int>(i), 0},
             plan.inputs[i].type,
             plan.inputs[i].shape},
            -1);
  for (size_t i = 0; i < plan.outputs.size(); ++i)
    arrayOf({{tp::Storage::Output, static_cast<int>(i), 0},
             plan.outputs[i].type,
             plan.outputs[i].shape},
            -1);
  std::vector<std::vector<int>> stepArrays(plan.steps.size());
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const tp::Step &st = plan.steps[s];
    for (size_t j = 0; j < st.args.size(); ++j) {
      int a = arrayOf(st.args[j], static_cast<int>(s));
      stepArrays[s].push_back(a);
      if (st.kind == tp::Step::Call) {
        int64_t p = hk[st.kernel].partition[j];
        arrays[a].partition = std::max(arrays[a].partition, p);
      }
    }
    if (st.kind == tp::Step::Copy &&
        (st.args.size() != 2 || st.args[0].type != st.args[1].type))
      return error(st.location + ": a reshape between different element "
                                 "types has no HLS form");
  }
  for (Array &a : arrays)
    if (a.rom && a.weightOffset + a.size * bytesOf(a.type) >
                     static_cast<int64_t>(plan.weights.size()))
      return error("weight array '" + a.name + "' lies outside the blob");

  // 3. NAME.cpp
  std::ostringstream cpp;
  cpp << "// " << name << ".cpp: generated by ternc --target=hls from "
      << opt.source << ".\n"
      << "// Integer-only HLS C++ for Vitis HLS: static bounds, no dynamic "
         "memory,\n// no floating point. Do not edit; regenerate instead.\n"
      << "#include \"" << name << ".h\"\n\n"
      << "// Loop labels name the loops in Vitis HLS reports; C compilers "
         "need not\n// see them used.\n"
      << "#ifdef __GNUC__\n#pragma GCC diagnostic ignored "
         "\"-Wunused-label\"\n#endif\n\n";
  for (const Array &a : arrays) {
    if (!a.rom)
      continue;
    cpp << "static const " << a.type.cType() << " " << a.name << "[" << a.size
        << "] = {\n";
    printBlob(cpp, a.type, plan.weights.data() + a.weightOffset, a.size);
    cpp << "};\n\n";
  }
  for (size_t i = 0; i < plan.kernels.size(); ++i) {
    // Partitioned parameters, so that the unrolled loops read them in one
    // cycle whether or not the function is inlined.
    std::string fn = hk[i].function;
    std::ostringstream pragmas;
    for (size_t j = 0; j < hk[i].params.size(); ++j)
      if (hk[i].partition[j] > 1)
        pragmas << "  #pragma HLS ARRAY_PARTITION variable=" << hk[i].params[j]
                << " cyclic factor=" << hk[i].partition[j] << "\n";
    size_t brace = fn.find("{\n");
    if (brace != std::string::npos)
      fn.insert(brace + 2, pragmas.str());
    cpp << "// " << plan.kernels[i].name << ": loops\n";
    std::istringstream loops(hk[i].loops);
    for (std::string line; std::getline(loops, line);)
      cpp << "//   " << line << "\n";
    cpp << fn << "\n";
  }
  // The top function's signature: the ports, inputs const.
  std::string top = "void " + name + "(";
  for (const Array &a : arrays)
    if (a.port)
      top += std::string(top.back() == '(' ? "" : ", ") +
             (a.name.rfind("in_", 0) == 0 ? "const " : "") + a.type.cType() +
             " " + a.name + "[" + std::to_string(a.size) + "]";
  top += ")";
  cpp << top << " {\n";
  for (const Array &a : arrays)
    if (a.port)
      cpp << "  #pragma HLS INTERFACE mode=ap_memory port=" << a.name << "\n";
  cpp << "  #pragma HLS INTERFACE mode=ap_ctrl_hs port=return\n";
  for (const Array &a : arrays) {
    if (a.port || a.rom)
      continue;
    cpp << "  static " << a.type.cType() << " " << a.name << "[" << a.size
        << "];\n";
  }
  // Ports too (as hls4ml's io_parallel): a partitioned port becomes one
  // memory port per bank, so unrolled layers read their inputs in parallel.
  for (const Array &a : arrays) {
    if (a.partition <= 1)
      continue;
    if (a.partition >= a.size)
      cpp << "  #pragma HLS ARRAY_PARTITION variable=" << a.name
          << " complete\n";
    else
      cpp << "  #pragma HLS ARRAY_PARTITION variable=" << a.name
          << " cyclic factor=" << a.partition << "\n";
  }
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const tp::Step &st = plan.steps[s];
    cpp << "  // " << st.location << "\n";
    if (st.kind == tp::Step::Copy) {
      int64_t n = tk::numElements(st.args[0].shape);
      cpp << "L_copy" << s << ":\n  for (int i = 0; i < " << n
          << "; i++) {\n    #pragma HLS PIPELINE II=1\n    "
          << arrays[stepArrays[s][1]].name
          << "[i] = " << arrays[stepArrays[s][0]].name << "[i];\n  }\n";
      continue;
    }
    cpp << "  " << plan.kernels[st.kernel].name << "(";
    for (size_t j = 0; j < stepArrays[s].size(); ++j)
      cpp << (j ? ", " : "") << arrays[stepArrays[s][j]].name;
    cpp << ");\n";
  }
  cpp << "}\n";

  // 4. NAME.h
  std::string guard = ident(name);
  std::transform(guard.begin(), guard.end(), guard.begin(), ::toupper);
  std::ostringstream h;
  h << "// " << name << ".h: the HLS top function of " << opt.source
    << " (ternc --target=hls).\n"
    << "//\n// Integer mode: an input holds round(x / scale) clamped to its "
       "type's range;\n// an output's real value is its integer times its "
       "scale.\n"
    << "#ifndef " << guard << "_H\n#define " << guard << "_H\n\n"
    << "#include <stdint.h>\n\n";
  auto portScale = [&](bool input, size_t i) {
    double scale = input ? plan.inputs[i].scale : plan.outputs[i].scale;
    return scale > 0 ? scale : 1.0;
  };
  for (size_t i = 0; i < plan.inputs.size(); ++i)
    h << "#define " << guard << "_IN_" << ident(plan.inputs[i].name) << "_SIZE "
      << tk::numElements(plan.inputs[i].shape) << "\n#define " << guard
      << "_IN_" << ident(plan.inputs[i].name) << "_SCALE "
      << llvm::formatv("{0:e9}", portScale(true, i)).str() << "\n";
  for (size_t i = 0; i < plan.outputs.size(); ++i)
    h << "#define " << guard << "_OUT_" << ident(plan.outputs[i].name)
      << "_SIZE " << tk::numElements(plan.outputs[i].shape) << "\n#define "
      << guard << "_OUT_" << ident(plan.outputs[i].name) << "_SCALE "
      << llvm::formatv("{0:e9}", portScale(false, i)).str() << "\n";
  h << "\n" << top << ";\n\n#endif\n";

  // 5. Golden vectors: the samples quantized with the input scales, run
  //    through the CPU build (Halide JIT) of the same integer plan.
  int64_t count = std::min<int64_t>(samples.count, opt.testbenchSamples);
  std::vector<std::vector<std::vector<char>>> tbIn(count), tbOut(count);
  {
    tp::PlanRunner runner;
    if (tk::Status s = runner.prepare(planIn); !s)
      return error("cannot run the CPU build for the testbench: " + s.message);
    for (int64_t n = 0; n < count; ++n) {
      const float *x = samples.sample(n);
      std::vector<const void *> ins;
      std::vector<void *> outs;
      for (size_t i = 0; i < plan.inputs.size(); ++i) {
        const tp::Port &p = plan.inputs[i];
        int64_t e = tk::numElements(p.shape);
        std::vector<char> buf(e * bytesOf(p.type));
        double scale = portScale(true, i);
        double qmax = std::ldexp(1.0, p.type.bits - 1) - 1;
        for (int64_t j = 0; j < e; ++j) {
          double q = std::nearbyint(x[j] / scale);
          q = std::max(-qmax, std::min(qmax, q));
          if (p.type.bits == 8) {
            int8_t v = static_cast<int8_t>(q);
            std::memcpy(buf.data() + j, &v, 1);
          } else {
            int16_t v = static_cast<int16_t>(q);
            std::memcpy(buf.data() + 2 * j, &v, 2);
          }
        }
        x += e;
        tbIn[n].push_back(std::move(buf));
      }
      for (const tp::Port &p : plan.outputs)
        tbOut[n].emplace_back(tk::numElements(p.shape) * bytesOf(p.type));
      for (auto &b : tbIn[n])
        ins.push_back(b.data());
      for (auto &b : tbOut[n])
        outs.push_back(b.data());
      if (tk::Status s = runner.run(ins, outs); !s)
        return error("the CPU build failed on sample " + std::to_string(n) +
                     ": " + s.message);
    }
  }

  // 6. NAME_tb.cpp
  std::ostringstream tb;
  tb << "// " << name
     << "_tb.cpp: C-simulation testbench (ternc "
        "--target=hls).\n"
     << "// The expected outputs were computed by Tern's CPU build of the "
        "same integer\n// model; any difference is a mismatch (exit code "
        "1).\n"
     << "#include \"" << name << ".h\"\n\n#include <stdio.h>\n\n"
     << "#define TB_SAMPLES " << count << "\n\n";
  // One array per port: [sample][element].
  auto vectors = [&](const std::vector<tp::Port> &ports, const char *prefix,
                     const std::vector<std::vector<std::vector<char>>> &data) {
    for (size_t i = 0; i < ports.size(); ++i) {
      const tp::Port &p = ports[i];
      int64_t e = tk::numElements(p.shape);
      tb << "static const " << p.type.cType() << " " << prefix << ident(p.name)
         << "[TB_SAMPLES][" << e << "] = {\n";
      for (int64_t n = 0; n < count; ++n) {
        tb << "  {\n";
        printBlob(tb, p.type, data[n][i].data(), e);
        tb << "  },\n";
      }
      tb << "};\n\n";
    }
  };
  vectors(plan.inputs, "tb_in_", tbIn);
  vectors(plan.outputs, "tb_out_", tbOut);
  tb << "int main() {\n  int mismatches = 0;\n"
     << "  for (int n = 0; n < TB_SAMPLES; n++) {\n";
  for (const tp::Port &p : plan.outputs)
    tb << "    static " << p.type.cType() << " out_" << ident(p.name) << "["
       << tk::numElements(p.shape) << "];\n";
  tb << "    " << name << "(";
  {
    bool first = true;
    for (const tp::Port &p : plan.inputs) {
      tb << (first ? "" : ", ") << "tb_in_" << ident(p.name) << "[n]";
      first = false;
    }
    for (const tp::Port &p : plan.outputs) {
      tb << (first ? "" : ", ") << "out_" << ident(p.name);
      first = false;
    }
  }
  tb << ");\n";
  for (const tp::Port &p : plan.outputs) {
    std::string o = ident(p.name);
    tb << "    for (int i = 0; i < " << tk::numElements(p.shape) << "; i++)\n"
       << "      if (out_" << o << "[i] != tb_out_" << o << "[n][i]) {\n"
       << "        if (mismatches < 10)\n"
       << "          printf(\"sample %d: " << o
       << "[%d] = %ld, expected %ld\\n\", n, i, (long)out_" << o
       << "[i], (long)tb_out_" << o << "[n][i]);\n"
       << "        mismatches++;\n      }\n";
  }
  tb << "  }\n  if (mismatches) {\n"
     << "    printf(\"FAIL: %d mismatches over %d samples\\n\", mismatches, "
        "TB_SAMPLES);\n    return 1;\n  }\n"
     << "  printf(\"PASS: %d samples bit-exact against the CPU build\\n\", "
        "TB_SAMPLES);\n  return 0;\n}\n";

  // 7. run_hls.tcl
  std::ostringstream tcl;
  tcl << "# run_hls.tcl: Vitis HLS flow for " << name
      << " (ternc --target=hls).\n"
      << "# Run: vitis_hls -f run_hls.tcl   (C simulation, synthesis, "
         "co-simulation, export)\n"
      << "open_project -reset " << name << "_prj\n"
      << "set_top " << name << "\n"
      << "add_files " << name << ".cpp\n"
      << "add_files -tb " << name << "_tb.cpp\n"
      << "open_solution -reset solution1 -flow_target vivado\n"
      << "set_part {" << opt.fpgaPart << "}\n"
      << "create_clock -period " << fmt(opt.clockNs, 2) << " -name default\n"
      << "csim_design\n"
      << "csynth_design\n"
      << "cosim_design\n"
      << "export_design -format ip_catalog\n"
      << "exit\n";

  // 8. Report.
  std::vector<Layer> layers;
  int64_t totalLatency = 0;
  Layer buffers;
  buffers.location = "activation buffers";
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const tp::Step &st = plan.steps[s];
    Layer l;
    l.location = st.location;
    if (st.kind == tp::Step::Copy) {
      l.kernel = "copy";
      l.latency = tk::numElements(st.args[0].shape) + 2;
    } else {
      const tk::HlsKernel &k = hk[st.kernel];
      l.kernel = plan.kernels[st.kernel].name;
      l.loops = k.loops;
      l.latency = k.latency;
      l.lut = k.lut;
      l.ff = k.ff;
      l.dsp = k.dsp;
      l.multiplies = k.multiplies;
      l.unroll = k.unroll;
      l.ii = k.ii;
      for (size_t j = 0; j < st.args.size(); ++j) {
        const Array &a = arrays[stepArrays[s][j]];
        if (a.partition > 1)
          l.partitions.push_back(
              a.name + (a.partition >= a.size
                            ? std::string(" complete")
                            : " cyclic " + std::to_string(a.partition)));
        if (a.rom && a.firstStep == static_cast<int>(s))
          memoryOf(a, l.bram, l.lut, l.ff);
      }
    }
    totalLatency += l.latency;
    layers.push_back(l);
  }
  for (const Array &a : arrays)
    if (!a.rom)
      memoryOf(a, buffers.bram, buffers.lut, buffers.ff);
  layers.push_back(buffers);
  Layer total;
  for (const Layer &l : layers) {
    total.lut += l.lut;
    total.ff += l.ff;
    total.dsp += l.dsp;
    total.bram += l.bram;
    total.multiplies += l.multiplies;
  }
  const Part *part = findPart(opt.fpgaPart);
  std::string overBy;
  if (part) {
    auto check = [&](const char *what, int64_t used, int64_t have) {
      if (used > have)
        overBy += std::string(overBy.empty() ? "" : ", ") + what + " " +
                  std::to_string(used) + " of " + std::to_string(have);
    };
    check("LUT", total.lut, part->lut);
    check("FF", total.ff, part->ff);
    check("DSP", total.dsp, part->dsp);
    check("BRAM18", total.bram, part->bram18);
  }

  std::ostringstream md, js;
  md << "# HLS report: " << name << "\n\n"
     << "Source `" << opt.source << "`, part `" << opt.fpgaPart << "`, clock "
     << fmt(opt.clockNs, 2) << " ns, default reuse factor "
     << std::max(1, opt.reuse) << ".\n\n"
     << "Estimated latency: **" << totalLatency << " cycles** ("
     << fmt(totalLatency * opt.clockNs / 1000.0, 2) << " us at "
     << fmt(1000.0 / opt.clockNs, 0)
     << " MHz); the layers run one after another, so the model's "
        "initiation interval equals its latency.\n\n"
     << "| layer | kernel | unroll | II | partitioned arrays | LUT | FF | DSP "
        "| "
        "BRAM18 | multiplies | latency (cycles) |\n"
     << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Layer &l : layers) {
    std::string parts;
    for (const std::string &p : l.partitions)
      parts += (parts.empty() ? "" : ", ") + p;
    md << "| " << l.location << " | " << l.kernel << " | " << l.unroll << " | "
       << l.ii << " | " << (parts.empty() ? "-" : parts) << " | " << l.lut
       << " | " << l.ff << " | " << l.dsp << " | " << l.bram << " | "
       << l.multiplies << " | " << l.latency << " |\n";
  }
  md << "| **total** | | | | | " << total.lut << " | " << total.ff << " | "
     << total.dsp << " | " << total.bram << " | " << total.multiplies << " | "
     << totalLatency << " |\n\n";
  if (part)
    md << "Part `" << part->prefix << "`: " << part->lut << " LUT, " << part->ff
       << " FF, " << part->dsp << " DSP, " << part->bram18 << " BRAM18 ("
       << fmt(100.0 * total.lut / part->lut) << "% / "
       << fmt(100.0 * total.ff / part->ff) << "% / "
       << fmt(100.0 * total.dsp / part->dsp) << "% / "
       << fmt(100.0 * total.bram / part->bram18) << "% used).\n\n";
  else
    md << "Part `" << opt.fpgaPart
       << "` is not in Tern's table; the estimate is not compared.\n\n";
  if (!overBy.empty())
    md << "**Warning: the estimate exceeds the part (" << overBy
       << ").** Raise `--hls-reuse` or choose a larger part.\n\n";
  md << "## Loops\n\n```\n";
  for (size_t i = 0; i < plan.kernels.size(); ++i)
    md << plan.kernels[i].name << "\n" << hk[i].loops;
  md << "```\n\n## Model\n\n"
     << "Estimates, not synthesis results (run `run_hls.tcl` with Vitis HLS "
        "for those). Each operator of a loop body counts once per copy the "
        "unrolled loops around it make: an add, subtract, min, max or "
        "select of b bits is b LUTs; a compare b/2; a multiplication of two "
        "variables is ceil(wa/25)*ceil(wb/18) DSP48s (operand widths before "
        "widening); a multiplication by a constant is a shift and an adder "
        "(b LUTs); each stored value has b flip-flops of pipeline register; "
        "each loop counter 3 log2(trip) LUT+FF. Arrays: a bank above 1 kbit "
        "is ceil(bits/18432) BRAM18, smaller banks LUTRAM (64 bits per LUT), "
        "complete partitioning registers (ROMs then fold into logic). "
        "Latency: a pipelined loop takes (trip - 1) * II + depth cycles, "
        "depth = 3 + its adder-tree stages (log2 of the unroll factor) + "
        "half the adders of its body; other loops take trip * (body + 1).\n";

  js << "{\n  \"name\": \"" << name << "\",\n  \"part\": \"" << opt.fpgaPart
     << "\",\n  \"clock_ns\": " << opt.clockNs
     << ",\n  \"reuse\": " << std::max(1, opt.reuse)
     << ",\n  \"latency_cycles\": " << totalLatency
     << ",\n  \"interval_cycles\": " << totalLatency << ",\n  \"total\": {"
     << "\"lut\": " << total.lut << ", \"ff\": " << total.ff
     << ", \"dsp\": " << total.dsp << ", \"bram18\": " << total.bram
     << ", \"multiplies\": " << total.multiplies << "},\n  \"fits\": "
     << (part ? (overBy.empty() ? "true" : "false") : "null")
     << ",\n  \"layers\": [\n";
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer &l = layers[i];
    js << "    {\"location\": \"" << l.location << "\", \"kernel\": \""
       << l.kernel << "\", \"unroll\": " << l.unroll << ", \"ii\": " << l.ii
       << ", \"partition\": [";
    for (size_t j = 0; j < l.partitions.size(); ++j)
      js << (j ? ", " : "") << "\"" << l.partitions[j] << "\"";
    js << "], \"lut\": " << l.lut << ", \"ff\": " << l.ff
       << ", \"dsp\": " << l.dsp << ", \"bram18\": " << l.bram
       << ", \"multiplies\": " << l.multiplies
       << ", \"latency_cycles\": " << l.latency << "}"
       << (i + 1 < layers.size() ? "," : "") << "\n";
  }
  js << "  ]\n}\n";

  // 9. Write.
  if (std::error_code ec = llvm::sys::fs::create_directories(opt.outDir))
    return error("cannot create '" + opt.outDir + "': " + ec.message());
  auto path = [&](const std::string &f) {
    llvm::SmallString<256> p(opt.outDir);
    llvm::sys::path::append(p, f);
    return std::string(p);
  };
  if (!writeFile(path(name + ".cpp"), cpp.str()) ||
      !writeFile(path(name + ".h"), h.str()) ||
      !writeFile(path(name + "_tb.cpp"), tb.str()) ||
      !writeFile(path("run_hls.tcl"), tcl.str()) ||
      !writeFile(path("report.md"), md.str()) ||
      !writeFile(path("report.json"), js.str()))
    return 1;
  if (!overBy.empty())
    llvm::errs() << "ternc: warning: the estimate does not fit " << opt.fpgaPart
                 << " (" << overBy
                 << "); raise --hls-reuse or choose a larger --fpga-part "
                    "(see report.md)\n";
  if (!opt.quiet)
    llvm::errs() << "ternc: HLS estimate: " << totalLatency << " cycles, "
                 << total.lut << " LUT, " << total.ff << " FF, " << total.dsp
                 << " DSP, " << total.bram << " BRAM18\n";
  return 0;
}

} // namespace tern::emit
