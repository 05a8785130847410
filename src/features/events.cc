// Event files and event indicator features (see events.h for the layouts and the feature
// definition, which follows Prophet's holiday features, Taylor & Letham 2018, section 3.3).
#include "retailcast/features/events.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "retailcast/io/csv.h"

namespace retailcast::features {
namespace {

// What the rows of a file say about one event, before it becomes an Event.
struct EventDraft {
  std::set<int32_t> days;
  std::optional<int> lower, upper;
  std::optional<double> prior;
  int64_t first_line = 0;  // where the window / prior scale was first given
};

std::string Where(const io::CsvFile& file, int64_t line) {
  return file.name() + ":" + std::to_string(line) + ": ";
}

Status RowError(const io::CsvFile& file, const io::CsvRecord& rec, std::string_view column,
                std::string_view field, const std::string& reason) {
  return Status::DataError(Where(file, rec.line) + "column '" + std::string(column) + "' value '" +
                           std::string(field) + "': " + reason +
                           " (row: " + std::string(rec.raw.substr(0, 200)) + ")");
}

class EventFileReader {
 public:
  EventFileReader(const io::CsvFile& file, const EventFileOptions& options)
      : file_(file), options_(options), reader_(file, io::CsvOptions{}) {}

  Result<std::vector<Event>> Read() {
    RETAILCAST_RETURN_IF_ERROR(reader_.ReadHeader());
    RETAILCAST_RETURN_IF_ERROR(ResolveLayout());
    RETAILCAST_RETURN_IF_ERROR(ResolveDateColumn());
    io::CsvRecord rec;
    while (reader_.Next(&rec)) {
      if (!rec.error.empty()) {
        return Status::DataError(Where(file_, rec.line) + std::string(rec.error) + " (field " +
                                 std::to_string(rec.error_column) + ")");
      }
      if (rec.fields.size() != reader_.header().size()) {
        return Status::DataError(Where(file_, rec.line) + "has " +
                                 std::to_string(rec.fields.size()) + " fields, the header " +
                                 std::to_string(reader_.header().size()));
      }
      RETAILCAST_RETURN_IF_ERROR(ReadRow(rec));
    }
    std::vector<Event> events;
    for (auto& [name, draft] : drafts_) {
      Event e;
      e.name = name;
      for (int32_t d : draft.days) e.dates.push_back(Date{d});
      e.lower_window = draft.lower.value_or(options_.lower_window);
      e.upper_window = draft.upper.value_or(options_.upper_window);
      e.prior_scale = draft.prior.value_or(options_.prior_scale);
      if (!e.dates.empty()) events.push_back(std::move(e));
    }
    Status s = ValidateEvents(events);
    if (!s.ok()) return Status::DataError(file_.name() + ": " + s.message());
    return events;
  }

 private:
  Status ResolveLayout() {
    layout_ = options_.layout;
    const bool has_m5 = reader_.FindColumn("event_name_1") >= 0;
    name_col_ = reader_.FindColumn("event");
    if (name_col_ < 0) name_col_ = reader_.FindColumn("holiday");
    if (layout_ == EventFileLayout::kAuto) {
      if (has_m5) {
        layout_ = EventFileLayout::kM5Calendar;
      } else if (name_col_ >= 0) {
        layout_ = EventFileLayout::kList;
      } else if (!options_.flag_columns.empty()) {
        layout_ = EventFileLayout::kFlags;
      } else {
        return Status::InvalidArgument(
            file_.name() +
            ": cannot tell the event file layout: the header has no event_name_1 (M5 "
            "calendar) and no event or holiday column (event list); for a file of 0/1 "
            "columns name them as flag columns (e.g. event_flags=Holiday_Flag)");
      }
    }
    switch (layout_) {
      case EventFileLayout::kList:
        if (name_col_ < 0) return MissingColumn("event (or holiday)");
        lower_col_ = reader_.FindColumn("lower_window");
        upper_col_ = reader_.FindColumn("upper_window");
        prior_col_ = reader_.FindColumn("prior_scale");
        if ((lower_col_ < 0) != (upper_col_ < 0)) {
          return Status::DataError(file_.name() +
                                   ": give both lower_window and upper_window, or neither");
        }
        break;
      case EventFileLayout::kM5Calendar:
        for (const char* c : {"event_name_1", "event_type_1", "event_name_2", "event_type_2"}) {
          const int idx = reader_.FindColumn(c);
          if (idx < 0) return MissingColumn(c);
          m5_cols_.push_back(idx);
        }
        break;
      case EventFileLayout::kFlags:
        if (options_.flag_columns.empty()) {
          return Status::InvalidArgument(file_.name() +
                                         ": the flags layout needs the names of its 0/1 columns");
        }
        for (const auto& c : options_.flag_columns) {
          const int idx = reader_.FindColumn(c);
          if (idx < 0) return MissingColumn(c);
          flag_cols_.push_back(idx);
        }
        break;
      case EventFileLayout::kAuto:
        break;
    }
    return Status::Ok();
  }

