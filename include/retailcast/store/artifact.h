// A saved model artifact: what was trained, on what, how well, by which code, and the fitted
// state needed to forecast again. Artifacts are versioned per name and kept in the store
// (store.h: SaveArtifact, LoadArtifact, LoadLatestArtifact, Promote).
#pragma once

#include <cstdint>
#include <string>

namespace retailcast::store {

struct ArtifactRecord {
  int64_t id = 0;            // assigned by SaveArtifact
  std::string name;          // e.g. "walmart-weekly"; non-empty
  int64_t version = 0;       // assigned by SaveArtifact: 1 + the largest version of `name`
  std::string created_at;    // ISO 8601 UTC; SaveArtifact stamps it when empty
  std::string dataset;       // name of the dataset trained on
  std::string models_json;   // JSON: model names and their parameters ("{}" when empty)
  std::string train_start;   // first training date, ISO "YYYY-MM-DD"
  std::string train_end;     // last training date, ISO "YYYY-MM-DD"
  int64_t n_series = 0;      // series trained on
  std::string metrics_json;  // JSON: backtest metrics ("{}" when empty)
  std::string code_version;  // retailcast version and git sha that produced it
  std::string state;         // binary fitted state (serialize.h); empty in ListArtifacts
  bool promoted = false;     // the artifact LoadLatestArtifact returns for its name
};

}  // namespace retailcast::store
