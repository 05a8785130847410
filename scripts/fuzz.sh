#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for N seconds (default 60): csv_fuzz
# (the CSV readers) and serve_request_fuzz (the service's request parsing). A crash fails the
# script and leaves crash-* in build/fuzz/run/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRETAILCAST_BUILD_FUZZ=ON -DRETAILCAST_BUILD_TESTS=OFF -DRETAILCAST_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz --target csv_fuzz serve_request_fuzz
mkdir -p build/fuzz/run/csv_fuzz/corpus build/fuzz/run/serve_request_fuzz/corpus
(
  cd build/fuzz/run/csv_fuzz
  printf '\x00unique_id,ds,y\na,2020-01-01,1\na,2020-01-02,2\n' >corpus/seed_long
  printf '\x01Store,Date,Weekly_Sales\n1,05-02-2010,10.5\n1,12-02-2010,"1,0"\n' >corpus/seed_quoted
  printf '\x02date,store,item,qty\r\n2020-01-01,s,i,3\r\n' >corpus/seed_tx
  ../../fuzz/csv_fuzz -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -print_final_stats=1 corpus
)
(
  cd build/fuzz/run/serve_request_fuzz
  printf '\x00{"series": ["CA_1/FOODS_3_090"], "horizon": 28, "levels": [80, 95]}' >corpus/seed_stored
  printf '\x01{"model": "snaive", "season": 2, "horizon": 3, "data": [{"unique_id": "1", "ds": ["2020-01-01", "2020-01-02"], "y": [1, null]}]}' >corpus/seed_posted
  printf '\x02{"batch_id": "b1", "dataset": "d", "data": [{"unique_id": "a", "ds": ["05-02-2010"], "y": [1.5]}]}' >corpus/seed_actuals
  printf '\x03Bearer rck_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' >corpus/seed_key
  ../../fuzz/serve_request_fuzz -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -print_final_stats=1 corpus
)
