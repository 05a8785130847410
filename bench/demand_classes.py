#!/usr/bin/python3
"""Per-class accuracy of intermittent-demand forecasts (docs/accuracy.md).

Classifies every series of a training CSV (unique_id,ds,y) by Syntetos & Boylan (2005,
"On the categorization of demand patterns", JORS 56): ADI = periods / periods with demand,
CV2 = squared coefficient of variation (population) of the non-zero demand sizes;
smooth (ADI < 1.32, CV2 < 0.49), erratic (ADI < 1.32, CV2 >= 0.49), intermittent
(ADI >= 1.32, CV2 < 0.49), lumpy (both >= the cut-offs). A series without demand is "none".
Then averages the per-series metrics written by `metrics.py score --per-series` per class and
model, over the series every listed model forecast (so each row of a class compares the same
series), and prints one markdown table per class.

usage: demand_classes.py --train TRAIN.csv --per-series PER_SERIES.csv [--models m1,m2,...]
"""
import argparse

import numpy as np
import pandas as pd

ADI_CUT, CV2_CUT = 1.32, 0.49
CLASSES = ["smooth", "erratic", "intermittent", "lumpy", "none"]


def classify(train):
    rows = []
    for uid, y in train.groupby("unique_id")["y"]:
        v = y.to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        sizes = v[v > 0]
        if len(sizes) == 0:
            rows.append((uid, np.inf, np.nan, "none"))
            continue
        adi = len(v) / len(sizes)
        cv2 = float(np.var(sizes) / np.mean(sizes) ** 2)
        if adi < ADI_CUT:
            cls = "smooth" if cv2 < CV2_CUT else "erratic"
        else:
            cls = "intermittent" if cv2 < CV2_CUT else "lumpy"
        rows.append((uid, adi, cv2, cls))
    return pd.DataFrame(rows, columns=["unique_id", "ADI", "CV2", "class"])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--per-series", required=True)
    ap.add_argument("--models", help="peer/model labels (peer:model) in table order")
    a = ap.parse_args()
    classes = classify(pd.read_csv(a.train))
    per = pd.read_csv(a.per_series)
    per["label"] = per["peer"] + ":" + per["model"]
    labels = a.models.split(",") if a.models else list(dict.fromkeys(per["label"]))
    per = per.merge(classes, on="unique_id")
    counts = classes["class"].value_counts()
    print("Series per class: " + ", ".join(f"{c} {counts.get(c, 0)}" for c in CLASSES))
    for cls in CLASSES:
        part = per[per["class"] == cls]
        if part.empty:
            continue
        # Series forecast by every model that covers this class at all.
        present = [l for l in labels if (part["label"] == l).any()]
        common = None
        for l in present:
            ids = set(part.loc[part["label"] == l, "unique_id"])
            common = ids if common is None else common & ids
        part = part[part["unique_id"].isin(common)]
        print(f"\n**{cls}** ({len(common)} series; median ADI "
              f"{classes.loc[classes['unique_id'].isin(common), 'ADI'].median():.2f}, median CV2 "
              f"{classes.loc[classes['unique_id'].isin(common), 'CV2'].median():.2f})\n")
        print("| model | RMSSE | SPL | MASE | cov80 | cov95 |")
        print("|---|---:|---:|---:|---:|---:|")
        for l in present:
            m = part[part["label"] == l]
            cells = []
            for col in ["RMSSE", "SPL", "MASE", "cov80", "cov95"]:
                x = m[col].mean() if col in m and m[col].notna().any() else np.nan
                cells.append("–" if np.isnan(x) else f"{x:.3f}")
            print(f"| {l} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
