#!/usr/bin/env bash
# `retailcast serve` throughput and latency with wrk, against a hello-world server on the same
# HTTP library measured in the same run (docs/benchmarks.md, "Service").
#
#   bench/serve_bench.sh            # 10 s per measurement
#   DURATION=30 bench/serve_bench.sh
#
# Data: a synthetic daily panel (SERIES series x 730 days, default 2,000), ingested, trained
# with snaive (m = 7) and promoted. Measured, each for DURATION seconds with WRK_THREADS wrk
# threads (default 2):
#   hello    GET /hello of bench_serve_hello                              CONNECTIONS (32)
#   single   POST /v1/forecast, one stored series per request, h = 28,
#            80/95 % intervals, cycling over 512 series                   CONNECTIONS (32)
#   batch    the same with BATCH series per request (default 1,000)        BATCH_CONNECTIONS (8)
# Prints requests/s and latency percentiles of each, the single/hello throughput ratio and
# the batch series-forecasts/s. Both servers run with TCP_NODELAY, 64 worker threads and the
# access log written to a file (the service) so the ratio includes logging.
source "$(dirname "$0")/lib.sh"
need_bin retailcast bench_serve_hello
command -v wrk >/dev/null || die "wrk not found (Debian package wrk)"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-8}"
WRK_THREADS="${WRK_THREADS:-2}"
SERIES="${SERIES:-2000}"
BATCH="${BATCH:-1000}"
W="$WORK/serve"
mkdir -p "$W"
RC="$BIN/retailcast"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {
  for _ in $(seq 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "no answer from $1"
}

db="$W/serve_${SERIES}.db"
if [[ ! -s "$db" ]]; then
  echo "preparing $db ($SERIES series x 730 days, snaive) ..." >&2
  rm -f "$db" "$db"-*
  "$RC" synth --stores 1 --items "$SERIES" --days 730 --seed 7 --output "$W/train.csv" >&2
  "$RC" ingest --store "$db" --dataset bench --input "$W/train.csv" >&2
  "$RC" train --store "$db" --dataset bench --model snaive --season 7 --promote >&2
fi
key=$("$RC" keys create --store "$db" --role reader --name bench 2>/dev/null | tail -n 1)
cut -d, -f1 "$W/train.csv" | tail -n +2 | uniq | head -n 512 >"$W/ids.txt"

cat >"$W/single.lua" <<'LUA'
-- One stored series per request, cycling over the ids in args[1]; args[2] = the API key.
local requests, n = {}, 0
function init(args)
  for id in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", "/v1/forecast",
      {["Authorization"] = "Bearer " .. args[2], ["Content-Type"] = "application/json"},
      '{"series":["' .. id .. '"],"horizon":28,"levels":[80,95]}')
  end
end
function request()
  n = n % #requests + 1
  return requests[n]
end
LUA
cat >"$W/batch.lua" <<'LUA'
-- args[3] stored series per request (cycling over the ids in args[1]); args[2] = the key.
local req
function init(args)
  local ids, all = {}, {}
  for id in io.lines(args[1]) do all[#all + 1] = id end
  for i = 1, tonumber(args[3]) do ids[i] = '"' .. all[(i - 1) % #all + 1] .. '"' end
  req = wrk.format("POST", "/v1/forecast",
    {["Authorization"] = "Bearer " .. args[2], ["Content-Type"] = "application/json"},
    '{"series":[' .. table.concat(ids, ",") .. '],"horizon":28,"levels":[80,95]}')
end
function request() return req end
LUA
# The batch reply repeats few ids when SERIES < BATCH; use the whole id list for batches.
cut -d, -f1 "$W/train.csv" | tail -n +2 | uniq >"$W/all_ids.txt"

cat >"$W/config.json" <<JSON
{"server": {"threads": 64, "keep_alive_max_requests": 100000},
 "limits": {"rate_limit_rps": 0},
 "logging": {"access_log": "$W/access.log", "level": "warn"}}
JSON

# wrk output -> "requests_per_s p50_ms p99_ms non2xx"
summarise() {
  /usr/bin/python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v, unit): return float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
lat = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)", text, re.M)}
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errs = re.search(r"Socket errors:.*", text)
print(f"{rps:.0f} {lat['50']:.2f} {lat['99']:.2f} {int(bad.group(1)) if bad else 0} {'socket-errors' if errs else 'ok'}")
PY
}

echo "machine: $(machine_state)"
port=$(free_port)
"$BIN/bench_serve_hello" "$port" 64 2>"$W/hello.err" &
hello=$!
wait_http "http://127.0.0.1:$port/hello"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/hello" >"$W/hello.txt"
kill -TERM "$hello"; wait "$hello" || true

port=$(free_port)
rm -f "$W/access.log"
"$RC" serve --store "$db" --port "$port" --config "$W/config.json" 2>"$W/serve.err" &
serve=$!
wait_http "http://127.0.0.1:$port/readyz"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$W/single.lua" \
  "http://127.0.0.1:$port" -- "$W/ids.txt" "$key" >"$W/single.txt"
wrk -t"$WRK_THREADS" -c"$BATCH_CONNECTIONS" -d"${DURATION}s" --latency -s "$W/batch.lua" \
  "http://127.0.0.1:$port" -- "$W/all_ids.txt" "$key" "$BATCH" >"$W/batch.txt"
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$serve/status")
kill -TERM "$serve"; wait "$serve" || die "retailcast serve did not exit cleanly (see $W/serve.err)"

read -r h_rps h_p50 h_p99 h_bad h_err < <(summarise "$W/hello.txt")
read -r s_rps s_p50 s_p99 s_bad s_err < <(summarise "$W/single.txt")
read -r b_rps b_p50 b_p99 b_bad b_err < <(summarise "$W/batch.txt")
printf '%-8s %6s %12s %9s %9s %8s %s\n' run conns requests/s p50_ms p99_ms non2xx socket
printf '%-8s %6s %12s %9s %9s %8s %s\n' hello "$CONNECTIONS" "$h_rps" "$h_p50" "$h_p99" "$h_bad" "$h_err"
printf '%-8s %6s %12s %9s %9s %8s %s\n' single "$CONNECTIONS" "$s_rps" "$s_p50" "$s_p99" "$s_bad" "$s_err"
printf '%-8s %6s %12s %9s %9s %8s %s\n' batch "$BATCH_CONNECTIONS" "$b_rps" "$b_p50" "$b_p99" "$b_bad" "$b_err"
/usr/bin/python3 -c "import sys; h,s,b,n=map(float,sys.argv[1:]); print(f'single/hello throughput: {s/h:.2f} (target >= 0.80)'); print(f'batch: {b*n:,.0f} series-forecasts/s at {n:.0f} series per request (target >= 200,000)')" \
  "$h_rps" "$s_rps" "$b_rps" "$BATCH"
echo "server resident memory after the runs: $((rss_kb / 1024)) MiB; access log lines: $(wc -l <"$W/access.log")"
