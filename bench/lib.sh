# Shared helpers of the end-to-end benchmark scripts (sourced, not run).
#
# Environment (all optional):
#   RETAILCAST_BUILD  build dir with bin/retailcast and bin/bench_* (default: build/release;
#                     configure it with -DCMAKE_BUILD_TYPE=Release, figures from other builds
#                     are meaningless)
#   RC_BENCH_DIR      where the large generated files go (default: out/bench in the repository)
#   RUNS              repetitions per measurement (default: 3)
#   STORES ITEMS DAYS size of the synthetic panel (default: 10 x 3049 x 1941 = M5)

set -euo pipefail

BENCH_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_SRC")"
BUILD="${RETAILCAST_BUILD:-$REPO/build/release}"
BIN="$BUILD/bin"
WORK="${RC_BENCH_DIR:-$REPO/out/bench}"
RUNS="${RUNS:-3}"
STORES="${STORES:-10}"
ITEMS="${ITEMS:-3049}"
DAYS="${DAYS:-1941}"
RESULTS="$WORK/results"
mkdir -p "$WORK" "$RESULTS"

die() {
  echo "error: $*" >&2
  exit 1
}

need_bin() {
  for b in "$@"; do
    [[ -x "$BIN/$b" ]] || die "$BIN/$b not found: build it (cmake --build $BUILD --target $b) or set RETAILCAST_BUILD"
  done
  local type
  type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)"
  [[ "$type" == "Release" ]] || echo "warning: $BUILD is a '$type' build; figures need Release" >&2
}

# The long CSV of the configured size, generated once and reused.
synth_file() {
  local f="$WORK/long_${STORES}x${ITEMS}x${DAYS}.csv"
  if [[ ! -s "$f" ]]; then
    need_bin retailcast
    echo "generating $f ..." >&2
    "$BIN/retailcast" synth --stores "$STORES" --items "$ITEMS" --days "$DAYS" --output "$f" >&2
  fi
  echo "$f"
}

machine_state() {
  echo "nproc=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
}

# timed OUTFILE CMD...: runs CMD under /usr/bin/time -v; its stdout goes to OUTFILE, the time
# report to OUTFILE.time. Fails when CMD fails.
timed() {
  local out="$1"
  shift
  /usr/bin/time -v -o "$out.time" "$@" >"$out" || die "failed: $* (see $out, $out.time)"
}

# wall_seconds FILE.time / peak_rss_kb FILE.time: from a /usr/bin/time -v report.
wall_seconds() {
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f\n", s }'
}
# cpu_seconds FILE.time: user + system CPU seconds (less sensitive to other jobs than wall).
cpu_seconds() {
  awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f\n", s }' "$1"
}
peak_rss_kb() {
  sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"
}

# field KEY FILE: value of key=value in a program's output (last occurrence).
field() {
  tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | tail -1
}

# median VALUES...: median of numbers.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with two decimals.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'
}

# verdict VALUE OP TARGET (e.g. verdict 12.3 '>=' 10): "PASS" or "MISS".
verdict() {
  if awk "BEGIN { exit !($1 $2 $3) }"; then echo PASS; else echo MISS; fi
}
