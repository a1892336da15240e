"""Metaflow's naming rules, mirrored in pure Python (this module never imports ``metaflow``).

The rules follow Metaflow 2.19's own code, which ``tests/test_metaflow_naming.py`` compares against:

- ``metaflow/plugins/project_decorator.py``: ``format_name`` (project and branch names, the
  ``project.branch.flow`` name and the four branch modes).
- ``metaflow/plugins/argo/argo_workflows_cli.py``: ``resolve_workflow_name_v2`` (the 45-character limit,
  the hashed short name of long ``@project`` names) and ``sanitize_for_argo``.
- ``metaflow/parameters.py`` (``Parameter.init``: reserved names), ``metaflow/plugins/argo/argo_workflows.py``
  (``_process_parameters``: ``script`` is reserved; ``_process_triggers``: event names) and the option
  handling of Metaflow's vendored click, which turns ``Parameter(name=...)`` into ``--<name>``.
"""

import base64
import hashlib
import keyword
import re

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import DNS1123_SUBDOMAIN, validate_dns_label, validate_dns_subdomain

__all__ = [
    "DEFAULT_METAFLOW_WEBHOOK_URL",
    "METAFLOW_RESERVED_PARAMETER_NAMES",
    "METAFLOW_WEBHOOK_ENDPOINT",
    "METAFLOW_WEBHOOK_EVENT_NAME",
    "METAFLOW_WEBHOOK_EVENT_SOURCE",
    "METAFLOW_WEBHOOK_PORT",
    "METAFLOW_WEBHOOK_SERVICE",
    "PROJECT_NAME_MAX",
    "SHELL_EXPANDED",
    "WORKFLOW_NAME_LIMIT",
    "default_metaflow_webhook_url",
    "expanded_by_start_step",
    "project_branch_name",
    "validate_branch_name",
    "validate_event_name",
    "validate_flow_name",
    "validate_parameter_name",
    "validate_project_name",
    "validate_template_name",
    "workflow_template_name",
]

WORKFLOW_NAME_LIMIT = 45
"""``limit`` in ``resolve_workflow_name_v2`` (shortened ``@project`` names can still reach 47 characters)."""
PROJECT_NAME_MAX = 128
"""``VALID_NAME_LEN`` in ``project_decorator.py``: the longest project or branch name."""

_PROJECT_INVALID_CHAR = re.compile(r"[^a-z0-9_]")  # project_decorator.VALID_NAME_RE
_ARGO_VALID_NAME = re.compile(r"^[a-z]([a-z0-9\.\-]*[a-z0-9])?$")  # argo_workflows_cli.VALID_NAME
_LEADING_NON_ALNUM = re.compile(r"^[^A-Za-z0-9]+")
_AROUND_DOT = re.compile(r"[^a-z0-9]*\.[^a-z0-9]*")
_ARGO_PARAMETER_NAME = re.compile(r"^[-a-zA-Z0-9_]+$")  # Argo Workflows' paramOrArtifactNameRegex
_EVENT_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")  # ArgoWorkflows._process_triggers

_RESERVED_PARAMETERS = (
    "params",
    "with",
    "tag",
    "namespace",
    "obj",
    "tags",
    "decospecs",
    "run-id-file",
    "max-num-splits",
    "max-workers",
    "max-log-size",
    "user-namespace",
    "run-id",
    "task-id",
    "runner-attribute-file",
)
METAFLOW_RESERVED_PARAMETER_NAMES: frozenset[str] = frozenset(
    {*_RESERVED_PARAMETERS, *(name.replace("-", "_") for name in _RESERVED_PARAMETERS)}
)
"""Names ``Parameter.init`` rejects (``metaflow/parameters.py``), with their ``-`` -> ``_`` spellings."""
_ARGO_RESERVED_PARAMETERS = frozenset({"script"})  # ArgoWorkflows._process_parameters, compared lower-cased

