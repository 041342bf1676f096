#!/usr/bin/env python3
"""Checks that the crate's top-level modules import only downwards.

The layers, bottom first, are listed in LAYERS; a module may use `crate::X`
only for an X listed before it (or itself). Test modules (`#[cfg(test)]` and
what follows it in a file) are not counted. Prints each import that goes
upwards or sideways, and every import cycle; exits 1 if there is any.

Usage: scripts/check-layers.py [SRC]   (default: src)
"""
import os
import re
import sys

# Bottom first. Each entry may import only from the entries before it.
LAYERS = [
    "common",
    "model",
    "species",
    "world",
    "regions",
    "cpu",
    "gpu",
    "snapshot",
    "sim",
    "benchmark",
    "experiment",
    "app",
]
# Folders of src/ that are not library modules (the binary's own crate).
NOT_MODULES = {"bin"}

USE = re.compile(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)")
GROUP = re.compile(r"\bcrate::\{([^}]*)")
ITEM = re.compile(r"(?:^|,)\s*([A-Za-z_][A-Za-z0-9_]*)")
REEXPORT = re.compile(r"^pub use ([a-z_][a-z0-9_]*)::(.*);", re.M)


def root_names(root):
    """Names the crate root re-exports (`pub use sim::{Backend, ..}`), each
    mapped to the module it comes from: `crate::Backend` is `sim`."""
    names = {}
    lib = os.path.join(root, "lib.rs")
    if os.path.exists(lib):
        with open(lib, encoding="utf-8") as fh:
            for module, rest in REEXPORT.findall(fh.read()):
                for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rest):
                    names[name] = module
    return names


def module_files(root):
    """Each top-level module of `root` and its source files."""
    mods = {}
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if name in ("lib.rs", "main.rs") or name in NOT_MODULES:
            continue
        if os.path.isdir(path):
            files = [
                os.path.join(d, f)
                for d, _, fs in os.walk(path)
                for f in sorted(fs)
                if f.endswith(".rs")
            ]
            if files:
                mods[name] = files
        elif name.endswith(".rs"):
            mods[name[:-3]] = [path]
    return mods


def imports(files, names):
    """The top-level modules the files name through `crate::` (directly, in
    a `crate::{..}` group, or through a name the crate root re-exports),
    each with where it is first named."""
    found = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read().split("#[cfg(test)]")[0]
        for n, line in enumerate(text.splitlines(), 1):
            targets = USE.findall(line)
            for group in GROUP.findall(line):
                targets += ITEM.findall(group)
            for target in targets:
                found.setdefault(names.get(target, target), f"{f}:{n}")
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "src"
    mods = module_files(root)
    names = root_names(root)
    bad = []
    unknown = sorted(set(mods) - set(LAYERS))
    for m in unknown:
        bad.append(f"{m}: a top-level module missing from LAYERS in {sys.argv[0]}")
    rank = {m: k for k, m in enumerate(LAYERS)}
    for m, files in mods.items():
        if m not in rank:
            continue
        for target, where in sorted(imports(files, names).items()):
            if target in rank and target != m and rank[target] > rank[m]:
                bad.append(f"{where}: {m} imports {target}, a layer above it")
    for line in bad:
        print(line)
    if not bad:
        print(f"layers ok: {' < '.join(m for m in LAYERS if m in mods)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
