"""The `backfill` part of benchmarks/run.py: `metaflow-blueprints backfill` over synthetic bucket listings.

Each case writes a listing of N objects (pages of 1,000 concatenated, as `--no-paginate` pages would be; 80% under the
example's prefix with its suffix, 10% with another suffix, 10% under another prefix), then runs the console script in
a fresh process with stdout to /dev/null. Measured from outside the process: wall time, CPU time and peak resident
memory (`ru_maxrss` of that process, from `os.wait4`). The floor is the same command on an empty listing (imports, the
program run, the Sensor's setup): growth over it is what the objects cost.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = {
    "s3": ("s3-to-flow", "raw-events", "landing/", ".parquet"),
    "gcs": ("gcs-to-flow", "landing", "exports/", ".csv"),
}
"""kind: (example folder, blueprint, prefix, suffix)."""
GOAL_MEMORY = 1.1
"""Most peak memory at the largest N against the smallest: the listing is streamed."""
PAGE = 1000


def _item(kind: str, i: int, prefix: str, suffix: str) -> dict[str, Any]:
    where = i % 10
    key = f"{prefix if where else 'elsewhere/'}2026/11/{i:08d}{suffix if where != 1 else '.tmp'}"
    if kind == "s3":
        return {
            "Key": key,
            "LastModified": "2026-11-20T08:15:30+00:00",
            "ETag": f'"{i:032x}"',
            "Size": 1000 + i,
            "StorageClass": "STANDARD",
        }
    return {
        "kind": "storage#object",
        "id": f"acme-landing/{key}/{1763626530123456 + i}",
        "name": key,
        "bucket": "acme-landing",
        "generation": str(1763626530123456 + i),
        "metageneration": "1",
        "contentType": "text/csv",
        "size": str(1000 + i),
        "md5Hash": "1B2M2Y8AsgTpgAmY7PhCfg==",
        "timeCreated": "2026-11-20T08:15:30.123Z",
        "updated": "2026-11-20T08:15:30.123Z",
        "storageClass": "STANDARD",
    }


def write_listing(path: Path, kind: str, n: int) -> int:
    """A listing of ``n`` objects in pages; returns how many are under the prefix with the suffix."""
    _, _, prefix, suffix = CASES[kind]
    array = "Contents" if kind == "s3" else "items"
    with path.open("w") as out:
        for start in range(0, max(n, 1), PAGE):
            _page(out, kind, array, range(start, min(start + PAGE, n)), prefix, suffix)
    return sum(1 for i in range(n) if i % 10 > 1)


def _page(out: IO[str], kind: str, array: str, indexes: range, prefix: str, suffix: str) -> None:
    out.write('{"kind": "storage#objects", ' if kind == "gcs" else "{")
    out.write(f'"{array}": [\n')
    out.write(",\n".join(json.dumps(_item(kind, i, prefix, suffix)) for i in indexes))
    out.write("\n]}\n")


def command() -> list[str]:
    script = Path(sys.executable).with_name("metaflow-blueprints")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pulumi_metaflow_blueprints"]


def run_backfill(kind: str, listing: Path) -> dict[str, Any]:
    """One fresh process: wall, CPU, peak RSS, and the summary line it printed."""
    folder, blueprint, _, _ = CASES[kind]
    argv = [*command(), "backfill", str(ROOT / "examples" / folder), "--blueprint", blueprint]
    argv += ["--objects", str(listing), "--progress-every", "0"]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"backfill exited {process.returncode}: {stderr}")
    summary = stderr.strip().splitlines()[-1]
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_kb": usage.ru_maxrss,
        "summary": summary,
        "workflows": _count(summary, "workflows"),
        "read": _count(summary, "objects read"),
    }


def _count(summary: str, what: str) -> int:
    for part in summary.split(", "):
        if part.endswith(what):
            return int(part.split()[-len(what.split()) - 1])
    return -1


def bench_backfill(ns: Sequence[int], kinds: Sequence[str], tmp: Path) -> dict[str, Any]:
    """Per kind: the floor (empty listing) and each N."""
    results: dict[str, Any] = {}
    for kind in kinds:
        empty = tmp / f"{kind}-0.json"
        write_listing(empty, kind, 0)
        rows: list[dict[str, Any]] = [{"n": 0, "expected": 0, **run_backfill(kind, empty)}]
        for n in ns:
            listing = tmp / f"{kind}-{n}.json"
            expected = write_listing(listing, kind, n)
            row = {"n": n, "expected": expected, "bytes": listing.stat().st_size, **run_backfill(kind, listing)}
            listing.unlink()
            rows.append(row)
        results[kind] = rows
    return results


def report_backfill(data: dict[str, Any], goals: list[str]) -> list[str]:
    lines = [
        "## Backfill",
        "",
        "`metaflow-blueprints backfill` in a fresh process per row, stdout to /dev/null; N = 0 is the floor (imports, "
        "the program run under the mocks). Peak memory is the process's `ru_maxrss`. Per object: (time - floor) / N; "
        "CPU time is the steadier figure on a loaded machine.",
        "",
        "| example | objects | listing MiB | workflows (expected) | wall s | CPU s | wall ms per object "
        "| CPU ms per object | peak RSS MiB | over floor MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, rows in data.items():
        folder = CASES[kind][0]
        floor = rows[0]
        for row in rows:
            per = (row["wall_s"] - floor["wall_s"]) / row["n"] * 1000 if row["n"] else 0.0
            cpu = (row["cpu_s"] - floor["cpu_s"]) / row["n"] * 1000 if row["n"] else 0.0
            lines.append(
                f"| {folder} | {row['n']:,} | {row.get('bytes', 0) / 2**20:.1f} | {row['workflows']:,} "
                f"({row['expected']:,}) | {row['wall_s']:.1f} | {row['cpu_s']:.1f} | {per:.2f} | {cpu:.2f} | "
                f"{row['max_rss_kb'] / 1024:.1f} | {(row['max_rss_kb'] - floor['max_rss_kb']) / 1024:.1f} |"
            )
        measured = [r for r in rows if r["n"]]
        if len(measured) >= 2:
            ratio = measured[-1]["max_rss_kb"] / measured[0]["max_rss_kb"]
            ok = ratio <= GOAL_MEMORY and all(r["workflows"] == r["expected"] for r in measured)
            goals.append(
                f"Backfill ({folder}): peak memory at {measured[-1]['n']:,} objects {ratio:.2f}x the peak at "
                f"{measured[0]['n']:,}, every expected Workflow printed (goal <= {GOAL_MEMORY}x): "
                + ("met" if ok else "**missed**")
            )
    return lines
