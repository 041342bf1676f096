"""Experiments: many worlds from one experiment file, into pandas tables.

An experiment file (TOML, or a dict of the same shape) names a scenario, what
is fixed, what varies and how many seeds each combination gets, how many ticks
to run and what to record — the format of ``evosim sweep`` (docs/EXPERIMENTS.md).
This module runs it with the same Rust runner as the command line, so the same
spec gives the same tables:

- ``runs(spec)``: the runs it makes (index, varied values, seed), as a DataFrame.
- ``run(spec, out, executor="local" | "ray", jobs=None)``: runs them into the
  folder ``out`` (``runs.parquet``, ``steps.parquet``, ``experiment.json``,
  ``parts/``) and returns ``load(out)``. Killed and called again with
  ``resume=True``, it runs only the runs without a part.
- ``load(out)``: the ``(runs, steps)`` pair of DataFrames.

With ``executor="ray"`` every run is a Ray task (retried if its worker dies) on
the Ray already initialised in this process, else the cluster that
``RAY_ADDRESS`` names, else a new local Ray. A run's rows come back through
Ray's object store and this process writes the files, so the cluster needs no
shared filesystem; each node needs this package installed.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import pandas as pd

from . import _evosim

__all__ = ["runs", "run", "load"]

Spec = Union[str, "os.PathLike[str]", Mapping[str, Any]]

#: How many times Ray runs a task again after its worker process died.
RAY_MAX_RETRIES = 3


def _experiment(spec: Spec) -> "_evosim.Experiment":
    if isinstance(spec, Mapping):
        return _evosim.Experiment.from_dict(dict(spec))
    if isinstance(spec, (str, os.PathLike)):
        return _evosim.Experiment.from_file(os.fspath(spec))
    raise TypeError(f"an experiment is a file path or a dict, not {type(spec).__name__}")


def runs(spec: Spec) -> pd.DataFrame:
    """The runs of an experiment: one row per run with its index (``run``),
    the value of each varied key (a column per dotted key) and its ``seed``.

    ``spec`` is an experiment file's path or a dict of the same shape. Every
    run's scenario is built and checked: a bad spec raises ValueError naming
    the key, before anything runs.
    """
    exp = _experiment(spec)
    columns = ["run", *exp.keys, "seed"]
    return pd.DataFrame(exp.table(), columns=columns)


def run(
    spec: Spec,
    out: Union[str, "os.PathLike[str]"],
    executor: str = "local",
    jobs: Optional[int] = None,
    threads_per_run: int = 1,
    resume: bool = False,
) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """Runs an experiment into the folder ``out`` and returns ``load(out)``.

    - ``executor``: ``"local"`` (``jobs`` runs at a time on this machine's
      cores, default one per core) or ``"ray"`` (each run a Ray task; ``jobs``
      bounds the tasks in flight, default all).
    - ``threads_per_run``: worker threads of each run (results do not depend
      on it).
    - ``resume``: continue the sweep already in ``out``, running only the
      runs without a part there. Without it, ``out`` must be new or empty.

    The tables are those ``evosim sweep`` writes for the same spec. A run that
    fails is recorded (status ``failed``, its ``error``) and the others go on;
    a warning names how many failed. The environment variable
    ``EVOSIM_FAULT`` injects a fault, for tests (``run_panic@RUN``,
    ``exit_once@RUN:MARKER``).
    """
    if executor not in ("local", "ray"):
        raise ValueError(f'executor {executor!r}: expected "local" or "ray"')
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if threads_per_run < 1:
        raise ValueError(f"threads_per_run must be at least 1, not {threads_per_run}")
    exp = _experiment(spec)
    fault = os.environ.get("EVOSIM_FAULT")
    sweep = exp.open(os.fspath(out), resume, fault)
    if executor == "local":
        sweep.run_local(jobs or os.cpu_count() or 1, threads_per_run)
    else:
        _run_ray(exp, sweep, jobs, threads_per_run, fault)
    summary = sweep.finish()
    if summary["failed"]:
        warnings.warn(
            f"{summary['failed']} of {len(exp)} runs failed: see the status and error "
            f"columns of {Path(out) / 'runs.parquet'}",
            RuntimeWarning,
            stacklevel=2,
        )
    return load(out)


def load(out: Union[str, "os.PathLike[str]"]) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The ``(runs, steps)`` tables of the sweep in ``out`` as DataFrames.

    ``runs``: one row per run (``run``, the varied keys, ``seed``, ``status``,
    ``stop_reason``, ``ticks``, ``wall_s``, the final metrics, ``error``).
    ``steps``: one row per recorded tick of each run (``run``, the varied
    keys, ``seed``, ``tick``, the metrics). Columns are named as in the
    Parquet files (``tribe_population.Wolves``, ``gene_mean.speed.Grazers``).
    """
    folder = Path(out)
    paths = [folder / "runs.parquet", folder / "steps.parquet"]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such table (is {folder} a finished sweep's folder?)")
    return pd.read_parquet(paths[0]), pd.read_parquet(paths[1])


def _ray_execute(text: str, origin: str, base: str, run: int, threads: int, fault: Optional[str]) -> bytes:
    """One run, in a Ray worker: the plan rebuilt from its texts (no file
    needed on the worker), the run executed, its part returned as bytes."""
    from evosim import _evosim as native

    return native.Experiment(text, origin, base).execute(run, threads, fault)


def _run_ray(exp: "_evosim.Experiment", sweep: "_evosim.Sweep", jobs: Optional[int], threads: int, fault: Optional[str]) -> None:
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('executor="ray" needs Ray: pip install "ray>=2.9"') from e
    if not ray.is_initialized():
        ray.init(address=os.environ.get("RAY_ADDRESS"), log_to_driver=False)
    task = ray.remote(num_cpus=threads, max_retries=RAY_MAX_RETRIES)(_ray_execute)
    text, origin, base = exp.text, exp.origin, exp.base
    pending = list(sweep.pending())
    limit = jobs or len(pending)
    inflight: Dict[Any, int] = {}
    recorded = set()
    while pending or inflight:
        while pending and len(inflight) < limit:
            k = pending.pop(0)
            ref = task.remote(text, origin, base, k, threads, fault)
            inflight[ref] = k
        done, _ = ray.wait(list(inflight), num_returns=1)
        for ref in done:
            k = inflight.pop(ref)
            part = ray.get(ref)
            got = sweep.record(part)
            if got != k or got in recorded:
                raise RuntimeError(f"Ray returned run {got} for run {k}")
            recorded.add(got)
