"""Write the index snapshot of one data version: ``src/aifootprint/index/snapshots/<version>.json``.

The page's "what changed since the previous data version" compares the current figures with the newest snapshot
of an earlier data version. A snapshot is computed by today's code on the registry data directory of a git
revision (the last commit that carried that data version), so the comparison isolates data changes; it records the
method version it was computed with.

    python scripts/index_snapshot.py --rev d2eda30^ --data-version 2026.11.1
    python scripts/index_snapshot.py --data-version 2026.11.2          # the working tree's data
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from aifootprint.fileio import write_output
from aifootprint.index.changes import snapshot
from aifootprint.index.figures import IndexConfig, build_index
from aifootprint.reference.registry import Registry

REPO = Path(__file__).resolve().parents[1]
DATA = "src/aifootprint/reference/data"
OUT = REPO / "src" / "aifootprint" / "index" / "snapshots"


def extract_data(rev: str, into: Path) -> Path:
    """The registry data directory of git revision ``rev``, extracted under ``into`` (no checkout)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev, DATA], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / DATA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="git revision whose data directory to use (default: the working tree's)")
    parser.add_argument("--data-version", required=True, help="the data version that revision carries")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the snapshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = extract_data(args.rev, Path(tmp)) if args.rev else None
        data = build_index(Registry(data_dir), IndexConfig(), data_version=args.data_version)
    snap = snapshot(data)
    snap["revision"] = args.rev or "working tree"
    path = args.out / f"{args.data_version}.json"
    write_output(path, json.dumps(snap, indent=1, sort_keys=True) + "\n")
    missing = [s.id for s in data.sections if s.missing]
    print(f"{path}: {len(snap['figures'])} figures, {len(snap['datasets'])} data files"
          + (f"; sections not computed on this data: {', '.join(missing)}" if missing else ""))


if __name__ == "__main__":
    main()
