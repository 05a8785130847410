// Waits with a deadline, for the tests of the store and of the service (the lowest test folder
// that needs them). A test that waits for another thread or process must never hang until
// ctest kills it without a word: each wait here ends at a deadline, and on expiry the test
// fails with what it saw.
//
//   PollUntil       a condition another thread makes true (atomics, counters)
//   TestThread      a std::thread whose end can be waited for with a deadline
//   WaitForChild    a child process, killed when it outlives its deadline
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace retailcast::testing {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Calls `done` every millisecond until it returns true (then true) or `limit` passes (then
// false). `done` runs on the calling thread.
inline bool PollUntil(const std::function<bool()>& done, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

inline std::string Seconds(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000);
  return buf;
}

// A thread running `f` whose end can be waited for with a deadline (std::thread::join has
// none). The function must not throw.
class TestThread {
 public:
  // How long the destructor waits for a thread nobody joined.
  static constexpr milliseconds kDefaultLimit = seconds(120);

  template <typename F>
  explicit TestThread(F f) : state_(std::make_shared<State>()) {
    thread_ = std::thread([state = state_, f = std::move(f)]() mutable {
      f();
      std::lock_guard lock(state->mu);
      state->done = true;
      state->cv.notify_all();
    });
  }
  TestThread(TestThread&&) noexcept = default;
  TestThread& operator=(TestThread&&) = delete;
  TestThread(const TestThread&) = delete;
  TestThread& operator=(const TestThread&) = delete;
  ~TestThread() {
    if (thread_.joinable()) {
      JoinWithin(kDefaultLimit, [] { return std::string("(joined by the destructor)"); });
    }
  }

  // Whether the function has returned.
  bool done() const {
    std::lock_guard lock(state_->mu);
    return state_->done;
  }

  // Joins the thread when its function returns within `limit`. Otherwise the test can neither
  // wait longer nor go on (the thread still uses the test's variables): it fails with `what`
  // and `what_it_saw()` and the process ends with exit status 1, so that ctest shows the
  // failure at once instead of a timeout without a message.
  void JoinWithin(milliseconds limit, const std::function<std::string()>& what_it_saw,
                  const std::string& what = "a thread of the test did not finish") {
    if (!thread_.joinable()) return;
    bool finished = false;
    {
      std::unique_lock lock(state_->mu);
      finished = state_->cv.wait_for(lock, limit, [&] { return state_->done; });
    }
    if (finished) {
      thread_.join();
      return;
    }
    ADD_FAILURE() << what << " within " << Seconds(limit) << "; " << what_it_saw();
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(1);
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  std::shared_ptr<State> state_;
  std::thread thread_;
};

// Joins every thread of `threads` within `limit` (one deadline for all of them).
template <typename Threads>
void JoinAllWithin(Threads& threads, milliseconds limit,
                   const std::function<std::string()>& what_it_saw,
                   const std::string& what = "a thread of the test did not finish") {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (TestThread& t : threads) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    t.JoinWithin(std::max(left, milliseconds(0)), what_it_saw, what);
  }
}

// Waits for child process `pid` to exit, up to `limit`. Returns its wait status, or nullopt
// when it outlived the limit: then it has been killed (SIGKILL) and reaped.
inline std::optional<int> WaitForChild(pid_t pid, milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return std::nullopt;  // not our child (any more)
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return std::nullopt;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
}

}  // namespace retailcast::testing
