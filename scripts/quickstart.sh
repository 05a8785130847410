#!/usr/bin/env bash
# The main job end to end on the bundled sample (10 Walmart stores, weekly):
# install packages, build, then ingest -> describe -> backtest -> train -> forecast -> summary,
# with the embedded SQLite store in out/retailcast.db. See config/parameters.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target retailcast
exec build/release/bin/retailcast run --config config/parameters.json "$@"