METAFLOW_WEBHOOK_EVENT_SOURCE = "argo-events-webhook"
"""Name of the webhook EventSource Metaflow's deployments install (``METAFLOW_ARGO_EVENTS_EVENT_SOURCE``)."""
METAFLOW_WEBHOOK_EVENT_NAME = "metaflow-event"
"""The EventSource's webhook event, which Metaflow's Sensors listen to (``METAFLOW_ARGO_EVENTS_EVENT``)."""
METAFLOW_WEBHOOK_SERVICE = f"{METAFLOW_WEBHOOK_EVENT_SOURCE}-eventsource-svc"
"""The Service Argo Events creates for that EventSource (``<eventsource>-eventsource-svc``)."""
METAFLOW_WEBHOOK_PORT = 12000
METAFLOW_WEBHOOK_ENDPOINT = f"/{METAFLOW_WEBHOOK_EVENT_NAME}"
DEFAULT_METAFLOW_WEBHOOK_URL = (
    f"http://{METAFLOW_WEBHOOK_SERVICE}.{{namespace}}.svc:{METAFLOW_WEBHOOK_PORT}{METAFLOW_WEBHOOK_ENDPOINT}"
)
"""Template (``{namespace}``) of Metaflow's in-cluster webhook; see ``default_metaflow_webhook_url``."""

SHELL_EXPANDED = ("$", "`")
"""What bash expands inside the double quotes Metaflow's start step writes parameter values in (``set_parameters``
``json.dumps`` them into a file bash sources): ``$`` and backticks, so ``$(...)`` would run as a command."""


def expanded_by_start_step(text: str) -> bool:
    """Whether Metaflow's start step would expand part of ``text`` as shell code (see ``SHELL_EXPANDED``)."""
    return any(char in text for char in SHELL_EXPANDED)


def _where(argument: str, field: str) -> str:
    return f"{argument}.{field}" if argument else field


def default_metaflow_webhook_url(namespace: str) -> str:
    """The in-cluster URL of Metaflow's webhook EventSource in ``namespace``.

    Metaflow itself has no default for ``METAFLOW_ARGO_EVENTS_WEBHOOK_URL``; this follows the metaflow-tools
    deployments: EventSource ``argo-events-webhook``, port 12000, endpoint ``/metaflow-event``.
    """
    validate_dns_label(namespace, "namespace")
    return DEFAULT_METAFLOW_WEBHOOK_URL.format(namespace=namespace)


def validate_flow_name(flow: object, argument: str = "flow") -> None:
    """Raise unless ``flow`` can be a Metaflow flow: an ASCII class name giving a non-empty Argo name.

    The 45-character limit of ``argo-workflows create`` only applies to flows outside a ``@project`` that are
    deployed without ``--name``, so ``workflow_template_name`` enforces it, not this function.
    """
    fix = "give the flow's class name as written in `class MyFlow(FlowSpec)`, e.g. 'IngestFlow'"
    if not isinstance(flow, str) or not flow:
        raise BlueprintInputError(argument, "must be a non-empty string", fix)
    if not flow.isidentifier() or keyword.iskeyword(flow):
        raise BlueprintInputError(argument, f"{flow!r} is not a Python class name", fix)
    if not flow.isascii():
        raise BlueprintInputError(
            argument,
            f"{flow!r} has non-ASCII characters, which Metaflow copies into an Argo Workflows name that "
            "Kubernetes rejects",
            "rename the flow class using ASCII letters, digits and underscores",
        )
    if not any(char.isalnum() for char in flow):
        raise BlueprintInputError(
            argument,
            f"{flow!r} has no letter or digit, so Metaflow would derive an empty Argo Workflows name",
            "rename the flow class to include letters",
        )


def validate_project_name(project: object, argument: str = "project") -> None:
    """Raise unless ``project`` is a valid ``@project(name=...)``: 1-128 of ``a-z``, ``0-9`` and ``_``."""
    if not isinstance(project, str) or not project:
        raise BlueprintInputError(argument, "@project needs a name", "give the name used in @project(name=...)")
    if _PROJECT_INVALID_CHAR.search(project):
        raise BlueprintInputError(
            argument,
            f"{project!r} is not a valid @project name (only lower-case letters, digits and underscores)",
            "use the exact name from @project(name=...); Metaflow rejects any other character",
        )
    if len(project) > PROJECT_NAME_MAX:
        raise BlueprintInputError(
            argument,
            f"{project!r} is {len(project)} characters, over Metaflow's {PROJECT_NAME_MAX}",
            "use the exact (shorter) name from @project(name=...)",
        )


