//===- LibraryWriter.cpp - C header, driver and weights of a model -*- C++ -*-//
//
// See LibraryWriter.h. The generated C keeps every check a caller can fail
// (null pointers, shapes of tensor descriptors) in the driver, before any
// kernel runs, so kernels never see a bad buffer; Halide's own assertions
// stay on as a second line.
//
//===----------------------------------------------------------------------===//

#include "tern/Emit/LibraryWriter.h"
#include "CText.h"
#include "CpuDispatch.h"
#include "tern/Plan/LayerSummary.h"
#include "tern/Version.h"

#include <cstdio>
#include <map>
#include <set>
#include <sstream>

using namespace tern;
using namespace tern::emit;
using namespace tern::emit::detail;
using tern::kernel::ScalarType;

static const std::set<std::string> &cKeywords() {
  static const std::set<std::string> words = {
      "auto",     "break",    "case",     "char",   "const",    "continue",
      "default",  "do",       "double",   "else",   "enum",     "extern",
      "float",    "for",      "goto",     "if",     "inline",   "int",
      "long",     "register", "restrict", "return", "short",    "signed",
      "sizeof",   "static",   "struct",   "switch", "typedef",  "union",
      "unsigned", "void",     "volatile", "while",  "_Bool",    "_Complex",
      "bool",     "true",     "false",    "class",  "template", "new",
      "delete",   "this",     "operator"};
  return words;
}

