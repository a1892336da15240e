"""The Snowflake example runs offline, and what it creates passes the Argo schema and controller rules."""

import re
from pathlib import Path

import yaml

from pulumi_metaflow_blueprints.offline import run_program_dir
from pulumi_metaflow_blueprints.offline.runner import load_project
from pulumi_metaflow_blueprints.snowflake import PROVIDER_PREVIEW_FEATURES
from tests.argo_schema import assert_valid_argo
from tests.helpers import strings_outside_secrets
from tests.snowflake_sql import tokenize

EXAMPLE = Path(__file__).parent.parent / "examples" / "snowflake-to-flow"


def test_example_runs_offline_with_valid_argo_objects_and_no_plain_token() -> None:
    run = run_program_dir(EXAMPLE)
    (component,) = run.of_type("metaflow-blueprints:index:TableChangeTrigger")
    assert component.name == "orders-changes"
    # the component; 10 receiver and Sensor; 7 Snowflake objects; the role, its parent grant, 7 grants, 4 ownerships
    assert len(run.registrations) == 31
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert_valid_argo(kind, item.plain_inputs)
    plain = [s for r in run.registrations for s in strings_outside_secrets(r.inputs)]
    assert not [s for s in plain if "placeholder-token-for-" in s]
    task = run.named("orders-changes-task").plain_inputs
    assert tokenize(task["sqlStatement"])[0].value == "DECLARE"
    assert task["warehouse"] == "TRANSFORM_WH"


def preview_features_of_the_provider() -> set[str]:
    """The resources pulumi-snowflake lists as preview features (to enable), from its provider's documentation."""
    import pulumi_snowflake.provider

    doc = Path(pulumi_snowflake.provider.__file__).read_text()
    listing = doc.split("Preview features that can be enabled are:")[1].split("Promoted features")[0]
    return set(re.findall(r"snowflake_[a-z_]+_resource", listing))


def test_the_example_enables_every_preview_resource_the_blueprint_uses() -> None:
    run = run_program_dir(EXAMPLE)
    used = {
        "snowflake_" + re.sub(r"(?<!^)([A-Z])", r"_\1", r.type.split("/")[1].split(":")[0]).lower() + "_resource"
        for r in run.registrations
        if r.type.startswith("snowflake:")
    }
    assert "snowflake_grant_privileges_to_account_role_resource" in used
    assert used & preview_features_of_the_provider() == set(PROVIDER_PREVIEW_FEATURES)
    _, config = load_project(EXAMPLE)
    assert yaml.safe_load(config["snowflake:previewFeaturesEnabled"]) == list(PROVIDER_PREVIEW_FEATURES)
