#!/usr/bin/env bash
# Accuracy of the intermittent-demand models on the M5 subset (280 daily item-store series,
# last 28 days held out, m = 7) against R forecast's croston and snaive, overall and per
# Syntetos-Boylan demand class (docs/accuracy.md, "Intermittent demand (M5 subset)").
#   bench/intermittent_m5.sh
# Environment: RETAILCAST_BUILD (default build/release), PEERS (default ../shared/peers),
# OUT (default out/intermittent). R's forecasts are the stored
# $PEERS/results/m5_subset_h28.r_forecast.csv (R takes over an hour on this set).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${RETAILCAST_BUILD:-build/release}
PEERS=${PEERS:-../shared/peers}
OUT=${OUT:-out/intermittent}
DATA=$PEERS/data/m5_subset_long.csv
RC=$BUILD/bin/retailcast
PY=/usr/bin/python3
mkdir -p "$OUT"

$PY "$PEERS/metrics.py" split --data "$DATA" --h 28 --outdir "$OUT/split"
fc() {  # fc OUTPUT MODELS [--params ...]
  local out=$1 models=$2
  shift 2
  "$RC" forecast --input "$OUT/split/train.csv" --horizon 28 --season 7 --model "$models" \
    --levels 80,95 --output "$out" "$@" >/dev/null
}
fc "$OUT/fc.csv" croston,sba,tsb,adida,imapa,theta,auto_theta,snaive
# The optimised constants, labelled <model>_opt in the forecast file.
fc "$OUT/fc_opt_raw.csv" croston,sba,tsb --params croston:optimize=true \
  --params sba:optimize=true --params tsb:optimize=true
$PY - "$OUT/fc_opt_raw.csv" "$OUT/fc_opt.csv" <<'EOF'
import sys, pandas as pd
d = pd.read_csv(sys.argv[1])
d["model"] = d["model"] + "_opt"
d.to_csv(sys.argv[2], index=False)
EOF

$PY "$PEERS/metrics.py" score --data "$DATA" --h 28 --season 7 \
  --forecasts rc="$OUT/fc.csv" rc_opt="$OUT/fc_opt.csv" \
  r="$PEERS/results/m5_subset_h28.r_forecast.csv" \
  --out "$OUT/score.json" --md "$OUT/score.md" --per-series "$OUT/per_series.csv"
cat "$OUT/score.md"
echo
$PY bench/demand_classes.py --train "$OUT/split/train.csv" --per-series "$OUT/per_series.csv" \
  --models rc:croston,rc:sba,rc:tsb,rc:adida,rc:imapa,rc_opt:croston_opt,rc_opt:sba_opt,rc_opt:tsb_opt,rc:theta,rc:auto_theta,rc:snaive,r:croston,r:snaive,r:thetaf | tee "$OUT/classes.md"