def validate_branch_name(branch: object, argument: str = "branch") -> None:
    """Raise unless ``branch`` is a valid ``--branch``: 1-128 of ``a-z``, ``0-9`` and ``_``.

    Metaflow silently ignores an empty ``--branch`` (deploying to ``user.<user>``); this rejects it instead.
    """
    if not isinstance(branch, str):
        raise BlueprintInputError(argument, "must be a string", "give the value passed to --branch")
    if not branch:
        raise BlueprintInputError(
            argument,
            "is empty; Metaflow ignores an empty --branch and deploys to the user branch",
            "omit `branch` (and set `user`) or give the value passed to --branch",
        )
    if _PROJECT_INVALID_CHAR.search(branch):
        raise BlueprintInputError(
            argument,
            f"{branch!r} is not a valid branch name (only lower-case letters, digits and underscores)",
            "use the exact value passed to --branch; Metaflow rejects any other character",
        )
    if len(branch) > PROJECT_NAME_MAX:
        raise BlueprintInputError(
            argument,
            f"{branch!r} is {len(branch)} characters, over Metaflow's {PROJECT_NAME_MAX}",
            "use the exact (shorter) value passed to --branch",
        )


def validate_parameter_name(name: object, argument: str) -> None:
    """Raise unless ``name`` is a ``Parameter(name=...)`` that Metaflow can deploy to Argo Workflows.

    Checks Argo's parameter-name rule (``[-a-zA-Z0-9_]+``), the ``--<name>`` option Metaflow derives (its
    ``-`` -> ``_``, lower-cased form must be a Python identifier), Metaflow's reserved names (also when they
    differ only in case or ``-``/``_``, since Metaflow reads the value back under that normalised key) and
    ``script``, which Argo Workflows reserves.
    """
    fix = "use the name given to Parameter(name=...) in the flow"
    if not isinstance(name, str) or not name:
        raise BlueprintInputError(argument, "must be a non-empty parameter name", fix)
    if not _ARGO_PARAMETER_NAME.fullmatch(name):
        raise BlueprintInputError(
            argument,
            f"{name!r} is not a valid parameter name (Argo Workflows allows letters, digits, '_' and '-')",
            fix,
        )
    option = name.replace("-", "_").lower()
    if not option.isidentifier():
        raise BlueprintInputError(
            argument,
            f"{name!r} cannot be a Metaflow parameter: its command-line option --{name} maps to {option!r}, "
            "which is not a Python identifier",
            "parameter names must not start with a digit",
        )
    if option in METAFLOW_RESERVED_PARAMETER_NAMES:
        raise BlueprintInputError(
            argument,
            f"{name!r} is a reserved word in Metaflow and cannot name a Parameter",
            "rename the parameter in the flow and here",
        )
    if name.lower() in _ARGO_RESERVED_PARAMETERS:
        raise BlueprintInputError(
            argument,
            f"{name!r} is a reserved parameter name when running on Argo Workflows",
            "rename the parameter in the flow and here",
        )


def validate_event_name(event: object, argument: str = "event") -> str:
    """Return ``event`` if Metaflow accepts it in ``@trigger(event=...)``: letters, digits, ``_ . -``."""
    if not isinstance(event, str) or not event:
        raise BlueprintInputError(argument, "must be a non-empty event name", 'give the name in @trigger(event="...")')
    if not _EVENT_NAME.fullmatch(event):
        raise BlueprintInputError(
            argument,
            f"{event!r} is not a valid Metaflow event name (only letters, digits, '_', '-' and '.')",
            'use the exact name from @trigger(event="...")',
        )
    return event


def validate_template_name(name: object, argument: str = "template_name") -> str:
    """Return ``name`` if it can name an existing WorkflowTemplate (a Kubernetes DNS-1123 subdomain)."""
    return validate_dns_subdomain(name, argument)


def _check_bool(value: object, argument: str) -> None:
    if not isinstance(value, bool):
        raise BlueprintInputError(argument, "must be true or false", "pass a boolean")


def _sanitize_for_argo(text: str) -> str:
    """Mirror of ``sanitize_for_argo`` in ``argo_workflows_cli.py``."""
    sanitized = _LEADING_NON_ALNUM.sub("", text).replace("_", "").replace("@", "").replace("+", "").lower()
    return _AROUND_DOT.sub(".", sanitized)


def _short_hash(text: str) -> str:
    return base64.b32encode(hashlib.sha1(text.encode("utf-8")).digest()).decode("ascii")[:5].lower()


