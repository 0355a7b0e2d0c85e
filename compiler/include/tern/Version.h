//===- Version.h - Tern's version and the commit it was built from -*- C++
//-*-===//
//
// ternc --version prints them, and every file ternc generates records them,
// so a library in the field can be traced to the compiler that made it.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_VERSION_H
#define TERN_VERSION_H

#include <string>

namespace tern {

/// The release, e.g. "0.9.0" (CMakeLists.txt's project version).
const char *version();

/// The git commit of the source tree the compiler was built from, with
/// "-dirty" when it had uncommitted changes; "unknown" outside git.
const char *gitCommit();

/// "Tern 0.9.0 (commit 0123456789ab)".
std::string versionLine();

} // namespace tern

#endif // TERN_VERSION_H
