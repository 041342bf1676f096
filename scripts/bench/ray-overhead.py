#!/usr/bin/env python3
"""What running an experiment on Ray costs over the local executor.

    python scripts/bench/ray-overhead.py OUTDIR [RUNS]

The experiment of scripts/bench/sweep-overhead.sh (RUNS runs, default 64:
8 mutation rates, 3,000 creatures, 3,000 ticks, a row every 100 ticks), run
with evosim.experiment.run on the local executor (jobs = cores) and on a
local Ray (ray.init(num_cpus=cores), one run per task). Ray's start is timed
apart. The two table sets are checked equal. Run with the Python that has
the package (release build) and Ray installed.

docs/BENCHMARKS.md's "Python" table comes from it.
"""

import os
import shutil
import sys
import time
from pathlib import Path

import pandas as pd


def main():
    out = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    ticks = int(os.environ.get("TICKS", 3000))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    spec = out / "sweep.toml"
    spec.write_text(f"""seed = 11
repetitions = {runs // 8}
ticks = {ticks}
every = 100
record = ["population", "births", "deaths", "kills", "starved", "tribe_population"]
[set]
entities = {os.environ.get("ENTITIES", 3000)}
[vary]
"mutation.rate" = {{ from = 0.0, to = 0.7, steps = 8 }}
""")
    import warnings

    import ray

    import evosim.experiment as ex

    warnings.simplefilter("ignore", RuntimeWarning)  # a run that cannot spawn fails alike in both
    cores = os.cpu_count()
    print(f"{runs} runs, {cores} cores")
    t = time.perf_counter()
    local = ex.run(spec, out / "local", jobs=cores)
    t_local = time.perf_counter() - t
    print(f"local executor, {cores} jobs:   {t_local:8.1f} s")
    t = time.perf_counter()
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
    t_init = time.perf_counter() - t
    t = time.perf_counter()
    remote = ex.run(spec, out / "ray", executor="ray")
    t_ray = time.perf_counter() - t
    ray.shutdown()
    print(f"Ray start (ray.init):        {t_init:8.1f} s")
    print(f"Ray executor, {cores} CPUs:     {t_ray:8.1f} s")
    print(f"overhead: {(t_ray / t_local - 1) * 100:+.1f}% ({((t_ray + t_init) / t_local - 1) * 100:+.1f}% with Ray's start)")
    for a, b in zip(local, remote):
        pd.testing.assert_frame_equal(a.drop(columns=["wall_s"], errors="ignore"),
                                      b.drop(columns=["wall_s"], errors="ignore"))
    print("tables equal")


if __name__ == "__main__":
    main()
