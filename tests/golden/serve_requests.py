#!/usr/bin/python3
"""Replies of `retailcast serve` to a fixed request set, for tests/golden/capture.sh.

    serve_requests.py BINARY SAMPLE_CSV OUT_DIR

Builds a store from the bundled sample (two trained versions of one artifact), starts the
service on a free loopback port and writes one file per request: status, content type and
body, with the fields that differ between runs (creation times, code versions) masked.
"""
import json, os, re, socket, subprocess, sys, time, urllib.request, urllib.error

binary, sample, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
store = os.path.join(out, "rc.db")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(store + suffix):
        os.remove(store + suffix)


def cli(*args):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed: {r.stderr}")
    return r.stdout


cli("ingest", "--store", store, "--dataset", "walmart", "--input", sample, "--id-columns", "Store",
    "--date-column", "Date", "--target-column", "Weekly_Sales", "--date-format", "dd-mm-yyyy",
    "--flags", "Holiday_Flag", "--exog", "Temperature,Fuel_Price,CPI,Unemployment")
cli("train", "--store", store, "--dataset", "walmart", "--model", "snaive,naive,window_average,auto_ets",
    "--season", "52", "--promote")
cli("train", "--store", store, "--dataset", "walmart", "--model", "snaive,theta", "--season", "52")
keys = {role: cli("keys", "create", "--store", store, "--role", role, "--name", role).strip()
        for role in ("reader", "writer", "admin")}

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = subprocess.Popen([binary, "serve", "--store", store, "--host", "127.0.0.1", "--port",
                           str(port), "--threads", "2"], stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(out, "server.log"), "w"))
base = f"http://127.0.0.1:{port}"
for _ in range(200):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1)
        break
    except Exception:
        time.sleep(0.05)

# Three posted series from the sample (the first 60 weeks of stores 1..3).
rows = [l.split(",") for l in open(sample).read().splitlines()[1:]]
posted = []
for store_id in ("1", "2", "3"):
    mine = [r for r in rows if r[0] == store_id][:60]
    posted.append({"unique_id": store_id,
                   "ds": ["%s-%s-%s" % (r[1][6:], r[1][3:5], r[1][:2]) for r in mine],
                   "y": [float(r[2]) for r in mine]})

R, W, A = keys["reader"], keys["writer"], keys["admin"]
requests = [
    ("healthz", "GET", "/healthz", None, None),
    ("readyz", "GET", "/readyz", None, None),
    ("models", "GET", "/v1/models", R, None),
    ("artifacts_reader", "GET", "/v1/artifacts", R, None),
    ("artifacts", "GET", "/v1/artifacts", A, None),
    ("stored_two", "POST", "/v1/forecast", R, {"series": ["1", "2"], "horizon": 13}),
    ("stored_levels", "POST", "/v1/forecast", R,
     {"series": ["3"], "horizon": 5, "levels": [50, 99], "models": ["auto_ets", "naive"]}),
    ("stored_cached", "POST", "/v1/forecast", R, {"series": ["1", "2"], "horizon": 13}),
    ("stored_unknown_series", "POST", "/v1/forecast", R, {"series": ["1", "nope"], "horizon": 3}),
    ("stored_unknown_model", "POST", "/v1/forecast", R, {"series": ["1"], "horizon": 3, "models": ["x"]}),
    ("stored_bad_horizon", "POST", "/v1/forecast", R, {"series": ["1"], "horizon": 0}),
    ("posted", "POST", "/v1/forecast", R,
     {"model": ["snaive", "naive", "auto_ets", "theta"], "horizon": 8, "season": 52, "data": posted}),
    ("posted_params", "POST", "/v1/forecast", R,
     {"model": ["window_average", "ets"], "horizon": 4, "data": posted,
      "params": {"window_average": {"window_size": 3}, "ets": {"model": "AAN"}}}),
    ("posted_bad_param", "POST", "/v1/forecast", R,
     {"model": ["window_average"], "horizon": 4, "data": posted, "params": {"window_average": {"window_size": -1}}}),
    ("posted_param_other_model", "POST", "/v1/forecast", R,
     {"model": ["naive"], "horizon": 4, "data": posted, "params": {"snaive": {"season_length": 4}}}),
    ("posted_unknown_model", "POST", "/v1/forecast", R, {"model": ["nope"], "horizon": 4, "data": posted}),
    ("posted_all_fail", "POST", "/v1/forecast", R,
     {"model": ["snaive"], "season": 52, "horizon": 4,
      "data": [{"unique_id": "a", "ds": ["2020-01-03", "2020-01-10"], "y": [1, 2]}]}),
    ("posted_bad_date", "POST", "/v1/forecast", R,
     {"model": ["naive"], "horizon": 2, "data": [{"unique_id": "a", "ds": ["2020-01-03", "2020-13-10"], "y": [1, 2]}]}),
    ("bad_json", "POST", "/v1/forecast", R, "{\"series\": ["),
    ("no_key", "POST", "/v1/forecast", None, {"series": ["1"], "horizon": 1}),
    ("reader_actuals", "POST", "/v1/actuals", R, {"batch_id": "b1", "dataset": "walmart", "data": posted[:1]}),
    ("actuals", "POST", "/v1/actuals", W,
     {"batch_id": "b1", "dataset": "walmart", "data": [{"unique_id": "1", "ds": ["2012-11-02"], "y": [1700000.5]}]}),
    ("actuals_retry", "POST", "/v1/actuals", W,
     {"batch_id": "b1", "dataset": "walmart", "data": [{"unique_id": "1", "ds": ["2012-11-02"], "y": [1700000.5]}]}),
    ("actuals_reused_id", "POST", "/v1/actuals", W,
     {"batch_id": "b1", "dataset": "walmart", "data": [{"unique_id": "1", "ds": ["2012-11-09"], "y": [5]}]}),
    ("promote_reader", "POST", "/v1/artifacts/2/promote", R, {}),
    ("promote", "POST", "/v1/artifacts/2/promote", A, {}),
    ("stored_after_promote", "POST", "/v1/forecast", R, {"series": ["1"], "horizon": 3}),
    ("rollback", "POST", "/v1/artifacts/2/rollback", A, {}),
    ("rollback_again", "POST", "/v1/artifacts/2/rollback", A, {}),
    ("promote_bad_id", "POST", "/v1/artifacts/x/promote", A, {}),
    ("not_found", "GET", "/v1/nothing", R, None),
    ("openapi", "GET", "/v1/openapi.json", None, None),
]

mask = re.compile(r'"(created_at|code_version|ingested_at)":"[^"]*"')
for name, method, path, key, body in requests:
    data = None
    headers = {}
    if body is not None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        headers["Content-Type"] = "application/json"
    if key:
        headers["Authorization"] = "Bearer " + key
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, ctype, text = r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        status, ctype, text = e.code, e.headers.get("Content-Type"), e.read().decode()
    with open(os.path.join(out, name + ".txt"), "w") as f:
        masked = mask.sub(lambda m: '"%s":"X"' % m.group(1), text)
        masked = re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "TIME", masked)
        masked = re.sub(r"key [0-9a-f]{16}", "key KEYID", masked)
        f.write(f"{status} {ctype}\n{masked}\n")
server.terminate()
server.wait(timeout=20)
os.remove(os.path.join(out, "server.log"))
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(store + suffix):
        os.remove(store + suffix)
