#include "retailcast/core/forecast_table.h"

#include <limits>
#include <utility>

namespace retailcast {

ForecastTable::ForecastTable(std::vector<double> levels)
    : levels_(std::move(levels)), lo_(levels_.size()), hi_(levels_.size()) {}

uint32_t ForecastTable::Intern(std::vector<std::string>* names,
                               std::unordered_map<std::string, uint32_t>* index,
                               std::string_view s) {
  // Rows come in runs of one series and model: the last name is the usual answer.
  if (!names->empty() && names->back() == s) return static_cast<uint32_t>(names->size() - 1);
  auto [it, inserted] = index->try_emplace(std::string(s), static_cast<uint32_t>(names->size()));
  if (inserted) names->emplace_back(s);
  return it->second;
}

void ForecastTable::Extend(uint32_t series, uint32_t model) {
  const size_t row = ds_.size();
  if (!blocks_.empty() && blocks_.back().series == series && blocks_.back().model == model &&
      blocks_.back().end == row) {
    ++blocks_.back().end;
  } else {
    blocks_.push_back(Block{series, model, row, row + 1});
  }
  series_.push_back(series);
  model_.push_back(model);
}

void ForecastTable::AppendRow(std::string_view unique_id, std::string_view model, Date ds,
                              double yhat, std::span<const double> lo, std::span<const double> hi) {
  Extend(Intern(&series_ids_, &series_index_, unique_id), Intern(&models_, &model_index_, model));
  ds_.push_back(ds);
  yhat_.push_back(yhat);
  for (size_t l = 0; l < levels_.size(); ++l) {
    lo_[l].push_back(lo[l]);
    hi_[l].push_back(hi[l]);
  }
}

void ForecastTable::AppendForecast(std::string_view unique_id, std::string_view model, Date last,
                                   const Frequency& freq, const Forecast& fc) {
  const size_t h = fc.mean.size();
  const uint32_t s = Intern(&series_ids_, &series_index_, unique_id);
  const uint32_t m = Intern(&models_, &model_index_, model);
  for (size_t t = 0; t < h; ++t) {
    Extend(s, m);
    ds_.push_back(freq.Advance(last, static_cast<int64_t>(t) + 1));
    yhat_.push_back(fc.mean[t]);
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  for (size_t l = 0; l < levels_.size(); ++l) {
    // The forecast's interval of this level, when it has one of the right length (the last
    // such, as models list each level once).
    int where = -1;
    for (size_t k = 0; k < fc.levels.size(); ++k) {
      if (fc.levels[k] == levels_[l] && k < fc.lower.size() && k < fc.upper.size() &&
          fc.lower[k].size() == h && fc.upper[k].size() == h) {
        where = static_cast<int>(k);
      }
    }
    if (where < 0) {
      lo_[l].insert(lo_[l].end(), h, kNaN);
      hi_[l].insert(hi_[l].end(), h, kNaN);
    } else {
      const auto& lower = fc.lower[static_cast<size_t>(where)];
      const auto& upper = fc.upper[static_cast<size_t>(where)];
      lo_[l].insert(lo_[l].end(), lower.begin(), lower.end());
      hi_[l].insert(hi_[l].end(), upper.begin(), upper.end());
    }
  }
}

void ForecastTable::AppendBlocks(const ForecastTable& other, size_t first, size_t last) {
  for (size_t b = first; b < last; ++b) {
    const Block& block = other.blocks_[b];
    const uint32_t s = Intern(&series_ids_, &series_index_, other.series_ids_[block.series]);
    const uint32_t m = Intern(&models_, &model_index_, other.models_[block.model]);
    for (size_t r = block.begin; r < block.end; ++r) {
      Extend(s, m);
      ds_.push_back(other.ds_[r]);
      yhat_.push_back(other.yhat_[r]);
      for (size_t l = 0; l < levels_.size(); ++l) {
        lo_[l].push_back(other.lo_[l][r]);
        hi_[l].push_back(other.hi_[l][r]);
      }
    }
  }
}

void ForecastTable::Reserve(size_t rows) {
  series_.reserve(rows);
  model_.reserve(rows);
  ds_.reserve(rows);
  yhat_.reserve(rows);
  for (size_t l = 0; l < levels_.size(); ++l) {
    lo_[l].reserve(rows);
    hi_[l].reserve(rows);
  }
}

}  // namespace retailcast
