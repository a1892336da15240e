"""Hypothesis strategies for tests/test_fuzz_inputs.py: each blueprint's canonical args with 1-3 hostile mutations.

A mutation replaces any value (however deep) with a hostile or mistyped one, deletes a key or list item, misspells a
key, wraps a value in a list, turns a list into an object or back, sets an unset optional field, appends an item to
a list, or makes a value a Pulumi Output. Values for a field are drawn from its declared type: plausible ones (every
value the canonical and reference args use for a field of that name) and hostile ones.
"""

import collections.abc
import copy
import enum
import inspect
import math
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pulumi
from hypothesis import strategies as st
from typing_extensions import NotRequired, Required

from pulumi_metaflow_blueprints.aws import DynamoDBTableTrigger, S3ObjectTrigger, SnsTopicTrigger, SqsQueueTrigger
from pulumi_metaflow_blueprints.core.arguments import args_type
from pulumi_metaflow_blueprints.gcp import PubSubTrigger, StorageObjectTrigger
from pulumi_metaflow_blueprints.snowflake import TableChangeTrigger
from pulumi_metaflow_blueprints.webhooks import DbtCloudJobTrigger, FivetranSyncTrigger, WebhookTrigger
from tests import (
    test_aws_dynamodb,
    test_aws_sns,
    test_aws_sqs,
    test_gcp_pubsub,
    test_gcp_storage,
    test_s3_blueprint,
    test_snowflake_table_change,
    test_webhook_dbt,
    test_webhook_fivetran,
    test_webhook_trigger,
)

__all__ = [
    "BLUEPRINTS",
    "FUZZ_TALLY",
    "Blueprint",
    "Case",
    "OutputOf",
    "cases",
    "fields_of",
    "materialized",
]

Path = tuple[str | int, ...]

FUZZ_TALLY: dict[str, Counter[str]] = {}
"""Per blueprint: cases run and how each ended (printed by tests/conftest.py)."""

HOSTILE_STRINGS: list[Any] = [
    "orders\n", " orders", "orders ", "", " ", "\t", "x" * 300, "a" * 64, "\u0661\u0662\u0663", "orders\x00",
    "{{ .Input }}", "$(id)", "`x`", '"q"', "'q'", "../", "a..b", "ORDERS", "Orders", "*", "a/b", "a.b", "-a", "a-",
    "_a", "a b", "é", "\\", "${aws:username}", "%2e%2e", "<x>", "0", "1e3", "true", "null", "arn:aws:sqs:*:*:*",
    "arn:aws:iam::*:root", "allUsers", "projects/*/topics/*", "a" * 41, "x.y/z", "\u200b",
]  # fmt: skip
HOSTILE_NUMBERS: list[Any] = [2**63, 2**31, -1, 0, math.nan, math.inf, -math.inf, 1.5, 1e300, True, False, "5"]
HOSTILE_OTHER: list[Any] = [None, [], {}, [None], {"": ""}, b"bytes", ["a", 1]]
HOSTILE_ANY: list[Any] = HOSTILE_STRINGS + HOSTILE_NUMBERS + HOSTILE_OTHER
BENIGN_STRINGS = ["orders", "a", "x-y", "data/", "body.kind", "key", "OrderFlow", "10s", "hooks.example.com"]
BENIGN_INTS = [1, 5, 10, 60, 600, 86400, 604800]


@dataclass(frozen=True)
class OutputOf:
    """Stands for `pulumi.Output.from_input(value)` (an Output can only be made inside a running program)."""

    value: Any

    def __repr__(self) -> str:
        return f"Output({self.value!r})"


def materialized(value: Any) -> Any:
    """``value`` with every `OutputOf` made a real Output (call inside the program)."""
    if isinstance(value, OutputOf):
        return pulumi.Output.from_input(materialized(value.value))
    if isinstance(value, dict):
        return {key: materialized(item) for key, item in value.items()}
    if isinstance(value, list):
        return [materialized(item) for item in value]
    return value


@dataclass(frozen=True)
class Blueprint:
    """One blueprint: its canonical args (from its tests), the stack config it needs, and reference variants.

    The references are other valid args (identity modes, customer keys, existing queues, ...): a mutation may
    reach them, so the grants they produce bound what a mutated run may grant, together with the canonical one.
    """

    component: type
    base: Callable[..., dict[str, Any]]
    config: dict[str, str]
    references: tuple[dict[str, Any], ...] = ()

    @property
    def name(self) -> str:
        return self.component.__name__

    @property
    def hint(self) -> type:
        return args_type(self.component)

    def canonical(self) -> dict[str, Any]:
        return copy.deepcopy(self.base())

    def variants(self) -> list[dict[str, Any]]:
        """The canonical args, then each reference override applied to them."""
        return [self.canonical(), *(self.base(**copy.deepcopy(overrides)) for overrides in self.references)]


