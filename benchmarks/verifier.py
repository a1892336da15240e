"""The `verifier` part of benchmarks/run.py: the signature-verifying receiver's overhead under load.

N signed requests (dbt Cloud's preset and payload shape, ~700 bytes, each with its own id) from C concurrent clients,
each client a thread holding one kept-alive connection, sent twice: straight to a stub upstream, then through the
verifier (``python server.py``, the script the ConfigMap delivers) to the same stub. The stub and the verifier run in
their own processes, the clients in this one. Discarded: a warm-up round per side (N/4 requests) and 2 requests per
client at the start of every round (connections are opened before the clock starts). Rounds alternate which side goes
first, so drift in the machine's load falls on both alike. Reported:
requests/s over the whole run, p50/p90/p99/max latency per request (from sending to the answer's last byte), and the
ratio of the p99s: what verification and the extra hop cost (goal <= 1.5x). Every request must be answered 200 and
the stub must count each id exactly once.

    python benchmarks/verifier.py                        # N=2000, C=20
    python benchmarks/verifier.py --requests 5000 --clients 50
    python benchmarks/run.py --parts verifier            # the same, as a section of the report
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SERVER = ROOT / "pulumi_metaflow_blueprints" / "webhooks" / "verifier" / "server.py"
GOAL_P99 = 1.5
"""Most p99 latency through the verifier against straight to the stub."""
SECRET = b"benchmark-signing-secret"
TOKEN = "benchmark-bearer-token"
WARM_UP = 2
"""Requests per client sent first and not measured."""


def run_stub() -> int:
    """The stub upstream (run as ``verifier.py --stub``): answers every POST 200, counts the ids it receives, prints
    its port, and on a line ``count`` on stdin prints the id counts as JSON."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ident = json.loads(body)["eventId"]
            with lock:
                seen[ident] += 1
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nsuccess")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            with lock:
                print(json.dumps(dict(seen)), flush=True)
                seen.clear()
    return 0


def payload(ident: str) -> bytes:
    """A dbt Cloud `job.run.completed` delivery (docs.getdbt.com's example) with its own event id."""
    return json.dumps(
        {
            "accountId": 1,
            "webhooksID": "wsu_12345abcde",
            "eventId": ident,
            "timestamp": "2023-01-31T21:15:20.419714619Z",
            "eventType": "job.run.completed",
            "webhookName": "flows",
            "data": {
                "jobId": "123",
                "jobName": "Daily Job (dbt build)",
                "runId": "218726483",
                "environmentId": "1234",
                "environmentName": "Production",
                "dbtVersion": "1.7.0",
                "projectName": "Snowflake Github Demo",
                "projectId": "167194",
                "runStatus": "Success",
                "runStatusCode": 10,
                "runStatusMessage": "None",
                "runReason": "Kicked off from UI by test@test.com",
                "runStartedAt": "2023-01-31T21:14:41Z",
                "runFinishedAt": "2023-01-31T21:15:20Z",
            },
        }
    ).encode()


