#!/usr/bin/env bash
# Baseline backtest on the M5-size panel: naive, snaive, mean, drift, window_average;
# 3 windows x 28 days (step 28), season 7, refit at every cutoff, on THREADS threads
# (default 2). The panel comes from the store bench/store_load.sh builds (made here when
# absent); bin/bench_backtest_m5 times RunBacktest RUNS times in one process, the load
# apart. Prints the figures and writes them to $RC_BENCH_DIR/results/backtest_m5.txt.
# Target: < 10 s on 2 threads.
source "$(dirname "$0")/lib.sh"

need_bin bench_backtest_m5 bench_store_load retailcast
THREADS="${THREADS:-2}"
store="$WORK/store_${STORES}x${ITEMS}x${DAYS}.sqlite"
out="$RESULTS/backtest_m5.txt"
tmp="$WORK/backtest_runs"
mkdir -p "$tmp"
if [[ ! -s "$store" ]]; then
  file="$(synth_file)"
  "$BIN/bench_store_load" ingest "$file" "$store" >&2
fi

{
  echo "# backtest_m5  $(date -u +%FT%TZ)  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "store=$store build=$BUILD threads=$THREADS"
  echo "before: $(machine_state)"
} | tee "$out"
timed "$tmp/backtest" "$BIN/bench_backtest_m5" "$store" m5 "$THREADS" "$RUNS"
cat "$tmp/backtest" | tee -a "$out"
m="$(field backtest_median_seconds "$tmp/backtest")"
{
  echo "process (load + $RUNS backtests): wall_s=$(wall_seconds "$tmp/backtest.time") cpu_s=$(cpu_seconds "$tmp/backtest.time") peak_rss_kb=$(peak_rss_kb "$tmp/backtest.time")"
  echo "median of $RUNS: RunBacktest ${m} s on $THREADS threads, $(field rows_per_s "$tmp/backtest") rows/s  target < 10 s: $(verdict "$m" '<' 10)"
  echo "after: $(machine_state)"
} | tee -a "$out"
echo "written: $out"
