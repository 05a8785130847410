#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking retailcast needs.
# Run as root on Debian 12 (it is what .ci/run and README's commands call first).
# Set RETAILCAST_SKIP_APT=1 to skip (e.g. on a machine where you cannot be root).
set -euo pipefail
if [ "${RETAILCAST_SKIP_APT:-0}" = 1 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
packages=(
  build-essential cmake ninja-build git pkg-config
  clang clang-format clang-tidy libclang-rt-14-dev   # libFuzzer, format and lint
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3
  libfast-float-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libeigen3-dev
  liblbfgspp-dev                                   # L-BFGS of the additive model (header-only)
  libxgboost-dev libtorch-dev                      # global models: gbm (XGBoost C API), mlp/lstm (LibTorch)
  python3 python3-pandas python3-numpy time       # the shared scorer (../shared/peers/metrics.py) and benchmarks
  libcpp-httplib-dev libsodium-dev libssl-dev      # retailcast serve: HTTP (TLS), key hashing
  openssl curl wrk python3-yaml                    # serve tests (TLS certificate), benchmarks, deploy checks
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
