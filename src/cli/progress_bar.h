// A one-line progress bar on stderr with rate and ETA. It draws only when stderr is a
// terminal and only once the step has run for more than a second, so quick steps and
// redirected output (CI logs, pipes) stay clean.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace retailcast::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, size_t total, std::string unit = "series");
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Thread-safe; cheap when called often (redraws at most ten times a second).
  void Update(size_t done);
  // Draws the final state (when the bar was visible) and ends the line.
  void Finish();

 private:
  void Draw(size_t done, bool final_draw);

  std::string label_;
  size_t total_;
  std::string unit_;
  bool enabled_;
  bool drawn_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::mutex mu_;
};

}  // namespace retailcast::cli
