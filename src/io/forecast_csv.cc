#include "retailcast/io/forecast_csv.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "io_internal.h"
#include "retailcast/io/atomic_file.h"
#include "retailcast/io/csv.h"

namespace retailcast::io {

void AppendDouble(std::string* out, double v) {
  if (std::isnan(v)) return;
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, p);
}

namespace {

std::string LevelName(double level) {
  std::string s;
  AppendDouble(&s, level);
  return s;
}

void AppendDate(std::string* out, Date d) {
  int y = 0;
  unsigned m = 0, day = 0;
  d.ToYmd(&y, &m, &day);
  char buf[16];
  auto put = [&](char* at, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      at[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(buf, static_cast<unsigned>(y), 4);
  buf[4] = '-';
  put(buf + 5, m, 2);
  buf[7] = '-';
  put(buf + 8, day, 2);
  out->append(buf, 10);
}

}  // namespace

std::string FormatForecastCsv(const ForecastTable& table) {
  const std::vector<double>& levels = table.levels();
  std::string out = "unique_id,ds,model,yhat";
  for (double l : levels) out += ",lo" + LevelName(l) + ",hi" + LevelName(l);
  out += '\n';
  // Each interned string is quoted once, not once per row.
  std::vector<std::string> ids(table.series_ids().size()), models(table.models().size());
  for (size_t k = 0; k < ids.size(); ++k) AppendCsvField(&ids[k], table.series_ids()[k]);
  for (size_t k = 0; k < models.size(); ++k) AppendCsvField(&models[k], table.models()[k]);
  for (size_t r = 0; r < table.size(); ++r) {
    out += ids[table.series_index(r)];
    out += ',';
    AppendDate(&out, table.ds(r));
    out += ',';
    out += models[table.model_index(r)];
    out += ',';
    AppendDouble(&out, table.yhat(r));
    for (size_t l = 0; l < levels.size(); ++l) {
      out += ',';
      AppendDouble(&out, table.lo(l, r));
      out += ',';
      AppendDouble(&out, table.hi(l, r));
    }
    out += '\n';
  }
  return out;
}

Status WriteForecastCsv(const std::string& path, const ForecastTable& table) {
  return WriteFileAtomic(path, FormatForecastCsv(table));
}

Result<ForecastTable> ReadForecastCsv(const std::string& path) {
  RETAILCAST_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Open(path));
  CsvReader r(file, {});
  RETAILCAST_RETURN_IF_ERROR(r.ReadHeader());
  RETAILCAST_ASSIGN_OR_RETURN(int id_idx, internal::RequireColumn(r, "unique_id", "series id"));
  RETAILCAST_ASSIGN_OR_RETURN(int ds_idx, internal::RequireColumn(r, "ds", "date"));
  RETAILCAST_ASSIGN_OR_RETURN(int model_idx, internal::RequireColumn(r, "model", "model name"));
  RETAILCAST_ASSIGN_OR_RETURN(int yhat_idx, internal::RequireColumn(r, "yhat", "point forecast"));
  std::vector<double> levels;
  std::vector<std::pair<int, int>> bounds;  // (lo column, hi column) per level
  for (size_t c = 0; c < r.header().size(); ++c) {
    const std::string& h = r.header()[c];
    if (h.size() <= 2 || h.rfind("lo", 0) != 0) continue;
    std::string level_text = h.substr(2);
    double level = 0;
    if (ParseNumber(level_text, &level) != NumberParse::kOk) continue;
    int hi = r.FindColumn("hi" + level_text);
    if (hi < 0) {
      return Status::DataError(path + ": column '" + h + "' has no matching 'hi" + level_text +
                               "' column");
    }
    levels.push_back(level);
    bounds.emplace_back(static_cast<int>(c), hi);
  }
  ForecastTable table(std::move(levels));
  internal::DateParser dates(DateFormat::kIso);
  std::vector<double> lo(bounds.size()), hi(bounds.size());
  CsvRecord rec;
  std::string reason;
  auto error = [&](int field, const std::string& why) {
    return Status::DataError(path + ":" + std::to_string(rec.line) + ":" +
                             std::to_string(field + 1) + ": " + why + " (raw: '" +
                             std::string(rec.raw.substr(0, 200)) + "')");
  };
  auto number = [&](int field, double* out) -> Status {
    std::string_view t = rec.fields[static_cast<size_t>(field)];
    if (ParseNumber(t, out) == NumberParse::kInvalid) {
      return error(field, "'" + std::string(t) + "' is not a number (column '" +
                              r.header()[static_cast<size_t>(field)] + "')");
    }
    return Status::Ok();
  };
  while (r.Next(&rec)) {
    if (!rec.error.empty()) return error(rec.error_column - 1, std::string(rec.error));
    if (rec.fields.size() != r.header().size()) {
      return error(-1, "expected " + std::to_string(r.header().size()) + " fields, found " +
                           std::to_string(rec.fields.size()));
    }
    Date ds;
    if (!dates.Parse(rec.fields[static_cast<size_t>(ds_idx)], &ds, &reason))
      return error(ds_idx, reason);
    double yhat = 0;
    RETAILCAST_RETURN_IF_ERROR(number(yhat_idx, &yhat));
    for (size_t l = 0; l < bounds.size(); ++l) {
      RETAILCAST_RETURN_IF_ERROR(number(bounds[l].first, &lo[l]));
      RETAILCAST_RETURN_IF_ERROR(number(bounds[l].second, &hi[l]));
    }
    table.AppendRow(rec.fields[static_cast<size_t>(id_idx)],
                    rec.fields[static_cast<size_t>(model_idx)], ds, yhat, lo, hi);
  }
  return table;
}

Status WritePanelLongCsv(const std::string& path, const Panel& panel) {
  AtomicFileWriter w;
  RETAILCAST_RETURN_IF_ERROR(w.Open(path));
  std::string line = "unique_id,ds,y";
  for (size_t k = 0; k < panel.num_exog(); ++k) {
    line += ',';
    AppendCsvField(&line, panel.exog_name(k));
  }
  line += '\n';
  w.Append(line);
  std::string id;
  for (size_t i = 0; i < panel.num_series(); ++i) {
    id.clear();
    AppendCsvField(&id, panel.id(i));
    std::span<const double> y = panel.values(i);
    Date d = panel.start(i);
    for (size_t t = 0; t < y.size(); ++t) {
      line = id;
      line += ',';
      AppendDate(&line, d);
      line += ',';
      AppendDouble(&line, y[t]);
      for (size_t k = 0; k < panel.num_exog(); ++k) {
        line += ',';
        AppendDouble(&line, panel.exog(k, i)[t]);
      }
      line += '\n';
      w.Append(line);
      d = panel.freq().Advance(d, 1);
    }
  }
  return w.Commit();
}

}  // namespace retailcast::io
