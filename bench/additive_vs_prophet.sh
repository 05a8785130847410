#!/usr/bin/env bash
# Fit + forecast with 80/95 % intervals: `retailcast forecast --model additive` against R
# prophet 1.0 (../shared/peers/r_prophet.R: prophet() + predictive_samples(), 1000 samples), on
# Walmart (45 weekly stores, h = 13) and Prophet's two daily examples (h = 60), measured in one
# run. Prophet's figure is its in-process fit + predict seconds summed over the series (R start-up
# and library loading excluded); ours is the wall time of the whole `retailcast forecast`
# process (start-up, CSV reading, every fit, 1000 simulated paths per series, CSV writing), the
# median of RUNS runs. Prints both, the ratio, and both scores (MASE) from the shared scorer.
#
#   bench/additive_vs_prophet.sh            (RETAILCAST_BUILD, RC_BENCH_DIR, RUNS as in lib.sh)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PEERS="${PEERS:-$REPO/../shared/peers}"
PY=/usr/bin/python3
need_bin retailcast
out="$WORK/additive"
mkdir -p "$out"
echo "machine: $(machine_state)"
for spec in walmart_store:13:52 prophet_daily:60:7; do
  IFS=: read -r name h m <<<"$spec"
  data="$PEERS/data/$name.csv"
  "$PY" "$PEERS/metrics.py" split --data "$data" --h "$h" --outdir "$out/$name.split" >/dev/null
  echo "== $name (h=$h, m=$m): R prophet ..."
  "$PEERS/run_all.sh" --data "$data" --h "$h" --season "$m" --out "$out/$name.json" \
    --peers r_prophet >"$out/$name.peer.log" 2>&1 || die "R prophet failed (see $out/$name.peer.log)"
  walls=()
  for run in $(seq "$RUNS"); do
    t0=$(date +%s.%N)
    "$BIN/retailcast" forecast --input "$out/$name.split/train.csv" --horizon "$h" --season "$m" \
      --model additive --levels 80,95 --output "$out/$name.additive.csv" 2>"$out/$name.rc.log" ||
      die "retailcast failed (see $out/$name.rc.log)"
    t1=$(date +%s.%N)
    walls+=("$(echo "$t1 - $t0" | bc -l)")
  done
  "$PY" "$PEERS/metrics.py" score --data "$data" --h "$h" --season "$m" \
    --forecasts rc="$out/$name.additive.csv" p="$out/$name.r_prophet.csv" \
    --out "$out/$name.scores.json" >/dev/null
  "$PY" - "$out/$name.json" "$out/$name.scores.json" "${walls[@]}" <<'PY'
import json, statistics, sys
peer = json.load(open(sys.argv[1]))
scores = {m["peer"]: m for m in json.load(open(sys.argv[2]))["models"]}
walls = sorted(float(w) for w in sys.argv[3:])
ours = statistics.median(walls)
theirs = sum(m["fit_predict_s"] for m in peer["models"])
n = peer["dataset"]["n_series"]
print(f"  R prophet fit+predict {theirs:.2f} s ({1000 * theirs / n:.0f} ms/series)")
print(f"  additive  whole process {ours:.3f} s median of {len(walls)} "
      f"({', '.join(f'{w:.3f}' for w in walls)})")
print(f"  speed ratio {theirs / ours:.0f}x; MASE additive {scores['rc']['MASE']:.4f} "
      f"vs prophet {scores['p']['MASE']:.4f}; cov80/cov95 additive "
      f"{scores['rc']['cov80']:.3f}/{scores['rc']['cov95']:.3f} vs prophet "
      f"{scores['p']['cov80']:.3f}/{scores['p']['cov95']:.3f}")
PY
done
echo "machine after: $(machine_state)"