  Status ResolveDateColumn() {
    if (!options_.date_column.empty()) {
      date_col_ = reader_.FindColumn(options_.date_column);
      if (date_col_ < 0) return MissingColumn(options_.date_column);
      return Status::Ok();
    }
    for (const char* c : {"ds", "date", "Date"}) {
      date_col_ = reader_.FindColumn(c);
      if (date_col_ >= 0) return Status::Ok();
    }
    return MissingColumn("ds (or date, Date)");
  }

  Status MissingColumn(std::string_view what) const {
    std::string cols;
    for (const auto& h : reader_.header()) cols += (cols.empty() ? "" : ", ") + h;
    return Status::DataError(file_.name() + ": no column " + std::string(what) +
                             "; the header has " + cols);
  }

  Result<Date> RowDate(const io::CsvRecord& rec) {
    const std::string_view text = rec.fields[static_cast<size_t>(date_col_)];
    const std::string& column = reader_.header()[static_cast<size_t>(date_col_)];
    if (!format_) {
      auto f =
          options_.date_format ? Result<DateFormat>(*options_.date_format) : DetectDateFormat(text);
      if (!f.ok()) return RowError(file_, rec, column, text, f.status().message());
      format_ = *f;
    }
    auto d = ParseDate(text, *format_);
    if (!d.ok()) return RowError(file_, rec, column, text, d.status().message());
    return *d;
  }

  Status ReadRow(const io::CsvRecord& rec) {
    RETAILCAST_ASSIGN_OR_RETURN(Date date, RowDate(rec));
    switch (layout_) {
      case EventFileLayout::kList:
        return ReadListRow(rec, date);
      case EventFileLayout::kM5Calendar:
        for (int slot = 0; slot < 2; ++slot) {
          const std::string_view name =
              rec.fields[static_cast<size_t>(m5_cols_[static_cast<size_t>(2 * slot)])];
          const std::string_view type =
              rec.fields[static_cast<size_t>(m5_cols_[static_cast<size_t>(2 * slot + 1)])];
          const std::string_view key = options_.by_type ? type : name;
          if (!key.empty()) drafts_[std::string(key)].days.insert(date.days);
        }
        return Status::Ok();
      case EventFileLayout::kFlags:
        for (size_t k = 0; k < flag_cols_.size(); ++k) {
          const std::string_view text = rec.fields[static_cast<size_t>(flag_cols_[k])];
          double v = 0;
          const io::NumberParse p = io::ParseFlag(text, &v);
          if (p == io::NumberParse::kInvalid || (p == io::NumberParse::kOk && v != 0 && v != 1)) {
            return RowError(file_, rec, options_.flag_columns[k], text,
                            "a flag must be 0, 1, TRUE, FALSE or empty");
          }
          EventDraft& draft = drafts_[options_.flag_columns[k]];
          if (p == io::NumberParse::kOk && v == 1) draft.days.insert(date.days);
        }
        return Status::Ok();
      case EventFileLayout::kAuto:
        break;
    }
    return Status::Internal("event file layout not resolved");
  }

