// Internal to src/eval: serialises progress callbacks coming from pool threads.
#pragma once

#include <cstddef>
#include <mutex>

#include "retailcast/eval/forecast_engine.h"

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

}  // namespace retailcast::eval::internal
