// A fingerprint of a file's bytes: what the store records with an ingest so that re-ingesting
// identical content is recognised.
#pragma once

#include <string>

#include "retailcast/core/status.h"

namespace retailcast::io {

// A 64-bit FNV-1a hash of the file's bytes, as "fnv1a64:<16 hex digits>". IoError naming the
// file when it cannot be opened or read.
Result<std::string> HashFile(const std::string& path);

}  // namespace retailcast::io
