#!/usr/bin/env bash
# The global models' feature pipeline vs the same 29 columns in pandas (bench/features_m5.cc,
# bench/pandas_features.py; both print a checksum of the features, which must agree).
#   1. both on a synthetic panel of PSTORES x PITEMS x DAYS (default 10 x 300 x 1941: 3,000
#      series), RUNS runs each in one process, the CSV read / panel generation timed apart;
#   2. ours alone on the M5 size (STORES x ITEMS x DAYS, default 10 x 3049 x 1941), where the
#      pandas frame (59 M rows x 29 float64 columns, about 14 GB before temporaries) is not
#      attempted on this 24 GiB machine shared with other builds.
# Writes $RC_BENCH_DIR/results/features_vs_pandas.txt. Target: >= 10x faster than pandas.
source "$(dirname "$0")/lib.sh"

need_bin bench_features_m5
THREADS="${THREADS:-2}"
PSTORES="${PSTORES:-10}"
PITEMS="${PITEMS:-300}"
out="$RESULTS/features_vs_pandas.txt"
tmp="$WORK/features_runs"
mkdir -p "$tmp"
csv="$WORK/features_${PSTORES}x${PITEMS}x${DAYS}.csv"
{
  echo "# features_vs_pandas  $(date -u +%FT%TZ)  commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "build=$BUILD threads=$THREADS runs=$RUNS"
  echo "before: $(machine_state)"
} | tee "$out"
timed "$tmp/ours" "$BIN/bench_features_m5" "$PSTORES" "$PITEMS" "$DAYS" "$THREADS" "$RUNS" "$csv"
timed "$tmp/pandas" /usr/bin/python3 "$BENCH_SRC/pandas_features.py" "$csv" "$RUNS"
grep -v feature_names "$tmp/ours" | tee -a "$out"
tee -a "$out" <"$tmp/pandas"
a="$(field features_median_seconds "$tmp/ours")"
b="$(field features_median_seconds "$tmp/pandas")"
ca="$(grep -o 'checksum=[^ ]*' "$tmp/ours" | tail -n 1)"
cb="$(grep -o 'checksum=[^ ]*' "$tmp/pandas" | tail -n 1)"
ratio="$(echo "$b / $a" | bc -l)"
{
  echo "panel ${PSTORES}x${PITEMS}x${DAYS}: ours ${a} s ($THREADS threads), pandas ${b} s (1 thread); $(printf '%.1f' "$ratio")x  target >= 10x: $(verdict "$ratio" '>=' 10)"
  echo "checksums: ours $ca, pandas $cb ($([ "$ca" = "$cb" ] && echo equal || echo DIFFERENT))"
  echo "peak RSS: ours $(peak_rss_kb "$tmp/ours.time") KB, pandas $(peak_rss_kb "$tmp/pandas.time") KB"
} | tee -a "$out"
timed "$tmp/ours_m5" "$BIN/bench_features_m5" "$STORES" "$ITEMS" "$DAYS" "$THREADS" 1
{
  grep -v feature_names "$tmp/ours_m5"
  echo "M5 size ${STORES}x${ITEMS}x${DAYS}: ours $(field features_median_seconds "$tmp/ours_m5") s, peak RSS $(peak_rss_kb "$tmp/ours_m5.time") KB (pandas not run at this size)"
  echo "after: $(machine_state)"
} | tee -a "$out"
echo "written: $out"
