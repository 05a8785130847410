#!/usr/bin/env bash
# Store load on the M5-size panel: ingest the synthetic long CSV (bench/lib.sh) into a FRESH
# SQLite store with Store::IngestPanel, then time Store::LoadPanel in RUNS separate processes
# (each loads once, under /usr/bin/time -v for peak RSS), plus RUNS loads within one process.
# Prints the figures and writes them to $RC_BENCH_DIR/results/store_load.txt.
# Targets: load < 5 s, Panel::memory_bytes < 1 GiB.
# The store file stays in the OS page cache after the ingest: these are warm-cache loads.
source "$(dirname "$0")/lib.sh"

need_bin bench_store_load retailcast
file="$(synth_file)"
store="$WORK/store_${STORES}x${ITEMS}x${DAYS}.sqlite"
out="$RESULTS/store_load.txt"
tmp="$WORK/store_runs"
mkdir -p "$tmp"

{
  echo "# store_load  $(date -u +%FT%TZ)  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "file=$file store=$store build=$BUILD"
} | tee "$out"

state="$(machine_state)"
timed "$tmp/ingest" "$BIN/bench_store_load" ingest "$file" "$store"
echo "ingest: wall_s=$(wall_seconds "$tmp/ingest.time") peak_rss_kb=$(peak_rss_kb "$tmp/ingest.time") $(cat "$tmp/ingest") [$state]" | tee -a "$out"

load_s=() rss=()
for run in $(seq 1 "$RUNS"); do
  state="$(machine_state)"
  timed "$tmp/load.$run" "$BIN/bench_store_load" load "$store" m5 1
  load_s+=("$(field load_median_seconds "$tmp/load.$run")")
  rss+=("$(peak_rss_kb "$tmp/load.$run.time")")
  echo "run $run (own process): load_s=${load_s[-1]} wall_s=$(wall_seconds "$tmp/load.$run.time") peak_rss_kb=${rss[-1]} $(tail -1 "$tmp/load.$run") [$state]" | tee -a "$out"
done
state="$(machine_state)"
timed "$tmp/load.same" "$BIN/bench_store_load" load "$store" m5 "$RUNS"
echo "$RUNS loads in one process: $(tr '\n' ' ' <"$tmp/load.same") [$state]" | tee -a "$out"

[[ "$(field value_sum "$tmp/ingest")" == "$(field value_sum "$tmp/load.1")" &&
   "$(field values "$tmp/ingest")" == "$(field values "$tmp/load.1")" ]] ||
  die "the loaded panel differs from the ingested one: $(cat "$tmp/ingest") vs $(tail -1 "$tmp/load.1")"
m_load="$(median "${load_s[@]}")"
bytes="$(field panel_bytes "$tmp/load.1")"
gib="$(awk -v b="$bytes" 'BEGIN { printf "%.3f\n", b / 1073741824 }')"
{
  echo "median of $RUNS (own process): LoadPanel ${m_load} s  target < 5 s: $(verdict "$m_load" '<' 5)"
  echo "Panel::memory_bytes = $bytes ($gib GiB)  target < 1 GiB: $(verdict "$gib" '<' 1)"
  echo "median peak RSS of a load process: $(ratio "$(median "${rss[@]}")" 1048576) GiB"
  echo "after: $(machine_state)"
} | tee -a "$out"
echo "written: $out (the store $store is kept for bench/backtest_m5.sh)"
