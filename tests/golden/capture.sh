#!/usr/bin/env bash
# Captures the outputs a behaviour-preserving change must leave byte-identical: forecast CSVs of
# every registered model on Walmart's 45 stores, the M5 subset and the bundled sample, backtest
# summaries, the main job's outputs, explain's components and the service's replies to a fixed
# request set. Run it with the binary before the change and after, then `diff -r` the folders.
#
#   [GOLDEN_MODELS="..."] tests/golden/capture.sh BINARY OUT_DIR [walmart|m5|sample|backtest|run|explain|serve ...]
#
# Needs ../shared (the peers' data and split tool) and python3; writes only under OUT_DIR.
set -uo pipefail
bin=$(readlink -f "$1"); out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(walmart m5 sample backtest run explain serve)
root=$(cd "$(dirname "$0")/../.." && pwd)
peers=$root/../shared/peers
split_dir=$out/splits
models=(naive snaive mean drift window_average auto_ets ets auto_arima arima theta auto_theta
        croston sba tsb adida imapa mstl additive gbm mlp lstm combo auto ensemble)
# GOLDEN_MODELS="naive gbm" captures only these (the M5 part of every model takes over an hour).
[ -z "${GOLDEN_MODELS:-}" ] || read -r -a models <<<"$GOLDEN_MODELS"
sample=$root/data/sample/walmart_store_sales_10.csv
sample_opts=(--id-columns Store --date-column Date --target-column Weekly_Sales --date-format dd-mm-yyyy)

split() {  # split NAME DATA H
  [ -f "$split_dir/$1/train.csv" ] ||
    /usr/bin/python3 "$peers/metrics.py" split --data "$2" --h "$3" --outdir "$split_dir/$1" >/dev/null
}

# one NAME ARGS...: runs the binary, keeps its exit code and stderr beside the outputs.
one() {
  local name=$1; shift
  local t0=$(date +%s.%N)
  "$bin" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
  echo $? >"$out/$name.rc"
  echo "$name rc=$(cat "$out/$name.rc") $(echo "$(date +%s.%N) - $t0" | bc) s" >>"$out/timings.txt"
}

for part in "${parts[@]}"; do
  case $part in
    walmart)
      split walmart "$peers/data/walmart_store.csv" 13
      for m in "${models[@]}"; do
        one "walmart_$m" forecast --input "$split_dir/walmart/train.csv" --horizon 13 --season 52 \
          --model "$m" --levels 80,95 --output "$out/walmart_$m.csv"
      done ;;
    m5)
      split m5 "$peers/data/m5_subset_long.csv" 28
      for m in "${models[@]}"; do
        one "m5_$m" forecast --input "$split_dir/m5/train.csv" --horizon 28 --season 7 \
          --model "$m" --levels 80,95 --output "$out/m5_$m.csv"
      done ;;
    sample)
      for m in "${models[@]}"; do
        one "sample_$m" forecast --input "$sample" "${sample_opts[@]}" --horizon 13 --season 52 \
          --model "$m" --levels 50,80,95 --output "$out/sample_$m.csv"
      done
      # too short for its season: every pair fails
      head -n 21 "$sample" >"$out/sample_short.in.csv"
      one sample_short forecast --input "$out/sample_short.in.csv" "${sample_opts[@]}" --horizon 13 \
        --season 52 --model snaive --output "$out/sample_short.csv" ;;
    backtest)
      split walmart "$peers/data/walmart_store.csv" 13
      split m5 "$peers/data/m5_subset_long.csv" 28
      one bt_walmart backtest --input "$split_dir/walmart/train.csv" --horizon 13 --season 52 \
        --windows 3 --model naive,snaive,mean,drift,window_average,auto_ets,theta,croston,combo \
        --summary-csv "$out/bt_walmart_summary.csv" --records-csv "$out/bt_walmart_records.csv" \
        --selection-csv "$out/bt_walmart_selection.csv"
      one bt_m5 backtest --input "$split_dir/m5/train.csv" --horizon 28 --season 7 --windows 2 \
        --model snaive,naive,tsb,imapa,theta,gbm \
        --summary-csv "$out/bt_m5_summary.csv" --records-csv "$out/bt_m5_records.csv" \
        --selection-csv "$out/bt_m5_selection.csv" ;;
    run)
      mkdir -p "$out/run"
      /usr/bin/python3 - "$root/config/parameters.json" "$out/run" >"$out/run/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["store"] = sys.argv[2] + "/rc.db"; c["output_dir"] = sys.argv[2]
root = sys.argv[1].rsplit("/config/", 1)[0]
c["input"]["path"] = root + "/" + c["input"]["path"]
if "future" in c: c["future"] = root + "/" + c["future"]
print(json.dumps(c))
PY
      (cd "$out/run" && one run_main run --config "$out/run/config.json")
      sed -i -E 's/(artifact [^ ]+ v[0-9]+ \(id [0-9]+\), trained on [^,]+, code ).*/\1X/' "$out/run_main.stdout"
      rm -f "$out/run/rc.db" "$out/run/rc.db-wal" "$out/run/rc.db-shm" ;;
    explain)
      {
        echo "Store,Date,Holiday_Flag,Temperature"
        for st in 1 4; do
          for d in 02-11-2012 09-11-2012 16-11-2012 23-11-2012 30-11-2012 07-12-2012 14-12-2012 \
                   21-12-2012 28-12-2012 04-01-2013 11-01-2013 18-01-2013 25-01-2013; do
            case $d in 23-11-2012|28-12-2012) f=1 ;; *) f=0 ;; esac
            echo "$st,$d,$f,50.5"
          done
        done
      } >"$out/explain_future.csv"
      one explain_sample explain --input "$sample" "${sample_opts[@]}" --flags Holiday_Flag \
        --exog Temperature --horizon 13 --params additive:regressors=Holiday_Flag,country=US \
        --future "$out/explain_future.csv" --max-print 1 --series 1 --series 4 --output "$out/explain_components.csv" \
        --forecast-output "$out/explain_fc.csv" ;;
    serve)
      /usr/bin/python3 "$root/tests/golden/serve_requests.py" "$bin" "$sample" "$out/serve" ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
