-- A store written by retailcast before the API keys moved from the store module to the serve
-- module (commit 7534222, store schema version 3, keys in the store's own table api_keys), for
-- tests/serve/key_store_test.cc. Made with that build's binary:
--   retailcast keys create --store old.db --role reader --name "argon2id, made before the move"
--   RETAILCAST_SERVER_SECRET=0123456789abcdef0123456789abcdef-test-secret \
--     retailcast keys create --store old.db --role admin --name "hmac-sha256"
--   retailcast keys create --store old.db --role writer --name "revoked"
--   retailcast keys revoke --store old.db <the writer key>
-- then `sqlite3 old.db .dump` (sqlite 3.40.1), below unchanged, and the store's marker, which
-- .dump leaves out, at the end. The keys it printed (test keys, of this file only):
--   reader  rck_bd2a3de8330d576e_mksq2ZpfxPuWimCeC5U8L-V011CUHD7KTOW4ijj5HvA
--   admin   rck_9d444acdfd9bb863_1QzQN2OnIByNiPVGBPJdnFjT-njrwpEeqNRBLkZ9h9s
--   writer  rck_f33cd64591a680e3_fFms7jXTWjOtBCEopt54k0giWUP9x3GpmQNWccj-Okk  (revoked)
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES(1,'datasets, series with value blobs, exogenous blobs, ingests, runs','2026-12-07T19:25:06.484Z');
INSERT INTO schema_version VALUES(2,'model artifacts and forecasts','2026-12-07T19:25:06.491Z');
INSERT INTO schema_version VALUES(3,'API keys of the service (salted hashes only)','2026-12-07T19:25:06.491Z');
CREATE TABLE datasets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  frequency TEXT NOT NULL,           -- Frequency::ToString(), e.g. 'W-FRI'
  created_at TEXT NOT NULL);
CREATE TABLE series(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  unique_id TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}',  -- JSON object of static attributes
  start_day INTEGER NOT NULL,        -- first date of the stored range, days since 1970-01-01
  end_day INTEGER NOT NULL,          -- last date of the range (start_day - 1 when empty)
  length INTEGER NOT NULL,           -- periods in the range = doubles in observations.vals
  n_obs INTEGER NOT NULL,            -- non-NaN values
  UNIQUE(dataset_id, unique_id));
CREATE TABLE observations(
  series_id INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
  vals BLOB NOT NULL);
CREATE TABLE exog_columns(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  UNIQUE(dataset_id, name));
CREATE TABLE exog_values(
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  column_id INTEGER NOT NULL REFERENCES exog_columns(id) ON DELETE CASCADE,
  start_day INTEGER NOT NULL,
  length INTEGER NOT NULL,
  vals BLOB NOT NULL,
  UNIQUE(series_id, column_id));
CREATE TABLE ingests(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source_name TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  series_added INTEGER NOT NULL,
  observations_inserted INTEGER NOT NULL,
  observations_updated INTEGER NOT NULL,
  observations_unchanged INTEGER NOT NULL,
  exog_inserted INTEGER NOT NULL,
  exog_updated INTEGER NOT NULL,
  exog_unchanged INTEGER NOT NULL,
  attributes_updated INTEGER NOT NULL,
  already_ingested INTEGER NOT NULL,
  dataset_created INTEGER NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,              -- 'running' until FinishRun
  config_json TEXT NOT NULL,
  summary_json TEXT NOT NULL DEFAULT '{}',
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '');
CREATE TABLE artifacts(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  dataset TEXT NOT NULL,
  models_json TEXT NOT NULL,
  train_start TEXT NOT NULL,
  train_end TEXT NOT NULL,
  n_series INTEGER NOT NULL,
  metrics_json TEXT NOT NULL,
  code_version TEXT NOT NULL,
  promoted INTEGER NOT NULL DEFAULT 0 CHECK (promoted IN (0, 1)),
  state BLOB NOT NULL,
  UNIQUE(name, version));
CREATE TABLE forecast_sets(
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  levels BLOB NOT NULL,              -- interval levels, little-endian doubles
  created_at TEXT NOT NULL);
CREATE TABLE forecasts(
  id INTEGER PRIMARY KEY,            -- keeps the row order of the saved table
  run_id INTEGER NOT NULL REFERENCES forecast_sets(run_id) ON DELETE CASCADE,
  unique_id TEXT NOT NULL,
  ds INTEGER NOT NULL,               -- days since 1970-01-01
  model TEXT NOT NULL,
  -- No declared type on purpose: REAL affinity would store integral values as integers and
  -- lose the sign of -0.0; without affinity a double keeps its bits. NULL for NaN.
  yhat,
  lo BLOB NOT NULL,                  -- one little-endian double per level
  hi BLOB NOT NULL);
CREATE TABLE api_keys(
  id INTEGER PRIMARY KEY,
  key_id TEXT NOT NULL UNIQUE,       -- public part of the key (rck_<key_id>_<secret>)
  role TEXT NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
  hash TEXT NOT NULL,                -- salted hash of the secret, never the key itself
  name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT '');
INSERT INTO api_keys VALUES(1,'bd2a3de8330d576e','reader','$argon2id$v=19$m=19456,t=2,p=1$KHrkpq5WRS46kApLAkIp3A$0+4B6THtFdljLZ12hKLHbByzhmeBvxnN3o5QkI/jXDo','argon2id, made before the move','2026-12-07T19:25:06.577Z','');
INSERT INTO api_keys VALUES(2,'9d444acdfd9bb863','admin','hmac-sha256$3049d71f7cea3b8b35cb193d90ea4568$e173d60d3cda91e4d31055b856a4bde9b944181909cdb1076541ad39bb56a33b','hmac-sha256','2026-12-07T19:25:08.814Z','');
INSERT INTO api_keys VALUES(3,'f33cd64591a680e3','writer','$argon2id$v=19$m=19456,t=2,p=1$E+/WhEHLpMJj/HPaUn/Aew$JlsCNE5o7R9fugOcUiO5WigUngPRNCwezIlmZG/JZO0','revoked','2026-12-07T19:25:11.004Z','2026-12-07T19:25:13.287Z');
CREATE INDEX ingests_by_hash ON ingests(dataset_id, content_hash);
CREATE UNIQUE INDEX artifacts_one_promoted ON artifacts(name) WHERE promoted = 1;
CREATE INDEX forecasts_by_run ON forecasts(run_id);
COMMIT;
PRAGMA application_id = 1380143956;