AWS = {"aws:region": "us-west-2"}
GCP = {"gcp:project": "acme-data"}
AWS_ROLE = "arn:aws:iam::111122223333:role/team/argo-events-reader"
AWS_KEY = "arn:aws:kms:us-west-2:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BOUNDARY = "arn:aws:iam::000000000000:policy/boundary"
AWS_IDENTITIES = (
    {"identity": {"mode": "pod-identity", "cluster_name": "ml-platform"}},
    {"identity": {"mode": "role-arn", "role_arn": AWS_ROLE}},
    {"identity": {"mode": "irsa", "oidc_provider_arn": test_aws_sqs.aws.OIDC, "permissions_boundary_arn": BOUNDARY}},
    {"queue": {"kms_master_key_id": AWS_KEY}},
    {
        "alarms": {
            "topic_arn": "arn:aws:sns:us-west-2:000000000000:oncall",
            "period_seconds": 300,
            "evaluation_periods": 3,
        }
    },
)
OTHER_QUEUE = test_aws_sqs.OTHER_QUEUE_ARN
GCP_KEY = "projects/acme-sec/locations/europe-west1/keyRings/pubsub/cryptoKeys/orders"
GSA = {"mode": "google-service-account", "service_account_id": "orders-reader"}
WIP = {"mode": "workload-identity-principal", "cluster_project": "acme-gke", "cluster_project_number": "123456789012"}
GCP_ALARMS = {
    "alarms": {"notification_channels": ["projects/acme-data/notificationChannels/42"], "duration_seconds": 120}
}

SIGNATURE = {"header": "X-Hub-Signature-256", "prefix": "sha256=", "algorithm": "sha512", "encoding": "base64"}
VERIFIER = {
    "image": "registry.example.com/python:3.12-slim@sha256:" + "ab" * 32,
    "replicas": 3,
    "network_policy": True,
    "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "256Mi"}},
}
"""Verifying-receiver settings the webhook blueprints' references use (issue 17)."""

BLUEPRINTS = [
    Blueprint(
        S3ObjectTrigger,
        test_s3_blueprint.base_args,
        AWS,
        (*AWS_IDENTITIES, {"bucket_account_id": "444455556666"}, {"delivery": "eventbridge"}),
    ),
    Blueprint(
        SqsQueueTrigger,
        test_aws_sqs.base_args,
        AWS,
        (
            *AWS_IDENTITIES,
            {"senders": [test_aws_sqs.PRODUCER, "444455556666"]},
            {"existing_queue": test_aws_sqs.OTHER_QUEUE_URL},
            {
                "existing_queue": OTHER_QUEUE,
                "existing_queue_kms_key_arn": AWS_KEY.replace("000000000000", "444455556666"),
            },
            {"existing_queue": OTHER_QUEUE, "identity": {"mode": "role-arn", "role_arn": AWS_ROLE}},
            {"existing_queue": OTHER_QUEUE, "identity": {"mode": "pod-identity", "cluster_name": "ml-platform"}},
        ),
    ),
    Blueprint(SnsTopicTrigger, test_aws_sns.base_args, AWS, AWS_IDENTITIES),
    Blueprint(DynamoDBTableTrigger, test_aws_dynamodb.base_args, AWS, AWS_IDENTITIES),
    Blueprint(
        PubSubTrigger,
        test_gcp_pubsub.base_args,
        GCP,
        (
            {"identity": GSA},
            {"identity": WIP},
            {"topic": None, "new_topic": {"name": "orders-in", "kms_key_name": GCP_KEY}},
            {"project": "acme-other"},
            GCP_ALARMS,
        ),
    ),
    Blueprint(
        StorageObjectTrigger,
        test_gcp_storage.base_args,
        GCP,
        (
            {"identity": GSA},
            {"identity": WIP},
            {"bucket_project": "acme-lake"},
            {"topic": {"kms_key_name": GCP_KEY}},
            GCP_ALARMS,
        ),
    ),
    Blueprint(
        WebhookTrigger,
        test_webhook_trigger.base_args,
        {},
        (
            {"auth": "secret-path"},
            {"signature": SIGNATURE, "verifier": VERIFIER},
            {"signature": {"header": "X-Signature", "secret_name": "hook-keys", "secret_key": "orders"}},
        ),
    ),
    Blueprint(DbtCloudJobTrigger, test_webhook_dbt.base_args, {}, ({"auth": "signature", "verifier": VERIFIER},)),
    Blueprint(FivetranSyncTrigger, test_webhook_fivetran.base_args, {}, ({"auth": "signature"},)),
    Blueprint(
        TableChangeTrigger,
        test_snowflake_table_change.base_args,
        {},
        (
            {"role": {"parent_role": "SYSADMIN"}},
            {"role": {"parent_role": "DATA_ENG", "name": "ORDERS_TASK_ROLE"}},
            {"role": {"parent_role": "SYSADMIN"}, "objects_database": "OPS", "objects_schema": "TRIGGERS"},
        ),
    ),
]


