// The CLI's exit codes: one per status code, so scripts can tell a bad option from bad data.
#pragma once

#include "retailcast/core/status.h"

namespace retailcast::cli {

// 0 ok, 2 invalid argument or usage, 3 not found, 4 data error, 5 failed precondition,
// 6 not supported, 7 I/O error, 70 internal (EX_SOFTWARE).
int ExitCodeFor(StatusCode code);

}  // namespace retailcast::cli
