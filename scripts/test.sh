#!/usr/bin/env bash
# Builds everything (release, warnings are errors) and runs the whole test suite.
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "${RETAILCAST_JOBS:-2}"
ctest --preset release -j "${RETAILCAST_JOBS:-2}" "$@"
