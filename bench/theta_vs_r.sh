#!/usr/bin/env bash
# Fit + forecast seconds per series of theta, auto_theta and the intermittent-demand models
# against R forecast 8.20's thetaf and croston (docs/benchmarks.md, section 5).
#   bench/theta_vs_r.sh
# Ours: bench_fit_series (one thread, CSV read untimed, fastest of REPEAT passes).
# R: per-series elapsed seconds of fit + forecast, as the peers' r_forecast.R measures them:
#   - Walmart (45 x 130 weeks, h 13, m 52) and R's 8 monthly series (h 12, m 12): R's timing
#     files of the peer run, $PEER_RUNS/{walmart,monthly}.r_forecast.timing.csv (its train
#     split is $PEER_RUNS/<name>.split/train.csv);
#   - M5 subset (280 daily series, h 28, m 7): R timed in this run on a sample of the series
#     (thetaf on R_THETA_SERIES, croston on R_CROSTON_SERIES: R's croston computes its fitted
#     values by refitting on every prefix, quadratic in the length, ~100 s per M5 series),
#     and ours timed on the same sample.
# Environment: RETAILCAST_BUILD (default build/release), PEERS (../shared/peers), PEER_RUNS
# (out/peers), OUT (out/theta), REPEAT (5), R_THETA_SERIES (28),
# R_CROSTON_SERIES (3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${RETAILCAST_BUILD:-build/release}
PEERS=${PEERS:-../shared/peers}
PEER_RUNS=${PEER_RUNS:-out/peers}
OUT=${OUT:-out/theta}
REPEAT=${REPEAT:-5}
R_THETA_SERIES=${R_THETA_SERIES:-28}
R_CROSTON_SERIES=${R_CROSTON_SERIES:-3}
FIT=$BUILD/bin/bench_fit_series
PY=/usr/bin/python3
mkdir -p "$OUT"
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt" ||
  echo "warning: $BUILD is not a Release build; the figures mean little" >&2
echo "start: $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"

# ours_ms FILE MODEL: ms per series of MODEL in a bench_fit_series output.
ours_ms() { sed -n "s/^model=$2 .*ms_per_series=\([0-9.]*\).*/\1/p" "$1"; }

for ds in walmart:13:52 monthly:12:12; do
  IFS=: read -r name h m <<<"$ds"
  "$FIT" "$PEER_RUNS/$name.split/train.csv" "$h" "$m" theta,auto_theta "$REPEAT" \
    >"$OUT/$name.ours.txt"
  r_ms=$($PY -c 'import sys, pandas as pd; t = pd.read_csv(sys.argv[1]); print(1000 * t[t.model == "thetaf"].seconds.mean())' \
    "$PEER_RUNS/$name.r_forecast.timing.csv")
  for model in theta auto_theta; do
    ms=$(ours_ms "$OUT/$name.ours.txt" "$model")
    printf '%-8s %-10s ours %9.4f ms/series  R thetaf %8.2f ms/series  ratio %8.1fx\n' \
      "$name" "$model" "$ms" "$r_ms" "$(echo "$r_ms / $ms" | bc -l)"
  done
done

# M5: split, sample, time R on the sample, then ours on the same sample.
$PY "$PEERS/metrics.py" split --data "$PEERS/data/m5_subset_long.csv" --h 28 --outdir "$OUT/m5" \
  >/dev/null
$PY - "$OUT/m5/train.csv" "$OUT" "$R_THETA_SERIES" "$R_CROSTON_SERIES" <<'EOF'
import sys, pandas as pd
train, out, nt, nc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = pd.read_csv(train)
ids = sorted(d.unique_id.unique())
for tag, k in (("theta", nt), ("croston", nc)):
    pick = ids[:: max(1, len(ids) // k)][:k]  # evenly spread over the (sorted) ids
    d[d.unique_id.isin(pick)].to_csv(f"{out}/m5_{tag}_sample.csv", index=False)
EOF
cat >"$OUT/r_time.R" <<'EOF'
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c(unique_id = "character", ds = "character", y = "numeric"))
d <- d[order(d$unique_id, d$ds), ]
s <- split(d$y, d$unique_id)
el <- sapply(s, function(v) {
  y <- ts(v, frequency = 7)
  t0 <- proc.time()[["elapsed"]]
  f <- if (args[2] == "thetaf") thetaf(y, h = 28, level = c(80, 95)) else croston(y, h = 28)
  proc.time()[["elapsed"]] - t0
})
cat(sprintf("%s series=%d mean_length=%.0f ms_per_series=%.3f\n", args[2], length(s),
            mean(lengths(s)), 1000 * mean(el)))
EOF
r_theta=$(Rscript "$OUT/r_time.R" "$OUT/m5_theta_sample.csv" thetaf)
r_croston=$(Rscript "$OUT/r_time.R" "$OUT/m5_croston_sample.csv" croston)
echo "R: $r_theta"
echo "R: $r_croston"
"$FIT" "$OUT/m5_theta_sample.csv" 28 7 theta,auto_theta "$REPEAT" >"$OUT/m5_theta.ours.txt"
"$FIT" "$OUT/m5_croston_sample.csv" 28 7 croston,sba,tsb,adida,imapa "$REPEAT" \
  >"$OUT/m5_croston.ours.txt"
"$FIT" "$OUT/m5/train.csv" 28 7 theta,auto_theta,croston,sba,tsb,adida,imapa "$REPEAT" \
  >"$OUT/m5_all.ours.txt"
r_theta_ms=$(sed 's/.*ms_per_series=//' <<<"$r_theta")
r_croston_ms=$(sed 's/.*ms_per_series=//' <<<"$r_croston")
for model in theta auto_theta; do
  ms=$(ours_ms "$OUT/m5_theta.ours.txt" "$model")
  printf 'm5       %-10s ours %9.4f ms/series  R thetaf %8.2f ms/series  ratio %8.1fx\n' \
    "$model" "$ms" "$r_theta_ms" "$(echo "$r_theta_ms / $ms" | bc -l)"
done
for model in croston sba tsb adida imapa; do
  ms=$(ours_ms "$OUT/m5_croston.ours.txt" "$model")
  printf 'm5       %-10s ours %9.4f ms/series  R croston %9.1f ms/series  ratio %9.0fx\n' \
    "$model" "$ms" "$r_croston_ms" "$(echo "$r_croston_ms / $ms" | bc -l)"
done
echo "all 280 M5 series, ours:"
sed 's/^/  /' "$OUT/m5_all.ours.txt"
echo "end: $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
