// A regular calendar: first date, frequency and number of periods.
#pragma once

#include <cstdint>

#include "retailcast/core/date.h"

namespace retailcast {

struct TimeIndex {
  Date start;
  Frequency freq;
  int64_t length = 0;

  Date at(int64_t i) const { return freq.Advance(start, i); }
  Date end() const { return at(length - 1); }  // last date; requires length > 0
  // Position of `date` in the index or -1 when it is not on the grid or outside it.
  int64_t PositionOf(Date date) const;
};

}  // namespace retailcast
