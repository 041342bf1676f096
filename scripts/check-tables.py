#!/usr/bin/env python3
"""Reads a sweep's tables with pyarrow and checks them against its
experiment.json: the documented columns in order, one runs row per finished
run, one steps row per recorded tick of each.

Usage: check-tables.py DIR   (DIR: the folder `evosim sweep --out` wrote)
"""
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq


def main(folder: Path) -> None:
    manifest = json.loads((folder / "experiment.json").read_text())
    varied = [c["name"] for c in manifest["varied"]]
    metrics = [c["name"] for c in manifest["metrics"]]
    runs = pq.read_table(folder / "runs.parquet")
    steps = pq.read_table(folder / "steps.parquet")
    want_runs = (["run"] + varied + ["seed", "status", "stop_reason", "ticks", "wall_s"]
                 + metrics + ["error"])
    want_steps = ["run"] + varied + ["seed", "tick"] + metrics
    assert runs.column_names == want_runs, (runs.column_names, want_runs)
    assert steps.column_names == want_steps, (steps.column_names, want_steps)
    statuses = manifest["statuses"]
    assert runs.num_rows == len(statuses), (runs.num_rows, len(statuses))
    assert runs.column("run").to_pylist() == [s["run"] for s in statuses]
    assert runs.column("status").to_pylist() == [s["status"] for s in statuses]
    # Each run's steps: tick 0, then every `every` ticks up to the ticks it ran.
    every = int(next(line.split("=")[1] for line in manifest["text"].splitlines()
                     if line.strip().startswith("every")))
    expected = sum(t // every + 1 for t, s in zip(runs.column("ticks").to_pylist(),
                                                   runs.column("status").to_pylist())
                   if s != "failed")
    assert steps.num_rows == expected, (steps.num_rows, expected)
    kinds = {c["name"]: c["kind"] for c in manifest["metrics"]}
    for name in metrics:
        t = str(steps.schema.field(name).type)
        assert t == {"int": "int64", "float": "double"}[kinds[name]], (name, t)
    print(f"runs.parquet: {runs.num_rows} rows, {runs.num_columns} columns")
    print(f"steps.parquet: {steps.num_rows} rows, {steps.num_columns} columns")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
