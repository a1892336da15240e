"""pulumi_metaflow_blueprints.metaflow against the installed Metaflow's own naming code.

The reference is Metaflow itself, never a re-implementation:

- in process, ``ProjectDecorator.flow_init`` (which calls ``format_name`` and ``get_username``) fills a
  stand-in for ``metaflow.current`` that ``argo_workflows_cli.resolve_workflow_name_v2`` (and its
  ``sanitize_for_argo``) then reads, exactly as ``python flow.py argo-workflows create`` does;
- end to end, a few flows are run through ``python flow.py ... argo-workflows create``, whose hidden
  ``--deployer-attribute-file`` records the workflow name before Metaflow needs a cluster.
"""

import json
import os
import random
import string
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import metaflow.metaflow_config as mf_config
import pytest
from metaflow._vendor.click.core import Option
from metaflow.exception import MetaflowException
from metaflow.parameters import Parameter
from metaflow.plugins import project_decorator
from metaflow.plugins.argo import argo_workflows_cli
from metaflow.plugins.argo.argo_workflows import ArgoWorkflows
from metaflow.plugins.project_decorator import ProjectDecorator, format_name

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.metaflow import (
    DEFAULT_METAFLOW_WEBHOOK_URL,
    METAFLOW_WEBHOOK_EVENT_NAME,
    METAFLOW_WEBHOOK_EVENT_SOURCE,
    default_metaflow_webhook_url,
    validate_branch_name,
    validate_event_name,
    validate_flow_name,
    validate_parameter_name,
    validate_project_name,
    validate_template_name,
    workflow_template_name,
)
from pulumi_metaflow_blueprints.naming import DNS1123_SUBDOMAIN

REPO = Path(__file__).resolve().parents[1]
MODES = ("user", "test", "prod", "prod_branch")
# Metaflow's limit is 45, but its shortened @project names budget 39 characters for the three parts plus
# "-<hash5>" and forget the two dots, so they reach 47 (see test_shortened_project_names_can_reach_47).
MAX_DEPLOYED_NAME = 47


# ----------------------------------------------------------------------------------------------------------
# Metaflow as the reference
# ----------------------------------------------------------------------------------------------------------


class FakeCurrent:
    """Stands in for ``metaflow.current``: ``ProjectDecorator.flow_init`` writes it, the Argo CLI reads it."""

    def __init__(self, flow_name: str) -> None:
        self._env: dict[str, Any] = {"flow_name": flow_name}

    def _update_env(self, env: dict[str, Any]) -> None:
        self._env.update(env)

    def get(self, key: str, default: Any = None) -> Any:
        return self._env.get(key, default)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._env[key]
        except KeyError as error:
            raise AttributeError(key) from error


class FakeMetadata:
    def add_sticky_tags(self, sys_tags: Any = None, tags: Any = None) -> None:
        self.sys_tags = sys_tags


def mode_options(mode: str, branch: str = "feature_x") -> tuple[str | None, bool]:
    """(branch, production) for one of the four branch modes of ``argo-workflows create``."""
    return {
        "user": (None, False),
        "test": (branch, False),
        "prod": (None, True),
        "prod_branch": (branch, True),
    }[mode]


def metaflow_name(
    monkeypatch: pytest.MonkeyPatch,
    flow: str,
    project: str | None = None,
    branch: str | None = None,
    production: bool = False,
    user: str | None = None,
    owner: str | None = None,
) -> str:
    """The name Metaflow's own code gives ``flow``; raises what ``argo-workflows create`` would raise."""
    current = FakeCurrent(flow)
    monkeypatch.setattr(project_decorator, "current", current)
    monkeypatch.setattr(argo_workflows_cli, "current", current)
    if owner is None:
        monkeypatch.delenv("METAFLOW_OWNER", raising=False)
    else:
        monkeypatch.setenv("METAFLOW_OWNER", owner)
    monkeypatch.setattr(mf_config, "USER", user)  # read by metaflow.util.get_username
    if project is not None:
        deco = ProjectDecorator(attributes={"name": project})
        deco.flow_init(
            SimpleNamespace(name=flow),
            None,
            None,
            None,
            FakeMetadata(),
            None,
            lambda *args, **kwargs: None,
            {"branch": branch, "production": production},
        )
    name, _token_prefix, is_project, _modified, exception_on_create = (
        argo_workflows_cli.resolve_workflow_name_v2(None, None)
    )
    assert is_project == (project is not None)
    if exception_on_create is not None:
        raise exception_on_create
    assert isinstance(name, str)
    return name


