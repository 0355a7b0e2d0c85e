//===- CpuDispatch.cpp - The generated library's CPU check and build id ---===//
//
// The parts of a generated library that tie it to the machine and to its
// compile: the tables and NAME_pick_target() with which NAME_create checks
// the CPU and picks among the targets the kernels were compiled for, and
// the build id whose symbol the header refers to (LibraryWriter.h).
//
//===----------------------------------------------------------------------===//

#include "CpuDispatch.h"
#include "CText.h"
#include "tern/Emit/LibraryWriter.h"

#include <cstdint>
#include <sstream>

using namespace tern;
using namespace tern::emit;
namespace tern::emit::detail {

std::string targetSelection(const plan::ModelPlan &plan) {
  const std::string &n = plan.name;
  size_t words = plan.targets.front().featureWords.size();
  std::ostringstream os;
  os << "/* The targets the kernels were compiled for, best first, and the\n"
     << " * features each needs (Halide's feature bits). */\n"
     << "#define " << n << "_NUM_TARGETS " << plan.targets.size() << "\n"
     << "static const char *const " << n << "_target_names[] = {";
  for (size_t v = 0; v < plan.targets.size(); ++v)
    os << (v ? ", " : "") << cString(plan.targets[v].target);
  os << "};\n"
     << "static const uint64_t " << n << "_target_features[][" << words
     << "] = {\n";
  for (const plan::ModelPlan::TargetVariant &t : plan.targets) {
    os << "    {";
    for (size_t w = 0; w < words; ++w) {
      char hex[32];
      std::snprintf(hex, sizeof(hex), "0x%016llxull",
                    static_cast<unsigned long long>(t.featureWords[w]));
      os << (w ? ", " : "") << hex;
    }
    os << "},\n";
  }
  os << "};\n";
  // The CPU features of the last (most portable) target, one by one, for
  // the message when not even it runs here.
  const plan::ModelPlan::TargetVariant &last = plan.targets.back();
  os << "static const struct { int bit; const char *name; } " << n
     << "_cpu_features[] = {";
  for (const auto &[bit, name] : last.cpuFeatures)
    os << "{" << bit << ", " << cString(name) << "}, ";
  os << "{-1, NULL}};\n\n";

  os << "static tern_status " << n << "_pick_target(int *variant) {\n"
     << "  const char *forced = getenv(\"TERN_TARGET\");\n"
     << "  char missing[512];\n  size_t used = 0;\n  int v, f;\n"
     << "  missing[0] = 0;\n"
     << "  for (v = 0; v < " << n << "_NUM_TARGETS; ++v) {\n"
     << "    if (forced && *forced && strcmp(forced, " << n
     << "_target_names[v]) != 0)\n      continue;\n"
     << "    if (halide_can_use_target_features(" << words << ", " << n
     << "_target_features[v])) {\n"
     << "      *variant = v;\n      return TERN_OK;\n    }\n"
     << "    if (forced && *forced)\n"
     << "      return tern_set_error(TERN_ERROR_UNSUPPORTED_CPU, \"" << n
     << "_create: TERN_TARGET=%s: this CPU lacks features of that target\", "
        "forced);\n"
     << "  }\n"
     << "  if (forced && *forced) {\n"
     << "    for (v = 0; v < " << n << "_NUM_TARGETS; ++v)\n"
     << "      used += (size_t)snprintf(missing + used, sizeof(missing) - "
        "used, \"%s%s\", v ? \", \" : \"\", "
     << n << "_target_names[v]);\n"
     << "    return tern_set_error(TERN_ERROR_INVALID_ARGUMENT, \"" << n
     << "_create: TERN_TARGET=%s is not a target of this library (it has: "
        "%s)\", forced, missing);\n"
     << "  }\n"
     << "  for (f = 0; " << n << "_cpu_features[f].name; ++f) {\n"
     << "    uint64_t one[" << words << "] = {0};\n"
     << "    one[" << n << "_cpu_features[f].bit / 64] = (uint64_t)1 << (" << n
     << "_cpu_features[f].bit % 64);\n"
     << "    if (!halide_can_use_target_features(" << words
     << ", one) && "
        "used < sizeof(missing))\n"
     << "      used += (size_t)snprintf(missing + used, sizeof(missing) - "
        "used, \"%s%s\", used ? \", \" : \"\", "
     << n << "_cpu_features[f].name);\n"
     << "  }\n"
     << "  return tern_set_error(TERN_ERROR_UNSUPPORTED_CPU, \"" << n
     << "_create: this CPU lacks %s, which the library's most portable "
        "target (%s) needs; compile with a target this CPU has, e.g. "
        "ternc --target=host,x86-64-linux-avx2,x86-64-linux\", missing[0] ? "
        "missing : \"features\", "
     << n << "_target_names[" << n << "_NUM_TARGETS - 1]);\n"
     << "}\n\n";
  return os.str();
}

std::string linkCheck(const std::string &n, const std::string &id) {
  std::string symbol = n + "_tern_build_" + id;
  return "/* Every file that includes this header needs the library of the\n"
         " * same compile: a link error naming " +
         symbol +
         "\n"
         " * means the library linked (or loaded) is another model's, or an\n"
         " * older build of this one. */\n"
         "extern const char " +
         symbol +
         ";\n"
         "#if defined(__GNUC__)\n"
         "__attribute__((used)) static const char *const " +
         n + "_tern_build_check = &" + symbol +
         ";\n"
         "#endif\n\n";
}

} // namespace tern::emit::detail

std::string emit::buildId(const std::string &driver,
                          const std::vector<char> &weights,
                          const std::string &target) {
  // FNV-1a, 64 bits: a fingerprint, not a security measure.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const char *data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      h ^= static_cast<unsigned char>(data[i]);
      h *= 1099511628211ull;
    }
    h ^= 0xff; // separates the parts
    h *= 1099511628211ull;
  };
  mix(driver.data(), driver.size());
  mix(weights.data(), weights.size());
  mix(target.data(), target.size());
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx",
                static_cast<unsigned long long>(h));
  return text;
}

std::string emit::buildSymbolDefinition(const plan::ModelPlan &plan,
                                        const std::string &buildId) {
  return "\n/* What this compile's header refers to (see " + plan.name +
         ".h). */\nconst char " + plan.name + "_tern_build_" + buildId +
         " = 1;\n";
}