  Status ReadListRow(const io::CsvRecord& rec, Date date) {
    const std::string_view name = rec.fields[static_cast<size_t>(name_col_)];
    if (name.empty()) {
      return RowError(file_, rec, reader_.header()[static_cast<size_t>(name_col_)], name,
                      "the event name is empty");
    }
    EventDraft& draft = drafts_[std::string(name)];
    draft.days.insert(date.days);
    auto number = [&](int col, std::optional<double>* out) -> Status {
      if (col < 0) return Status::Ok();
      const std::string_view text = rec.fields[static_cast<size_t>(col)];
      double v = 0;
      const io::NumberParse p = io::ParseNumber(text, &v);
      if (p == io::NumberParse::kInvalid) {
        return RowError(file_, rec, reader_.header()[static_cast<size_t>(col)], text,
                        "not a number");
      }
      if (p == io::NumberParse::kOk) *out = v;
      return Status::Ok();
    };
    std::optional<double> lower, upper, prior;
    RETAILCAST_RETURN_IF_ERROR(number(lower_col_, &lower));
    RETAILCAST_RETURN_IF_ERROR(number(upper_col_, &upper));
    RETAILCAST_RETURN_IF_ERROR(number(prior_col_, &prior));
    if (lower.has_value() != upper.has_value()) {
      return Status::DataError(Where(file_, rec.line) + "event '" + std::string(name) +
                               "' gives one of lower_window and upper_window without the other");
    }
    if (lower) {
      if (*lower != std::floor(*lower) || *upper != std::floor(*upper) ||
          std::abs(*lower) > kMaxEventWindow || std::abs(*upper) > kMaxEventWindow) {
        return Status::DataError(Where(file_, rec.line) + "event '" + std::string(name) +
                                 "': windows must be whole numbers of days within " +
                                 std::to_string(kMaxEventWindow));
      }
      const int lo = static_cast<int>(*lower), hi = static_cast<int>(*upper);
      if (draft.lower && (*draft.lower != lo || *draft.upper != hi)) {
        return Status::DataError(
            Where(file_, rec.line) + "event '" + std::string(name) + "' has window [" +
            std::to_string(lo) + ", " + std::to_string(hi) + "] here but [" +
            std::to_string(*draft.lower) + ", " + std::to_string(*draft.upper) + "] on line " +
            std::to_string(draft.first_line) + "; one event has one window (use two event names)");
      }
      draft.lower = lo;
      draft.upper = hi;
      if (draft.first_line == 0) draft.first_line = rec.line;
    }
    if (prior) {
      if (draft.prior && *draft.prior != *prior) {
        return Status::DataError(Where(file_, rec.line) + "event '" + std::string(name) +
                                 "' has a different prior_scale than on an earlier line; one "
                                 "event has one prior scale");
      }
      draft.prior = *prior;
    }
    return Status::Ok();
  }

