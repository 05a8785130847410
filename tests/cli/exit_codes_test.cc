#include "exit_codes.h"

#include <set>

#include <gtest/gtest.h>

namespace retailcast::cli {
namespace {

TEST(ExitCodesTest, OnePerStatusCodeAsDocumented) {
  EXPECT_EQ(ExitCodeFor(StatusCode::kOk), 0);
  EXPECT_EQ(ExitCodeFor(StatusCode::kInvalidArgument), 2);
  EXPECT_EQ(ExitCodeFor(StatusCode::kNotFound), 3);
  EXPECT_EQ(ExitCodeFor(StatusCode::kDataError), 4);
  EXPECT_EQ(ExitCodeFor(StatusCode::kFailedPrecondition), 5);
  EXPECT_EQ(ExitCodeFor(StatusCode::kNotSupported), 6);
  EXPECT_EQ(ExitCodeFor(StatusCode::kIoError), 7);
  EXPECT_EQ(ExitCodeFor(StatusCode::kInternal), 70);
  std::set<int> codes;
  for (int c = 0; c <= static_cast<int>(StatusCode::kInternal); ++c) {
    codes.insert(ExitCodeFor(static_cast<StatusCode>(c)));
  }
  EXPECT_EQ(codes.size(), static_cast<size_t>(StatusCode::kInternal) + 1);
}

}  // namespace
}  // namespace retailcast::cli
