#!/usr/bin/env bash
# ets_vs_r.sh: auto_ets fit + forecast CPU seconds per series against R forecast's ets() on
# the peers' splits (docs/benchmarks.md, "ETS / AutoETS").
#   bench/ets_vs_r.sh [PEERS_DIR]   (default out/peers: monthly.* and walmart.* of run_all.sh)
# For each dataset, runs `retailcast forecast --model auto_ets --threads 1` RUNS times under
# /usr/bin/time (user + system CPU seconds of the whole process, CSV reading included) and
# prints the median per series next to R's per-series seconds for "ets" from the peers'
# timing CSV, and the ratio. Walmart (m = 52) runs twice: with the default long_season=heuristic
# (seasonal forms, which R cannot fit) and with long_season=none (R's non-seasonal search).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PEERS="${1:-$REPO/out/peers}"
need_bin retailcast
out="$WORK/ets_vs_r"
mkdir -p "$out"

r_seconds_per_series() {  # timing CSV -> mean seconds of model "ets"
  awk -F, '$2 == "\"ets\"" { s += $3; n++ } END { printf "%.6f %d\n", s / n, n }' "$1"
}

run() {  # name horizon season params
  local name="$1" h="$2" m="$3" params="$4" times=() n
  for ((r = 0; r < RUNS; r++)); do
    /usr/bin/time -f "%U %S" -o "$out/time.txt" "$BIN/retailcast" forecast \
      --input "$PEERS/$name.split/train.csv" --horizon "$h" --season "$m" --model auto_ets \
      ${params:+--params "auto_ets:$params"} --levels 80,95 --threads 1 \
      --output "$out/$name.csv" > /dev/null 2>&1
    times+=("$(awk '{ print $1 + $2 }' "$out/time.txt")")
  done
  local median
  median="$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  read -r r_mean n < <(r_seconds_per_series "$PEERS/$name.r_forecast.timing.csv")
  awk -v name="$name" -v p="${params:-default}" -v t="$median" -v n="$n" -v r="$r_mean" \
    -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
      ours = t / n
      printf "%-8s %-22s series=%d ours_ms_per_series=%.2f r_ms_per_series=%.1f ratio=%.1fx load=%s\n",
             name, p, n, 1000 * ours, 1000 * r, r / ours, load }'
}

run monthly 12 12 ""
run walmart 13 52 ""
run walmart 13 52 "long_season=none"