def is_kubernetes_name(name: str) -> bool:
    return bool(name) and len(name) <= 253 and bool(DNS1123_SUBDOMAIN.fullmatch(name))


def assert_same_as_metaflow(
    monkeypatch: pytest.MonkeyPatch,
    flow: str,
    project: str | None = None,
    branch: str | None = None,
    production: bool = False,
    user: str | None = None,
) -> str:
    expected = metaflow_name(monkeypatch, flow, project, branch, production, user)
    actual = workflow_template_name(flow, project=project, branch=branch, production=production, user=user)
    assert actual == expected, (flow, project, branch, production, user)
    assert len(actual) <= MAX_DEPLOYED_NAME
    assert is_kubernetes_name(actual)
    return actual


# ----------------------------------------------------------------------------------------------------------
# Names compared with Metaflow
# ----------------------------------------------------------------------------------------------------------

FLOWS = [
    "HelloFlow",
    "A",
    "x",
    "Flow1",
    "CamelCaseDataPipelineFlow",
    "snake_case_flow",
    "Mixed_Case__Flow_",
    "_PrivateFlow",
    "__dunder__Flow",
    "_1Flow",
    "ALLCAPSFLOW",
    "Flow_" + "x" * 40,  # exactly 45 characters
    "AnExtremelyLongFlowNameThatKeepsGoingOnAndOnAndOnForever",  # 56 characters
    "Very_Long_Snake_Case_Flow_Name_With_Many_Words_In_It_For_Testing",  # 64 characters
    "F" * 90,
]
SHORT_FLOWS = [flow for flow in FLOWS if len(flow) <= 45]
LONG_FLOWS = [flow for flow in FLOWS if len(flow) > 45]
PROJECTS = ["my_proj", "p", "9lives", "_underscored_", "a_very_long_project_name_used_for_testing_truncation"]
USERS = ["alice", "Bob.Smith", "jane.doe@example.com", "ops+ci@corp.io", "first_last", "x-y", "u" * 40]


@pytest.mark.parametrize("flow", SHORT_FLOWS)
def test_flow_without_project_matches_metaflow(monkeypatch: pytest.MonkeyPatch, flow: str) -> None:
    assert_same_as_metaflow(monkeypatch, flow)


@pytest.mark.parametrize("flow", LONG_FLOWS)
def test_long_flow_without_project_is_rejected_like_metaflow(
    monkeypatch: pytest.MonkeyPatch, flow: str
) -> None:
    with pytest.raises(argo_workflows_cli.ArgoWorkflowsNameTooLong):
        metaflow_name(monkeypatch, flow)
    with pytest.raises(BlueprintInputError) as info:
        workflow_template_name(flow)
    assert info.value.argument == "flow"
    assert "--name" in info.value.fix


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("flow", FLOWS)
def test_project_flow_matches_metaflow(
    monkeypatch: pytest.MonkeyPatch, flow: str, project: str, mode: str
) -> None:
    branch, production = mode_options(mode)
    assert_same_as_metaflow(monkeypatch, flow, project, branch, production, user="alice")


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("flow", ["HelloFlow", "AnExtremelyLongFlowNameThatKeepsGoingOnAndOnAndOnForever"])
def test_user_branch_matches_metaflow(monkeypatch: pytest.MonkeyPatch, flow: str, user: str) -> None:
    assert_same_as_metaflow(monkeypatch, flow, "my_proj", user=user)


