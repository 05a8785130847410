#!/usr/bin/python3
"""The pandas peer of bench_ingest_file (bench/ingest_vs_pandas.sh).

Reads a long CSV unique_id,ds,y the way a pandas user would and ends, like our reader, with
one float64 numpy array per series in id order, dates sorted:
  read_csv (dates parsed) -> sort_values(unique_id, ds) -> groupby(unique_id) -> arrays.
Prints one line of key=value figures (series, values, seconds per phase and in total).

--category reads unique_id as a pandas Categorical (a tuned variant: far less memory for
repeated ids); the default is what read_csv does without hints.
"""
import argparse
import sys
import time

import numpy as np
import pandas as pd


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("csv")
    ap.add_argument("--category", action="store_true", help="read unique_id as a category")
    args = ap.parse_args()

    t0 = time.perf_counter()
    dtype = {"y": "float64"}
    if args.category:
        dtype["unique_id"] = "category"
    df = pd.read_csv(args.csv, dtype=dtype, parse_dates=["ds"])
    t1 = time.perf_counter()
    df = df.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    t2 = time.perf_counter()
    arrays = {
        key: group.to_numpy(dtype="float64")
        for key, group in df.groupby("unique_id", sort=True, observed=True)["y"]
    }
    t3 = time.perf_counter()
    values = sum(a.size for a in arrays.values())
    value_sum = float(sum(np.nansum(a) for a in arrays.values()))
    if values != len(df):
        print(f"pandas_ingest: {values} values in arrays but {len(df)} rows", file=sys.stderr)
        return 1
    print(
        f"series={len(arrays)} values={values} read_seconds={t1 - t0:.3f} "
        f"sort_seconds={t2 - t1:.3f} groupby_seconds={t3 - t2:.3f} seconds={t3 - t0:.3f} "
        f"value_sum={value_sum:.17g}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
