"""Benchmarks of pulumi-metaflow-blueprints, measured in one run on one machine; prints a Markdown report.

    python benchmarks/run.py                      # everything, about 2 minutes on 2 cores
    python benchmarks/run.py --quick              # smaller N, fewer runs (about 1 minute)
    python benchmarks/run.py --ns 1,10,100,500 --parts import,scale,resources,preview --out report.md

Parts: `import` (import time against `import pulumi`), `scale` (N S3 blueprints against a hand-written program that
registers the same resources, under the offline mocks), `resources` (resources per blueprint in each example against
the hand-written minimum of `minimum.py`; EventSource/Sensor pods per N), `preview` (`metaflow-blueprints preview` of
the repository's example against its import floor: a fresh interpreter importing the SDK modules it loads), and, only
when asked, `backfill` (`metaflow-blueprints backfill` over 10,000 and 100,000 listed objects: time and peak memory,
see backfill.py; about 8 minutes) and `verifier` (the signature-verifying webhook receiver's requests/s and latency
against its stub upstream, see verifier.py; about 10 seconds). Every measurement runs in a fresh process.
"""

import argparse
import cProfile
import datetime
import importlib
import importlib.metadata
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLOUD_SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_snowflake", "pulumi_dbtcloud", "pulumi_random")
COMPONENT_PREFIX = "metaflow-blueprints:index:"
SIDES = ("blueprint", "handwritten")
EVENT_SOURCE = "kubernetes:argoproj.io/v1alpha1:EventSource"
SENSOR = "kubernetes:argoproj.io/v1alpha1:Sensor"
GOAL_IMPORT = 1.3
GOAL_SCALE = 1.2
GOAL_WORK = 1.05
"""Most Python calls per extra blueprint, against the hand-written program's."""
GOAL_PREVIEW = 1.2
"""Most wall time of `preview .`, against a fresh interpreter importing the SDK modules it loads."""
GOAL_LINEAR = 1.25
"""Largest ratio between the marginal costs per blueprint of two N ranges (from N=10 up) still called linear."""

SDK_MODULES = (
    "pulumi_aws.sqs",
    "pulumi_aws.iam",
    "pulumi_aws.s3",
    "pulumi_kubernetes.core.v1",
    "pulumi_kubernetes.rbac.v1",
    "pulumi_kubernetes.meta.v1",
    "pulumi_kubernetes.apiextensions",
)
"""SDK modules both scale programs use; the SDKs import them on first attribute access."""
BASELINE = "import pulumi"
SDK_FLOOR = "the SDK modules an S3 program uses"
IMPORT_CASES = [
    (BASELINE, "import pulumi"),
    ("import pulumi_metaflow_blueprints", "import pulumi_metaflow_blueprints"),
    ("import pulumi, pulumi_metaflow_blueprints", "import pulumi, pulumi_metaflow_blueprints"),
    (SDK_FLOOR, "import " + ", ".join(SDK_MODULES)),
    (
        "from pulumi_metaflow_blueprints.aws import S3ObjectTrigger",
        "from pulumi_metaflow_blueprints.aws import S3ObjectTrigger",
    ),
]
"""(label, statement): the package against `import pulumi`; its AWS module against the SDK modules it needs."""
IMPORT_SNIPPET = """\
import json, sys, time
start = time.perf_counter()
{statement}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "loaded": [m for m in {sdks!r} if m in sys.modules]}}))
"""


# --- workers: each runs in its own fresh process ---------------------------------------------------------------------


