// The on-disk form of a series (a blob of little-endian doubles, NaN = no observation, plus
// its first date) and the merge rule of IngestPanel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/status.h"

namespace retailcast::store::internal {

// The bytes to store for `values`: the values themselves on a little-endian host, a
// byte-swapped copy kept in `*scratch` on a big-endian one.
std::span<const std::byte> LittleEndianBytes(std::span<const double> values,
                                             std::vector<double>* scratch);
// Turns doubles read from a blob into host order (a no-op on little-endian hosts).
void FromLittleEndian(std::span<double> values);
// Decodes a whole blob; DataError (naming `what`) when its size is not `length` doubles.
Status DecodeBlob(std::span<const std::byte> blob, int64_t length, const char* what,
                  std::vector<double>* out);

// Number of non-NaN values.
int64_t CountObserved(std::span<const double> values);

struct MergeCounts {
  int64_t inserted = 0;   // incoming value where the store had none (NaN or outside range)
  int64_t updated = 0;    // incoming value that differs (bitwise) from the stored one
  int64_t unchanged = 0;  // incoming value bitwise equal to the stored one
};

// A stored series range after merging an incoming one into it.
struct MergedSeries {
  Date start;
  std::vector<double> values;
  bool changed = false;  // range, or any value, differs from the stored series
};

// Merges `incoming` (first date `incoming_start`) into `stored` (first date `stored_start`)
// on the grid of `freq`: the result covers the union of both ranges (NaN in any gap), an
// incoming NaN never overwrites, and a non-NaN incoming value replaces the stored one (the
// newest wins). Adds to `counts`. An empty range takes the other's start. DataError when
// the two starts are not on one grid of `freq`.
Status MergeSeries(const Frequency& freq, Date stored_start, std::span<const double> stored,
                   Date incoming_start, std::span<const double> incoming, MergedSeries* out,
                   MergeCounts* counts);

}  // namespace retailcast::store::internal
