"""Shared fixtures: the evosim command line to compare against, scratch folders."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _find_cli():
    named = os.environ.get("EVOSIM_BIN")
    if named:
        return named
    # The newer of this checkout's builds, else one on PATH.
    built = [ROOT / "target" / profile / "evosim" for profile in ("release", "debug")]
    built = [p for p in built if p.is_file()]
    if built:
        return str(max(built, key=lambda p: p.stat().st_mtime))
    return shutil.which("evosim")


@pytest.fixture(scope="session")
def cli():
    """Runs the evosim command line; returns the CompletedProcess."""
    exe = _find_cli()
    if exe is None:
        if os.environ.get("EVOSIM_REQUIRE_CLI") == "1":
            pytest.fail("no evosim command line: set EVOSIM_BIN or build it (cargo build)")
        pytest.skip("no evosim command line to compare with (set EVOSIM_BIN or cargo build)")

    def run(*args, env=None):
        out = subprocess.run([exe, *args], capture_output=True, text=True, env=env)
        assert out.returncode == 0, f"evosim {' '.join(args)}: {out.stderr}"
        return out

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    """`evosim run ... --json`'s summary as a dict."""

    def run(*args):
        out = cli("run", "--quiet", "--json", *args)
        return json.loads(out.stdout.strip().splitlines()[-1])

    return run
