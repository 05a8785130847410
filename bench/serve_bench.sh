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
#   hello    GET /hello of bench_serve_hello on the library's own connection handling: the
#            hello world of the target                                    CONNECTIONS (32)
#   single   POST /v1/forecast, one stored series per request, h = 28,
#            80/95 % intervals, cycling over 512 series                   CONNECTIONS (32)
#   canned   the single requests sent to the hello-world server, which answers them with a
#            fixed reply of the same size (the library's and the wire's share of the cost)
#   hello-conn, canned-conn   the same two against a hello-world server that drives its
#            connections as the service does (src/serve/http_connection.h): what the service's
#            own work costs, apart from what its connection handling saves
#   batch    the same with BATCH series per request (default 1,000)        BATCH_CONNECTIONS (8)
#   single-nocache, batch-nocache   the same with the forecast cache off (every forecast
#            predicted and formatted again)
# hello, hello-conn, single, canned and canned-conn are measured in ROUNDS (default 3)
# interleaved rounds against the same three running servers; the ratios are of their medians.
# Prints requests/s and latency percentiles of each run, the ratios and the batch
# series-forecasts/s. All servers run with TCP_NODELAY and 64 worker threads; the service
# writes its access log to a file, so the ratio includes logging. Keys are hashed with a server
# secret (hmac-sha256, as deployed), and one request per run warms the key.
source "$(dirname "$0")/lib.sh"
need_bin retailcast bench_serve_hello
command -v wrk >/dev/null || die "wrk not found (Debian package wrk)"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-8}"
WRK_THREADS="${WRK_THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
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
export RETAILCAST_SERVER_SECRET=serve-bench-secret-0123456789abcdef0123456789
key=$("$RC" keys create --store "$db" --role reader --name bench 2>/dev/null | tail -n 1)
awk -F, 'NR > 1 && $1 != last { print $1; last = $1 }' "$W/train.csv" >"$W/all_ids.txt"
awk 'NR <= 512' "$W/all_ids.txt" >"$W/ids.txt"

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

