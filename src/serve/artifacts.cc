#include "artifacts.h"

#include <algorithm>
#include <map>

namespace retailcast::serve {
namespace {

// What should be served for one name among `records` (all versions of all names): the
// promoted version, else the highest.
const store::ArtifactRecord* Target(const std::vector<store::ArtifactRecord>& records,
                                    std::string_view name) {
  const store::ArtifactRecord* best = nullptr;
  for (const auto& r : records) {
    if (r.name != name) continue;
    if (best == nullptr || (r.promoted && !best->promoted) ||
        (r.promoted == best->promoted && r.version > best->version)) {
      best = &r;
    }
  }
  return best;
}

}  // namespace

Result<std::shared_ptr<const ServedArtifact>> ServedArtifact::Load(store::ArtifactRecord record,
                                                                   const ModelRegistry& registry,
                                                                   size_t cache_bytes) {
  std::shared_ptr<ServedArtifact> a(new ServedArtifact());
  RETAILCAST_ASSIGN_OR_RETURN(a->artifact_, eval::LoadArtifactRecord(std::move(record), registry));
  if (cache_bytes > 0) {
    a->cache_limit_ = cache_bytes;
    a->cache_.reset(
        new std::atomic<std::shared_ptr<const CachedForecast>>[a->models().series().size() *
                                                               a->models().models().size()]);
  }
  return std::shared_ptr<const ServedArtifact>(std::move(a));
}

bool ServedArtifact::WriteCached(size_t i, size_t j, int horizon, const std::vector<double>& levels,
                                 JsonWriter* w) const {
  if (!cache_) return false;
  const std::shared_ptr<const CachedForecast> c = cache_[i * models().models().size() + j].load();
  if (!c || c->horizon != horizon || c->levels != levels) return false;
  w->Raw(c->json);
  return true;
}

void ServedArtifact::Remember(size_t i, size_t j, int horizon, const std::vector<double>& levels,
                              std::string_view json) const {
  if (!cache_) return;
  auto& slot = cache_[i * models().models().size() + j];
  const std::shared_ptr<const CachedForecast> old = slot.load();
  const size_t add = json.size() + sizeof(CachedForecast);
  const size_t drop = old ? old->json.size() + sizeof(CachedForecast) : 0;
  if (cache_used_.load(std::memory_order_relaxed) + add > cache_limit_ + drop) return;
  auto c = std::make_shared<CachedForecast>();
  c->horizon = horizon;
  c->levels = levels;
  c->json = std::string(json);
  // Racing writers of one slot may both count their entry; the bound is a budget, not an
  // exact figure, and the accounting never goes below what is held.
  cache_used_.fetch_add(add, std::memory_order_relaxed);
  const std::shared_ptr<const CachedForecast> replaced = slot.exchange(std::move(c));
  if (replaced) {
    cache_used_.fetch_sub(replaced->json.size() + sizeof(CachedForecast),
                          std::memory_order_relaxed);
  }
}

const ServedArtifact* ServedSet::Find(std::string_view name) const {
  if (name.empty()) return artifacts.size() == 1 ? artifacts[0].get() : nullptr;
  for (const auto& a : artifacts) {
    if (a->record().name == name) return a.get();
  }
  return nullptr;
}

ArtifactServer::ArtifactServer(store::Store& store, const ModelRegistry& registry,
                               std::vector<std::string> names, OnChange on_change,
                               size_t cache_bytes)
    : store_(store),
      registry_(registry),
      names_(std::move(names)),
      on_change_(std::move(on_change)),
      cache_bytes_(cache_bytes),
      current_(std::make_shared<const ServedSet>()) {}

bool ArtifactServer::Serves(std::string_view name) const {
  return names_.empty() || std::find(names_.begin(), names_.end(), name) != names_.end();
}

void ArtifactServer::Install(std::shared_ptr<const ServedArtifact> loaded,
                             const std::string& message) {
  const std::shared_ptr<const ServedArtifact> changed = loaded;
  auto next = std::make_shared<ServedSet>(*current_.load());
  auto it = std::find_if(next->artifacts.begin(), next->artifacts.end(),
                         [&](const auto& a) { return a->record().name == loaded->record().name; });
  if (it != next->artifacts.end()) {
    *it = std::move(loaded);
  } else {
    next->artifacts.push_back(std::move(loaded));
    std::sort(next->artifacts.begin(), next->artifacts.end(),
              [](const auto& a, const auto& b) { return a->record().name < b->record().name; });
  }
  std::shared_ptr<const ServedSet> published = std::move(next);
  current_.store(published);
  if (on_change_) on_change_(*published, *changed, message);
}

Status ArtifactServer::Refresh() {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<store::ArtifactRecord> records, store_.ListArtifacts());
  std::vector<std::string> names;
  for (const auto& r : records) {
    if (Serves(r.name) && std::find(names.begin(), names.end(), r.name) == names.end()) {
      names.push_back(r.name);
    }
  }
  Status first_error;
  const std::shared_ptr<const ServedSet> now = current_.load();
  for (const std::string& name : names) {
    const store::ArtifactRecord* target = Target(records, name);
    const ServedArtifact* served = now->Find(name);
    if (served != nullptr && served->record().id == target->id &&
        served->record().promoted == target->promoted) {
      continue;
    }
    Result<store::ArtifactRecord> full = store_.LoadArtifact(target->id);
    Result<std::shared_ptr<const ServedArtifact>> loaded =
        full.ok() ? ServedArtifact::Load(std::move(full).value(), registry_, cache_bytes_)
                  : Result<std::shared_ptr<const ServedArtifact>>(full.status());
    if (!loaded.ok()) {
      if (first_error.ok()) first_error = loaded.status();
      continue;
    }
    const std::string message = served == nullptr
                                    ? "serving artifact " + eval::DescribeArtifact(*target)
                                    : "artifact '" + name + "': now serving v" +
                                          std::to_string(target->version) + " (id " +
                                          std::to_string(target->id) + ") instead of v" +
                                          std::to_string(served->record().version);
    Install(std::move(loaded).value(), message);
  }
  return first_error;
}

