#!/usr/bin/env bash
# Long-CSV ingestion, retailcast vs pandas, on the M5-size synthetic file (30,490 series x
# 1,941 days, ~1.6 GB; see bench/lib.sh for the size and path settings).
#   ours:   bin/bench_ingest_file FILE        (io::ReadLongCsv into a Panel)
#   pandas: /usr/bin/python3 bench/pandas_ingest.py FILE [PANDAS_ARGS]
#           (read_csv + sort + groupby into per-series numpy arrays)
# Each runs RUNS times (alternating), under /usr/bin/time -v for wall time and peak RSS.
# Prints every run, the medians and the ratios (pandas / ours), and writes them to
# $RC_BENCH_DIR/results/ingest_vs_pandas.txt. Targets: >= 10x faster, >= 5x less peak memory.
#
# PANDAS_ARGS="--category" measures the tuned pandas variant (ids as a Categorical).
# Heavy: pandas needs ~7 GB; run nothing else heavy at the same time.
source "$(dirname "$0")/lib.sh"

need_bin bench_ingest_file
[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 not found"
/usr/bin/python3 -c 'import pandas' 2>/dev/null || die "pandas is not installed (apt-get install python3-pandas)"
file="$(synth_file)"
out="$RESULTS/ingest_vs_pandas${PANDAS_ARGS:+_$(echo "$PANDAS_ARGS" | tr -dc 'a-z')}.txt"
tmp="$WORK/ingest_runs"
mkdir -p "$tmp"

{
  echo "# ingest_vs_pandas  $(date -u +%FT%TZ)  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "file=$file bytes=$(stat -c %s "$file") build=$BUILD pandas=$(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)') pandas_args='${PANDAS_ARGS:-}'"
} | tee "$out"

# Read the file once so that neither side pays for the first read from disk.
cat "$file" >/dev/null

ours_s=() ours_rss=() pandas_s=() pandas_rss=() paired=()
for run in $(seq 1 "$RUNS"); do
  state="$(machine_state)"
  timed "$tmp/ours.$run" "$BIN/bench_ingest_file" "$file"
  ours_s+=("$(wall_seconds "$tmp/ours.$run.time")")
  ours_rss+=("$(peak_rss_kb "$tmp/ours.$run.time")")
  echo "run $run ours:   wall_s=${ours_s[-1]} cpu_s=$(cpu_seconds "$tmp/ours.$run.time") peak_rss_kb=${ours_rss[-1]} $(cat "$tmp/ours.$run") [$state]" | tee -a "$out"

  state="$(machine_state)"
  # shellcheck disable=SC2086  # PANDAS_ARGS is a word list
  timed "$tmp/pandas.$run" /usr/bin/python3 "$BENCH_SRC/pandas_ingest.py" "$file" ${PANDAS_ARGS:-}
  pandas_s+=("$(wall_seconds "$tmp/pandas.$run.time")")
  pandas_rss+=("$(peak_rss_kb "$tmp/pandas.$run.time")")
  paired+=("$(ratio "${pandas_s[-1]}" "${ours_s[-1]}")")
  echo "run $run pandas: wall_s=${pandas_s[-1]} cpu_s=$(cpu_seconds "$tmp/pandas.$run.time") peak_rss_kb=${pandas_rss[-1]} $(cat "$tmp/pandas.$run") [$state]" | tee -a "$out"
done

# Both sides must have built the same series, values and value sum.
[[ "$(field series "$tmp/ours.1")" == "$(field series "$tmp/pandas.1")" &&
   "$(field values "$tmp/ours.1")" == "$(field values "$tmp/pandas.1")" &&
   "$(field value_sum "$tmp/ours.1")" == "$(field value_sum "$tmp/pandas.1")" ]] ||
  die "ours and pandas disagree on series/values: $(cat "$tmp/ours.1") vs $(cat "$tmp/pandas.1")"

m_ours_s="$(median "${ours_s[@]}")"
m_pandas_s="$(median "${pandas_s[@]}")"
m_ours_rss="$(median "${ours_rss[@]}")"
m_pandas_rss="$(median "${pandas_rss[@]}")"
speed="$(ratio "$m_pandas_s" "$m_ours_s")"
mem="$(ratio "$m_pandas_rss" "$m_ours_rss")"
{
  echo "median of $RUNS: ours wall ${m_ours_s} s, peak RSS $(ratio "$m_ours_rss" 1048576) GiB; pandas wall ${m_pandas_s} s, peak RSS $(ratio "$m_pandas_rss" 1048576) GiB"
  echo "speed ratio (pandas/ours, ratio of the median wall times): ${speed}x  target >= 10x: $(verdict "$speed" '>=' 10)"
  echo "speed ratio per run (pandas run k / ours run k, measured back to back): ${paired[*]}; median $(median "${paired[@]}")x"
  echo "memory ratio (pandas/ours peak RSS): ${mem}x  target >= 5x: $(verdict "$mem" '>=' 5)"
  echo "after: $(machine_state)"
} | tee -a "$out"
echo "written: $out"
