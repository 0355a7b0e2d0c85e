//===- Version.cpp - Tern's version and the commit it was built from
//-------===//

#include "tern/Version.h"

#include "TernVersion.inc" // written by cmake/TernVersion.cmake at build time

const char *tern::version() { return TERN_VERSION_STRING; }

const char *tern::gitCommit() { return TERN_GIT_COMMIT; }

std::string tern::versionLine() {
  return std::string("Tern ") + version() + " (commit " + gitCommit() + ")";
}
