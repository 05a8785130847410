#!/usr/bin/env bash
# A steady-rate soak of `retailcast serve` (docs/benchmarks.md, "Service"): a mixed workload
# for SOAK_SECONDS (default 600) while the server's resident memory is sampled every
# SAMPLE_SECONDS (default 30). Passes when no request failed (wrk's non-2xx and socket errors,
# the server's 5xx) and prints the memory samples (in all, and by main heap, anonymous
# mappings and mapped files).
#
#   bench/serve_soak.sh                      # 10 minutes
#   SOAK_SECONDS=60 bench/serve_soak.sh      # a quick run of the same
#   MALLOC_ARENA_MAX=2 bench/serve_soak.sh   # the server with two malloc arenas
#
# Workload, per connection in turn (CONNECTIONS = 8, each pausing DELAY_MS = 10 ms between
# requests, so the rate stays near CONNECTIONS * 1000 / (DELAY_MS + latency) requests/s):
# 14 of 20 one stored series (h = 28), 2 a batch of 100 stored series, 2 a posted history of
# 3 series x 104 weeks fitted with snaive, 1 GET /v1/models, 1 POST /v1/actuals with a new
# batch id. Data and keys as in serve_bench.sh (2,000 daily series, snaive, promoted).
source "$(dirname "$0")/lib.sh"
need_bin retailcast
command -v wrk >/dev/null || die "wrk not found (Debian package wrk)"

SOAK_SECONDS="${SOAK_SECONDS:-600}"
SAMPLE_SECONDS="${SAMPLE_SECONDS:-30}"
CONNECTIONS="${CONNECTIONS:-8}"
DELAY_MS="${DELAY_MS:-10}"
SERIES="${SERIES:-2000}"
W="$WORK/serve"
mkdir -p "$W"
RC="$BIN/retailcast"
db="$W/soak_${SERIES}.db"
rm -f "$db" "$db"-*
"$RC" synth --stores 1 --items "$SERIES" --days 730 --seed 7 --output "$W/soak_train.csv" >&2
"$RC" ingest --store "$db" --dataset bench --input "$W/soak_train.csv" >&2
"$RC" train --store "$db" --dataset bench --model snaive --season 7 --promote >&2
export RETAILCAST_SERVER_SECRET=serve-soak-secret-0123456789abcdef0123456789
reader=$("$RC" keys create --store "$db" --role reader --name soak 2>/dev/null | tail -n 1)
writer=$("$RC" keys create --store "$db" --role writer --name soak 2>/dev/null | tail -n 1)
awk -F, 'NR > 1 && $1 != last { print $1; last = $1 }' "$W/soak_train.csv" >"$W/soak_ids.txt"
last_day=$(tail -n 1 "$W/soak_train.csv" | cut -d, -f2)

/usr/bin/python3 - "$W/soak_ids.txt" >"$W/soak_bodies.lua" <<'PY'
import datetime, json, sys
ids = [l.strip() for l in open(sys.argv[1])]
single = [json.dumps({"series": [i], "horizon": 28, "levels": [80, 95]}) for i in ids[:200]]
batch = json.dumps({"series": ids[:100], "horizon": 28, "levels": [80, 95]})
start = datetime.date(2014, 1, 3)
data = [{"unique_id": f"p{k}", "ds": [str(start + datetime.timedelta(weeks=w)) for w in range(104)],
         "y": [float((w * 7 + k * 13) % 50 + 10) for w in range(104)]} for k in range(3)]
posted = json.dumps({"model": "snaive", "season": 52, "horizon": 13, "levels": [80, 95], "data": data})
lua = lambda s: "[==[" + s + "]==]"
print("single = {" + ",".join(lua(s) for s in single) + "}")
print("batch = " + lua(batch))
print("posted = " + lua(posted))
PY