def _shorten_project_name(project: str, branch_name: str, flow: str, full_name: str) -> str:
    """Mirror of the ``len(workflow_name) > limit`` branch of ``resolve_workflow_name_v2`` for projects."""
    parts = [project, branch_name, flow]
    max_name_len = WORKFLOW_NAME_LIMIT - 6
    min_each = 7
    total_len = sum(len(p) for p in parts)
    remaining = max_name_len - 3 * min_each
    extras = [int(remaining * len(p) / total_len) for p in parts]
    while sum(extras) < remaining:
        extras[extras.index(min(extras))] += 1
    proj_budget, branch_budget, flow_budget = (min_each + e for e in extras)
    if len(project) <= proj_budget:
        proj_str = project
    else:
        head = proj_budget // 2
        proj_str = project[:head] + project[-(proj_budget - head) :]
    branch_str = branch_name[:branch_budget]
    if len(flow) <= flow_budget:
        flow_str = flow
    else:
        head = flow_budget // 2
        flow_str = flow[:head] + flow[-(flow_budget - head) :]
    descriptive = _sanitize_for_argo(f"{proj_str}.{branch_str}.{flow_str}")
    return f"{descriptive}-{_short_hash(full_name)}"


def project_branch_name(branch: str | None = None, production: bool = False, user: str | None = None) -> str:
    """The ``@project`` branch Metaflow deploys to (``format_name``): ``user.<user>``, ``test.<branch>``,
    ``prod`` or ``prod.<branch>``. Expects already-validated inputs."""
    if branch:
        return f"prod.{branch}" if production else f"test.{branch}"
    if production:
        return "prod"
    return f"user.{user}"


def workflow_template_name(
    flow: str,
    project: str | None = None,
    branch: str | None = None,
    production: bool = False,
    user: str | None = None,
    *,
    argument: str = "",
) -> str:
    """The WorkflowTemplate name ``python flow.py [--branch B] [--production] argo-workflows create`` deploys.

    Without ``project`` the name is the flow name, lower-cased with ``_``, ``@`` and ``+`` removed; Metaflow
    refuses to deploy flow names over 45 characters (this raises). With ``project`` it is
    ``<project>.<branch>.<flow>`` sanitised the same way, shortened with a hash when over 45 characters
    (Metaflow's shortened names forget the two dots in their budget, so they can reach 47).
    ``user`` is the deploying user (``METAFLOW_OWNER`` when set, else Metaflow's user name) and is only used
    for a ``@project`` flow deployed with neither ``branch`` nor ``production``, where it is required.
    ``argument`` prefixes the argument names in errors (e.g. ``targets[0].flow``).
    """
    validate_flow_name(flow, _where(argument, "flow"))
    _check_bool(production, _where(argument, "production"))
    if project is None:
        for field, given in (("branch", branch is not None), ("production", production)):
            if given:
                raise BlueprintInputError(
                    _where(argument, field),
                    f"only applies to @project flows; without @project Metaflow has no --{field} option",
                    f"set `project` to the flow's @project name, or drop `{field}`",
                )
        if len(flow) > WORKFLOW_NAME_LIMIT:
            raise BlueprintInputError(
                _where(argument, "flow"),
                f"{flow!r} is {len(flow)} characters; `argo-workflows create` refuses flow names over "
                f"{WORKFLOW_NAME_LIMIT} characters outside a @project",
                "shorten the flow class name, add @project to the flow, or deploy it with "
                "`argo-workflows --name <name> create` and give that name as `template_name`",
            )
        name = flow
    else:
        validate_project_name(project, _where(argument, "project"))
        if branch is not None:
            validate_branch_name(branch, _where(argument, "branch"))
        elif not production and (not isinstance(user, str) or not user):
            raise BlueprintInputError(
                _where(argument, "user"),
                "is required for a @project flow deployed with neither --branch nor --production, "
                "whose branch is user.<user>",
                "set `user` to the deploying user (METAFLOW_OWNER, else the Metaflow user name), "
                "or set `branch`/`production` as used with `argo-workflows create`",
            )
        branch_name = project_branch_name(branch, production, user)
        name = f"{project}.{branch_name}.{flow}"
        if len(name) > WORKFLOW_NAME_LIMIT:
            name = _shorten_project_name(project, branch_name, flow, name)
    if not _ARGO_VALID_NAME.search(name):
        name = _sanitize_for_argo(name)
    if not name or not DNS1123_SUBDOMAIN.fullmatch(name):
        culprit = "user" if project is not None and branch is None and not production else "flow"
        raise BlueprintInputError(
            _where(argument, culprit),
            f"Metaflow would deploy this flow as {name!r}, which is not a valid Kubernetes name",
            "use a user name of ASCII letters, digits, '.', '-', '_', '@' and '+' only"
            if culprit == "user"
            else "rename the flow",
        )
    return name
