"""`sensor.retry_initial_delay` is checked the way Argo reads it: Go's `time.ParseDuration` (Convert2WaitBackoff)."""

import random

import pytest

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import check_go_duration, go_duration_seconds
from tests.oracle_client import GoOracle, tally

CURATED = [
    "10s", "1m30s", "500ms", ".5s", "1.s", "1.5h", "+5m", "-1s", "0", "+0", "-0", "0s", "1", "", "s", ".s", "1d",
    "1h1h", "1µs", "1μs", "2us", "3ns", "2562047h", "2562048h", "9223372036s", "9223372037s", "10s\n", " 10s",
    "10 s", "1e3s", "1_000s", "\uff11s", "1S", "1.0.0s", "--1s", "00010s",
]
UNITS = ["ns", "us", "µs", "μs", "ms", "s", "m", "h", "d", "", "S"]


def generated(count: int) -> list[str]:
    """Seeded texts from the duration grammar and near misses (signs, dots, odd units, junk)."""
    rng = random.Random(20261201)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 3)):
            whole = rng.choice(["", "0", "1", "25", "007", str(rng.randint(0, 10**6))])
            fraction = rng.choice(["", ".", "." + str(rng.randint(0, 999))])
            parts.append(whole + fraction + rng.choice(UNITS))
        texts.append(rng.choice(["", "", "+", "-"]) + "".join(parts) + rng.choice(["", "", "", " ", "\n", "x"]))
    return texts


def test_durations_parse_as_go_parses_them(oracle: GoOracle) -> None:
    texts = CURATED + generated(600)
    answers = oracle.ask([{"op": "duration", "input": text} for text in texts])
    wrong = []
    for text, answer in zip(texts, answers, strict=True):
        ours = go_duration_seconds(text)
        if answer["status"] != "ok":
            if ours is not None:
                wrong.append((text, "go refuses", answer.get("message"), ours))
                continue
        elif ours is None or abs(ours * 1e9 - answer["float"]) > max(1.0, abs(answer["float"]) * 1e-9):
            wrong.append((text, "go reads", answer["float"], ours))
            continue
        tally("duration")
    assert not wrong, f"{len(wrong)} of {len(texts)} disagree, first 20: {wrong[:20]}"
    assert sum(a["status"] == "ok" for a in answers) > len(texts) // 4, "too few valid durations to prove anything"


@pytest.mark.parametrize("text", ["0s", "-1s", "25h", "10s\n", "1d", "ten seconds"])
def test_retry_delays_that_never_work_are_refused(text: str) -> None:
    with pytest.raises(BlueprintInputError, match="Go duration"):
        check_go_duration(text, "sensor.retry_initial_delay")
