#include "retailcast/core/panel.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace retailcast {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Advisory only: a no-op where transparent huge pages are unsupported, never an error.
void AdviseHugePages(const void* begin, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr size_t kHugePage = size_t{2} << 20;
  if (bytes < 2 * kHugePage) return;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto first = reinterpret_cast<uintptr_t>(begin);
  const uintptr_t start = (first + page - 1) / page * page;
  const uintptr_t end = (first + bytes) / page * page;
  if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
#else
  (void)begin;
  (void)bytes;
#endif
}
}  // namespace

Panel::Panel(const Panel& other)
    : freq_(other.freq_),
      ids_(other.ids_),
      starts_(other.starts_),
      offsets_(other.offsets_),
      values_(other.values_),
      exog_names_(other.exog_names_),
      exog_values_(other.exog_values_),
      attr_names_(other.attr_names_),
      attrs_(other.attrs_) {}

Panel::Panel(Panel&& other) noexcept
    : freq_(other.freq_),
      ids_(std::move(other.ids_)),
      starts_(std::move(other.starts_)),
      offsets_(std::move(other.offsets_)),
      values_(std::move(other.values_)),
      exog_names_(std::move(other.exog_names_)),
      exog_values_(std::move(other.exog_values_)),
      attr_names_(std::move(other.attr_names_)),
      attrs_(std::move(other.attrs_)) {
  other.id_index_.clear();
  other.offsets_.assign(1, 0);
}

Panel& Panel::operator=(const Panel& other) {
  if (this != &other) *this = Panel(other);
  return *this;
}

Panel& Panel::operator=(Panel&& other) noexcept {
  if (this == &other) return *this;
  freq_ = other.freq_;
  ids_ = std::move(other.ids_);
  starts_ = std::move(other.starts_);
  offsets_ = std::move(other.offsets_);
  values_ = std::move(other.values_);
  exog_names_ = std::move(other.exog_names_);
  exog_values_ = std::move(other.exog_values_);
  attr_names_ = std::move(other.attr_names_);
  attrs_ = std::move(other.attrs_);
  id_index_.clear();
  other.id_index_.clear();
  other.offsets_.assign(1, 0);
  return *this;
}

std::span<const double> SeriesView::exog(std::string_view name) const {
  if (panel == nullptr) return {};
  auto k = panel->FindExog(name);
  if (!k) return {};
  return panel->exog(*k, index).first(y.size());
}

SeriesView Panel::series(size_t i) const {
  return SeriesView{ids_[i], starts_[i], freq_, values(i), this, i};
}

void Panel::BuildIdIndex() const {
  if (id_index_.size() == ids_.size()) return;
  id_index_.clear();
  id_index_.reserve(ids_.size());
  for (size_t i = 0; i < ids_.size(); ++i) id_index_.emplace(ids_[i], i);
}

std::optional<size_t> Panel::Find(std::string_view id) const {
  BuildIdIndex();
  auto it = id_index_.find(id);
  if (it == id_index_.end()) return std::nullopt;
  return it->second;
}

void Panel::Reserve(size_t series, size_t values) {
  starts_.reserve(series);
  offsets_.reserve(series + 1);
  values_.reserve(values);
  AdviseHugePages(values_.data(), values_.capacity() * sizeof(double));
  for (auto& col : exog_values_) {
    col.reserve(values);
    AdviseHugePages(col.data(), col.capacity() * sizeof(double));
  }
}

size_t Panel::AddSeries(std::string_view id, Date start, int64_t length,
                        std::span<const std::string_view> attributes) {
  // The string_view keys of id_index_ point into ids_, which may reallocate: drop the index.
  id_index_.clear();
  ids_.push_back(id);
  starts_.push_back(start);
  values_.resize(values_.size() + static_cast<size_t>(length), kNaN);
  offsets_.push_back(values_.size());
  for (auto& col : exog_values_) col.resize(values_.size(), kNaN);
  for (size_t a = 0; a < attrs_.size(); ++a) {
    attrs_[a].push_back(a < attributes.size() ? attributes[a] : std::string_view());
  }
  return starts_.size() - 1;
}

size_t Panel::AddSeries(std::string_view id, Date start, std::span<const double> values,
                        std::span<const std::string_view> attributes) {
  size_t i = AddSeries(id, start, static_cast<int64_t>(values.size()), attributes);
  std::copy(values.begin(), values.end(), values_.begin() + static_cast<ptrdiff_t>(offsets_[i]));
  return i;
}

Result<size_t> Panel::AddExogColumn(std::string name) {
  if (FindExog(name))
    return Status::InvalidArgument("exogenous column '" + name + "' exists already");
  exog_names_.push_back(std::move(name));
  exog_values_.emplace_back(values_.size(), kNaN);
  return exog_names_.size() - 1;
}

std::optional<size_t> Panel::FindExog(std::string_view name) const {
  for (size_t k = 0; k < exog_names_.size(); ++k) {
    if (exog_names_[k] == name) return k;
  }
  return std::nullopt;
}

Status Panel::SetAttributeNames(std::vector<std::string> names) {
  if (num_series() > 0) {
    return Status::FailedPrecondition("attribute columns must be declared before adding series");
  }
  attr_names_ = std::move(names);
  attrs_.assign(attr_names_.size(), StringColumn());
  return Status::Ok();
}

std::optional<size_t> Panel::FindAttribute(std::string_view name) const {
  for (size_t a = 0; a < attr_names_.size(); ++a) {
    if (attr_names_[a] == name) return a;
  }
  return std::nullopt;
}

size_t Panel::memory_bytes() const {
  size_t bytes = ids_.memory_bytes() + starts_.capacity() * sizeof(Date) +
                 offsets_.capacity() * sizeof(uint64_t) + values_.capacity() * sizeof(double);
  for (const auto& col : exog_values_) bytes += col.capacity() * sizeof(double);
  for (const auto& col : attrs_) bytes += col.memory_bytes();
  return bytes;
}

}  // namespace retailcast