@pytest.mark.parametrize(
    ("flow", "project", "branch", "production", "user", "expected"),
    [
        ("HelloFlow", None, None, False, None, "helloflow"),
        ("Hello_World_Flow", None, None, False, None, "helloworldflow"),
        ("HelloFlow", "my_proj", None, False, "alice", "myproj.user.alice.helloflow"),
        (
            "HelloFlow",
            "my_proj",
            None,
            False,
            "jane.doe@example.com",
            "myproj.user.jane.doeexample.com.helloflow",
        ),
        ("HelloFlow", "my_proj", "feat_1", False, None, "myproj.test.feat1.helloflow"),
        ("HelloFlow", "my_proj", None, True, None, "myproj.prod.helloflow"),
        ("HelloFlow", "my_proj", "hotfix", True, None, "myproj.prod.hotfix.helloflow"),
    ],
)
def test_known_names(
    monkeypatch: pytest.MonkeyPatch,
    flow: str,
    project: str | None,
    branch: str | None,
    production: bool,
    user: str | None,
    expected: str,
) -> None:
    assert workflow_template_name(flow, project, branch, production, user) == expected
    assert metaflow_name(monkeypatch, flow, project, branch, production, user or "nobody") == expected


def test_long_project_names_are_shortened_with_a_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    flow, project = "AnExtremelyLongFlowNameThatKeepsGoingOnAndOnAndOnForever", "a_very_long_project_name"
    names = set()
    for mode in MODES:
        branch, production = mode_options(mode, "some_feature_branch")
        name = assert_same_as_metaflow(monkeypatch, flow, project, branch, production, user="alice")
        descriptive, _, digest = name.rpartition("-")
        assert len(digest) == 5 and descriptive.count(".") == 2 + (mode != "prod"), name
        names.add(name)
    assert len(names) == 4


def test_shortened_project_names_can_reach_47(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Metaflow quirk we mirror: 39 characters of parts + 2 dots + "-" + 5-character hash = 47 > 45.
    name = assert_same_as_metaflow(monkeypatch, "F" * 90, "p" * 90, "b" * 90, production=True)
    assert len(name) == 47
    assert name == metaflow_name(monkeypatch, "F" * 90, "p" * 90, "b" * 90, production=True)


def test_user_is_what_metaflow_owner_or_user_name_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    # Metaflow's user branch is user.<METAFLOW_OWNER> when that is set, else user.<Metaflow user name>.
    from_owner = metaflow_name(monkeypatch, "HelloFlow", "my_proj", user="alice", owner="ci_bot")
    assert from_owner == workflow_template_name("HelloFlow", "my_proj", user="ci_bot")
    assert from_owner != workflow_template_name("HelloFlow", "my_proj", user="alice")


def test_user_is_ignored_outside_the_user_branch_and_without_project(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workflow_template_name("HelloFlow", user="alice") == metaflow_name(
        monkeypatch, "HelloFlow", user="bob"
    )
    for mode in ("test", "prod", "prod_branch"):
        branch, production = mode_options(mode)
        ours = workflow_template_name("HelloFlow", "my_proj", branch, production, user="alice")
        assert ours == workflow_template_name("HelloFlow", "my_proj", branch, production, user=None)
        assert ours == metaflow_name(monkeypatch, "HelloFlow", "my_proj", branch, production, user="bob")


# ----------------------------------------------------------------------------------------------------------
# Property test over generated names
# ----------------------------------------------------------------------------------------------------------

WORDS = ["data", "ingest", "train", "model", "daily", "s3", "etl", "feature", "score", "batch", "v2", "x"]
USER_CHARS = string.ascii_letters + string.digits + "._-@+"


def _random_flow(rng: random.Random) -> str:
    while True:
        if rng.random() < 0.4:
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, 12))]
            if rng.random() < 0.5:
                flow = "".join(word.capitalize() for word in words) + "Flow"
            else:
                flow = "_".join(rng.choice([word, word.upper(), word.capitalize()]) for word in words)
        else:
            length = rng.choice([rng.randint(1, 20), rng.randint(20, 50), rng.randint(40, 100)])
            first = rng.choice(string.ascii_letters + "_")
            rest = string.ascii_letters + string.digits + "___"
            flow = first + "".join(rng.choice(rest) for _ in range(length - 1))
        try:
            validate_flow_name(flow)
        except BlueprintInputError:
            continue
        return flow