std::string emit::modelNameProblem(const std::string &name) {
  if (name.empty())
    return "it is empty";
  if (name.size() > 64)
    return "it is longer than 64 characters";
  if (cKeywords().count(name))
    return "it is a C keyword";
  if (!(isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return "a C identifier starts with a letter or '_'";
  for (char c : name)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return std::string("'") + c + "' is not allowed in a C identifier";
  // The runtime's and Halide's C symbols: NAME_create, NAME_info ... would
  // collide with tern_create_options, tern_arena_create, tern_tensor_info.
  if (name == "tern" || name.rfind("tern_", 0) == 0)
    return "'tern' and names starting with 'tern_' are reserved for the "
           "runtime's C API (tern_arena_create, tern_tensor_info, ...)";
  if (name.rfind("halide", 0) == 0 || name.rfind("_halide", 0) == 0)
    return "names starting with 'halide' are reserved for Halide's runtime";
  return "";
}

static std::string sanitize(const std::string &name) {
  std::string s;
  for (char c : name)
    s += (isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (s.empty() || isdigit(static_cast<unsigned char>(s[0])))
    s = "t_" + s;
  if (cKeywords().count(s))
    s += "_";
  return s;
}

std::vector<std::string> emit::parameterNames(const plan::ModelPlan &plan) {
  std::vector<std::string> names;
  // `model` is the handle; the rest are locals of the generated run
  // functions (<name>_run, <name>_run_device).
  std::set<std::string> used = {"model", "in",     "out", "b",   "i",
                                "err",   "status", "v",   "ptr", "kind"};
  auto add = [&](const std::string &raw) {
    std::string base = sanitize(raw), name = base;
    for (int i = 2; used.count(name); ++i)
      name = base + "_" + std::to_string(i);
    used.insert(name);
    names.push_back(name);
  };
  for (const plan::Port &p : plan.inputs)
    add(p.name);
  for (const plan::Port &p : plan.outputs)
    add(p.name);
  return names;
}

static std::string cType(ScalarType t) {
  switch (t.kind) {
  case ScalarType::Float:
    return t.bits == 64 ? "double" : (t.bits == 16 ? "uint16_t" : "float");
  case ScalarType::Int:
    return "int" + std::to_string(t.bits) + "_t";
  case ScalarType::UInt:
    return "uint" + std::to_string(t.bits) + "_t";
  case ScalarType::Bool:
    return "uint8_t";
  }
  return "void";
}

static std::string dtypeEnum(ScalarType t) {
  switch (t.kind) {
  // Ports are limited to these types by the model builder.
  case ScalarType::Float:
    return t.bits == 64 ? "TERN_DTYPE_F64" : "TERN_DTYPE_F32";
  case ScalarType::Int:
    return "TERN_DTYPE_I" + std::to_string(t.bits);
  case ScalarType::UInt:
    return "TERN_DTYPE_U8";
  case ScalarType::Bool:
    return "TERN_DTYPE_BOOL";
  }
  return "TERN_DTYPE_F32";
}

/// halide_type_code_t: 0 int, 1 uint, 2 float.
static int halideCode(ScalarType t) {
  switch (t.kind) {
  case ScalarType::Int:
    return 0;
  case ScalarType::UInt:
  case ScalarType::Bool:
    return 1;
  case ScalarType::Float:
    return 2;
  }
  return 0;
}

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

static std::string portList(const std::vector<plan::Port> &ports) {
  std::string s;
  for (const plan::Port &p : ports) {
    s += " *   " + commentSafe(p.name) + ": " + p.type.str() + " " +
         shapeText(p.shape);
    if (p.scale > 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.9g", p.scale);
      s += std::string(", integer mode: real value = integer * ") + buf;
    }
    s += "\n";
  }
  return s;
}

/// The signature of <name>_run (typed host pointers) or, with `device`,
/// <name>_run_device (untyped CUDA device pointers): the model handle, then
/// the inputs (const), then the outputs. No trailing ";" or "{".
static std::string runSignature(const plan::ModelPlan &plan, bool device) {
  std::vector<std::string> params = parameterNames(plan);
  std::string s = "tern_status " + plan.name +
                  (device ? "_run_device(" : "_run(") + plan.name +
                  "_model *model";
  size_t p = 0;
  for (const plan::Port &port : plan.inputs)
    s += ",\n    const " + (device ? std::string("void") : cType(port.type)) +
         " *" + params[p++];
  for (const plan::Port &port : plan.outputs)
    s += ",\n    " + (device ? std::string("void") : cType(port.type)) + " *" +
         params[p++];
  return s + ")";
}

/// GPU targets: the declaration of <name>_run_device.
static std::string deviceDecl(const plan::ModelPlan &plan) {
  std::ostringstream os;
  os << "/* GPU: runs the model on CUDA device pointers (inputs, then\n"
     << " * outputs), synchronously: the outputs are complete on return.\n"
     << " * Available when every kernel runs on the GPU; otherwise it\n"
     << " * returns TERN_ERROR_INVALID_ARGUMENT and says why. */\n"
     << runSignature(plan, /*device=*/true) << ";\n\n";
  return os.str();
}

std::string emit::generateHeader(const plan::ModelPlan &plan,
                                 const std::string &target,
                                 const std::string &buildId) {
  const std::string &n = plan.name;
  std::string guard = "TERN_MODEL_" + upper(n) + "_H";

  std::ostringstream os;
  os << "/* " << n << ".h - generated by ternc from "
     << commentSafe(plan.source.empty() ? "<stdin>" : plan.source)
     << " for target " << commentSafe(target) << ". Do not edit.\n"
     << " *\n"
     << " * Inputs:\n"
     << portList(plan.inputs) << " * Outputs:\n"
     << portList(plan.outputs) << " *\n"
     << " * Buffers are contiguous and row-major. Every function returns\n"
     << " * TERN_OK (0) on success; otherwise tern_last_error() says why.\n"
     << " * A model handle may be used by one thread at a time. See\n"
     << " * tern/runtime.h for ownership rules.\n"
     << " *\n * Compiled by " << ::tern::versionLine() << ". */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"tern/runtime.h\"\n\n"
     << "/* The compiler that generated this model. */\n"
     << "#define " << upper(n) << "_TERN_VERSION \"" << ::tern::version()
     << "\"\n"
     << "#define " << upper(n) << "_TERN_COMMIT \"" << ::tern::gitCommit()
     << "\"\n\n"
     << (buildId.empty() ? std::string() : detail::linkCheck(n, buildId))
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "typedef struct " << n << "_model " << n << "_model;\n\n"
     << "/* Names, element types and shapes of the inputs and outputs. */\n"
     << "const tern_model_info *" << n << "_info(void);\n\n"
     << "/* Creates a model instance (its activation memory; weights are\n"
     << " * embedded in the library). `options` may be NULL. */\n"
     << "tern_status " << n << "_create(" << n
     << "_model **out_model, const tern_create_options *options);\n\n"
     << "/* Runs the model: inputs, then outputs. */\n"
     << runSignature(plan, /*device=*/false) << ";\n\n"
     << "/* Runs the model on tensor descriptors, checked against the info\n"
     << " * table (dtype, rank and every dimension). */\n"
     << "tern_status " << n << "_run_tensors(" << n
     << "_model *model, const tern_tensor *inputs,\n"
     << "    size_t num_inputs, tern_tensor *outputs, size_t num_outputs);\n\n"
     << (plan.gpu ? deviceDecl(plan) : std::string())
     << "/* The target `model`'s kernels run as: of the Halide targets the\n"
     << " * library was compiled for (ternc --target=A,B,...), the first this\n"
     << " * CPU has, or the one the environment variable TERN_TARGET names.\n"
     << " * NULL for a NULL model. */\n"
     << "const char *" << n << "_target(const " << n << "_model *model);\n\n"
     << "/* Per-layer profile, layers as in " << n << "_info()->layers.\n"
     << " * Off by default. Turning it on (enabled != 0) clears the\n"
     << " * counters; then each run adds the time of each kernel call to\n"
     << " * its layer (two clock reads per call; on a GPU, a wait for the\n"
     << " * kernel). */\n"
     << "tern_status " << n << "_set_profiling(" << n
     << "_model *model, int32_t enabled);\n\n"
     << "/* The profile since profiling was turned on: nanoseconds per layer\n"
     << " * into ns[0 .. num_layers), num_layers being info->num_layers, and\n"
     << " * the runs profiled into *runs (either may be NULL). */\n"
     << "tern_status " << n << "_profile(const " << n
     << "_model *model, uint64_t *ns, int32_t num_layers,\n"
     << "    int64_t *runs);\n\n"
     << "/* Releases a model instance; NULL is a no-op. */\n"
     << "void " << n << "_destroy(" << n << "_model *model);\n\n"
     << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n"
     << "#endif /* " << guard << " */\n";
  return os.str();
}

namespace {

/// The model's distinct buffer descriptors. Every view a step uses maps to
/// one persistent halide_buffer_t in the model instance, keyed by storage,
/// shape and type, so that on a GPU each keeps its device allocation (and
/// the weights stay on the device) from one run to the next.
struct BufferTable {
  std::vector<plan::View> views;
  std::map<std::string, int> byKey;

  static std::string key(const plan::View &v) {
    std::string k = std::to_string(v.storage.kind) + ":" +
                    std::to_string(v.storage.index) + ":" +
                    std::to_string(v.storage.offset) + ":" + v.type.str() + ":";
    for (int64_t d : v.shape)
      k += std::to_string(d) + "x";
    return k;
  }
  /// The bytes a view lives in, regardless of shape: aliases share it.
  static std::string storageKey(const plan::View &v) {
    return std::to_string(v.storage.kind) + ":" +
           std::to_string(v.storage.index) + ":" +
           std::to_string(v.storage.offset);
  }
  int get(const plan::View &v) {
    auto [it, inserted] = byKey.try_emplace(key(v), int(views.size()));
    if (inserted)
      views.push_back(v);
    return it->second;
  }
};

} // namespace

std::string emit::generateDriver(const plan::ModelPlan &plan) {
  std::vector<int> stepLayer;
  std::vector<plan::LayerSummary> layers =
      plan::summarizeLayers(plan, &stepLayer);
  const std::string &n = plan.name;
  std::vector<std::string> params = parameterNames(plan);
  BufferTable table;
  for (const plan::Step &s : plan.steps)
    for (const plan::View &v : s.args)
      table.get(v);
  size_t numBuffers = std::max<size_t>(1, table.views.size());
  size_t maxRank = 1;
  for (const plan::View &v : table.views)
    maxRank = std::max(maxRank, v.shape.size());
  bool gpu = plan.gpu;
  // Device pointers can be passed only when every kernel runs on the GPU
  // and every output is written by a kernel (no host copies).
  bool deviceApi = gpu && plan.cpuFallbacks.empty();
  bool ioAliasSync = false;
  {
    // A reshape of a caller's buffer read after another descriptor wrote it
    // goes through host memory, which device-pointer runs do not have.
    std::map<std::string, int> writer;
    for (const plan::Step &s : plan.steps) {
      if (s.kind == plan::Step::Copy) {
        deviceApi = false;
        continue;
      }
      size_t numIn = plan.kernels[s.kernel].inputs.size();
      for (size_t a = 0; a < s.args.size(); ++a) {
        int id = table.get(s.args[a]);
        std::string key = BufferTable::storageKey(s.args[a]);
        bool io = s.args[a].storage.kind == plan::Storage::Input ||
                  s.args[a].storage.kind == plan::Storage::Output;
        if (a < numIn) {
          auto it = writer.find(key);
          if (io && it != writer.end() && it->second != id)
            ioAliasSync = true;
        } else {
          writer[key] = id;
        }
      }
    }
  }
  if (ioAliasSync)
    deviceApi = false;

  std::ostringstream os;
  os << "/* " << n << "_driver.c - generated by ternc. Do not edit.\n"
     << " * Calls the model's kernels in order over the caller's buffers,\n"
     << " * the embedded weights and the instance's activation arena"
     << (gpu ? ",\n * moving data between host and GPU as kernels need it" : "")
     << ". */\n"
     << "#include \"" << n << ".h\"\n\n"
     << "#include <HalideRuntime.h>\n"
     << (gpu ? "#include <HalideRuntimeCuda.h>\n" : "")
     << "#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
     << "#include <string.h>\n\n"
     << "extern const unsigned char " << n << "_weights_data[];\n";
  size_t numVariants = std::max<size_t>(1, plan.targets.size());
  for (const kernel::Kernel &k : plan.kernels)
    for (size_t v = 0; v < numVariants; ++v) {
      os << "int " << plan::variantKernelName(k.name, v) << "(";
      size_t count = k.inputs.size() + k.outputs.size();
      for (size_t i = 0; i < count; ++i)
        os << (i ? ", " : "") << "struct halide_buffer_t *";
      os << ");\n";
    }

  // Info tables.
  // Emitted even for no ports (one unused entry: C has no empty arrays), so
  // that run_tensors compiles for models without inputs or outputs.
  auto infoTable = [&](const char *what, const std::vector<plan::Port> &ps) {
    os << "\nstatic const tern_tensor_info " << n << "_" << what
       << "_info[] = {\n";
    if (ps.empty())
      os << "    {NULL, TERN_DTYPE_F32, 0, {0}},\n";
    for (const plan::Port &p : ps) {
      os << "    {" << cString(p.name) << ", " << dtypeEnum(p.type) << ", "
         << p.shape.size() << ", {";
      for (size_t i = 0; i < p.shape.size(); ++i)
        os << (i ? ", " : "") << p.shape[i];
      if (p.shape.empty())
        os << "0";
      os << "}},\n";
    }
    os << "};\n";
  };
  infoTable("input", plan.inputs);
  infoTable("output", plan.outputs);
  // The layers (profiles divide their bytes and operations by time).
  os << "\nstatic const tern_layer_info " << n << "_layer_info["
     << std::max<size_t>(1, layers.size()) << "] = {\n";
  for (const plan::LayerSummary &l : layers)
    os << "    {" << cString(l.name) << ", " << cString(l.opType) << ", "
       << cString(l.format) << ", " << l.weightBytes << ", " << l.bytesMoved
       << ", " << l.ops.arithmetic() << ", " << l.kernelCalls << "},\n";
  if (layers.empty())
    os << "    {\"\", \"\", \"\", 0, 0, 0, 0},\n";
  os << "};\n";
  os << "\nstatic const tern_model_info " << n << "_model_info = {"
     << cString(n) << ", " << plan.inputs.size() << ", "
     << (plan.inputs.empty() ? "NULL" : n + "_input_info") << ", "
     << plan.outputs.size() << ", "
     << (plan.outputs.empty() ? "NULL" : n + "_output_info") << ", "
     << plan.weights.size() << ", " << plan.arenaBytes << ", " << layers.size()
     << ", " << n << "_layer_info};\n\n"
     << "const tern_model_info *" << n << "_info(void) { return &" << n
     << "_model_info; }\n\n";

  // The buffer table: storage kind (0 input, 1 output, 2 weight, 3 arena),
  // port index, byte offset, Halide type code and bits, rank, shape.
  os << "#define " << n << "_NUM_BUFFERS " << table.views.size() << "\n"
     << "#define " << n << "_MAX_RANK " << maxRank << "\n\n"
     << "typedef struct {\n  int kind, index;\n  long long offset;\n"
     << "  int code, bits, rank;\n  int32_t shape[" << maxRank << "];\n} " << n
     << "_view;\n\n"
     << "static const " << n << "_view " << n << "_views[" << numBuffers
     << "] = {\n";
  for (const plan::View &v : table.views) {
    os << "    {" << int(v.storage.kind) << ", " << v.storage.index << ", "
       << v.storage.offset << ", " << halideCode(v.type) << ", " << v.type.bits
       << ", " << v.shape.size() << ", {";
    for (size_t i = 0; i < v.shape.size(); ++i)
      os << (i ? ", " : "") << v.shape[i];
    if (v.shape.empty())
      os << "1";
    os << "}},\n";
  }
  if (table.views.empty())
    os << "    {0, 0, 0, 0, 0, 0, {0}},\n";
  os << "};\n\n";

  if (!plan.targets.empty())
    os << detail::targetSelection(plan);

  os << "/* tern_num_threads_generation() last applied to this library's\n"
     << "   Halide runtime (one per library, shared by its models). */\n"
     << "static uint64_t " << n << "_applied_threads;\n\n";
  os << "struct " << n << "_model {\n  tern_arena *arena;\n"
     << "  int32_t num_threads; /* this instance's limit, 0: none */\n"
     << "  int variant; /* the target its kernels were compiled for */\n"
     << "  int32_t profiling; /* " << n << "_set_profiling */\n"
     << "  int64_t profiled_runs;\n"
     << "  uint64_t layer_ns[" << std::max<size_t>(1, layers.size()) << "];\n"
     << "  halide_buffer_t buf[" << numBuffers << "];\n"
     << "  halide_dimension_t dim[" << numBuffers << "][" << maxRank
     << "];\n};\n\n"
     << "/* Halide reports kernel errors through this handler; keep the\n"
     << " * message for tern_last_error() instead of printing it (without\n"
     << " * the newline Halide ends it with). */\n"
     << "static void " << n
     << "_halide_error(void *user_context, const char *message) {\n"
     << "  size_t len = strlen(message);\n"
     << "  (void)user_context;\n"
     << "  while (len > 0 && (message[len - 1] == '\\n' || "
        "message[len - 1] == ' '))\n"
     << "    --len;\n"
     << "  tern_set_error(TERN_ERROR_KERNEL_FAILED, \"%.*s\", (int)len, "
        "message);\n"
     << "}\n\n"
     << "/* Halide's parallel loops, bounded by the running instance's thread\n"
     << " * limit (tern_limited_par_for), on Halide's own pool. */\n"
     << "static int " << n
     << "_do_par_for(void *user_context, halide_task_t f, int min, int size,\n"
     << "    uint8_t *closure) {\n"
     << "  return tern_limited_par_for(halide_default_do_par_for, "
        "user_context, f,\n      min, size, closure);\n}\n\n";

  os << "static void " << n
     << "_buffer(halide_buffer_t *b, halide_dimension_t *dims, void *host,\n"
     << "    const " << n << "_view *v) {\n"
     << "  int32_t stride = 1;\n  int i;\n"
     << "  memset(b, 0, sizeof(*b));\n"
     << "  b->host = (uint8_t *)host;\n"
     << "  b->type.code = (uint8_t)v->code;\n"
     << "  b->type.bits = (uint8_t)v->bits;\n"
     << "  b->type.lanes = 1;\n  b->dimensions = v->rank;\n  b->dim = dims;\n"
     << "  for (i = 0; i < v->rank; ++i) {\n"
     << "    dims[i].min = 0;\n"
     << "    dims[i].extent = v->shape[v->rank - 1 - i];\n"
     << "    dims[i].stride = stride;\n    dims[i].flags = 0;\n"
     << "    stride *= v->shape[v->rank - 1 - i];\n  }\n}\n\n";

  // A failed Halide runtime call, as a status with the call's message.
  if (gpu)
    os << "static tern_status " << n
       << "_device_error(const char *what, int err) {\n"
       << "  char detail[512];\n"
       << "  strncpy(detail, tern_last_error(), sizeof(detail) - 1);\n"
       << "  detail[sizeof(detail) - 1] = 0;\n"
       << "  return tern_set_error(TERN_ERROR_DEVICE, \"" << n
       << ": %s failed with Halide error %d%s%s\", what, err,\n"
       << "      detail[0] ? \": \" : \"\", detail);\n}\n\n";

  os << "const char *" << n << "_target(const " << n << "_model *model) {\n"
     << "  if (!model)\n    return NULL;\n";
  if (plan.targets.empty())
    os << "  return NULL;\n}\n\n";
  else
    os << "  return " << n << "_target_names[model->variant];\n}\n\n";

  // Destroy.
  os << "void " << n << "_destroy(" << n << "_model *model) {\n"
     << "  if (!model)\n    return;\n";
  if (gpu)
    os << "  {\n    int i;\n    for (i = 0; i < " << n << "_NUM_BUFFERS; ++i)\n"
       << "      if (model->buf[i].device)\n"
       << "        halide_device_free(NULL, &model->buf[i]);\n  }\n";
  os << "  tern_arena_destroy(model->arena);\n  free(model);\n}\n\n";

  // Create.
  os << "tern_status " << n << "_create(" << n
     << "_model **out_model, const tern_create_options *options) {\n"
     << "  " << n
     << "_model *m;\n  tern_status status;\n  int i, variant = 0;\n"
     << "  if (!out_model)\n    return tern_set_error("
        "TERN_ERROR_INVALID_ARGUMENT, \""
     << n << "_create: out_model is NULL\");\n"
     << "  *out_model = NULL;\n"
     << "  if (tern_runtime_abi_version() != TERN_RUNTIME_ABI_VERSION)\n"
     << "    return tern_set_error(TERN_ERROR_INTERNAL, \"" << n
     << "_create: runtime ABI %d, expected %d\", (int)"
        "tern_runtime_abi_version(), TERN_RUNTIME_ABI_VERSION);\n"
     << (plan.targets.empty()
             ? std::string()
             : "  status = " + n + "_pick_target(&variant);\n" +
                   "  if (status != TERN_OK)\n    return status;\n")
     << "  if (options && options->num_threads < 0)\n"
     << "    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
     << "_create: options->num_threads must be >= 0 (0: no limit), got "
        "%d\", (int)options->num_threads);\n"
     << "  halide_set_error_handler(" << n << "_halide_error);\n"
     << "  halide_set_custom_do_par_for(" << n << "_do_par_for);\n"
     << "  m = (" << n << "_model *)calloc(1, sizeof(*m));\n"
     << "  if (!m)\n    return tern_set_error(TERN_ERROR_OUT_OF_MEMORY, \"" << n
     << "_create: out of memory\");\n"
     << "  m->num_threads = options ? options->num_threads : 0;\n"
     << "  m->variant = variant;\n"
     << "  status = tern_arena_create(" << plan.arenaBytes
     << ", 64, &m->arena);\n"
     << "  if (status != TERN_OK) {\n    free(m);\n    return status;\n  }\n"
     << "  for (i = 0; i < " << n << "_NUM_BUFFERS; ++i) {\n"
     << "    const " << n << "_view *v = &" << n << "_views[i];\n"
     << "    void *host = NULL;\n"
     << "    if (v->kind == 2)\n"
     << "      host = (void *)(" << n << "_weights_data + v->offset);\n"
     << "    else if (v->kind == 3)\n"
     << "      host = (unsigned char *)tern_arena_data(m->arena) + "
        "v->offset;\n"
     << "    " << n << "_buffer(&m->buf[i], m->dim[i], host, v);\n  }\n";
  if (gpu) {
    // Weights move to the device once; everything that is not a caller's
    // buffer gets its device memory now, so runs allocate nothing.
    os << "  for (i = 0; i < " << n << "_NUM_BUFFERS; ++i) {\n"
       << "    int err;\n"
       << "    if (" << n << "_views[i].kind == 2)\n"
       << "      err = halide_copy_to_device(NULL, &m->buf[i], "
          "halide_cuda_device_interface());\n"
       << "    else if (" << n << "_views[i].kind == 3)\n"
       << "      err = halide_device_malloc(NULL, &m->buf[i], "
          "halide_cuda_device_interface());\n"
       << "    else\n      continue;\n"
       << "    if (err != 0) {\n"
       << "      status = " << n
       << "_device_error(\"copying weights to the GPU (is a CUDA device "
          "and driver present?)\", err);\n"
       << "      " << n << "_destroy(m);\n      return status;\n    }\n"
       << "  }\n";
  }
  os << "  *out_model = m;\n  return TERN_OK;\n}\n\n";

  // The steps, shared by the host-pointer and device-pointer runs: `b` is
  // the model's buffer table or a copy with the caller's device pointers.
  os << "static tern_status " << n
     << "_steps(halide_buffer_t *b, int host_io, int variant,\n"
     << "    uint64_t *layer_ns) {\n"
     << "  int err;\n  uint64_t t0 = 0;\n  (void)b;\n  (void)err;\n"
     << "  (void)host_io;\n  (void)variant;\n  (void)t0;\n";
  // Profiling: the time of each step goes to its layer. On a GPU the
  // kernel runs asynchronously: wait for its first output first.
  auto startTimer = [&]() {
    os << "    if (layer_ns)\n      t0 = tern_clock_ns();\n";
  };
  auto stopTimer = [&](int step, int output) {
    os << "    if (layer_ns) {\n";
    if (gpu && output >= 0)
      os << "      (void)halide_device_sync(NULL, &b[" << output << "]);\n";
    os << "      layer_ns[" << stepLayer[step] << "] += tern_clock_ns() - t0;\n"
       << "    }\n";
  };
  // GPU: the host is authoritative for a storage until a kernel writes it
  // through some descriptor; a descriptor reading it after another one
  // wrote it (a reshape alias) first brings the data to the host.
  std::map<std::string, int> lastWriter;
  auto syncForRead = [&](int buffer) {
    if (!gpu)
      return;
    auto it = lastWriter.find(BufferTable::storageKey(table.views[buffer]));
    if (it == lastWriter.end() || it->second == buffer)
      return;
    os << "    err = halide_copy_to_host(NULL, &b[" << it->second << "]);\n"
       << "    if (err != 0)\n      return " << n
       << "_device_error(\"copying to the host\", err);\n"
       << "    b[" << buffer << "].flags |= halide_buffer_flag_host_dirty;\n";
  };
  int stepIndex = 0;
  for (const plan::Step &s : plan.steps) {
    os << "  /* step " << stepIndex << ": " << commentSafe(s.location)
       << " */\n  {\n";
    if (s.kind == plan::Step::Copy) {
      int src = table.get(s.args[0]), dst = table.get(s.args[1]);
      if (gpu) {
        auto it = lastWriter.find(BufferTable::storageKey(table.views[src]));
        if (it != lastWriter.end())
          os << "    err = halide_copy_to_host(NULL, &b[" << it->second
             << "]);\n    if (err != 0)\n      return " << n
             << "_device_error(\"copying to the host\", err);\n";
      }
      int64_t bytes = plan::numElements(s.args[1].shape) *
                      plan::storageBytes(s.args[1].type);
      startTimer();
      os << "    memmove(b[" << dst << "].host, b[" << src << "].host, "
         << bytes << ");\n";
      stopTimer(stepIndex, -1);
      os << "  }\n";
      lastWriter.erase(BufferTable::storageKey(table.views[dst]));
      ++stepIndex;
      continue;
    }
    const kernel::Kernel &k = plan.kernels[s.kernel];
    size_t numIn = k.inputs.size();
    std::vector<int> ids;
    for (const plan::View &v : s.args)
      ids.push_back(table.get(v));
    for (size_t a = 0; a < numIn; ++a)
      syncForRead(ids[a]);
    startTimer();
    os << "    err = ";
    if (numVariants == 1) {
      os << k.name;
    } else {
      // A function designator per variant; the conditional gives a pointer.
      os << "(";
      for (size_t v = 0; v + 1 < numVariants; ++v)
        os << "variant == " << v << " ? " << plan::variantKernelName(k.name, v)
           << " : ";
      os << plan::variantKernelName(k.name, numVariants - 1) << ")";
    }
    os << "(";
    for (size_t a = 0; a < ids.size(); ++a)
      os << (a ? ", " : "") << "&b[" << ids[a] << "]";
    os << ");\n"
       << "    if (err != 0) {\n"
       << "      char detail[512];\n"
       << "      strncpy(detail, tern_last_error(), sizeof(detail) - 1);\n"
       << "      detail[sizeof(detail) - 1] = 0;\n"
       << "      return tern_set_error(TERN_ERROR_KERNEL_FAILED, \"" << n
       << ": kernel " << k.name << " (step " << stepIndex << ", "
       << formatSafe(s.location)
       << ") failed with Halide error %d: %s\", err, detail);\n"
       << "    }\n";
    stopTimer(stepIndex, ids.size() > numIn ? ids[numIn] : -1);
    os << "  }\n";
    for (size_t a = numIn; a < ids.size(); ++a)
      lastWriter[BufferTable::storageKey(table.views[ids[a]])] = ids[a];
    ++stepIndex;
  }
  if (gpu) {
    // Outputs written on the device come back to the caller's memory.
    os << "  if (host_io) {\n";
    for (auto &[storage, buffer] : lastWriter)
      if (table.views[buffer].storage.kind == plan::Storage::Output)
        os << "    err = halide_copy_to_host(NULL, &b[" << buffer << "]);\n"
           << "    if (err != 0)\n      return " << n
           << "_device_error(\"copying outputs to the host\", err);\n";
    os << "  }\n";
  }
  os << "  return TERN_OK;\n}\n\n";

  // Binding the caller's pointers to the input and output descriptors.
  os << "static void " << n
     << "_bind(halide_buffer_t *b, void *const *in, void *const *out) {\n"
     << "  int i;\n"
     << "  for (i = 0; i < " << n << "_NUM_BUFFERS; ++i) {\n"
     << "    if (" << n << "_views[i].kind == 0) {\n"
     << "      b[i].host = (uint8_t *)in[" << n << "_views[i].index];\n"
     << (gpu ? "      b[i].flags |= halide_buffer_flag_host_dirty;\n" : "")
     << "    } else if (" << n << "_views[i].kind == 1) {\n"
     << "      b[i].host = (uint8_t *)out[" << n << "_views[i].index];\n"
     << "    }\n  }\n}\n\n";

  // The steps under the instance's thread limit, after resizing the pool
  // if tern_set_num_threads changed it. Halide resizes a running pool
  // safely (idle workers wait, new ones start on demand); shutting it down
  // instead would leave other threads' running models waiting forever.
  os << "static tern_status " << n << "_run_steps(" << n
     << "_model *model, halide_buffer_t *b, int host_io) {\n"
     << "  uint64_t generation = tern_num_threads_generation();\n"
     << "  int32_t outer;\n  tern_status status;\n"
     << "  if (__atomic_exchange_n(&" << n
     << "_applied_threads, generation, __ATOMIC_ACQ_REL) != generation)\n"
     << "    halide_set_num_threads(tern_get_num_threads());\n"
     << "  outer = tern_exchange_thread_limit(model->num_threads);\n"
     << "  status = " << n << "_steps(b, host_io, model->variant,\n"
     << "      model->profiling ? model->layer_ns : NULL);\n"
     << "  tern_exchange_thread_limit(outer);\n"
     << "  if (model->profiling && status == TERN_OK)\n"
     << "    ++model->profiled_runs;\n"
     << "  return status;\n}\n\n";

  // The profile's two functions.
  os << "tern_status " << n << "_set_profiling(" << n
     << "_model *model, int32_t enabled) {\n"
     << "  if (!model)\n    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, "
     << "\"" << n << "_set_profiling: model is NULL\");\n"
     << "  model->profiling = enabled != 0;\n"
     << "  model->profiled_runs = 0;\n"
     << "  memset(model->layer_ns, 0, sizeof(model->layer_ns));\n"
     << "  return TERN_OK;\n}\n\n"
     << "tern_status " << n << "_profile(const " << n
     << "_model *model, uint64_t *ns, int32_t num_layers,\n"
     << "    int64_t *runs) {\n"
     << "  if (!model)\n    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, "
     << "\"" << n << "_profile: model is NULL\");\n"
     << "  if (ns && num_layers != " << layers.size() << ")\n"
     << "    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
     << "_profile: num_layers is %d; the model has " << layers.size()
     << " layers\", (int)num_layers);\n"
     << "  if (ns)\n    memcpy(ns, model->layer_ns, " << layers.size()
     << " * sizeof(uint64_t));\n"
     << "  if (runs)\n    *runs = model->profiled_runs;\n"
     << "  return TERN_OK;\n}\n\n";

  os << "static tern_status " << n << "_run_impl(" << n
     << "_model *model, void *const *in, void *const *out) {\n"
     << "  tern_clear_error();\n"
     << "  " << n << "_bind(model->buf, in, out);\n"
     << "  return " << n << "_run_steps(model, model->buf, 1);\n}\n\n";

  // The pointer API.
  os << runSignature(plan, /*device=*/false) << " {\n";
  os << "  void *in[" << std::max<size_t>(1, plan.inputs.size()) << "];\n"
     << "  void *out[" << std::max<size_t>(1, plan.outputs.size()) << "];\n"
     << "  if (!model)\n    return tern_set_error("
        "TERN_ERROR_INVALID_ARGUMENT, \""
     << n << "_run: model is NULL\");\n";
  auto checkPorts = [&](const char *fn) {
    size_t q = 0;
    for (size_t i = 0; i < plan.inputs.size(); ++i, ++q)
      os << "  if (!" << params[q]
         << ")\n    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
         << fn << ": input " << i << " '" << formatSafe(plan.inputs[i].name)
         << "' is NULL\");\n"
         << "  in[" << i << "] = (void *)" << params[q] << ";\n";
    for (size_t i = 0; i < plan.outputs.size(); ++i, ++q)
      os << "  if (!" << params[q]
         << ")\n    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
         << fn << ": output " << i << " '" << formatSafe(plan.outputs[i].name)
         << "' is NULL\");\n"
         << "  out[" << i << "] = (void *)" << params[q] << ";\n";
  };
  checkPorts("_run");
  os << "  return " << n << "_run_impl(model, in, out);\n}\n\n";

  // The descriptor API.
  os << "tern_status " << n << "_run_tensors(" << n
     << "_model *model, const tern_tensor *inputs,\n"
     << "    size_t num_inputs, tern_tensor *outputs, size_t num_outputs) {\n"
     << "  void *in[" << std::max<size_t>(1, plan.inputs.size()) << "];\n"
     << "  void *out[" << std::max<size_t>(1, plan.outputs.size()) << "];\n"
     << "  size_t i;\n  char role[32];\n  tern_status status;\n"
     << "  if (!model)\n    return tern_set_error("
        "TERN_ERROR_INVALID_ARGUMENT, \""
     << n << "_run_tensors: model is NULL\");\n"
     << "  if (num_inputs != " << plan.inputs.size()
     << " || num_outputs != " << plan.outputs.size()
     << ")\n    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
     << "_run_tensors: expected " << plan.inputs.size() << " inputs and "
     << plan.outputs.size()
     << " outputs, got %lu and %lu\", (unsigned long)num_inputs, "
        "(unsigned long)num_outputs);\n"
     << "  if ((num_inputs && !inputs) || (num_outputs && !outputs))\n"
     << "    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
     << "_run_tensors: inputs or outputs array is NULL\");\n"
     << "  for (i = 0; i < num_inputs; ++i) {\n"
     << "    snprintf(role, sizeof(role), \"input %lu\", (unsigned long)i);\n"
     << "    status = tern_tensor_check(&inputs[i], &" << n
     << "_input_info[i], role);\n"
     << "    if (status != TERN_OK)\n      return status;\n"
     << "    in[i] = inputs[i].data;\n  }\n"
     << "  for (i = 0; i < num_outputs; ++i) {\n"
     << "    snprintf(role, sizeof(role), \"output %lu\", (unsigned long)i);\n"
     << "    status = tern_tensor_check(&outputs[i], &" << n
     << "_output_info[i], role);\n"
     << "    if (status != TERN_OK)\n      return status;\n"
     << "    out[i] = outputs[i].data;\n  }\n"
     << "  return " << n << "_run_impl(model, in, out);\n}\n";

  if (gpu) {
    // The device-pointer API: the caller's CUDA device pointers wrapped
    // into a copy of the descriptor table for the duration of the call.
    os << "\n" << runSignature(plan, /*device=*/true) << " {\n";
    if (!deviceApi) {
      os << "  (void)model;\n";
      for (const std::string &param : params)
        os << "  (void)" << param << ";\n";
      os << "  return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
         << "_run_device: not available for this model: "
         << (!plan.cpuFallbacks.empty() ? "some kernels run on the CPU"
             : ioAliasSync ? "a reshaped input or output is read through "
                             "host memory"
                           : "an output is a copy made on the host")
         << "; use " << n << "_run\");\n}\n";
    } else {
      os << "  void *in[" << std::max<size_t>(1, plan.inputs.size()) << "];\n"
         << "  void *out[" << std::max<size_t>(1, plan.outputs.size()) << "];\n"
         << "  halide_buffer_t b[" << numBuffers << "];\n"
         << "  tern_status status;\n  int i, err;\n"
         << "  if (!model)\n    return tern_set_error("
            "TERN_ERROR_INVALID_ARGUMENT, \""
         << n << "_run_device: model is NULL\");\n";
      checkPorts("_run_device");
      os << "  tern_clear_error();\n"
         << "  memcpy(b, model->buf, sizeof(b));\n"
         << "  for (i = 0; i < " << n << "_NUM_BUFFERS; ++i) {\n"
         << "    const " << n << "_view *v = &" << n << "_views[i];\n"
         << "    void *ptr;\n"
         << "    if (v->kind == 0)\n      ptr = in[v->index];\n"
         << "    else if (v->kind == 1)\n      ptr = out[v->index];\n"
         << "    else\n      continue;\n"
         << "    b[i].host = NULL;\n    b[i].device = 0;\n"
         << "    b[i].device_interface = NULL;\n    b[i].flags = 0;\n"
         << "    err = halide_cuda_wrap_device_ptr(NULL, &b[i], "
            "(uint64_t)(uintptr_t)ptr);\n"
         << "    if (err != 0)\n      return " << n
         << "_device_error(\"wrapping a device pointer\", err);\n"
         << "    if (v->kind == 0)\n"
         << "      b[i].flags |= halide_buffer_flag_device_dirty;\n  }\n"
         << "  status = " << n << "_run_steps(model, b, 0);\n"
         << "  for (i = 0; i < " << n << "_NUM_BUFFERS; ++i) {\n"
         << "    int kind = " << n << "_views[i].kind;\n"
         << "    if (kind == 0 || kind == 1) {\n"
         << "      if (kind == 1 && status == TERN_OK) {\n"
         << "        err = halide_device_sync(NULL, &b[i]);\n"
         << "        if (err != 0)\n          status = " << n
         << "_device_error(\"synchronizing the GPU\", err);\n      }\n"
         << "      halide_cuda_detach_device_ptr(NULL, &b[i]);\n"
         << "    } else {\n"
         << "      model->buf[i].flags = b[i].flags;\n    }\n  }\n"
         << "  return status;\n}\n";
    }
  }
  return os.str();
}

std::string emit::generateWeightsAsm(const plan::ModelPlan &plan,
                                     const std::string &weightsPath) {
  const std::string sym = plan.name + "_weights_data";
  std::ostringstream os;
  os << "/* " << plan.name << " weights: generated by ternc. Do not edit. */\n"
     << "  .section .rodata." << sym << ",\"a\",%progbits\n"
     << "  .balign 64\n"
     << "  .globl " << sym << "\n"
     << "  .hidden " << sym << "\n"
     << "  .type " << sym << ", %object\n"
     << sym << ":\n";
  if (plan.weights.empty())
    os << "  .byte 0\n";
  else
    os << "  .incbin " << cString(weightsPath) << "\n";
  os << "  .size " << sym << ", .-" << sym << "\n"
     << "  .section .note.GNU-stack,\"\",%progbits\n";
  return os.str();
}