@dataclass
class Case:
    """Mutated args and the mutations that made them (for failure reports)."""

    args: dict[str, Any]
    mutations: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Case(mutations={self.mutations}, args={self.args!r})"


# --- type hints along a path ------------------------------------------------------------------------------------


def fields_of(hint: Any) -> dict[str, Any]:
    """A TypedDict's field -> type, NotRequired/Required and `pulumi.Input[T]` unwrapped (to T)."""
    result: dict[str, Any] = {}
    for key, annotation in hint.__annotations__.items():
        origin = typing.get_origin(annotation)
        if origin is NotRequired or origin is Required:
            annotation = typing.get_args(annotation)[0]
        result[key] = plain_type(annotation)
    return result


def plain_type(hint: Any) -> Any:
    """T for `pulumi.Input[T]` (a Union with an Awaitable), else ``hint``."""
    arguments = typing.get_args(hint) if typing.get_origin(hint) is typing.Union else ()
    if any(typing.get_origin(arg) is collections.abc.Awaitable for arg in arguments):
        return next(arg for arg in arguments if inspect.isclass(arg) and arg is not type(None))
    return hint


def child_hint(hint: Any, key: str | int) -> Any:
    """The type of ``key`` inside a value of type ``hint`` (None when unknown, e.g. under a misspelled key)."""
    if hint is None:
        return None
    if typing.is_typeddict(hint):
        return fields_of(hint).get(str(key))
    origin = typing.get_origin(hint)
    if origin is list and isinstance(key, int):
        return typing.get_args(hint)[0]
    if origin is dict and isinstance(key, str):
        return typing.get_args(hint)[1]
    return None


def hint_at(hint: Any, path: Path) -> Any:
    for key in path:
        hint = child_hint(hint, key)
    return hint