Result<Switch> ArtifactServer::Promote(int64_t id) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(store::ArtifactRecord record, store_.LoadArtifact(id));
  if (!Serves(record.name)) {
    return Status::FailedPrecondition("artifact " + eval::DescribeArtifact(record) +
                                      " is not one this server serves (artifacts.names in the "
                                      "deployment config)");
  }
  const std::string name = record.name;
  // Published only once the store agrees, so the record in memory may say so already.
  record.promoted = true;
  RETAILCAST_ASSIGN_OR_RETURN(std::shared_ptr<const ServedArtifact> loaded,
                              ServedArtifact::Load(std::move(record), registry_, cache_bytes_));
  RETAILCAST_RETURN_IF_ERROR(store_.Promote(id));
  Switch s;
  s.name = name;
  if (const ServedArtifact* served = current_.load()->Find(name)) s.from = served->record();
  s.to = loaded->record();
  Install(std::move(loaded), "artifact '" + name + "' promoted: serving v" +
                                 std::to_string(s.to.version) + " (id " + std::to_string(id) + ")");
  return s;
}

Result<Switch> ArtifactServer::Rollback(int64_t id) {
  std::lock_guard lock(mu_);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<store::ArtifactRecord> records, store_.ListArtifacts());
  auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.id == id; });
  if (it == records.end()) {
    return Status::NotFound("artifact " + std::to_string(id) + " does not exist");
  }
  const store::ArtifactRecord current = *it;
  if (!Serves(current.name)) {
    return Status::FailedPrecondition("artifact " + eval::DescribeArtifact(current) +
                                      " is not one this server serves");
  }
  if (!current.promoted) {
    const store::ArtifactRecord* promoted = nullptr;
    for (const auto& r : records) {
      if (r.name == current.name && r.promoted) promoted = &r;
    }
    return Status::FailedPrecondition(
        "artifact " + eval::DescribeArtifact(current) + " is not the promoted version of '" +
        current.name + "' (" +
        (promoted == nullptr ? "none is" : eval::DescribeArtifact(*promoted) + " is") +
        "); roll back the promoted version");
  }
  const store::ArtifactRecord* previous = nullptr;
  for (const auto& r : records) {
    if (r.name == current.name && r.version < current.version &&
        (previous == nullptr || r.version > previous->version)) {
      previous = &r;
    }
  }
  if (previous == nullptr) {
    return Status::FailedPrecondition("artifact " + eval::DescribeArtifact(current) +
                                      " has no earlier version to roll back to");
  }
  const int64_t target = previous->id;
  RETAILCAST_ASSIGN_OR_RETURN(store::ArtifactRecord full, store_.LoadArtifact(target));
  full.promoted = true;
  RETAILCAST_ASSIGN_OR_RETURN(std::shared_ptr<const ServedArtifact> loaded,
                              ServedArtifact::Load(std::move(full), registry_, cache_bytes_));
  RETAILCAST_RETURN_IF_ERROR(store_.Promote(target));
  Switch s;
  s.name = current.name;
  s.from = current;
  s.to = loaded->record();
  Install(std::move(loaded), "artifact '" + current.name + "' rolled back: serving v" +
                                 std::to_string(s.to.version) + " (id " + std::to_string(target) +
                                 ") instead of v" + std::to_string(current.version));
  return s;
}

}  // namespace retailcast::serve