cat >"$W/soak.lua" <<'LUA'
-- args: bodies file, reader key, writer key, actuals series id, actuals date, delay ms
local n, k = 0, 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  dofile(args[1])
  reader, writer, sid, day, pause = args[2], args[3], args[4], args[5], tonumber(args[6])
  local rh = {["Authorization"] = "Bearer " .. reader, ["Content-Type"] = "application/json"}
  local plan = {}
  for i = 1, 14 do plan[#plan + 1] = function()
    n = n % #single + 1
    return wrk.format("POST", "/v1/forecast", rh, single[n]) end end
  for i = 1, 2 do plan[#plan + 1] = function() return wrk.format("POST", "/v1/forecast", rh, batch) end end
  for i = 1, 2 do plan[#plan + 1] = function() return wrk.format("POST", "/v1/forecast", rh, posted) end end
  plan[#plan + 1] = function() return wrk.format("GET", "/v1/models", rh) end
  plan[#plan + 1] = function()
    k = k + 1
    local body = string.format('{"batch_id":"soak-%d-%d","dataset":"bench","data":[{"unique_id":"%s","ds":["%s"],"y":[%d]}]}',
                               tid, k, sid, day, k % 100)
    return wrk.format("POST", "/v1/actuals",
                      {["Authorization"] = "Bearer " .. writer, ["Content-Type"] = "application/json"}, body)
  end
  steps, step = plan, 0
end
function request()
  step = step % #steps + 1
  return steps[step]()
end
function delay() return pause end
LUA

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
# FORECAST_CACHE_MB (optional): the forecast cache's cap; 0 turns it off, to tell its filling
# apart from other growth of the resident memory.
cache_setting=""
if [[ -n "${FORECAST_CACHE_MB:-}" ]]; then
  [[ "$FORECAST_CACHE_MB" =~ ^[0-9]+$ ]] || die "FORECAST_CACHE_MB must be a whole number of MiB"
  cache_setting=", \"artifacts\": {\"forecast_cache_mb\": $FORECAST_CACHE_MB}"
fi
cat >"$W/soak_config.json" <<JSON
{"limits": {"rate_limit_rps": 0}, "logging": {"access_log": "$W/soak_access.log", "level": "warn"}$cache_setting}
JSON
rm -f "$W/soak_access.log"
"$RC" serve --store "$db" --port "$port" --config "$W/soak_config.json" 2>"$W/soak_serve.err" &
serve=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
echo "machine: $(machine_state); soak ${SOAK_SECONDS}s, $CONNECTIONS connections, ${DELAY_MS} ms pause"
samples="$W/soak_rss.csv"
echo "seconds,rss_mib,heap_mib,anon_mib,files_mib,requests" >"$samples"
# Resident memory by kind of mapping: the main heap, anonymous mappings (glibc's per-thread
# malloc arenas, thread stacks) and mapped files (the shared libraries), so a creep can be
# placed (docs/benchmarks.md, "10-minute soak").
rss_by_kind() {
  awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { kind = ($6 == "[heap]") ? "heap" : ($6 ~ /^\//) ? "files" : "anon" }
       $1 == "Rss:" { kb[kind] += $2 }
       END { printf "%d,%d,%d", kb["heap"] / 1024, kb["anon"] / 1024, kb["files"] / 1024 }' "/proc/$1/smaps"
}
sid=$(head -n 1 "$W/soak_ids.txt")
wrk -t2 -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --latency --timeout 10s -s "$W/soak.lua" \
  "http://127.0.0.1:$port" -- "$W/soak_bodies.lua" "$reader" "$writer" "$sid" "$last_day" "$DELAY_MS" \
  >"$W/soak_wrk.txt" &
load=$!
t0=$(date +%s)
while kill -0 "$load" 2>/dev/null; do
  now=$(( $(date +%s) - t0 ))
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$serve/status")
  reqs=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^retailcast_http_requests_total/ {s += $2} END {print s + 0}')
  echo "$now,$rss,$(rss_by_kind "$serve"),$reqs" >>"$samples"
  sleep "$SAMPLE_SECONDS"
done
wait "$load" || true
five_xx=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^retailcast_http_requests_total/ && /status="5/ {s += $2} END {print s + 0}')
kill -TERM "$serve"
wait "$serve" || die "retailcast serve did not exit cleanly (see $W/soak_serve.err)"

cat "$W/soak_wrk.txt"
echo "resident memory (MiB) every ${SAMPLE_SECONDS} s:"
column -s, -t "$samples"
/usr/bin/python3 - "$W/soak_wrk.txt" "$samples" "$five_xx" <<'PY'
import csv, re, sys
text = open(sys.argv[1]).read()
rows = list(csv.DictReader(open(sys.argv[2])))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0) + int(sys.argv[3])
rss = [int(r["rss_mib"]) for r in rows]
half = rss[len(rss) // 2:] or rss
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"requests/s {rps:.0f}; errors {errors}; "
      f"resident memory first {rss[0]} MiB, max {max(rss)} MiB, last {rss[-1]} MiB, "
      f"second half {min(half)}..{max(half)} MiB")
sys.exit(1 if errors else 0)
PY