def max_rss_kb() -> int:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def normalise(value: Any) -> Any:
    """Wire-form inputs made comparable: JSON documents parsed (key order is not a difference)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def worker_program(side: str, n: int, dump: str | None, profile: bool = False) -> dict[str, Any]:
    """Run the blueprint or hand-written program with ``n`` instances under the offline mocks; time it.

    With ``profile``, count the Python function calls the run makes instead (cProfile): a measure of work that other
    processes on the machine cannot disturb.
    """
    start = time.perf_counter()
    sys.path.insert(0, str(HERE))
    module = importlib.import_module("blueprint_s3" if side == "blueprint" else "handwritten_s3")
    from workload import CONFIG

    from pulumi_metaflow_blueprints.offline import run_program
    from pulumi_metaflow_blueprints.offline.runner import reveal

    for name in SDK_MODULES:  # loaded lazily on first use: load them here, so both sides time registrations only
        importlib.import_module(name)
    imported = time.perf_counter()
    cpu = time.process_time()
    rss_imported = max_rss_kb()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    run = run_program(lambda: module.program(n), config=CONFIG)
    if profiler:
        profiler.disable()
    finished = time.perf_counter()
    cpu = time.process_time() - cpu
    rss_peak = max_rss_kb()
    dump_seconds = 0.0
    if dump:
        records = [[r.type, r.name, r.custom, normalise(reveal(r.inputs))] for r in run.registrations]
        Path(dump).write_text(json.dumps(records, sort_keys=True))
        dump_seconds = time.perf_counter() - finished
    return {
        "side": side,
        "n": n,
        "import_s": imported - start,
        "run_s": finished - imported,
        "cpu_s": cpu,
        "rss_imported_kb": rss_imported,
        "rss_peak_kb": rss_peak,
        "types": dict(Counter(r.type for r in run.registrations)),
        "dump_s": dump_seconds,
        "calls": sum(entry.callcount for entry in profiler.getstats()) if profiler else None,
    }


def worker_example(folder: str) -> dict[str, Any]:
    """Run one example offline; count each top-level blueprint's resources by type."""
    from pulumi_metaflow_blueprints.offline import run_program_dir

    run = run_program_dir(folder)
    by_urn = {r.urn: r for r in run.registrations}

    def is_blueprint(urn: str) -> bool:
        item = by_urn.get(urn)
        return item is not None and item.type.startswith(COMPONENT_PREFIX) and not item.custom

    def top_blueprint(urn: str) -> str | None:
        found = None
        while urn in by_urn:
            if is_blueprint(urn):
                found = urn
            urn = by_urn[urn].parent
        return found

    counts: dict[str, Counter[str]] = {r.urn: Counter() for r in run.registrations if is_blueprint(r.urn)}
    for item in run.registrations:
        owner = top_blueprint(item.parent) if item.custom else None
        if owner is not None:
            counts[owner][item.type] += 1
    components = [
        {"type": by_urn[urn].type.removeprefix(COMPONENT_PREFIX), "name": by_urn[urn].name, "resources": dict(c)}
        for urn, c in counts.items()
        if top_blueprint(urn) == urn
    ]
    kinds = Counter(r.type for r in run.registrations)
    return {
        "components": components,
        "total": len(run.registrations),
        "event_sources": kinds[EVENT_SOURCE],
        "sensors": kinds[SENSOR],
    }


# --- driver -----------------------------------------------------------------------------------------------------------


def call_worker(*arguments: str, timeout: float = 600) -> tuple[dict[str, Any], float]:
    """Run this script as a worker in a fresh process; its JSON result and the process's wall time."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"worker {' '.join(arguments)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    versions = []
    for dist in ("pulumi", "pulumi-aws", "pulumi-kubernetes", "pulumi-metaflow-blueprints"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(versions),
        "load": load_average(),
    }


def load_average() -> str:
    """The 1/5/15-minute load averages: other work on the machine disturbs wall times."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def bench_imports(runs: int) -> dict[str, Any]:
    """Median import time of each case, cases interleaved, one discarded warm-up round."""
    times: dict[str, list[float]] = {label: [] for label, _ in IMPORT_CASES}
    loaded: dict[str, list[str]] = {}
    for round_ in range(runs + 1):
        for label, statement in IMPORT_CASES:
            code = IMPORT_SNIPPET.format(statement=statement, sdks=CLOUD_SDKS)
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
            result = json.loads(done.stdout)
            loaded[label] = result["loaded"]
            if round_:
                times[label].append(result["seconds"])
    return {"runs": runs, "median_s": {k: median(v) for k, v in times.items()}, "loaded": loaded}


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Paths at which two wire-form values differ."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return [
            d
            for key in sorted(set(ours) | set(theirs))
            for d in differences(ours.get(key), theirs.get(key), f"{path}.{key}")
        ]
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if ours == theirs else [path or "."]


