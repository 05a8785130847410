#include "exit_codes.h"

namespace retailcast::cli {

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 2;
    case StatusCode::kNotFound:
      return 3;
    case StatusCode::kDataError:
      return 4;
    case StatusCode::kFailedPrecondition:
      return 5;
    case StatusCode::kNotSupported:
      return 6;
    case StatusCode::kIoError:
      return 7;
    case StatusCode::kInternal:
      return 70;
  }
  return 70;
}

}  // namespace retailcast::cli
