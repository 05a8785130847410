#!/usr/bin/env python3
"""The pandas side of bench/features_vs_pandas.sh: the 29 feature columns of
bench/features_m5.cc on a long CSV unique_id,ds,y (grouped by series, sorted by date), written
the usual pandas way (groupby shift / rolling, dt accessors).

    pandas_features.py CSV [REPEAT]

Reading the CSV (with date parsing) is timed apart; each run builds the whole feature frame.
Prints the same fields as bench_features_m5 (rows = rows after each series' first day).
"""
import sys
import time

import numpy as np
import pandas as pd

LAGS = [1, 2, 3, 4, 5, 6, 7, 14, 21, 28]
WINDOWS = [7, 28, 56]


def features(df):
    out = pd.DataFrame(index=df.index)
    g = df.groupby("unique_id", sort=False)["y"]
    for lag in LAGS:
        out[f"lag_{lag}"] = g.shift(lag)
    prev = g.shift(1)
    pg = prev.groupby(df["unique_id"], sort=False)
    for w in WINDOWS:
        r = pg.rolling(w, min_periods=1)
        for name, col in (("mean", r.mean()), ("std", r.std(ddof=0)), ("min", r.min()),
                          ("max", r.max())):
            out[f"roll_{name}_{w}"] = col.reset_index(level=0, drop=True)
    ds = df["ds"].dt
    out["dow"] = ds.dayofweek
    out["dom"] = ds.day
    out["month"] = ds.month
    out["woy"] = ds.isocalendar().week.astype("int32")
    out["doy"] = ds.dayofyear
    out["weekend"] = (ds.dayofweek >= 5).astype("int8")
    # log_level: log of the mean |y| of the last 365 days (of all days when that is 0; else 1).
    absy = df["y"].abs()
    recent = absy.groupby(df["unique_id"], sort=False).tail(365)
    level = recent.groupby(df["unique_id"], sort=False).mean()
    overall = absy.groupby(df["unique_id"], sort=False).mean()
    level = level.where(level > 0, overall).where(lambda x: x > 0, 1.0)
    out["log_level"] = np.log(df["unique_id"].map(level)).to_numpy()
    first = df["unique_id"].ne(df["unique_id"].shift())
    return out[~first.to_numpy()]


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    t0 = time.perf_counter()
    df = pd.read_csv(path, parse_dates=["ds"], dtype={"unique_id": str, "y": "float64"})
    print(f"series={df['unique_id'].nunique()} values={len(df)} value_sum={df['y'].sum():.0f} "
          f"read_seconds={time.perf_counter() - t0:.3f}")
    times = []
    for r in range(repeat):
        t0 = time.perf_counter()
        f = features(df)
        times.append(time.perf_counter() - t0)
        checksum = float(np.nansum(f.to_numpy(dtype="float64")))
        print(f"features_run={r + 1} seconds={times[-1]:.3f} rows={len(f)} "
              f"features={f.shape[1]} checksum={checksum:.6e}")
    print(f"features_median_seconds={float(np.median(times)):.3f} pandas={pd.__version__}")


if __name__ == "__main__":
    main()