def _random_lower_name(rng: random.Random) -> str:
    length = rng.choice([rng.randint(1, 10), rng.randint(10, 40), rng.randint(40, 128)])
    return "".join(rng.choice(string.ascii_lowercase + string.digits + "__") for _ in range(length))


def _random_user(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice(USERS)
    if rng.random() < 0.15:  # a character Kubernetes rejects, early enough to survive shortening
        base, at = rng.choice(USERS), rng.randint(0, 2)
        return base[:at] + rng.choice(" /é:") + base[at:]
    chars = USER_CHARS + (" /é:" if rng.random() < 0.4 else "")
    user = "".join(rng.choice(chars) for _ in range(rng.randint(1, 30)))
    return "someone" if user == "root" else user


def _random_case(rng: random.Random) -> tuple[str, str | None, str | None, bool, str]:
    flow = _random_flow(rng)
    user = _random_user(rng)
    if rng.random() < 0.25:
        return flow, None, None, False, user
    branch, production = mode_options(rng.choice((*MODES, "user")), _random_lower_name(rng))
    return flow, _random_lower_name(rng), branch, production, user


def test_generated_names_match_metaflow(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20240611)
    seen = {"no_project": 0, "too_long": 0, "shortened": 0, "sanitized": 0, "user_branch": 0, "bad_user": 0}
    mismatches = []
    for _ in range(600):
        flow, project, branch, production, user = case = _random_case(rng)
        try:
            expected: str | None = metaflow_name(monkeypatch, flow, project, branch, production, user)
        except MetaflowException:
            expected = None
        try:
            actual: str | None = workflow_template_name(flow, project, branch, production, user)
            error = None
        except BlueprintInputError as raised:
            actual, error = None, raised
        if expected is None:
            # Metaflow refuses to deploy it (a flow name over 45 characters without @project).
            seen["too_long"] += 1
            if error is None or error.argument != "flow":
                mismatches.append((case, expected, actual))
        elif error is not None:
            # We refuse only names Metaflow would compute but Kubernetes rejects, and blame the user name.
            seen["bad_user"] += 1
            if is_kubernetes_name(expected) or error.argument != "user":
                mismatches.append((case, expected, error))
        else:
            assert actual is not None
            if actual != expected or len(actual) > MAX_DEPLOYED_NAME or not is_kubernetes_name(actual):
                mismatches.append((case, expected, actual))
            raw = flow if project is None else ".".join((project, "x", flow))
            seen["no_project"] += project is None
            seen["user_branch"] += project is not None and branch is None and not production
            seen["shortened"] += project is not None and len(raw) > 45
            seen["sanitized"] += actual != raw.lower()
    assert not mismatches, mismatches[:5]
    # The generator must exercise every path, or this test proves little.
    assert min(seen.values()) >= 15, seen


# ----------------------------------------------------------------------------------------------------------
# End to end: `python flow.py ... argo-workflows create`
# ----------------------------------------------------------------------------------------------------------

FLOW_SOURCE = """\
from metaflow import FlowSpec, project, step

{decorator}
class {flow}(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    {flow}()
"""


def deploy_with_metaflow_cli(
    tmp_path: Path, flow: str, project: str | None, options: list[str], user: str
) -> tuple[str | None, str]:
    """Run ``argo-workflows create``; return the name it records (None if it refused) and its output."""
    decorator = f"@project(name={project!r})" if project else ""
    (tmp_path / "flow.py").write_text(FLOW_SOURCE.format(flow=flow, decorator=decorator))
    attributes = tmp_path / "deployer-attributes.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith("METAFLOW_")}
    env.update(
        METAFLOW_HOME=str(tmp_path / "home"),
        METAFLOW_USER=user,
        METAFLOW_DEFAULT_DATASTORE="local",
        METAFLOW_DEFAULT_METADATA="local",
        KUBECONFIG=str(tmp_path / "no-kubeconfig"),
    )
    command = [sys.executable, "flow.py", "--no-pylint", *options, "argo-workflows", "create"]
    command += ["--deployer-attribute-file", str(attributes)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    if not attributes.exists():
        return None, output
    return json.loads(attributes.read_text())["name"], output


E2E_CASES = [
    ("HelloFlow", None, None, False, "alice"),
    ("Hello_World__Flow", None, None, False, "alice"),
    ("Flow_" + "x" * 40, None, None, False, "alice"),
    ("HelloFlow", "my_proj", None, False, "jane.doe+ci@example.com"),
    ("CamelCaseFlow", "my_proj", "feat_1", False, "alice"),
    ("CamelCaseFlow", "my_proj", None, True, "alice"),
    ("CamelCaseFlow", "my_proj", "hotfix", True, "alice"),
    (
        "AnExtremelyLongFlowNameThatKeepsGoingOnAndOnAndOnForever",
        "a_long_project_name",
        None,
        False,
        "Bob.Smith",
    ),
    (
        "AnExtremelyLongFlowNameThatKeepsGoingOnAndOnAndOnForever",
        "a_long_project_name",
        "branch_b",
        True,
        "bob",
    ),
]


@pytest.mark.parametrize(("flow", "project", "branch", "production", "user"), E2E_CASES)
def test_matches_argo_workflows_create(
    tmp_path: Path, flow: str, project: str | None, branch: str | None, production: bool, user: str
) -> None:
    options = (["--branch", branch] if branch else []) + (["--production"] if production else [])
    deployed, output = deploy_with_metaflow_cli(tmp_path, flow, project, options, user)
    assert deployed is not None, output
    assert workflow_template_name(flow, project, branch, production, user) == deployed


def test_argo_workflows_create_refuses_long_flow_names_without_project(tmp_path: Path) -> None:
    flow = "AnExtremelyLongFlowNameThatKeepsGoingOnAndOnAndOnForever"
    deployed, output = deploy_with_metaflow_cli(tmp_path, flow, None, [], "alice")
    assert deployed is None and "longer than 45" in output, output
    with pytest.raises(BlueprintInputError, match="45"):
        workflow_template_name(flow)


@pytest.mark.parametrize("option", [["--branch", "feat"], ["--production"]])
def test_branch_and_production_need_a_project(tmp_path: Path, option: list[str]) -> None:
    deployed, output = deploy_with_metaflow_cli(tmp_path, "HelloFlow", None, option, "alice")
    assert deployed is None and f"no such option: {option[0]}" in output, output
    field = option[0].removeprefix("--")
    with pytest.raises(BlueprintInputError) as info:
        workflow_template_name(
            "HelloFlow", branch="feat" if field == "branch" else None, production=field == "production"
        )
    assert info.value.argument == field


# ----------------------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flow", ["", "1Flow", "my-flow", "My Flow", "My.Flow", "class", "None", 42, None])
def test_bad_flow_names(flow: Any) -> None:
    with pytest.raises(BlueprintInputError) as info:
        validate_flow_name(flow, "targets[0].flow.flow")
    assert info.value.argument == "targets[0].flow.flow"
    assert "targets[0].flow.flow" in str(info.value)
    with pytest.raises(BlueprintInputError) as info:
        workflow_template_name(flow, "my_proj", production=True, argument="targets[0].flow")
    assert info.value.argument == "targets[0].flow.flow"


@pytest.mark.parametrize("flow", ["Flöw", "___", "_"])
def test_class_names_metaflow_would_turn_into_invalid_kubernetes_names(
    monkeypatch: pytest.MonkeyPatch, flow: str
) -> None:
    assert not is_kubernetes_name(metaflow_name(monkeypatch, flow))
    with pytest.raises(BlueprintInputError) as info:
        validate_flow_name(flow)
    assert info.value.argument == "flow"


@pytest.mark.parametrize(
    "project",
    ["", "MyProj", "my-proj", "my proj", "my.proj", "proj@x", "prôj", "a" * 129, "a" * 128, "_", "9", "x_1"],
)
def test_project_names_match_format_name(project: str) -> None:
    try:
        format_name("HelloFlow", project, True, None, "alice")
        metaflow_accepts = True
    except MetaflowException:
        metaflow_accepts = False
    try:
        validate_project_name(project, "my.project")
        ours_accepts = True
    except BlueprintInputError as error:
        assert error.argument == "my.project"
        ours_accepts = False
    assert ours_accepts == metaflow_accepts
    if not metaflow_accepts:
        with pytest.raises(BlueprintInputError) as info:
            workflow_template_name("HelloFlow", project, production=True)
        assert info.value.argument == "project"


@pytest.mark.parametrize(
    "branch", ["Feat", "feat-1", "feat.1", "feat/1", "a" * 129, "a" * 128, "_", "1", "feat_1"]
)
def test_branch_names_match_format_name(branch: str) -> None:
    try:
        format_name("HelloFlow", "my_proj", False, branch, "alice")
        metaflow_accepts = True
    except MetaflowException:
        metaflow_accepts = False
    try:
        validate_branch_name(branch, "b")
        ours_accepts = True
    except BlueprintInputError as error:
        assert error.argument == "b"
        ours_accepts = False
    assert ours_accepts == metaflow_accepts
    if not metaflow_accepts:
        with pytest.raises(BlueprintInputError) as info:
            workflow_template_name("HelloFlow", "my_proj", branch, argument="t")
        assert info.value.argument == "t.branch"


def test_empty_branch_is_rejected_although_metaflow_ignores_it() -> None:
    # Metaflow treats `--branch ""` as no branch and deploys to user.<user>; we ask for clarity instead.
    assert format_name("HelloFlow", "my_proj", False, "", "alice")[1] == "user.alice"
    with pytest.raises(BlueprintInputError) as info:
        workflow_template_name("HelloFlow", "my_proj", "", user="alice")
    assert info.value.argument == "branch"


@pytest.mark.parametrize("user", [None, ""])
def test_user_branch_needs_user(user: str | None) -> None:
    with pytest.raises(BlueprintInputError) as info:
        workflow_template_name("HelloFlow", "my_proj", user=user, argument="targets[1].flow")
    assert info.value.argument == "targets[1].flow.user"
    assert "user" in str(info.value)


@pytest.mark.parametrize("user", ["John Smith", "dom\\user", "józef", "a/b", "bob-", "a..b", "x-.y", "-"])
@pytest.mark.parametrize(("project", "flow"), [("my_proj", "HelloFlow"), ("myproj", "helloflow")])
def test_users_giving_invalid_kubernetes_names(
    monkeypatch: pytest.MonkeyPatch, project: str, flow: str, user: str
) -> None:
    # With "myproj.user.<user>.helloflow" Metaflow's VALID_NAME check passes and it skips sanitize_for_argo,
    # so "bob-", "a..b", "x-.y" and "-" reach Kubernetes as they are.
    if not is_kubernetes_name(metaflow_name(monkeypatch, flow, project, user=user)):
        with pytest.raises(BlueprintInputError) as info:
            workflow_template_name(flow, project, user=user)
        assert info.value.argument == "user"
    else:
        assert user in ("bob-", "a..b", "x-.y", "-") and project == "my_proj"
        assert workflow_template_name(flow, project, user=user) == metaflow_name(
            monkeypatch, flow, project, user=user
        )


def test_production_must_be_a_bool() -> None:
    with pytest.raises(BlueprintInputError) as info:
        workflow_template_name("HelloFlow", "my_proj", production="yes")  # type: ignore[arg-type]
    assert info.value.argument == "production"


# ----------------------------------------------------------------------------------------------------------
# Parameter names
# ----------------------------------------------------------------------------------------------------------


def metaflow_rejects_parameter(name: str) -> bool:
    """Whether Metaflow refuses ``Parameter(name=name)`` when deploying to Argo Workflows."""
    try:
        parameter = Parameter(name)
        parameter.init()  # reserved names
        Option(("--" + name,))  # how Metaflow adds the parameter to its CLI
        fake = SimpleNamespace(
            flow=SimpleNamespace(_flow_decorators={}, _get_parameters=lambda: [("p", parameter)])
        )
        ArgoWorkflows._process_parameters(fake)  # type: ignore[arg-type]  # names reserved on Argo
    except (MetaflowException, TypeError):
        return True
    return False


PARAMETER_NAMES = [
    "alpha",
    "learning-rate",
    "learning_rate",
    "x1",
    "A",
    "CamelCase",
    "_private",
    "-leading-dash",
    "params",
    "with",
    "tag",
    "run-id",
    "run_id",
    "max_workers",
    "runner-attribute-file",
    "script",
    "Script",
    "1abc",
    "-1abc",
    "a.b",
    "a b",
    "a,b",
    "",
]


@pytest.mark.parametrize("name", PARAMETER_NAMES)
def test_parameter_names_metaflow_rejects_are_rejected(name: str) -> None:
    ours_rejects = True
    try:
        validate_parameter_name(name, "targets[0].flow.parameters")
        ours_rejects = False
    except BlueprintInputError as error:
        assert error.argument == "targets[0].flow.parameters"
    assert ours_rejects == metaflow_rejects_parameter(name)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("ünits", "Argo Workflows allows only [-a-zA-Z0-9_] in parameter names"),
        ("a/b", "click reads --a/b as an on/off flag pair; Argo rejects the '/'"),
        ("Tags", "Metaflow reads the value back as kwargs['tags'], the run command's --tags"),
        ("RUN-ID", "normalised to run_id, a reserved name"),
        ("Max-Workers", "normalised to max_workers, a reserved name"),
    ],
)
def test_parameter_names_rejected_beyond_metaflows_own_checks(name: str, why: str) -> None:
    assert not metaflow_rejects_parameter(name), why
    with pytest.raises(BlueprintInputError) as info:
        validate_parameter_name(name, "p")
    assert info.value.argument == "p"


