# -*- Python -*-
# lit configuration for Tern: runs every .mlir and .test file under test/ with the
# tools of the build tree (tern-opt, tern-translate, ternc) and LLVM 22's
# FileCheck, not and count.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "TERN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tern_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Unit",
                   "Integration", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%tern_src_root", config.tern_src_root))
llvm_config.use_default_substitutions()

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.tern_tools_dir, config.llvm_tools_dir]
tools = ["tern-opt", "tern-translate", "ternc", "tern-onnx-conformance",
         "tern-run"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Cross-compiling tests (test/ternc/cross-aarch64*.test): Debian's aarch64
# toolchain (g++-aarch64-linux-gnu), and qemu-user to run what it builds.
import shutil
if shutil.which("aarch64-linux-gnu-gcc") and shutil.which("aarch64-linux-gnu-g++"):
    config.available_features.add("aarch64-cross")
if shutil.which("qemu-aarch64") and os.path.isdir("/usr/aarch64-linux-gnu/lib"):
    config.available_features.add("qemu-aarch64")

# tern-run --prompt with text (test/LM/generate.test) needs a tern-run built
# with SentencePiece (libsentencepiece-dev).
import subprocess
try:
    version = subprocess.run(
        [os.path.join(config.tern_tools_dir, "tern-run"), "--version"],
        capture_output=True, text=True, timeout=30).stdout
    if "with SentencePiece" in version:
        config.available_features.add("sentencepiece")
except OSError:
    pass
