"""Shared fixtures."""

import sys
from collections import Counter
from collections.abc import Iterator

import pytest
from pulumi.runtime.proto import engine_pb2_grpc

from tests.oracle_client import TALLY, GoOracle, go_oracle
from tests.provider_rpc import FakeEngine, ProviderProcess, serve, start_provider


@pytest.fixture(scope="session")
def oracle() -> GoOracle:
    """The Go oracle (skips locally, fails under CI=true, when the Go toolchain or Debian packages are missing)."""
    return go_oracle()


@pytest.fixture(scope="module")
def engine() -> Iterator[tuple[FakeEngine, str]]:
    """A fake engine the provider plugin logs to, for one test module."""
    servicer = FakeEngine()
    server, address = serve(engine_pb2_grpc.add_EngineServicer_to_server, servicer)
    yield servicer, address
    server.stop(None)


@pytest.fixture(scope="module")
def plugin(engine: tuple[FakeEngine, str]) -> Iterator[ProviderProcess]:
    """The provider plugin started as the engine starts it, for one test module."""
    process = start_provider(engine[1])
    yield process
    process.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print, per library, how many cases the Go oracle judged; and, per blueprint, how the fuzz cases ended."""
    fuzz = sys.modules.get("tests.fuzz_strategies")  # loaded only when tests/test_fuzz_inputs.py ran
    if fuzz is not None and fuzz.FUZZ_TALLY:
        fuzz_summary(terminalreporter, fuzz.FUZZ_TALLY)
    if not TALLY:
        return
    terminalreporter.section("Go oracle")
    for library, counts in sorted(TALLY.items()):
        cases, agree, unsupported = counts["cases"], counts["agree"], counts["unsupported"]
        terminalreporter.write_line(f"{library:<10} cases {cases:>6}  agree {agree:>6}  unsupported {unsupported:>5}")


def fuzz_summary(terminalreporter: pytest.TerminalReporter, tally: dict[str, Counter[str]]) -> None:
    """Per blueprint: fuzz cases run and how they ended (tests/test_fuzz_inputs.py)."""
    columns = {
        "cases": "cases",
        "input-error": "InputError",
        "argo-error": "ArgoSpecError",
        "deferred-input-error": "when-known",
        "valid": "valid",
        "failure": "failure",
    }
    terminalreporter.section("Fuzzed blueprint args")
    terminalreporter.write_line(
        "InputError/ArgoSpecError: refused before anything was registered; when-known: an Output given to a "
        "pulumi.Input field was refused once resolved; valid: accepted, every object valid and no grant wider"
    )
    terminalreporter.write_line(f"{'blueprint':<22}" + "".join(f"{label:>14}" for label in columns.values()))
    total: Counter[str] = Counter()
    for blueprint, counts in sorted(tally.items()):
        total.update(counts)
        terminalreporter.write_line(f"{blueprint:<22}" + "".join(f"{counts[key]:>14}" for key in columns))
    terminalreporter.write_line(f"{'total':<22}" + "".join(f"{total[key]:>14}" for key in columns))
