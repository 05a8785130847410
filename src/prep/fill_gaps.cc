#include "retailcast/prep/fill_gaps.h"

#include <cmath>
#include <string>
#include <vector>

namespace retailcast::prep {
namespace {

// Linear fill of y[t] from the original values `src`; prev/next are positions of the nearest
// observed values (-1 when absent). Returns false when the value stays missing.
bool LinearValue(std::span<const double> src, int64_t t, int64_t prev, int64_t next, EdgeFill edges,
                 double* out) {
  if (prev >= 0 && next >= 0) {
    double w = static_cast<double>(t - prev) / static_cast<double>(next - prev);
    *out = src[prev] + w * (src[next] - src[prev]);
    return true;
  }
  if (edges == EdgeFill::kKeepMissing) return false;
  if (prev >= 0) {
    *out = src[prev];
    return true;
  }
  if (next >= 0) {
    *out = src[next];
    return true;
  }
  return false;  // the series has no observed value at all
}

}  // namespace

Result<FillMethod> ParseFillMethod(std::string_view name) {
  if (name == "missing") return FillMethod::kMissing;
  if (name == "zero") return FillMethod::kZero;
  if (name == "linear") return FillMethod::kLinear;
  if (name == "seasonal") return FillMethod::kSeasonal;
  return Status::InvalidArgument("unknown fill method '" + std::string(name) +
                                 "'; expected one of missing, zero, linear, seasonal");
}

std::string_view FillMethodName(FillMethod method) {
  switch (method) {
    case FillMethod::kMissing:
      return "missing";
    case FillMethod::kZero:
      return "zero";
    case FillMethod::kLinear:
      return "linear";
    case FillMethod::kSeasonal:
      return "seasonal";
  }
  return "missing";
}

int64_t FillSeries(std::span<double> y, const FillOptions& options, int season_length) {
  const int64_t n = static_cast<int64_t>(y.size());
  if (options.method == FillMethod::kMissing) return 0;
  int64_t filled = 0;
  if (options.method == FillMethod::kZero) {
    for (double& v : y) {
      if (std::isnan(v)) {
        v = 0.0;
        ++filled;
      }
    }
    return filled;
  }
  // Positions of the nearest observed value at or before / at or after each t, computed on
  // the original values so that filled values never feed other fills.
  std::vector<int64_t> prev(static_cast<size_t>(n)), next(static_cast<size_t>(n));
  int64_t last = -1;
  for (int64_t t = 0; t < n; ++t) {
    if (!std::isnan(y[t])) last = t;
    prev[t] = last;
  }
  last = -1;
  for (int64_t t = n - 1; t >= 0; --t) {
    if (!std::isnan(y[t])) last = t;
    next[t] = last;
  }
  if (last < 0) return 0;  // nothing observed: nothing to fill from
  const std::vector<double> src(y.begin(), y.end());
  const int64_t m = season_length < 1 ? 1 : season_length;
  // Nearest observed value one or more whole seasons before / after t (-1 when none), in
  // O(n) by chaining through the same season position.
  std::vector<int64_t> season_prev, season_next;
  if (options.method == FillMethod::kSeasonal && m > 1) {
    season_prev.assign(static_cast<size_t>(n), -1);
    season_next.assign(static_cast<size_t>(n), -1);
    for (int64_t t = m; t < n; ++t) {
      season_prev[t] = !std::isnan(src[t - m]) ? t - m : season_prev[t - m];
    }
    for (int64_t t = n - 1 - m; t >= 0; --t) {
      season_next[t] = !std::isnan(src[t + m]) ? t + m : season_next[t + m];
    }
  }
  for (int64_t t = 0; t < n; ++t) {
    if (!std::isnan(src[t])) continue;
    double value = 0;
    bool ok = false;
    if (!season_prev.empty()) {
      double sum = 0;
      int count = 0;
      for (int64_t s : {season_prev[t], season_next[t]}) {
        if (s < 0) continue;
        sum += src[s];
        ++count;
      }
      if (count > 0) {
        value = sum / count;
        ok = true;
      }
    }
    if (!ok) {
      int64_t p = t > 0 ? prev[t - 1] : -1;
      int64_t q = t + 1 < n ? next[t + 1] : -1;
      ok = LinearValue(src, t, p, q, options.edges, &value);
    }
    if (ok) {
      y[t] = value;
      ++filled;
    }
  }
  return filled;
}

Result<FillReport> FillGaps(Panel& panel, const FillOptions& options,
                            std::span<const size_t> series) {
  if (options.season_length < 0) {
    return Status::InvalidArgument(
        "season_length must be >= 0 (0 = the frequency's default), got " +
        std::to_string(options.season_length));
  }
  for (size_t i : series) {
    if (i >= panel.num_series()) {
      return Status::InvalidArgument("series position " + std::to_string(i) +
                                     " is out of range; the panel has " +
                                     std::to_string(panel.num_series()) + " series");
    }
  }
  const int m =
      options.season_length > 0 ? options.season_length : panel.freq().DefaultSeasonLength();
  FillReport report;
  report.filled_per_series.assign(panel.num_series(), 0);
  auto fill_one = [&](size_t i) {
    int64_t c = FillSeries(panel.mutable_values(i), options, m);
    report.filled_per_series[i] += c;
    report.total_filled += c;
  };
  if (series.empty()) {
    for (size_t i = 0; i < panel.num_series(); ++i) fill_one(i);
  } else {
    std::vector<bool> done(panel.num_series(), false);
    for (size_t i : series) {
      if (done[i]) continue;  // a position listed twice is filled once
      done[i] = true;
      fill_one(i);
    }
  }
  return report;
}

}  // namespace retailcast::prep