  const io::CsvFile& file_;
  const EventFileOptions& options_;
  io::CsvReader reader_;
  EventFileLayout layout_ = EventFileLayout::kAuto;
  int date_col_ = -1, name_col_ = -1, lower_col_ = -1, upper_col_ = -1, prior_col_ = -1;
  std::vector<int> m5_cols_, flag_cols_;
  std::optional<DateFormat> format_;
  std::map<std::string, EventDraft> drafts_;
};

Result<std::vector<Event>> ReadEvents(const io::CsvFile& file, const EventFileOptions& options) {
  if (options.lower_window > 0 || options.upper_window < 0) {
    return Status::InvalidArgument("default event window [" + std::to_string(options.lower_window) +
                                   ", " + std::to_string(options.upper_window) +
                                   "] must have lower <= 0 <= upper");
  }
  EventFileReader reader(file, options);
  return reader.Read();
}

}  // namespace

Result<std::vector<Event>> ReadEventsFile(const std::string& path,
                                          const EventFileOptions& options) {
  RETAILCAST_ASSIGN_OR_RETURN(io::CsvFile file, io::CsvFile::Open(path));
  return ReadEvents(file, options);
}

Result<std::vector<Event>> ReadEventsFromString(std::string_view bytes, const std::string& name,
                                                const EventFileOptions& options) {
  io::CsvFile file = io::CsvFile::FromString(bytes, name);
  return ReadEvents(file, options);
}

std::vector<Event> EventsFromHolidays(std::span<const Holiday> holidays, int lower_window,
                                      int upper_window, double prior_scale) {
  std::vector<Event> events;
  std::map<std::string, size_t, std::less<>> index;
  for (const Holiday& h : holidays) {
    auto it = index.find(h.name);
    if (it == index.end()) {
      it = index.emplace(h.name, events.size()).first;
      events.push_back(Event{h.name, {}, lower_window, upper_window, prior_scale});
    }
    events[it->second].dates.push_back(h.date);
  }
  for (Event& e : events) {
    std::sort(e.dates.begin(), e.dates.end());
    e.dates.erase(std::unique(e.dates.begin(), e.dates.end()), e.dates.end());
  }
  return events;
}

Status ValidateEvents(std::span<const Event> events) {
  std::set<std::string_view> names;
  for (const Event& e : events) {
    if (e.name.empty()) return Status::InvalidArgument("an event has an empty name");
    if (!names.insert(e.name).second) {
      return Status::InvalidArgument("event '" + e.name + "' is given twice");
    }
    if (e.lower_window > 0 || e.lower_window < -kMaxEventWindow || e.upper_window < 0 ||
        e.upper_window > kMaxEventWindow) {
      return Status::InvalidArgument(
          "event '" + e.name + "' has window [" + std::to_string(e.lower_window) + ", " +
          std::to_string(e.upper_window) + "]; lower_window must be in [-" +
          std::to_string(kMaxEventWindow) + ", 0] and upper_window in [0, " +
          std::to_string(kMaxEventWindow) + "]");
    }
    if (!std::isfinite(e.prior_scale) || e.prior_scale < 0) {
      return Status::InvalidArgument("event '" + e.name + "' has prior scale " +
                                     std::to_string(e.prior_scale) +
                                     "; give a positive number (or 0 for the model's default)");
    }
    for (size_t i = 1; i < e.dates.size(); ++i) {
      if (!(e.dates[i - 1] < e.dates[i])) {
        return Status::InvalidArgument(
            "event '" + e.name + "' has dates that are not sorted and distinct (" +
            e.dates[i - 1].ToString() + ", " + e.dates[i].ToString() + ")");
      }
    }
  }
  return Status::Ok();
}

EventFeatures MakeEventFeatures(std::span<const Event> events, Date first, const Frequency& freq,
                                int64_t length) {
  EventFeatures out;
  const auto n = static_cast<size_t>(std::max<int64_t>(length, 0));
  const bool daily = freq.unit == FrequencyUnit::kDay;
  const Date last = n > 0 ? freq.Advance(first, length - 1) : first;
  // The period index of a day, or -1 outside the grid.
  auto index_of = [&](Date day) -> int64_t {
    if (n == 0) return -1;
    if (daily) return day >= first && day <= last ? day - first : -1;
    auto steps = freq.StepsBetween(first, freq.PeriodOf(day));
    return steps.ok() && *steps >= 0 && *steps < length ? *steps : -1;
  };
  for (size_t e = 0; e < events.size(); ++e) {
    const Event& ev = events[e];
    if (daily) {
      for (int off = ev.lower_window; off <= ev.upper_window; ++off) {
        std::string name = ev.name;
        if (off != 0) name += (off > 0 ? "+" : "-") + std::to_string(std::abs(off));
        std::vector<double> col(n, 0.0);
        for (Date d : ev.dates) {
          const int64_t t = index_of(d + off);
          if (t >= 0) col[static_cast<size_t>(t)] = 1.0;
        }
        out.columns.push_back(EventColumn{e, off, std::move(name)});
        out.values.push_back(std::move(col));
      }
    } else {
      const double share = 1.0 / static_cast<double>(ev.upper_window - ev.lower_window + 1);
      std::vector<double> col(n, 0.0);
      for (Date d : ev.dates) {
        // Skip dates whose whole window is far outside the grid without walking every day.
        if (n > 0 && (d + ev.upper_window < freq.DaysOf(first).first ||
                      d + ev.lower_window > freq.DaysOf(last).second)) {
          continue;
        }
        for (int off = ev.lower_window; off <= ev.upper_window; ++off) {
          const int64_t t = index_of(d + off);
          if (t >= 0) col[static_cast<size_t>(t)] += share;
        }
      }
      out.columns.push_back(EventColumn{e, 0, ev.name});
      out.values.push_back(std::move(col));
    }
  }
  return out;
}

}  // namespace retailcast::features