def nodes(value: Any, path: Path = ()) -> Iterator[Path]:
    """The path of every value inside ``value`` (not ``value`` itself)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from nodes(item, (*path, index))


def get(value: Any, path: Path) -> Any:
    for key in path:
        value = value[key]
    return value


def shown(path: Path) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "args"


# --- plausible values per field name -----------------------------------------------------------------------------


def plausible_pool() -> dict[str, list[Any]]:
    """Field name -> every scalar and map key the canonical and reference args use under that name."""
    pool: dict[str, set[Any]] = {}

    def walk(value: Any, name: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str | int | float | bool | enum.Enum):
                    scalar = item.value if isinstance(item, enum.Enum) else item
                    pool.setdefault(key, set()).add(scalar)
                if isinstance(item, dict):
                    pool.setdefault(f"{key}.keys", set()).update(k for k in item if isinstance(k, str))
                walk(item, key)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str | int):
                    pool.setdefault(name, set()).add(item)
                walk(item, name)

    for blueprint in BLUEPRINTS:
        for args in blueprint.variants():
            walk(args, "")
    return {key: sorted(values, key=repr) for key, values in pool.items()}


POOL = plausible_pool()


ALL_STRINGS = sorted({v for values in POOL.values() for v in values if isinstance(v, str)})
"""Every plausible string of every field: well-formed, but perhaps meant for another field."""
STRING_MISSES: list[Callable[[str], str]] = [
    lambda s: s + "*", lambda s: "*" + s, lambda s: s[:-1] + "*", lambda s: s + "?", lambda s: s + "\n",
    lambda s: " " + s, lambda s: s + " ", lambda s: s.upper(), lambda s: s.capitalize(), lambda s: s + "/../x",
    lambda s: s + "..", lambda s: s.replace("-", "_"), lambda s: s.replace("-", "."), lambda s: s + "-",
    lambda s: "-" + s, lambda s: s * 4, lambda s: s + "a" * 70, lambda s: s[: len(s) // 2], lambda s: s + ":",
    lambda s: s + "/", lambda s: s.replace(":", "::"), lambda s: s + "$(id)", lambda s: s + "{{x}}",
    lambda s: s + "é", lambda s: s + "\x00", lambda s: s.replace("1", "\u0661"), lambda s: s + "${aws:userid}",
    lambda s: s.replace(".", ".."), lambda s: s + "\"", lambda s: s.replace("/", "//"), lambda s: s.lower(),
]  # fmt: skip
"""Near misses of a plausible string: one character class or one edge away from valid."""
INT_MISSES: list[Callable[[int], int]] = [
    lambda v: v - 1, lambda v: v + 1, lambda v: v * 1000, lambda v: -v, lambda v: v * 2**32, lambda v: v // 2,
]  # fmt: skip


def near_miss(name: str) -> st.SearchStrategy[str]:
    """A plausible value for the field ``name`` (or any string) changed one hostile way."""
    known = [v for v in POOL.get(name, []) if isinstance(v, str)] or BENIGN_STRINGS
    return st.builds(lambda value, miss: miss(value), st.sampled_from(known), st.sampled_from(STRING_MISSES))


# --- value strategies by type ------------------------------------------------------------------------------------


def hostile() -> st.SearchStrategy[Any]:
    """Any hostile value (a fresh copy: a mutation may change it in place later)."""
    return st.sampled_from(HOSTILE_ANY).map(copy.deepcopy)


def value_for(hint: Any, name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    """A value for a field ``name`` of type ``hint``: half plausible, a quarter well-typed but hostile, a quarter
    hostile of any type."""
    if hint is None:
        return hostile()
    return st.one_of(
        plausible(hint, name, depth), plausible(hint, name, depth), typed_hostile(hint, name, depth), hostile()
    )


def plausible(hint: Any, name: str, depth: int) -> st.SearchStrategy[Any]:
    """A well-typed value like the canonical ones (for a field of this name, when any args set one)."""
    known = [v for v in POOL.get(name, []) if _fits(v, hint)]
    if typing.is_typeddict(hint):
        return _typeddict(hint, depth, plausible)
    origin = typing.get_origin(hint)
    if origin is list:
        return st.lists(plausible(typing.get_args(hint)[0], name, depth + 1), min_size=1, max_size=3)
    if origin is dict:
        keys = st.sampled_from([*POOL.get(f"{name}.keys", []), *BENIGN_STRINGS])
        return st.dictionaries(keys, plausible(typing.get_args(hint)[1], name, depth + 1), max_size=3)
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return st.sampled_from([member.value for member in hint])
    scalars = {str: BENIGN_STRINGS, int: BENIGN_INTS, float: [0.5, 1.0, 2, 2.5], bool: [True, False]}
    if known:
        return st.sampled_from(known)
    return st.sampled_from(scalars[hint]) if hint in scalars else hostile()


def typed_hostile(hint: Any, name: str, depth: int) -> st.SearchStrategy[Any]:
    """A value of the declared type that is hostile inside: odd strings, huge or negative numbers, odd keys."""
    if typing.is_typeddict(hint):
        return _typeddict(hint, depth, value_for)
    origin = typing.get_origin(hint)
    if origin is list:
        return st.lists(value_for(typing.get_args(hint)[0], name, depth + 1), max_size=3)
    if origin is dict:
        keys = st.sampled_from(HOSTILE_STRINGS)
        return st.dictionaries(keys, value_for(typing.get_args(hint)[1], name, depth + 1), min_size=1, max_size=2)
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        members = [member.value for member in hint]
        return st.sampled_from([*(m.upper() for m in members), *(f"{m} " for m in members), *HOSTILE_STRINGS])
    if hint is str:
        return st.one_of(st.sampled_from(HOSTILE_STRINGS), near_miss(name), st.sampled_from(ALL_STRINGS))
    if hint is int:
        extremes = st.sampled_from([2**63, 2**31, 2**31 - 1, 10**12, -1, 0, -(2**63)])
        known = [v for v in POOL.get(name, []) if type(v) is int] or BENIGN_INTS
        return st.one_of(extremes, st.builds(lambda v, f: f(v), st.sampled_from(known), st.sampled_from(INT_MISSES)))
    if hint is float:
        return st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e300, 2**63])
    return hostile()


def _fits(value: Any, hint: Any) -> bool:
    if hint in (str, int, float, bool):
        return type(value) is hint
    return False


def _typeddict(hint: Any, depth: int, values: Callable[..., st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    if depth > 2:
        return st.just({})
    fields = fields_of(hint)
    required = set(getattr(hint, "__required_keys__", ()))
    optional = {key: values(kind, key, depth + 1) for key, kind in fields.items() if key not in required}
    mandatory = {key: values(kind, key, depth + 1) for key, kind in fields.items() if key in required}
    return st.fixed_dictionaries(mandatory, optional=optional)


# --- mutations ---------------------------------------------------------------------------------------------------


def misspellings(key: str) -> st.SearchStrategy[str]:
    """Drop, swap or double a letter, change case, or camelCase the key."""
    variants = {key[:i] + key[i + 1 :] for i in range(len(key))}
    variants |= {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(len(key) - 1)}
    variants |= {key[:i] + key[i] + key[i:] for i in range(len(key))}
    variants |= {key.upper(), key.capitalize(), key.replace("_", "-")}
    parts = key.split("_")
    variants.add(parts[0] + "".join(part.capitalize() for part in parts[1:]))
    variants.discard(key)
    return st.sampled_from(sorted(variants) or [key + "x"])


@st.composite
def mutate(draw: st.DrawFn, args: dict[str, Any], hint: Any) -> str:
    """Apply one mutation to ``args`` in place; return what it did."""
    paths = list(nodes(args))
    operation = draw(
        st.sampled_from(
            ["replace"] * 7 + ["add"] * 4 + ["append"] * 2 + ["delete"] * 2 + ["misspell"] * 2 + ["wrap"] * 2
            + ["reshape", "output", "output"]
        )
    )  # fmt: skip
    if operation == "add":
        return draw(_add(args, hint, paths))
    if operation == "append":
        lists = [p for p in paths if isinstance(get(args, p), list)]
        if lists:
            path = draw(st.sampled_from(lists))
            item_hint = child_hint(hint_at(hint, path), 0)
            item = draw(value_for(item_hint, str(path[-1]))) if item_hint is not None else draw(hostile())
            get(args, path).append(item)
            return f"append to {shown(path)}: {item!r}"
        operation = "replace"
    path = draw(st.sampled_from(paths))
    parent, key = get(args, path[:-1]), path[-1]
    if operation == "replace":
        typed = hint_at(hint, path)
        value = draw(value_for(typed, str(key)) if typed is not None and draw(st.booleans()) else hostile())
        parent[key] = value
        return f"replace {shown(path)} with {value!r}"
    if operation == "delete":
        del parent[key]
        return f"delete {shown(path)}"
    if operation == "misspell" and isinstance(key, str):
        wrong = draw(misspellings(key))
        parent[wrong] = parent.pop(key)
        return f"rename {shown(path)} to {wrong!r}"
    if operation == "reshape" and isinstance(parent[key], dict | list):
        value = parent[key]
        parent[key] = list(value.values()) if isinstance(value, dict) else {str(i): v for i, v in enumerate(value)}
        return f"reshape {shown(path)} to a {type(parent[key]).__name__}"
    if operation == "output":
        parent[key] = OutputOf(parent[key])
        return f"make {shown(path)} an Output"
    parent[key] = [parent[key]]
    return f"wrap {shown(path)} in a list"


@st.composite
def _add(draw: st.DrawFn, args: dict[str, Any], hint: Any, paths: list[Path]) -> str:
    """Set a field a TypedDict declares but the args leave unset."""
    holes = [
        (path, key, kind)
        for path in [(), *paths]
        if isinstance(get(args, path), dict) and typing.is_typeddict(hint_at(hint, path))
        for key, kind in fields_of(hint_at(hint, path)).items()
        if key not in get(args, path)
    ]
    if not holes:
        return "add nothing (every field set)"
    path, key, kind = draw(st.sampled_from(holes))
    value = draw(value_for(kind, key))
    get(args, path)[key] = value
    return f"set {shown((*path, key))} to {value!r}"


@st.composite
def cases(draw: st.DrawFn, blueprint: Blueprint) -> Case:
    """The blueprint's canonical args with one to three mutations."""
    case = Case(blueprint.canonical())
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        case.mutations.append(draw(mutate(case.args, blueprint.hint)))
    return case
