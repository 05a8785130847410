// Helpers shared by the model families of src/models (private to the module).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/model.h"
#include "retailcast/core/panel.h"
#include "retailcast/core/param_table.h"
#include "retailcast/core/serialize.h"
#include "retailcast/core/status.h"

namespace retailcast::models {

// The parameter every seasonal model names the same way.
inline constexpr std::string_view kSeasonLengthParam = "season_length";

// The table of a model without parameters of its own.
const ParamTableBase& EmptyParamTable();

// Number of non-NaN values.
size_t CountObserved(std::span<const double> values);

// DataError naming the series and the model when the series is empty or all NaN.
Status RequireObservations(const SeriesView& series, std::string_view model);

// The season length a model uses: `param` when > 0, else the frequency's default
// (Frequency::DefaultSeasonLength). InvalidArgument when the result is < 1.
Result<int> ResolveSeasonLength(int64_t param, const SeriesView& series, std::string_view model);

// Prefix for a DataError about one series: "model 'snaive', series 'store_01': ".
std::string SeriesContext(std::string_view model, std::string_view series_id);

// Every saved state starts with the model name and a format version, so bytes saved by one
// model are never read as another's and older formats can be recognised.
void WriteStateHeader(ByteWriter& out, std::string_view model, uint64_t version);
// DataError when the bytes are not a state of `model` at format `version`.
Status ReadStateHeader(ByteReader& in, std::string_view model, uint64_t version);
// DataError unless the reader consumed every byte (trailing garbage means corruption).
Status RequireAtEnd(const ByteReader& in, std::string_view model);
// DataError unless `v` is finite (and >= 0 when `non_negative`).
Status RequireFinite(double v, std::string_view field, std::string_view model,
                     bool non_negative = false);

// A Forecast whose bounds are mean -/+ z * se[t], z = Phi^-1(0.5 + level / 200): the
// normal intervals of FPP3 section 5.5 (and R forecast's lagwalk). Requires a valid request
// and se.size() == mean.size().
Forecast NormalIntervalForecast(std::vector<double> mean, std::span<const double> se,
                                const std::vector<double>& levels);

}  // namespace retailcast::models
