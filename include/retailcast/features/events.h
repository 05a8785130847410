// Events: named sets of dates (holidays, promotions, sporting finals, paydays...) that share
// one effect, each with a window of days around every date and its own prior scale; read
// from user files and turned into indicator features on a series' time grid.
//
// Event files (ReadEventsFile), three layouts:
//   list   one row per occurrence: event (or holiday), ds (or date), and optionally
//          lower_window, upper_window, prior_scale (Prophet's holidays data frame).
//   m5     M5's calendar.csv: date, event_name_1, event_type_1, event_name_2, event_type_2;
//          every event name (or, with by_type, every event type) becomes an event.
//   flags  any file with a date column and 0/1 columns (e.g. Walmart's Holiday_Flag): each
//          flag column becomes an event on the dates where some row has it set.
// Thread-safety: stateless functions; may be called concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"
#include "retailcast/features/holidays.h"

namespace retailcast::features {

// Longest window (in days, each side) an event may have.
inline constexpr int kMaxEventWindow = 366;

struct Event {
  std::string name;
  std::vector<Date> dates;  // sorted, distinct
  // Days before (<= 0) and after (>= 0) each date that carry the event's effect too, e.g.
  // lower_window = -1 for Christmas Eve, upper_window = 1 for the Monday after a final.
  int lower_window = 0;
  int upper_window = 0;
  // Prior scale of the event's coefficients in the model; 0 = the model's default.
  double prior_scale = 0;
};

enum class EventFileLayout : uint8_t { kAuto, kList, kM5Calendar, kFlags };

struct EventFileOptions {
  // kAuto: m5 when the header has event_name_1, list when it has event or holiday, flags
  // when flag_columns is set; InvalidArgument otherwise.
  EventFileLayout layout = EventFileLayout::kAuto;
  std::vector<std::string> flag_columns;  // flags layout: the 0/1 columns (required)
  bool by_type = false;                   // m5 layout: one event per event type
  std::string date_column;                // empty: the first of ds, date, Date
  std::optional<DateFormat> date_format;  // detected from the first row when absent
  // Window and prior scale of events whose file gives none (m5, flags, list rows without).
  int lower_window = 0;
  int upper_window = 0;
  double prior_scale = 0;
};

// Reads events from a file. NotFound / IoError for the file; DataError naming the file, line
// and field for an unparseable date or number, a flag that is not 0/1, or an event whose rows
// disagree on its window or prior scale; InvalidArgument for bad options. Events come out
// sorted by name.
Result<std::vector<Event>> ReadEventsFile(const std::string& path, const EventFileOptions& options);
// Same from bytes in memory; `name` appears in error messages.
Result<std::vector<Event>> ReadEventsFromString(std::string_view bytes, const std::string& name,
                                                const EventFileOptions& options);

// One event per holiday name (observed days are their own "(observed)" events), with the
// given window and prior scale, in order of first appearance.
std::vector<Event> EventsFromHolidays(std::span<const Holiday> holidays, int lower_window,
                                      int upper_window, double prior_scale);

// InvalidArgument naming the event when a name is empty or repeated, a window is outside
// [-kMaxEventWindow, 0] / [0, kMaxEventWindow], the prior scale is negative or not finite, or
// the dates are not sorted and distinct.
Status ValidateEvents(std::span<const Event> events);

// One indicator column of MakeEventFeatures.
struct EventColumn {
  size_t event = 0;  // index into the events given
  int offset = 0;    // day offset from the event date (daily data); 0 otherwise
  std::string name;  // "<event>", "<event>+1", "<event>-2"
};

struct EventFeatures {
  std::vector<EventColumn> columns;
  std::vector<std::vector<double>> values;  // values[c][t], t = 0..length-1
};

// Indicator features of `events` on the grid of `length` periods of `freq` starting at
// `first` (a period stamp). The columns depend only on the events and the frequency, never on
// the grid, so the columns of a training grid and of a forecast grid line up:
//   daily data: one column per (event, offset in lower_window..upper_window), 1 on each
//     date + offset (Prophet's holiday features);
//   coarser data (weekly, monthly...): one column per event, the share of the event's window
//     days that fall in the period, summed over its dates (1 for a one-day event whose day
//     lies in the period; a 3-day window split 2 + 1 over two weeks gives 2/3 and 1/3).
// Days are mapped to periods with Frequency::PeriodOf.
EventFeatures MakeEventFeatures(std::span<const Event> events, Date first, const Frequency& freq,
                                int64_t length);

}  // namespace retailcast::features
