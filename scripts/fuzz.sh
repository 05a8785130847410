#!/usr/bin/env bash
# Builds the libFuzzer target for the CSV readers with clang and runs it for N seconds
# (default 60). A crash fails the script and leaves crash-* in build/fuzz/run/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRETAILCAST_BUILD_FUZZ=ON -DRETAILCAST_BUILD_TESTS=OFF -DRETAILCAST_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz --target csv_fuzz
mkdir -p build/fuzz/run/corpus
cd build/fuzz/run
printf '\x00unique_id,ds,y\na,2020-01-01,1\na,2020-01-02,2\n' >corpus/seed_long
printf '\x01Store,Date,Weekly_Sales\n1,05-02-2010,10.5\n1,12-02-2010,"1,0"\n' >corpus/seed_quoted
printf '\x02date,store,item,qty\r\n2020-01-01,s,i,3\r\n' >corpus/seed_tx
../fuzz/csv_fuzz -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 corpus
