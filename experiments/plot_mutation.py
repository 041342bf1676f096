#!/usr/bin/env python3
"""Plots the tables of experiments/mutation.toml: the population over time
for each mutation rate, and each tribe's mean speed gene and its spread at
the end against the rate (means over the seeds, bars one standard deviation).

Usage: plot_mutation.py DIR [OUT.png]   (DIR: the sweep's --out folder)
Needs pandas, pyarrow and matplotlib (pip install pandas pyarrow matplotlib).
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def main(folder: Path, out: Path) -> None:
    steps = pd.read_parquet(folder / "steps.parquet")
    runs = pd.read_parquet(folder / "runs.parquet")
    key = "mutation.rate"
    tribes = [c.split(".", 1)[1] for c in steps.columns if c.startswith("tribe_population.")]
    fig, (left, mid, right) = plt.subplots(1, 3, figsize=(15, 4.4))

    for rate, group in steps.groupby(key):
        curve = group.groupby("tick")["population"].mean()
        left.plot(curve.index / 60.0, curve.values, label=f"rate {rate:g}")
    left.set(xlabel="simulated seconds", ylabel="population (mean of seeds)",
             title="Population")
    left.legend(fontsize=8)

    done = runs[runs["status"] != "failed"]
    for tribe in tribes:
        mean = done.groupby(key)[f"gene_mean.speed.{tribe}"].agg(["mean", "std"])
        spread = done.groupby(key)[f"gene_std.speed.{tribe}"].agg(["mean", "std"])
        mid.errorbar(mean.index, mean["mean"], yerr=mean["std"], marker="o",
                     capsize=3, label=tribe)
        right.errorbar(spread.index, spread["mean"], yerr=spread["std"], marker="o",
                       capsize=3, label=tribe)
    ticks = int(done["ticks"].max())
    mid.set(xlabel=key, ylabel="mean speed gene (wu/s)",
            title=f"Mean speed at tick {ticks}")
    right.set(xlabel=key, ylabel="standard deviation of speed (wu/s)",
              title=f"Spread of speed at tick {ticks}")
    mid.legend(fontsize=8)
    right.legend(fontsize=8)
    n = len(runs)
    seeds = runs.groupby(key).size().max()
    fig.suptitle(f"evosim sweep experiments/mutation.toml: {n} runs "
                 f"({runs[key].nunique()} rates x {seeds} seeds)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    main(folder, Path(sys.argv[2]) if len(sys.argv) == 3 else folder / "experiment.png")