def test_generated_parameter_names_never_accepted_when_metaflow_rejects() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "_-. ,/:é"
    accepted = rejected = 0
    for _ in range(400):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
        try:
            validate_parameter_name(name, "p")
        except BlueprintInputError:
            rejected += 1
            continue
        accepted += 1
        assert not metaflow_rejects_parameter(name), name
    assert accepted > 50 and rejected > 50


# ----------------------------------------------------------------------------------------------------------
# Events, template names, webhook, no runtime metaflow import
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", ["raw_data_landed", "table.prod_db.members", "a-b", "X1"])
def test_good_event_names(event: str) -> None:
    assert validate_event_name(event, "e") == event


@pytest.mark.parametrize("event", ["", "has space", "a/b", "a:b", "naïve", None])
def test_bad_event_names(event: Any) -> None:
    with pytest.raises(BlueprintInputError) as info:
        validate_event_name(event, "targets[0].metaflow_event.event")
    assert info.value.argument == "targets[0].metaflow_event.event"


def test_template_names() -> None:
    assert validate_template_name("myproj.prod.helloflow", "t") == "myproj.prod.helloflow"
    for bad in ("", "Hello_Flow", "-x", "x" * 254):
        with pytest.raises(BlueprintInputError) as info:
            validate_template_name(bad, "t")
        assert info.value.argument == "t"


def test_default_webhook_url() -> None:
    assert METAFLOW_WEBHOOK_EVENT_SOURCE == "argo-events-webhook"
    assert METAFLOW_WEBHOOK_EVENT_NAME == "metaflow-event"
    assert default_metaflow_webhook_url("argo") == (
        "http://argo-events-webhook-eventsource-svc.argo.svc:12000/metaflow-event"
    )
    assert DEFAULT_METAFLOW_WEBHOOK_URL.format(namespace="ns") == default_metaflow_webhook_url("ns")
    with pytest.raises(BlueprintInputError) as info:
        default_metaflow_webhook_url("Bad_Namespace")
    assert info.value.argument == "namespace"


def test_module_does_not_import_metaflow() -> None:
    code = (
        "import sys; import pulumi_metaflow_blueprints.metaflow as m; "
        "m.workflow_template_name('HelloFlow', 'p', user='u'); "
        "assert 'metaflow' not in sys.modules, sorted(k for k in sys.modules if k.startswith('metaflow'))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
