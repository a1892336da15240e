"""The webhook examples run offline, and what they create passes the Argo schema and controller rules."""

from pathlib import Path

import pytest

from pulumi_metaflow_blueprints.offline import run_program_dir
from tests.argo_schema import assert_valid_argo
from tests.helpers import strings_outside_secrets

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize(
    ("example", "component", "count"),
    [
        ("webhook-to-flow", "WebhookTrigger", 11),
        ("dbt-cloud-to-flow", "DbtCloudJobTrigger", 17),
        ("fivetran-to-flow", "FivetranSyncTrigger", 17),
    ],
)
def test_example_runs_offline_with_valid_argo_objects_and_no_plain_secrets(
    example: str, component: str, count: int
) -> None:
    run = run_program_dir(EXAMPLES / example)
    assert len(run.of_type(f"metaflow-blueprints:index:{component}")) == 1
    assert len(run.registrations) == count
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert_valid_argo(kind, item.plain_inputs)
    plain = [s for r in run.registrations for s in strings_outside_secrets(r.inputs)]
    assert not [s for s in plain if "placeholder-token-for-" in s]
