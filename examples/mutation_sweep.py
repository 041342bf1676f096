#!/usr/bin/env python3
"""A mutation-rate sweep from Python, and what it did to the creatures.

    pip install ./python matplotlib
    python examples/mutation_sweep.py [OUT_DIR] [PICTURE] [--executor ray]

Runs experiments/mutation.toml (5 mutation rates x 4 seeds, 3,000 creatures,
3,000 ticks) with evosim.experiment — on this machine's cores, or on Ray —
then plots, against the rate, the final population and the speed gene's mean
and spread per tribe, each as the mean over the seeds with their range.
docs/python-sweep.png is its picture (OUT_DIR target/mutation-py,
PICTURE docs/python-sweep.png). With OUT_DIR holding a finished sweep, it
only draws (resume: nothing left to run).
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import evosim.experiment as ex  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="target/mutation-py")
    ap.add_argument("picture", nargs="?", default="docs/python-sweep.png")
    ap.add_argument("--executor", choices=["local", "ray"], default="local")
    a = ap.parse_args()

    spec = ROOT / "experiments" / "mutation.toml"
    print(ex.runs(spec).to_string(index=False))
    resume = (Path(a.out) / "experiment.json").exists()
    runs, steps = ex.run(spec, a.out, executor=a.executor, resume=resume)
    ok = runs[runs["status"] != "failed"]
    print(f"{len(ok)} of {len(runs)} runs finished; tables in {a.out}")

    tribes = [c.split(".", 1)[1] for c in runs.columns if c.startswith("tribe_population.")]
    rate = "mutation.rate"
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    by_rate = ok.groupby(rate)
    for name, style in [("population", "k-o")]:
        m, lo, hi = by_rate[name].mean(), by_rate[name].min(), by_rate[name].max()
        left.plot(m.index, m.values, style, label="all tribes")
        left.fill_between(m.index, lo.values, hi.values, color="k", alpha=0.12)
    for t in tribes:
        col = f"tribe_population.{t}"
        m = by_rate[col].mean()
        left.plot(m.index, m.values, "-o", label=t, markersize=4)
    left.set(xlabel="mutation rate", ylabel="creatures at tick 3,000",
             title="Population against the mutation rate")
    left.legend(fontsize=8)
    for t in tribes:
        mean, std = f"gene_mean.speed.{t}", f"gene_std.speed.{t}"
        m = by_rate[mean].mean()
        s = by_rate[std].mean()
        line, = right.plot(m.index, m.values, "-o", label=f"{t} mean", markersize=4)
        right.fill_between(m.index, (m - s).values, (m + s).values, color=line.get_color(), alpha=0.15)
    right.set(xlabel="mutation rate", ylabel="speed gene (world units/s)",
              title="Speed gene: mean ± spread within a tribe")
    low, high = right.get_ylim()
    right.set_ylim(low, high + 0.18 * (high - low))  # room for the legend
    right.legend(fontsize=8, loc="upper center", ncol=2)
    fig.suptitle(f"experiments/mutation.toml from Python: {len(ok)} runs, mean over 4 seeds (shaded: range / ± std)")
    fig.tight_layout()
    Path(a.picture).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(a.picture, dpi=110)
    print(f"wrote {a.picture}")


if __name__ == "__main__":
    main()
