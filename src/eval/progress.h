// Internal to src/eval: serialises progress callbacks coming from pool threads.
#pragma once

#include <cstddef>
#include <mutex>

#include "retailcast/forecast_engine.h"

namespace retailcast::eval::internal {

class ProgressCounter {
 public:
  ProgressCounter(const ProgressFn& fn, size_t total) : fn_(fn), total_(total) {}
  // Counts one finished unit and reports it; callbacks never overlap and `done` only grows.
  void Tick() {
    if (!fn_) return;
    std::lock_guard<std::mutex> lock(mu_);
    ++done_;
    fn_(done_, total_);
  }

 private:
  const ProgressFn& fn_;
  size_t total_;
  size_t done_ = 0;
  std::mutex mu_;
};

// Runs a model call and turns an escaping exception into an Internal status, so a misbehaving
// model cannot take the process down from a pool thread.
template <typename F>
auto GuardModelCall(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("model threw an exception: ") + e.what());
  } catch (...) {
    return Status::Internal("model threw an unknown exception");
  }
}

}  // namespace retailcast::eval::internal
