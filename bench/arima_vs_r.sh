#!/usr/bin/env bash
# auto_arima against R forecast 8.20's auto.arima on the datasets of the accuracy targets:
# R's 8 monthly series (h = 12, m = 12) and the 45 Walmart stores (h = 13, m = 52), training
# parts of the peers' split. Per series: R's fit + forecast seconds (elapsed, measured inside R
# by the peers' r_forecast.R, run now, in the same session) against ours (bench_arima_series:
# single-threaded CPU seconds, best of 3). R's elapsed time grows with the machine's load, so
# the R process's CPU seconds (start-up and package loading included) are printed too, as are
# the whole CLI run's wall and CPU seconds and the MASE of both (../shared/peers/metrics.py).
#   bench/arima_vs_r.sh            (SKIP_R=1 reuses R's timings from an earlier run)
source "$(dirname "$0")/lib.sh"
need_bin retailcast bench_arima_series
PEERS="$REPO/../shared/peers"
OUT="$RESULTS/arima_vs_r"
mkdir -p "$OUT"
machine_state
for ds in monthly:12:12:r_monthly.csv walmart:13:52:walmart_store.csv; do
  IFS=: read -r name h m file <<<"$ds"
  data="$PEERS/data/$file"
  split="$OUT/$name.split"
  [[ -s "$split/train.csv" ]] ||
    /usr/bin/python3 "$PEERS/metrics.py" split --data "$data" --h "$h" --outdir "$split" >/dev/null
  if [[ "${SKIP_R:-0}" != 1 || ! -s "$OUT/$name.r.timing.csv" ]]; then
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/time -v -o "$OUT/$name.r.time" \
      /usr/bin/Rscript "$PEERS/r_forecast.R" \
      --train "$split/train.csv" --future "$split/future.csv" --season "$m" \
      --out "$OUT/$name.r.csv" --timing "$OUT/$name.r.timing.csv" --models auto.arima \
      >"$OUT/$name.r.log" 2>&1 || die "R failed (see $OUT/$name.r.log)"
  fi
  "$BIN/bench_arima_series" "$split/train.csv" "$m" "$h" "$OUT/$name.rc.timing.csv" \
    >"$OUT/$name.series.txt" || die "bench_arima_series failed"
  timed "$OUT/$name.cli.txt" "$BIN/retailcast" forecast --input "$split/train.csv" \
    --horizon "$h" --season "$m" --model auto_arima --levels 80,95 --output "$OUT/$name.rc.csv"
  /usr/bin/python3 "$PEERS/metrics.py" score --data "$data" --h "$h" --season "$m" \
    --forecasts rc="$OUT/$name.rc.csv" r="$OUT/$name.r.csv" --out "$OUT/$name.score.json" \
    >/dev/null 2>&1 || die "scoring failed"
  /usr/bin/python3 - "$name" "$OUT" "$(wall_seconds "$OUT/$name.cli.txt.time")" \
    "$(cpu_seconds "$OUT/$name.cli.txt.time")" "$(cpu_seconds "$OUT/$name.r.time")" <<'PY'
import csv, json, statistics, sys
name, out = sys.argv[1], sys.argv[2]
cli_wall, cli_cpu, r_cpu = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
def seconds(path, model):
    return {r["unique_id"]: float(r["seconds"]) for r in csv.DictReader(open(path))
            if r["model"] == model}
r = seconds(f"{out}/{name}.r.timing.csv", "auto.arima")
rc = seconds(f"{out}/{name}.rc.timing.csv", "auto_arima")
ratios = sorted(r[k] / max(rc[k], 1e-6) for k in r)
mase = {m["peer"]: m["MASE"] for m in json.load(open(f"{out}/{name}.score.json"))["models"]}
print(f"{name}: series={len(r)} R={sum(r.values()):.2f}s ours={sum(rc.values()):.3f}s "
      f"total_ratio={sum(r.values()) / sum(rc.values()):.1f}x per_series_ratio "
      f"min={ratios[0]:.1f}x median={statistics.median(ratios):.1f}x max={ratios[-1]:.1f}x "
      f"cli_wall={cli_wall:.2f}s cli_cpu={cli_cpu:.2f}s r_process_cpu={r_cpu:.2f}s "
      f"MASE ours={mase['rc']:.4f} "
      f"R={mase['r']:.4f}")
PY
done
machine_state