config() {  # config FORECAST_CACHE_MB
  cat <<JSON
{"server": {"threads": 64, "keep_alive_max_requests": 100000},
 "limits": {"rate_limit_rps": 0},
 "artifacts": {"forecast_cache_mb": $1},
 "logging": {"access_log": "$W/access.log", "level": "warn"}}
JSON
}
config 256 >"$W/config.json"
config 0 >"$W/config_nocache.json"

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
# serve_start CONFIG SUFFIX: a fresh service (sets serve_pid, serve_port, reply_bytes).
serve_start() {
  serve_port=$(free_port)
  rm -f "$W/access.log"
  "$RC" serve --store "$db" --port "$serve_port" --config "$1" 2>"$W/serve$2.err" &
  serve_pid=$!
  wait_http "http://127.0.0.1:$serve_port/readyz"
  reply_bytes=$(curl -fs -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' \
    -d "{\"series\":[\"$(head -n 1 "$W/ids.txt")\"],\"horizon\":28,\"levels\":[80,95]}" \
    "http://127.0.0.1:$serve_port/v1/forecast")
}
serve_stop() {
  rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$serve_pid/status")
  log_lines=$(wc -l <"$W/access.log")
  kill -TERM "$serve_pid"
  wait "$serve_pid" || die "retailcast serve did not exit cleanly (see $W/serve$1.err)"
}
single_run() {  # single_run PORT OUT
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$W/single.lua" \
    "http://127.0.0.1:$1" -- "$W/ids.txt" "$key" >"$2"
}
batch_run() {  # batch_run PORT OUT
  wrk -t"$WRK_THREADS" -c"$BATCH_CONNECTIONS" -d"${DURATION}s" --latency -s "$W/batch.lua" \
    "http://127.0.0.1:$1" -- "$W/all_ids.txt" "$key" "$BATCH" >"$2"
}

# Without the cache first: every forecast predicted and formatted again.
serve_start "$W/config_nocache.json" _nocache
single_run "$serve_port" "$W/single_nocache.txt"
batch_run "$serve_port" "$W/batch_nocache.txt"
serve_stop _nocache
# Then the service (cache on) and the hello server side by side, measured in ROUNDS rounds of
# hello, single and canned: the machine's speed drifts by more than the gap to the target, and
# interleaving puts every baseline next to the run it is compared with. "canned" sends the
# single requests to the hello server, which answers them with a fixed reply of the service's
# reply size: what the library and the wire cost with no work behind them.
serve_start "$W/config.json" ""
hello_port=$(free_port)
REPLY_BYTES=$reply_bytes "$BIN/bench_serve_hello" "$hello_port" 64 library 2>"$W/hello.err" &
hello=$!
conn_port=$(free_port)
REPLY_BYTES=$reply_bytes "$BIN/bench_serve_hello" "$conn_port" 64 connection \
  2>"$W/hello_conn.err" &
hello_conn=$!
wait_http "http://127.0.0.1:$hello_port/hello"
wait_http "http://127.0.0.1:$conn_port/hello"
for r in $(seq "$ROUNDS"); do
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    "http://127.0.0.1:$hello_port/hello" >"$W/hello.$r.txt"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    "http://127.0.0.1:$conn_port/hello" >"$W/hello_conn.$r.txt"
  single_run "$serve_port" "$W/single.$r.txt"
  single_run "$hello_port" "$W/canned.$r.txt"
  single_run "$conn_port" "$W/canned_conn.$r.txt"
done
batch_run "$serve_port" "$W/batch.txt"
kill -TERM "$hello" "$hello_conn"; wait "$hello" "$hello_conn" || true
serve_stop ""

printf '%-15s %6s %12s %9s %9s %8s %s\n' run conns requests/s p50_ms p99_ms non2xx socket
row() {  # row NAME CONNS FILE -> prints the row, sets rps
  local r p50 p99 bad err
  read -r r p50 p99 bad err < <(summarise "$3")
  printf '%-15s %6s %12s %9s %9s %8s %s\n' "$1" "$2" "$r" "$p50" "$p99" "$bad" "$err"
  rps=$r
}
hellos=() conns=() singles=() canneds=() canned_conns=()
for r in $(seq "$ROUNDS"); do
  row "hello.$r" "$CONNECTIONS" "$W/hello.$r.txt"; hellos+=("$rps")
  row "hello-conn.$r" "$CONNECTIONS" "$W/hello_conn.$r.txt"; conns+=("$rps")
  row "single.$r" "$CONNECTIONS" "$W/single.$r.txt"; singles+=("$rps")
  row "canned.$r" "$CONNECTIONS" "$W/canned.$r.txt"; canneds+=("$rps")
  row "canned-conn.$r" "$CONNECTIONS" "$W/canned_conn.$r.txt"; canned_conns+=("$rps")
done
row single-nocache "$CONNECTIONS" "$W/single_nocache.txt"; sn_rps=$rps
row batch "$BATCH_CONNECTIONS" "$W/batch.txt"; b_rps=$rps
row batch-nocache "$BATCH_CONNECTIONS" "$W/batch_nocache.txt"; bn_rps=$rps
/usr/bin/python3 - "${hellos[*]}" "${conns[*]}" "${singles[*]}" "${canneds[*]}" \
  "${canned_conns[*]}" "$sn_rps" "$b_rps" "$bn_rps" "$BATCH" "$reply_bytes" <<'PY'
import statistics, sys
hs, hcs, ss, cs, ccs = ([float(v) for v in a.split()] for a in sys.argv[1:6])
sn, b, bn, n, size = map(float, sys.argv[6:])
h, hc, s, c, cc = (statistics.median(v) for v in (hs, hcs, ss, cs, ccs))
per = lambda xs, ys: " / ".join(f"{x / y:.2f}" for x, y in zip(xs, ys))
print(f"medians over {len(hs)} rounds: hello {h:.0f}, hello-conn {hc:.0f}, single {s:.0f}, "
      f"canned {c:.0f}, canned-conn {cc:.0f} requests/s")
print(f"single/hello throughput: {s / h:.2f} (rounds: {per(ss, hs)}); without the cache "
      f"{sn / h:.2f} (target >= 0.80)")
print(f"single/hello-conn: {s / hc:.2f} (rounds: {per(ss, hcs)}; both on the service's "
      f"connection handling); single/canned-conn: {s / cc:.2f} (rounds: {per(ss, ccs)})")
print(f"canned/hello: {c / h:.2f}, canned-conn/hello-conn: {cc / hc:.2f} (the same requests, a "
      f"fixed {size:.0f}-byte reply, no work)")
print(f"batch: {b * n:,.0f} series-forecasts/s cached, {bn * n:,.0f} without the cache, "
      f"{n:.0f} series per request (target >= 200,000)")
PY
echo "server resident memory after the runs: $((rss_kb / 1024)) MiB; access log lines: $log_lines"
echo "machine after: $(machine_state)"