def compare_registrations(blueprint: list[list[Any]], handwritten: list[list[Any]], n: int) -> dict[str, Any]:
    """Assert that both programs registered the same custom resources (types and names); list input differences."""
    ours = {(t, name): inputs for t, name, custom, inputs in blueprint if custom}
    theirs = {(t, name): inputs for t, name, custom, inputs in handwritten if custom}
    assert len(ours) == sum(1 for r in blueprint if r[2]), "duplicate resource names in the blueprint run"
    assert len(theirs) == len(handwritten), "the hand-written program registered a component or a duplicate name"
    only = sorted(set(ours) ^ set(theirs))
    assert not only, f"N={n}: resources registered by only one program: {only[:5]}"
    components = Counter(t for t, _, custom, _ in blueprint if not custom)
    assert components == Counter({f"{COMPONENT_PREFIX}S3ObjectTrigger": n}), components
    differ = {f"{t.rsplit(':', 1)[-1]} {name}": differences(ours[t, name], theirs[t, name]) for t, name in sorted(ours)}
    return {"n": n, "resources": len(ours), "differ": {k: v for k, v in differ.items() if v}}


def describe_check(check: dict[str, Any]) -> str:
    """One line for the report."""
    head = f"N={check['n']}: {check['resources']} custom resources, same types and names"
    if not check["differ"]:
        return head + ", identical inputs"
    first, paths = next(iter(check["differ"].items()))
    return f"{head}; inputs differ in {len(check['differ'])} (e.g. {first}: {', '.join(paths[:3])})"


def repeats_for(n: int, repeats: int) -> int:
    """`repeats` runs up to N=10, at most 3 up to N=100, one above (each takes tens of seconds)."""
    if n <= 10:
        return repeats
    if n <= 100:
        return min(repeats, 3)
    return 1


def bench_scale(
    ns: Sequence[int], repeats: int, tmp: Path, work_ns: Sequence[int], warm_up: bool = True
) -> dict[str, Any]:
    """Both programs at each N, interleaved; the first run at each N also dumps and compares registrations."""
    for side in SIDES if warm_up else ():  # warm the page cache and bytecode; not measured
        call_worker("program", side, "1")
    rows = []
    checks = []
    for n in ns:
        samples: dict[str, list[dict[str, Any]]] = {"blueprint": [], "handwritten": []}
        for rep in range(repeats_for(n, repeats)):
            for side in SIDES:
                dump = str(tmp / f"{side}-{n}.json") if rep == 0 else ""
                result, wall = call_worker("program", side, str(n), *(["--dump", dump] if dump else []))
                result["wall_s"] = wall - result["dump_s"]
                samples[side].append(result)
            if rep == 0:
                checks.append(
                    compare_registrations(
                        json.loads((tmp / f"blueprint-{n}.json").read_text()),
                        json.loads((tmp / f"handwritten-{n}.json").read_text()),
                        n,
                    )
                )
        row: dict[str, Any] = {"n": n, "runs": len(samples["blueprint"])}
        for side, results in samples.items():
            row[side] = {
                key: median([r[key] for r in results])
                for key in ("run_s", "wall_s", "import_s", "rss_peak_kb", "rss_imported_kb")
            }
            row[side]["cpu_s"] = min(r["cpu_s"] for r in results)
            row[side]["types"] = results[0]["types"]
        rows.append(row)
    jobs = [(side, n) for side in SIDES for n in work_ns]
    with ThreadPoolExecutor(max_workers=2) as pool:  # counts, not timings: two at a time is fine
        counts = list(pool.map(lambda job: call_worker("work", job[0], str(job[1]))[0]["calls"], jobs))
    work: dict[str, dict[str, int]] = {side: {} for side in SIDES}
    for (side, n), count in zip(jobs, counts, strict=True):
        work[side][str(n)] = count
    return {"rows": rows, "checks": checks, "work": work, "work_ns": list(work_ns)}


def discover_examples(only: Sequence[str]) -> list[Path]:
    """Every examples/*/ holding a Pulumi.yaml and a __main__.py (optionally only the named ones)."""
    found = sorted(
        p for p in (ROOT / "examples").iterdir() if (p / "Pulumi.yaml").is_file() and (p / "__main__.py").is_file()
    )
    return [p for p in found if not only or p.name in only]


