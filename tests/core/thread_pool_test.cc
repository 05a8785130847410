#include "retailcast/core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace retailcast {
namespace {

TEST(ThreadPoolTest, RunsEveryIndexOnce) {
  for (int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> hits(10007);
    pool.ParallelFor(hits.size(), [&](size_t i) { hits[i]++; });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
    // The pool is reusable.
    std::atomic<long> sum{0};
    pool.ParallelFor(100, [&](size_t i) { sum += static_cast<long>(i); });
    EXPECT_EQ(sum.load(), 4950);
    pool.ParallelFor(0, [&](size_t) { FAIL(); });
  }
}

}  // namespace
}  // namespace retailcast
