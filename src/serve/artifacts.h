// The model artifacts the server answers stored-series forecasts from.
//
// A ServedArtifact is one artifact version loaded once (eval::LoadedArtifact: every fitted
// model ready), so a request only predicts, plus a cache of the replies' forecasts. The
// ArtifactServer holds one loaded version per artifact name: the promoted one (or, for a name
// without a promoted version, its highest, as `retailcast forecast --artifact` picks it). Switching
// versions (promote, rollback, or a promotion made by another process and seen on refresh)
// loads the new version first and then swaps one shared_ptr: a request holds the snapshot it
// started with, so in-flight requests finish on the old version and no request ever sees a
// half-loaded one.
//
// Thread-safety: Current() may be called concurrently with everything; Refresh, Promote and
// Rollback serialize on an internal mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retailcast/core/json_writer.h"
#include "retailcast/core/model.h"
#include "retailcast/core/registry.h"
#include "retailcast/eval/artifact.h"
#include "retailcast/store/artifact.h"
#include "retailcast/store/store.h"

namespace retailcast::serve {

class ServedArtifact {
 public:
  // Loads the record's model set (eval::LoadArtifactRecord). `cache_bytes` bounds the forecast
  // cache below (0 = no cache). DataError / NotFound as eval::LoadArtifactRecord gives them.
  static Result<std::shared_ptr<const ServedArtifact>> Load(store::ArtifactRecord record,
                                                            const ModelRegistry& registry,
                                                            size_t cache_bytes = 0);

  const store::ArtifactRecord& record() const { return artifact_->record; }  // state cleared
  const eval::LoadedModelSet& models() const { return artifact_->models; }

  // The forecast cache: the reply's JSON object of series i and model j, as last written for
  // some horizon and levels. A loaded version never changes and models are deterministic
  // (model.h), so the same question has the same answer; caching it spares the prediction and
  // the number formatting, most of a stored forecast's cost. One entry per pair (a request
  // with another horizon or levels replaces it); new entries stop being kept once the cache
  // holds `cache_bytes`. Thread-safe.
  // Writes the cached JSON for (horizon, levels) as w's next value and returns true, or
  // returns false.
  bool WriteCached(size_t i, size_t j, int horizon, const std::vector<double>& levels,
                   JsonWriter* w) const;
  void Remember(size_t i, size_t j, int horizon, const std::vector<double>& levels,
                std::string_view json) const;
  size_t cached_bytes() const { return cache_used_.load(std::memory_order_relaxed); }

 private:
  ServedArtifact() = default;
  std::shared_ptr<const eval::LoadedArtifact> artifact_;

  struct CachedForecast {
    int horizon = 0;
    std::vector<double> levels;
    std::string json;
  };
  size_t cache_limit_ = 0;
  mutable std::atomic<size_t> cache_used_{0};
  // Series-major (series x models); empty when the cache is off.
  mutable std::unique_ptr<std::atomic<std::shared_ptr<const CachedForecast>>[]> cache_;
};

// The versions being served, by name (sorted).
struct ServedSet {
  std::vector<std::shared_ptr<const ServedArtifact>> artifacts;
  // The one named `name`; with an empty name the only one (nullptr when none matches or the
  // name is empty and there are several).
  const ServedArtifact* Find(std::string_view name) const;
};

// What a promote or rollback did.
struct Switch {
  std::string name;
  store::ArtifactRecord from;  // id 0 when nothing of that name was served
  store::ArtifactRecord to;
};

class ArtifactServer {
 public:
  // Called after each swap with the new set, the version swapped in and a sentence saying
  // what changed (for logs and metrics).
  using OnChange = std::function<void(const ServedSet& set, const ServedArtifact& changed,
                                      const std::string& message)>;
  // `names`: the artifact names to serve; empty = every name in the store. `on_change` may be
  // null.
  // `cache_bytes`: the forecast cache of each loaded version (ServedArtifact).
  ArtifactServer(store::Store& store, const ModelRegistry& registry, std::vector<std::string> names,
                 OnChange on_change, size_t cache_bytes = 0);

  // The set requests should use (never null).
  std::shared_ptr<const ServedSet> Current() const { return current_.load(); }

  // Loads what the store says should be served and swaps in whatever changed. Errors of one
  // name (e.g. a corrupt state) leave that name's previous version in place and are returned
  // after the others were refreshed.
  Status Refresh();
  // Makes artifact `id` the promoted version of its name and serves it. The new version is
  // loaded before the store is changed, so a version that cannot load is never promoted.
  // NotFound for an unknown id; FailedPrecondition when its name is not one this server
  // serves; load errors as ServedArtifact::Load gives them.
  Result<Switch> Promote(int64_t id);
  // Undoes a promotion: `id` must be the promoted version of its name; the highest version
  // below it becomes the promoted one and is served. NotFound for an unknown id;
  // FailedPrecondition when `id` is not the promoted version or has no earlier version.
  Result<Switch> Rollback(int64_t id);

 private:
  bool Serves(std::string_view name) const;
  // Puts `loaded` in place of its name's current entry (or adds it) and publishes the set.
  void Install(std::shared_ptr<const ServedArtifact> loaded, const std::string& message);

  store::Store& store_;
  const ModelRegistry& registry_;
  std::vector<std::string> names_;
  OnChange on_change_;
  size_t cache_bytes_;
  std::mutex mu_;
  std::atomic<std::shared_ptr<const ServedSet>> current_;
};

}  // namespace retailcast::serve
