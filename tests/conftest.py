"""Shared fixtures."""

import pytest

from tests.oracle_client import TALLY, GoOracle, go_oracle


@pytest.fixture(scope="session")
def oracle() -> GoOracle:
    """The Go oracle (skips locally, fails under CI=true, when the Go toolchain or Debian packages are missing)."""
    return go_oracle()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print, per library, how many cases the Go oracle judged."""
    if not TALLY:
        return
    terminalreporter.section("Go oracle")
    for library, counts in sorted(TALLY.items()):
        cases, agree, unsupported = counts["cases"], counts["agree"], counts["unsupported"]
        terminalreporter.write_line(f"{library:<10} cases {cases:>6}  agree {agree:>6}  unsupported {unsupported:>5}")
