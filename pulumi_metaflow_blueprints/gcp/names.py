"""GCP naming rules (projects, Pub/Sub, service accounts, buckets) and the default names, known at preview."""

import re

import pulumi

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import stable_hash

__all__ = [
    "ACCOUNT_ID",
    "BUCKET",
    "DEAD_LETTER_SUFFIX",
    "KMS_KEY",
    "PROJECT_ID",
    "PROJECT_NUMBER",
    "PUBSUB_NAME",
    "PUBSUB_NAME_MAX",
    "TOPIC_ID",
    "check_account_id",
    "check_bucket_name",
    "check_kms_key",
    "check_project_id",
    "check_project_number",
    "check_pubsub_name",
    "check_topic_id",
    "dead_letter_name",
    "default_account_id",
    "resolve_project",
    "stack_stem",
]

PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
PROJECT_NUMBER = re.compile(r"^[1-9][0-9]{0,18}$")
PUBSUB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._~+%-]{2,254}$")
TOPIC_ID = re.compile(r"^projects/([^/]+)/topics/([^/]+)$")
KMS_KEY = re.compile(r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$")
ACCOUNT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")
DEAD_LETTER_SUFFIX = "-dead-letter"
PUBSUB_NAME_MAX = 255 - len(DEAD_LETTER_SUFFIX)


def _matching(value: object, pattern: re.Pattern[str], argument: str, what: str, fix: str) -> str:
    """``value`` when ``pattern`` matches all of it, else the error saying it is not ``what``."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise BlueprintInputError(argument, f"{value!r} is not {what}", fix)
    return value


def check_project_id(value: object, argument: str) -> str:
    """A project id: 6-30 lower-case letters, digits and hyphens, starting with a letter, not ending with '-'."""
    fix = "use the project id (6-30 of a-z 0-9 '-', starting with a letter), not its name or number"
    return _matching(value, PROJECT_ID, argument, "a Google Cloud project id", fix)


def resolve_project(value: str | None) -> str:
    """The explicit project, else the stack's `gcp:project`, checked; it must be known at preview."""
    chosen = value or pulumi.Config("gcp").get("project")
    if not chosen:
        raise BlueprintInputError("project", "is not set and the stack has no `gcp:project`", "pass `project`")
    return check_project_id(chosen, "project")


def check_project_number(value: object, argument: str) -> str:
    """A project number (digits, as a string)."""
    text = str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not PROJECT_NUMBER.fullmatch(text):
        raise BlueprintInputError(
            argument, f"{value!r} is not a project number", "give the digits, e.g. '123456789012'"
        )
    return text


def check_pubsub_name(value: object, argument: str, max_length: int = PUBSUB_NAME_MAX) -> str:
    """A topic or subscription name: a letter, then letters, digits, `-_.~+%`; no `goog` prefix."""
    fix = f"use 3-{max_length} of A-Z a-z 0-9 - _ . ~ + %, starting with a letter and not with 'goog'"
    if not isinstance(value, str) or not PUBSUB_NAME.fullmatch(value) or len(value) > max_length:
        raise BlueprintInputError(argument, f"{value!r} is not a valid Pub/Sub name", fix)
    if value.lower().startswith("goog"):
        raise BlueprintInputError(argument, f"{value!r} starts with 'goog', which Pub/Sub reserves", fix)
    return value


def check_topic_id(value: object, argument: str = "topic") -> tuple[str, str]:
    """`projects/<project>/topics/<topic>`, split into (project, topic)."""
    match = TOPIC_ID.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise BlueprintInputError(
            argument, f"{value!r} is not a topic id", "give `projects/<project id>/topics/<topic name>`"
        )
    project = check_project_id(match.group(1), argument)
    return project, check_pubsub_name(match.group(2), argument, 255)


def check_kms_key(value: object, argument: str) -> str:
    """A Cloud KMS crypto key resource name."""
    fix = "give projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>"
    return _matching(value, KMS_KEY, argument, "a Cloud KMS key name", fix)


def check_account_id(value: object, argument: str) -> str:
    """A service account id: 6-30 lower-case letters, digits and '-', starting with a letter."""
    fix = "use 6-30 of a-z 0-9 '-', starting with a letter and ending with a letter or digit"
    return _matching(value, ACCOUNT_ID, argument, "a service account id", fix)


def check_bucket_name(value: object, argument: str = "bucket") -> str:
    """Cloud Storage bucket naming rules."""
    fix = "use 3-63 of a-z 0-9 - _ . (up to 222 with dots, 63 per part), starting and ending with a letter or digit"
    if not isinstance(value, str) or not BUCKET.fullmatch(value) or ".." in value:
        raise BlueprintInputError(argument, f"{value!r} is not a valid Cloud Storage bucket name", fix)
    if ("." not in value and len(value) > 63) or any(len(part) > 63 for part in value.split(".")):
        raise BlueprintInputError(argument, f"{value!r} is too long", fix)
    dotted_ip = re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+", value)
    if dotted_ip or value.startswith("goog") or "google" in value or "g00gle" in value:
        raise BlueprintInputError(argument, f"{value!r} uses a form Cloud Storage forbids", fix)
    return value


def stack_stem(base: str) -> str:
    """`<project>-<stack>-<base>` as a Pub/Sub name, shortened stably to leave room for `-dead-letter`."""
    raw = re.sub(r"[^A-Za-z0-9._~+%-]", "-", f"{pulumi.get_project()}-{pulumi.get_stack()}-{base}")
    if not raw[0].isalpha() or raw.lower().startswith("goog"):
        raw = f"mf-{raw}"
    if len(raw) <= PUBSUB_NAME_MAX:
        return raw
    digest = stable_hash(raw)
    return f"{raw[: PUBSUB_NAME_MAX - len(digest) - 1]}-{digest}"


def default_account_id(base: str) -> str:
    """`mf-<base>-<hash of project/stack/base>`, at most 30 characters, unique per stack."""
    digest = stable_hash(f"{pulumi.get_project()}/{pulumi.get_stack()}/{base}", 6)
    head = f"mf-{base}"[: 30 - len(digest) - 1].rstrip("-")
    return f"{head}-{digest}"


def dead_letter_name(name: str) -> str:
    """The dead-letter topic's (and its subscription's) name."""
    return f"{name}{DEAD_LETTER_SUFFIX}"
