#include "model_util.h"

#include <cmath>

#include "retailcast/models/distributions.h"

namespace retailcast::models {

const ParamTableBase& EmptyParamTable() {
  struct NoParams {};
  static const ParamTable<NoParams> table;
  return table;
}

size_t CountObserved(std::span<const double> values) {
  size_t n = 0;
  for (double v : values) n += std::isnan(v) ? 0 : 1;
  return n;
}

std::string SeriesContext(std::string_view model, std::string_view series_id) {
  return "model '" + std::string(model) + "', series '" + std::string(series_id) + "': ";
}

Status RequireObservations(const SeriesView& series, std::string_view model) {
  if (series.y.empty()) {
    return Status::DataError(SeriesContext(model, series.id) +
                             "the training series is empty; give at least one observation");
  }
  if (CountObserved(series.y) == 0) {
    return Status::DataError(SeriesContext(model, series.id) + "all " +
                             std::to_string(series.y.size()) +
                             " training values are missing (NaN); nothing to fit");
  }
  return Status::Ok();
}

Result<int> ResolveSeasonLength(int64_t param, const SeriesView& series, std::string_view model) {
  const int64_t m = param > 0 ? param : series.freq.DefaultSeasonLength();
  if (m < 1) {
    return Status::InvalidArgument(SeriesContext(model, series.id) + "season_length " +
                                   std::to_string(m) + " is not a positive number of periods");
  }
  return static_cast<int>(m);
}

void WriteStateHeader(ByteWriter& out, std::string_view model, uint64_t version) {
  out.PutString(model);
  out.PutU64(version);
}

Status ReadStateHeader(ByteReader& in, std::string_view model, uint64_t version) {
  std::string name;
  uint64_t got_version = 0;
  Status s = in.GetString(&name);
  if (s.ok()) s = in.GetU64(&got_version);
  if (!s.ok()) {
    return Status::DataError("saved state of model '" + std::string(model) +
                             "' is truncated or corrupt (no readable header)");
  }
  if (name != model) {
    // Cap the echoed name: corrupt bytes can make it long and unprintable.
    std::string shown = name.size() > 40 ? name.substr(0, 40) + "..." : name;
    return Status::DataError("saved state belongs to model '" + shown + "', not '" +
                             std::string(model) + "'");
  }
  if (got_version != version) {
    return Status::DataError("saved state of model '" + std::string(model) +
                             "' has format version " + std::to_string(got_version) +
                             "; this build reads version " + std::to_string(version));
  }
  return Status::Ok();
}

Status RequireAtEnd(const ByteReader& in, std::string_view model) {
  if (!in.at_end()) {
    return Status::DataError("saved state of model '" + std::string(model) +
                             "' has unexpected trailing bytes (corrupt)");
  }
  return Status::Ok();
}

Status RequireFinite(double v, std::string_view field, std::string_view model, bool non_negative) {
  if (!std::isfinite(v) || (non_negative && v < 0)) {
    return Status::DataError("saved state of model '" + std::string(model) + "' is corrupt: " +
                             std::string(field) + " = " + std::to_string(v) + " is not a " +
                             (non_negative ? "finite non-negative" : "finite") + " number");
  }
  return Status::Ok();
}

Forecast NormalIntervalForecast(std::vector<double> mean, std::span<const double> se,
                                const std::vector<double>& levels) {
  Forecast fc;
  fc.levels = levels;
  fc.lower.resize(levels.size());
  fc.upper.resize(levels.size());
  for (size_t l = 0; l < levels.size(); ++l) {
    const double z = NormalQuantile(0.5 + levels[l] / 200.0);
    auto& lo = fc.lower[l];
    auto& hi = fc.upper[l];
    lo.resize(mean.size());
    hi.resize(mean.size());
    for (size_t t = 0; t < mean.size(); ++t) {
      lo[t] = mean[t] - z * se[t];
      hi[t] = mean[t] + z * se[t];
    }
  }
  fc.mean = std::move(mean);
  return fc;
}

}  // namespace retailcast::models
