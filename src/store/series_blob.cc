#include "series_blob.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace retailcast::store::internal {
namespace {

double ByteSwap(double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  return std::bit_cast<double>(__builtin_bswap64(bits));
}

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

}  // namespace

std::span<const std::byte> LittleEndianBytes(std::span<const double> values,
                                             std::vector<double>* scratch) {
  if constexpr (std::endian::native == std::endian::little) {
    return std::as_bytes(values);
  } else {
    scratch->assign(values.begin(), values.end());
    for (double& v : *scratch) v = ByteSwap(v);
    return std::as_bytes(std::span<const double>(*scratch));
  }
}

void FromLittleEndian(std::span<double> values) {
  if constexpr (std::endian::native != std::endian::little) {
    for (double& v : values) v = ByteSwap(v);
  }
}

Status DecodeBlob(std::span<const std::byte> blob, int64_t length, const char* what,
                  std::vector<double>* out) {
  if (length < 0 || blob.size() != static_cast<size_t>(length) * sizeof(double)) {
    return Status::DataError(std::string(what) + " holds " + std::to_string(blob.size()) +
                             " bytes but its recorded length is " + std::to_string(length) +
                             " values; the store is damaged");
  }
  out->resize(static_cast<size_t>(length));
  if (!blob.empty()) std::memcpy(out->data(), blob.data(), blob.size());
  FromLittleEndian(*out);
  return Status::Ok();
}

int64_t CountObserved(std::span<const double> values) {
  int64_t n = 0;
  for (double v : values) n += std::isnan(v) ? 0 : 1;
  return n;
}

Status MergeSeries(const Frequency& freq, Date stored_start, std::span<const double> stored,
                   Date incoming_start, std::span<const double> incoming, MergedSeries* out,
                   MergeCounts* counts) {
  if (stored.empty()) stored_start = incoming_start;
  if (incoming.empty()) incoming_start = stored_start;
  const Date start = std::min(stored_start, incoming_start);
  RETAILCAST_ASSIGN_OR_RETURN(int64_t stored_at, freq.StepsBetween(start, stored_start));
  RETAILCAST_ASSIGN_OR_RETURN(int64_t incoming_at, freq.StepsBetween(start, incoming_start));
  const int64_t length = std::max(stored_at + static_cast<int64_t>(stored.size()),
                                  incoming_at + static_cast<int64_t>(incoming.size()));

  out->start = start;
  out->values.assign(static_cast<size_t>(length), std::numeric_limits<double>::quiet_NaN());
  std::copy(stored.begin(), stored.end(), out->values.begin() + stored_at);
  out->changed = start != stored_start || length != static_cast<int64_t>(stored.size());
  double* dst = out->values.data() + incoming_at;
  for (size_t j = 0; j < incoming.size(); ++j) {
    const double v = incoming[j];
    if (std::isnan(v)) continue;
    if (std::isnan(dst[j])) {
      ++counts->inserted;
    } else if (SameBits(dst[j], v)) {
      ++counts->unchanged;
      continue;
    } else {
      ++counts->updated;
    }
    dst[j] = v;
    out->changed = true;
  }
  return Status::Ok();
}

}  // namespace retailcast::store::internal