def load(port: int, path: str, requests: int, clients: int, tag: str) -> dict[str, Any]:
    """Send ``requests`` signed requests from ``clients`` threads; latencies in ms, wall time, statuses."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        codes: Counter[int] = Counter()

        def send(ident: str) -> float:
            body = payload(ident)
            headers = {
                "Authorization": hmac.new(SECRET, body, hashlib.sha256).hexdigest(),
                "Content-Type": "application/json",
                "User-Agent": "dbt-cloud-webhooks",
            }
            began = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            codes[response.status] += 1
            return (time.perf_counter() - began) * 1000

        try:
            for i in range(WARM_UP):
                send(f"{tag}-warm-{number}-{i}")
            codes.clear()
            start.wait(timeout=60)
            for i in range(share[number]):
                mine.append(send(f"{tag}-{number}-{i}"))
        except Exception as error:  # reported, never hidden
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                statuses.update(codes)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait(timeout=60)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.perf_counter() - began
    return {"latencies_ms": latencies, "wall_s": wall, "statuses": dict(statuses), "errors": errors[:5]}


def summarize(run: dict[str, Any]) -> dict[str, Any]:
    values = sorted(run["latencies_ms"])
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) >= 2 else values * 99
    return {
        "requests": len(values),
        "rps": len(values) / run["wall_s"] if run["wall_s"] else 0.0,
        "p50_ms": cuts[49],
        "p90_ms": cuts[89],
        "p99_ms": cuts[98],
        "max_ms": values[-1] if values else 0.0,
        "statuses": run["statuses"],
        "errors": run["errors"],
    }


def _start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )


def _stub_counts(stub: subprocess.Popen[str]) -> Counter[str]:
    assert stub.stdin is not None and stub.stdout is not None
    stub.stdin.write("count\n")
    stub.stdin.flush()
    return Counter(json.loads(stub.stdout.readline()))


def _start_verifier(tmp: Path, stub_port: int, clients: int) -> tuple[subprocess.Popen[bytes], int]:
    (tmp / "secret").write_bytes(SECRET + b"\n")
    (tmp / "token").write_text(TOKEN + "\n")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "VERIFIER_PRESET": "dbt-cloud",
        "VERIFIER_SECRET_FILE": str(tmp / "secret"),
        "VERIFIER_UPSTREAM_TOKEN_FILE": str(tmp / "token"),
        "VERIFIER_UPSTREAM_URL": f"http://127.0.0.1:{stub_port}/dbt-cloud",
        "VERIFIER_BIND_ADDRESS": "127.0.0.1",
        "VERIFIER_PORT": "0",
        "VERIFIER_PATH": "/dbt-cloud",
        "VERIFIER_MAX_CONNECTIONS": str(max(64, 2 * clients)),
    }
    log = tmp / "verifier.log"  # its log lines go to a file: reading a pipe here would compete with the clients
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(SERVER)], stdout=out, stderr=subprocess.DEVNULL, env=env)
    for _ in range(600):
        first = log.read_text().partition("\n")
        if first[1]:
            return process, int(json.loads(first[0])["port"])
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the verifier did not start")


def bench_verifier(requests: int, clients: int, rounds: int = 3) -> dict[str, Any]:
    """A discarded warm-up round per side, then rounds of both sides, interleaved and alternating which goes first so
    that load from other processes falls on both sides alike; each side's figures are the median over the rounds.
    Checks every delivery."""
    stub = _start([sys.executable, str(Path(__file__).resolve()), "--stub"])
    verifier: subprocess.Popen[bytes] | None = None
    try:
        assert stub.stdout is not None
        stub_port = int(stub.stdout.readline())
        sides: dict[str, list[dict[str, Any]]] = {"direct": [], "verifier": []}
        with tempfile.TemporaryDirectory() as tmp:
            verifier, port = _start_verifier(Path(tmp), stub_port, clients)
            targets = {"direct": stub_port, "verifier": port}
            for side, target in targets.items():  # warm-up, not measured
                load(target, "/dbt-cloud", max(clients, requests // 4), clients, f"{side}-warm")
            _stub_counts(stub)
            for number in range(rounds):
                order = ("direct", "verifier") if number % 2 == 0 else ("verifier", "direct")
                for side in order:
                    tag = f"{side}{number}"
                    run = load(targets[side], "/dbt-cloud", requests, clients, tag)
                    counts = _stub_counts(stub)
                    sides[side].append({**summarize(run), "delivered_once": _once(counts, tag, requests)})
        results: dict[str, Any] = {"requests": requests, "clients": clients, "rounds": sides}
        for side, runs in sides.items():
            results[side] = {
                key: statistics.median(r[key] for r in runs) for key in ("rps", "p50_ms", "p90_ms", "p99_ms", "max_ms")
            }
            results[side]["requests"] = requests
            results[side]["delivered_once"] = all(r["delivered_once"] for r in runs)
            results[side]["statuses"] = dict(sum((Counter(r["statuses"]) for r in runs), Counter()))
            results[side]["errors"] = [e for r in runs for e in r["errors"]][:5]
        results["p99_ratio"] = results["verifier"]["p99_ms"] / results["direct"]["p99_ms"]
        results["p50_ratio"] = results["verifier"]["p50_ms"] / results["direct"]["p50_ms"]
        results["rps_ratio"] = results["verifier"]["rps"] / results["direct"]["rps"]
        results["load"] = os.getloadavg()
        return results
    finally:
        for process in (verifier, stub):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def _once(counts: Counter[str], tag: str, requests: int) -> bool:
    measured = {k: v for k, v in counts.items() if "-warm-" not in k and k.startswith(tag + "-")}
    if any(not k.startswith(tag + "-") for k in counts):
        return False  # a request of another round arrived late
    return len(measured) == requests and set(measured.values()) == {1}


def report_verifier(data: dict[str, Any], goals: list[str]) -> list[str]:
    rows = []
    for label, key in (("straight to the stub", "direct"), ("through the verifier", "verifier")):
        side = data[key]
        rows.append(
            f"| {label} | {side['requests']:,} | {side['rps']:,.0f} | {side['p50_ms']:.2f} | {side['p90_ms']:.2f} | "
            f"{side['p99_ms']:.2f} | {side['max_ms']:.2f} | {'yes' if side['delivered_once'] else '**no**'} |"
        )
    ok = data["p99_ratio"] <= GOAL_P99 and data["verifier"]["delivered_once"] and data["direct"]["delivered_once"]
    goals.append(
        f"Verifier: p99 latency through the verifier {data['p99_ratio']:.2f}x straight to the stub "
        f"({data['verifier']['p99_ms']:.2f} ms against {data['direct']['p99_ms']:.2f} ms; requests/s "
        f"{data['rps_ratio']:.2f}x), {data['requests']:,} signed requests from {data['clients']} clients, each "
        f"delivered once (goal <= {GOAL_P99}x): " + ("met" if ok else "**missed**")
    )
    return [
        "## Verifier",
        "",
        f"{data['requests']:,} signed dbt Cloud deliveries (~700 bytes, HMAC-SHA256 in `Authorization`) from "
        f"{data['clients']} concurrent clients, each a thread with one kept-alive connection, after {WARM_UP} warm-up "
        "requests per client and a discarded warm-up round per side; the stub upstream and the verifier (`python "
        "server.py`, as deployed) each in their own process, everything on loopback. Latency: sending to the answer's "
        f"last byte, per request. {len(data['rounds']['direct'])} rounds, each side in turn (alternating which goes "
        "first); each figure is the median over the rounds (other processes on the machine only add to a round's "
        "times).",
        "",
        "| path | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | each delivered once |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Through the verifier: p50 {data['p50_ratio']:.2f}x, p99 {data['p99_ratio']:.2f}x, requests/s "
        f"{data['rps_ratio']:.2f}x straight to the stub. p99 ms per round (straight / through): "
        + ", ".join(
            f"{d['p99_ms']:.2f} / {v['p99_ms']:.2f}"
            for d, v in zip(data["rounds"]["direct"], data["rounds"]["verifier"], strict=True)
        )
        + f". Load average at the end: {' / '.join(f'{x:.2f}' for x in data['load'])}.",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per side (default 2000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per side; medians (default 3)")
    parser.add_argument("--json", help="also write the raw results (without per-request latencies) to this file")
    parser.add_argument("--stub", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stub:
        return run_stub()
    data = bench_verifier(args.requests, args.clients, args.rounds)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2, sort_keys=True))
    goals: list[str] = []
    lines = report_verifier(data, goals)
    print("\n".join([*lines, "", *[f"- {g}" for g in goals]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
