#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace retailcast::cli {

namespace {
std::string FormatSeconds(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600,
                  (static_cast<int>(s) % 3600) / 60);
  }
  return buf;
}
}  // namespace

ProgressBar::ProgressBar(std::string label, size_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(size_t done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  if (now - start_ < std::chrono::seconds(1)) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(done, false);
}

void ProgressBar::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (drawn_) {
    Draw(total_, true);
    std::fputc('\n', stderr);
  }
}

void ProgressBar::Draw(size_t done, bool final_draw) {
  drawn_ = true;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double frac = total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
  constexpr int kWidth = 30;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::string eta = final_draw ? "done in " + FormatSeconds(elapsed)
                    : rate > 0 ? "ETA " + FormatSeconds(static_cast<double>(total_ - done) / rate)
                               : "ETA ?";
  std::fprintf(stderr, "\r%s [%s] %zu/%zu %s  %.0f %s/s  %s   ", label_.c_str(), bar.c_str(), done,
               total_, unit_.c_str(), rate, unit_.c_str(), eta.c_str());
  std::fflush(stderr);
}

}  // namespace retailcast::cli