def bench_resources(only: Sequence[str]) -> dict[str, Any]:
    """Run every example (two at a time: counts, not timings) and compare each blueprint with its minimum."""

    def one(folder: Path) -> dict[str, Any]:
        try:
            result, _ = call_worker("example", str(folder), timeout=300)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            lines = str(error).strip().splitlines()
            return {"example": folder.name, "error": lines[-1] if lines else repr(error)}
        return {"example": folder.name, **result}

    with ThreadPoolExecutor(max_workers=2) as pool:
        return {"examples": list(pool.map(one, discover_examples(only)))}


def preview_command() -> list[str]:
    """The installed console script next to this interpreter (/work/venv/bin, .venv/bin in CI)."""
    script = Path(sys.executable).parent / "metaflow-blueprints"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "pulumi_metaflow_blueprints"]


def preview_sdk_modules() -> list[str]:
    """The SDK modules `preview .` loads (pulumi and every pulumi_* but this package), listed by a worker."""
    result, _ = call_worker("preview-modules")
    return result["modules"]


def timed_process(command: Sequence[str]) -> tuple[float, float]:
    """Run ``command`` at the repository root; its wall time and CPU time (user + system, its own and its
    children's), both from outside the process: the same measure for the preview and for its import floor."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_preview(runs: int) -> dict[str, Any]:
    """`metaflow-blueprints preview .` at the repository root against its import floor: a fresh interpreter importing
    exactly the SDK modules the preview loads. Interleaved, after one discarded warm-up round; best and median."""
    modules = preview_sdk_modules()
    commands = {
        "preview": [*preview_command(), "preview", "."],
        "floor": [sys.executable, "-c", "import " + ", ".join(modules)],
    }
    samples: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in commands}
    for round_ in range(runs + 1):
        for key, command in commands.items():
            wall, cpu = timed_process(command)
            if round_:
                samples[key]["wall"].append(wall)
                samples[key]["cpu"].append(cpu)
    stats = (("min", min), ("median", median), ("max", max))
    summary = {
        key: {f"{stat}_{m}_s": fn(values[m]) for m in ("wall", "cpu") for stat, fn in stats}
        for key, values in samples.items()
    }
    preview = commands["preview"]
    return {
        "command": " ".join(Path(preview[0]).name if i == 0 else c for i, c in enumerate(preview)),
        "runs": runs,
        "modules": modules,
        **summary,
    }


def worker_preview_modules() -> dict[str, Any]:
    """Run `preview .` in this process (output discarded); the SDK modules it loaded, sorted."""
    import contextlib
    import io

    from pulumi_metaflow_blueprints.cli import main as cli_main

    with contextlib.redirect_stdout(io.StringIO()):
        cli_main(["preview", "."])
    ours = "pulumi_metaflow_blueprints"
    loaded = [m for m in sys.modules if m.split(".")[0] == "pulumi" or m.startswith("pulumi_")]
    return {"modules": sorted(m for m in loaded if m.split(".")[0] != ours)}


# --- report -----------------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def report_imports(data: dict[str, Any], goals: list[str]) -> list[str]:
    med = data["median_s"]
    base = med[BASELINE]
    floor = med[SDK_FLOOR]
    aws_case = IMPORT_CASES[-1][0]
    rows = []
    for label, _ in IMPORT_CASES:
        against = f"{med[label] / floor:.2f}x" if label == aws_case else ""
        rows.append(
            [
                label if label == SDK_FLOOR else f"`{label}`",
                f"{med[label] * 1000:.0f}",
                f"{med[label] / base:.2f}x",
                against,
                ", ".join(data["loaded"][label]) or "none",
            ]
        )
    alone, together = IMPORT_CASES[1][0], IMPORT_CASES[2][0]
    ratio = max(med[alone], med[together]) / base
    clean = not data["loaded"][alone] and not data["loaded"][together]
    goals.append(f"Import: {ratio:.2f}x `import pulumi` (goal <= {GOAL_IMPORT}x): {verdict(ratio <= GOAL_IMPORT)}")
    goals.append(f"Import loads no cloud SDK: {verdict(clean)}")
    return [
        f"## 1. Import time (median of {data['runs']} fresh processes each, perf_counter around the import)",
        "",
        *table(["import", "median ms", "vs `import pulumi`", "vs the SDK modules", "cloud SDKs in sys.modules"], rows),
        "",
        f"Cloud SDKs in sys.modules after `import pulumi_metaflow_blueprints`: "
        f"{', '.join(data['loaded'][alone]) or 'none'} (checked: {', '.join(CLOUD_SDKS)}). The last row is what an "
        "S3 program pays, against the SDK modules it needs anyway (the hand-written program's imports).",
    ]


def pair(bp: float, hw: float, digits: int = 2) -> str:
    return f"{bp:.{digits}f} / {hw:.{digits}f}"


def report_scale(data: dict[str, Any], goals: list[str]) -> list[str]:
    rows = data["rows"]
    timing, memory, pods = [], [], []
    worst = {"run_s": 0.0, "cpu_s": 0.0, "rss_peak_kb": 0.0}
    previous: dict[str, Any] | None = None
    for row in rows:
        n, bp, hw = row["n"], row["blueprint"], row["handwritten"]
        for key in worst:
            worst[key] = max(worst[key], bp[key] / hw[key])
        marginal = ""
        if previous is not None:
            steps = [(row[s]["cpu_s"] - previous[s]["cpu_s"]) / (n - previous["n"]) * 1000 for s in SIDES]
            marginal = pair(*steps, digits=1)
        timing.append(
            [
                n,
                row["runs"],
                pair(bp["run_s"], hw["run_s"]),
                f"{bp['run_s'] / hw['run_s']:.2f}x",
                pair(bp["cpu_s"], hw["cpu_s"]),
                f"{bp['cpu_s'] / hw['cpu_s']:.2f}x",
                pair(bp["cpu_s"] / n * 1000, hw["cpu_s"] / n * 1000, digits=1),
                marginal,
                pair(bp["wall_s"], hw["wall_s"]),
            ]
        )
        growth = [(row[s]["rss_peak_kb"] - row[s]["rss_imported_kb"]) / 1024 for s in SIDES]
        memory.append(
            [
                n,
                pair(bp["rss_peak_kb"] / 1024, hw["rss_peak_kb"] / 1024, digits=0),
                f"{bp['rss_peak_kb'] / hw['rss_peak_kb']:.2f}x",
                pair(*growth, digits=0),
                pair(*(g * 1024 / n for g in growth), digits=0),
            ]
        )
        kinds = bp["types"]
        sources, sensors = kinds.get(EVENT_SOURCE, 0), kinds.get(SENSOR, 0)
        pods.append(
            [n, pair(sum(kinds.values()), sum(hw["types"].values()), 0), sources, sensors, sources + sensors, 2]
        )
        previous = row
    work_rows, work_ratios, work_steps = [], [], []
    points = data["work_ns"]
    for low, high in itertools.pairwise(points):
        step = {s: (data["work"][s][str(high)] - data["work"][s][str(low)]) / (high - low) for s in SIDES}
        work_ratios.append(step["blueprint"] / step["handwritten"])
        work_steps.append(step["blueprint"])
        work_rows.append([f"{low} -> {high}", pair(*step.values(), digits=0), f"{work_ratios[-1]:.2f}x"])
    goals.append(
        f"Scale: work per extra blueprint {max(work_ratios):.2f}x the hand-written program's (Python calls counted "
        f"by cProfile, deterministic; the larger of N={', '.join(map(str, points))}) (goal <= {GOAL_WORK}x): "
        f"{verdict(max(work_ratios) <= GOAL_WORK)}"
    )
    goals.append(
        f"Scale: CPU time at most {worst['cpu_s']:.2f}x and wall time at most {worst['run_s']:.2f}x the hand-written "
        f"program's at any N on this machine (goal <= {GOAL_SCALE}x at every N): CPU "
        f"{verdict(worst['cpu_s'] <= GOAL_SCALE)}, wall {verdict(worst['run_s'] <= GOAL_SCALE)}"
    )
    if len(work_steps) >= 2:
        spread = max(work_steps) / min(work_steps)
        goals.append(
            f"Scale: linear in N: work per extra blueprint varies {spread:.2f}x across N={', '.join(map(str, points))} "
            f"(goal <= {GOAL_LINEAR}x): {verdict(spread <= GOAL_LINEAR)}"
        )
    goals.append(
        f"Scale: peak memory at most {worst['rss_peak_kb']:.2f}x the hand-written one: "
        f"{verdict(worst['rss_peak_kb'] <= GOAL_SCALE)}"
    )
    return [
        "## 2. N S3 blueprints under the offline mocks, against the hand-written program",
        "",
        "Each run is a fresh process; pairs read *blueprint / hand-written*. Program: wall time (median of the "
        "runs) and CPU time (`time.process_time`, least of the runs: other processes only add to it) of "
        "`run_program(...)`, SDK modules imported beforehand. Per blueprint: program CPU time / N; marginal: extra "
        "CPU time per extra blueprint since the previous N (flat when the cost is linear). Process: the whole "
        "process, interpreter start and imports included (median).",
        "",
        *table(
            [
                "N",
                "runs",
                "program wall s",
                "wall ratio",
                "program CPU s",
                "CPU ratio",
                "CPU ms per blueprint",
                "marginal CPU ms",
                "process wall s",
            ],
            timing,
        ),
        "",
        "Peak memory: the worker's peak resident set size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, interpreter "
        "and SDKs included); growth: the peak minus the high-water mark after imports.",
        "",
        *table(["N", "peak MB", "peak ratio", "growth MB", "growth KB per blueprint"], memory),
        "",
        "Work per extra blueprint: Python function calls counted under cProfile, fresh processes (the same on any "
        "machine, unlike times):",
        "",
        *table(["N", "calls per extra blueprint", "ratio"], work_rows),
        "",
        "Same resources (asserted): " + "; ".join(describe_check(c) for c in data["checks"]) + ". The blueprint "
        "program registers one component resource per blueprint on top.",
        "",
        "### EventSource/Sensor pods per N blueprints",
        "",
        "Each EventSource and each Sensor runs as one Deployment (one pod) in the cluster.",
        "",
        *table(["N", "registrations", "EventSources", "Sensors", "pods", "fewest pods by hand"], pods),
        "",
        "Fewest by hand: one `sqs` EventSource listing all N queues and one Sensor with N dependencies and 2N "
        "triggers. That couples every source's availability, restarts, rate limits and RBAC to two objects (one bad "
        "spec or a crash-looping pod stops all N), which is why each blueprint owns its pair.",
    ]


def report_resources(data: dict[str, Any], goals: list[str]) -> list[str]:
    from minimum import compare

    summary, details, pods = [], [], []
    over: list[str] = []
    for example in data["examples"]:
        if "error" in example:
            summary.append([example["example"], "(failed)", "", "", "", example["error"][:120]])
            continue
        pods.append(
            [
                example["example"],
                example["event_sources"],
                example["sensors"],
                example["event_sources"] + example["sensors"],
            ]
        )
        for component in example["components"]:
            result = compare(component["type"], component["resources"])
            if result is None:
                summary.append(
                    [
                        example["example"],
                        f"{component['type']} `{component['name']}`",
                        sum(component["resources"].values()),
                        "not listed",
                        "",
                        "",
                    ]
                )
                continue
            extra = ", ".join(f"{t} x{c}" for t, c in result.extra.items())
            summary.append(
                [
                    example["example"],
                    f"{component['type']} `{component['name']}`",
                    result.registered,
                    result.minimum,
                    extra or "none",
                    ", ".join(result.missing) or "none",
                ]
            )
            if result.extra:
                over.append(f"{component['type']} (+{sum(result.extra.values())})")
            details.append(f"- **{component['type']}** in `{example['example']}`:")
            for need, taken in result.matched:
                condition = f" *(only with {need.optional})*" if need.optional else ""
                wanted = f"{taken}/{need.count}" if need.count > 1 or not need.optional else str(taken)
                details.append(f"  - {need.role}{condition}: {wanted}. {need.why}")
    goals.append(
        "Resources: every blueprint within its hand-written minimum: "
        + (verdict(True) if not over else f"{verdict(False)} ({', '.join(over)}; see section 3)")
    )
    return [
        "## 3. Resources per blueprint against the hand-written minimum",
        "",
        "Every `examples/*/` with `Pulumi.yaml` and `__main__.py`, run offline; resources counted under each "
        "top-level blueprint component. The minimum (`benchmarks/minimum.py`) is what a careful engineer would "
        "write by hand for the options the example uses.",
        "",
        *table(["example", "blueprint", "registered", "minimum by hand", "extra", "missing"], summary),
        "",
        "EventSource/Sensor pods each example runs:",
        "",
        *table(["example", "EventSources", "Sensors", "pods"], pods),
        "",
        "<details><summary>The minimum, need by need (matched count / needed)</summary>",
        "",
        *details,
        "",
        "</details>",
    ]


def report_preview(data: dict[str, Any], goals: list[str]) -> list[str]:
    if "preview" not in data:  # a run saved before the import floor was measured
        data = {**data, "preview": {"min_wall_s": data["min_s"], "median_wall_s": data["median_s"]}}
    preview, floor = data["preview"], data.get("floor")
    head = [
        f"## 4. `{data['command']}` (repository root example) against its import floor",
        "",
    ]
    if floor is None:
        return [*head, f"Median of {data['runs']} fresh runs: **{preview['median_wall_s']:.2f} s**."]
    ratio = preview["min_wall_s"] / floor["min_wall_s"]
    cpu_ratio = preview["min_cpu_s"] / floor["min_cpu_s"]
    goals.append(
        f"Preview: `{data['command']}` takes {ratio:.2f}x its import floor, best of {data['runs']} "
        f"({preview['min_wall_s']:.2f} s against {floor['min_wall_s']:.2f} s; CPU time {cpu_ratio:.2f}x) "
        f"(goal <= {GOAL_PREVIEW}x): {verdict(ratio <= GOAL_PREVIEW)}"
    )
    rows = [
        [
            label,
            f"{d['min_wall_s']:.2f}",
            f"{d['median_wall_s']:.2f}",
            f"{d['min_wall_s'] / floor['min_wall_s']:.2f}x",
            f"{d['min_cpu_s']:.2f}",
            f"{d['min_cpu_s'] / floor['min_cpu_s']:.2f}x",
        ]
        for label, d in ((f"`{data['command']}`", preview), ("import floor", floor))
    ]
    packages = sorted({m.split(".")[0] for m in data["modules"]})
    return [
        *head,
        f"{data['runs']} fresh runs of each, interleaved after a discarded warm-up round; wall and CPU time (user + "
        "system) of the whole process, measured from outside it. The import floor is a fresh interpreter importing "
        f"exactly the SDK modules the preview loads ({len(data['modules'])} modules of {', '.join(packages)}, listed "
        "from a preview run): what any program building these resources pays before its first line. Ratios use the "
        "best run of each (other processes only add to a run's time).",
        "",
        *table(["process", "best wall s", "median wall s", "wall vs floor", "best CPU s", "CPU vs floor"], rows),
    ]


def report(results: dict[str, Any]) -> str:
    info = results["machine"]
    goals: list[str] = []
    body: list[str] = []
    if "import" in results:
        body += [*report_imports(results["import"], goals), ""]
    if "scale" in results:
        body += [*report_scale(results["scale"], goals), ""]
    if "resources" in results:
        body += [*report_resources(results["resources"], goals), ""]
    if "preview" in results:
        body += [*report_preview(results["preview"], goals), ""]
    if "backfill" in results:
        from backfill import report_backfill

        body += [*report_backfill(results["backfill"], goals), ""]
    if "verifier" in results:
        from verifier import report_verifier

        body += [*report_verifier(results["verifier"], goals), ""]
    head = [
        f"# Benchmarks, {info['date']}",
        "",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} memory, {info['os']}; Python "
        f"{info['python']}; {info['packages']}. Load average (1/5/15 min) {info['load']} at the start, "
        f"{results['load_end']} at the end. Total benchmark time: {results['elapsed_s']:.0f} s"
        f"{' (--quick)' if results['quick'] else ''}.",
        "",
        "Goals:",
        "",
        *[f"- {g}" for g in goals],
        "",
    ]
    return "\n".join(head + body).rstrip() + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="N=1,10,50, 3 runs per N, 5 import and 3 preview runs, no warm-up"
    )
    parser.add_argument("--ns", help="comma-separated N values for the scale part (default 1,10,100,500)")
    parser.add_argument("--repeats", type=int, help="runs per N up to N=10 (at most 3 up to 100, 1 above); default 5")
    parser.add_argument("--import-runs", type=int, help="fresh processes per import case (default 7)")
    parser.add_argument("--preview-runs", type=int, help="fresh preview runs (default 5)")
    parser.add_argument("--work-ns", help="N at which to count function calls (default 5,25,100; --quick 5,25)")
    parser.add_argument("--parts", default="import,scale,resources,preview", help="which parts to run")
    parser.add_argument(
        "--backfill-ns", default="10000,100000", help="listing sizes for the backfill part (default 10000,100000)"
    )
    parser.add_argument("--backfill-kinds", default="s3,gcs", help="backfill listings: s3, gcs (default both)")
    parser.add_argument(
        "--verifier-load", default="2000,20", help="verifier part: requests,clients per round (default 2000,20)"
    )
    parser.add_argument("--examples", default="", help="comma-separated example folder names (default: all)")
    parser.add_argument("--out", help="also write the Markdown report to this file")
    parser.add_argument("--json", help="write the raw results as JSON to this file")
    parser.add_argument("--from-json", help="only print the report of results saved with --json")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_worker(args: argparse.Namespace) -> int:
    kind, *rest = args.worker
    workers: dict[str, Callable[[], dict[str, Any]]] = {
        "program": lambda: worker_program(rest[0], int(rest[1]), args.dump),
        "work": lambda: worker_program(rest[0], int(rest[1]), None, profile=True),
        "example": lambda: worker_example(rest[0]),
        "preview-modules": worker_preview_modules,
    }
    result = workers[kind]()
    sys.stdout.flush()
    print(json.dumps(result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return run_worker(args)
    if args.from_json:
        return write_report(json.loads(Path(args.from_json).read_text()), args.out)
    import tempfile

    started = time.perf_counter()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    unknown = parts - {"import", "scale", "resources", "preview", "backfill", "verifier"}
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))}")
    ns = [int(n) for n in (args.ns or ("1,10,50" if args.quick else "1,10,100,500")).split(",")]
    repeats = args.repeats or (3 if args.quick else 5)
    results: dict[str, Any] = {"machine": machine(), "quick": args.quick}
    if "resources" in parts:  # first: it runs two processes at once, which would disturb timings
        results["resources"] = bench_resources([e for e in args.examples.split(",") if e])
    if "import" in parts:
        results["import"] = bench_imports(args.import_runs or (5 if args.quick else 7))
    if "scale" in parts:
        with tempfile.TemporaryDirectory() as tmp:
            work_ns = [int(n) for n in (args.work_ns or ("5,25" if args.quick else "5,25,100")).split(",")]
            results["scale"] = bench_scale(ns, repeats, Path(tmp), work_ns, warm_up=not args.quick)
    if "preview" in parts:
        results["preview"] = bench_preview(args.preview_runs or (3 if args.quick else 5))
    if "backfill" in parts:
        from backfill import bench_backfill

        with tempfile.TemporaryDirectory() as tmp:
            sizes = [int(n) for n in args.backfill_ns.split(",")]
            kinds = [k.strip() for k in args.backfill_kinds.split(",") if k.strip()]
            results["backfill"] = bench_backfill(sizes, kinds, Path(tmp))
    if "verifier" in parts:
        from verifier import bench_verifier

        requests, clients = (int(n) for n in args.verifier_load.split(","))
        results["verifier"] = bench_verifier(requests, clients, rounds=1 if args.quick else 3)
    results["elapsed_s"] = time.perf_counter() - started
    results["load_end"] = load_average()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True, default=str))
    return write_report(results, args.out)


def write_report(results: dict[str, Any], out: str | None) -> int:
    text = report(results)
    print(text)
    if out:
        Path(out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
