"""Kubernetes naming: DNS-1123/1035 names, labels, Go durations, and stable, length-limited child names.

Every pattern here matches a whole string (`fullmatch`): `$` alone would let a trailing newline through."""

import hashlib
import re

from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "BASE_MAX",
    "DNS1035_LABEL",
    "DNS1123_SUBDOMAIN",
    "LABEL_MAX",
    "SUBDOMAIN_MAX",
    "check_go_duration",
    "check_labels",
    "check_qualified_name",
    "child_name",
    "go_duration_seconds",
    "is_label_value",
    "stable_hash",
    "to_dns_label",
    "validate_dns1035_label",
    "validate_dns_label",
    "validate_dns_subdomain",
]

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_LABEL_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
"""The name part of a label or annotation key, and a non-empty label value (Kubernetes' qualified name rule)."""
_GO_DURATION = re.compile(r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+|[+-]?0")
"""What Go's `time.ParseDuration` accepts (Argo parses `retryStrategy.duration` with it when a trigger fails)."""
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]*)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
LABEL_MAX = 63
SUBDOMAIN_MAX = 253
# Argo Events derives "<eventsource>-eventsource-svc" and "<sensor>-sensor-<hash>" objects from our
# names; keeping our bases at 40 characters leaves room for those suffixes inside 63.
BASE_MAX = 40
_NOT_IN_LABEL = re.compile(r"[^a-z0-9-]+")
_DASHES = re.compile(r"-{2,}")


def validate_dns_label(value: object, argument: str) -> str:
    """Return ``value`` if it is a DNS-1123 label (namespaces, service accounts, ports' names)."""
    if not isinstance(value, str) or not value:
        raise BlueprintInputError(argument, "must be a non-empty string", "give a lower-case DNS-1123 label")
    if len(value) > LABEL_MAX:
        raise BlueprintInputError(argument, f"{value!r} is {len(value)} characters, over {LABEL_MAX}", "shorten it")
    if not _DNS1123_LABEL.fullmatch(value):
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a DNS-1123 label",
            "use lower-case letters, digits and '-', starting and ending with a letter or digit",
        )
    return value


def validate_dns_subdomain(value: object, argument: str) -> str:
    """Return ``value`` if it is a DNS-1123 subdomain (names of most Kubernetes objects)."""
    if not isinstance(value, str) or not value:
        raise BlueprintInputError(argument, "must be a non-empty string", "give a DNS-1123 subdomain")
    if len(value) > SUBDOMAIN_MAX or not DNS1123_SUBDOMAIN.fullmatch(value):
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a DNS-1123 subdomain",
            "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
        )
    return value


def validate_dns1035_label(value: str, argument: str, fix: str) -> str:
    """Return ``value`` if it is a DNS-1035 label (Service names: a letter first, at most 63 characters)."""
    if len(value) > LABEL_MAX or not DNS1035_LABEL.fullmatch(value):
        raise BlueprintInputError(argument, f"{value!r} is not a DNS-1035 label (a Service name)", fix)
    return value


def check_qualified_name(key: str, argument: str) -> None:
    """A label or annotation key: `[<DNS-1123 subdomain>/]<name>`, name at most 63 characters."""
    prefix, slash, name = key.rpartition("/")
    valid = len(name) <= LABEL_MAX and _LABEL_NAME.fullmatch(name) is not None
    if slash:
        valid = valid and len(prefix) <= SUBDOMAIN_MAX and DNS1123_SUBDOMAIN.fullmatch(prefix) is not None
    if not valid:
        raise BlueprintInputError(
            argument,
            f"{key!r} is not a valid key",
            "use `[prefix/]name`: a DNS subdomain prefix, a name of up to 63 letters, digits, '-', '_', '.' "
            "starting and ending with a letter or digit",
        )


def is_label_value(value: str) -> bool:
    """Whether ``value`` is a non-empty Kubernetes label value (63 characters at most)."""
    return len(value) <= LABEL_MAX and _LABEL_NAME.fullmatch(value) is not None


def check_labels(labels: dict[str, str], argument: str, reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """Kubernetes labels: valid keys (none of ``reserved``, which the blueprint sets) and values."""
    for key, value in labels.items():
        where = f"{argument}.{key}"
        check_qualified_name(key, where)
        if key in reserved:
            fix = f"drop it (the blueprint sets {', '.join(sorted(reserved))})"
            raise BlueprintInputError(where, "is set by the blueprint", fix)
        if value and not is_label_value(value):
            raise BlueprintInputError(
                where,
                f"{value!r} is not a valid label value",
                "use up to 63 letters, digits, '-', '_', '.', starting and ending with a letter or digit (or empty)",
            )
    return dict(labels)


def go_duration_seconds(value: str) -> float | None:
    """Seconds in ``value`` as Go's `time.ParseDuration` reads it, or None where Go refuses it."""
    if not _GO_DURATION.fullmatch(value):
        return None
    sign = -1.0 if value.startswith("-") else 1.0
    total = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(value))
    return None if total * 1e9 > 2**63 - 1 else sign * total


def check_go_duration(value: str, argument: str, maximum_seconds: float = 86400) -> str:
    """A positive duration of at most ``maximum_seconds``, as Go's `time.ParseDuration` reads it (`10s`, `1m30s`)."""
    seconds = go_duration_seconds(value)
    if seconds is None or not 0 < seconds <= maximum_seconds:
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a Go duration between 1ns and {maximum_seconds:g}s",
            "write e.g. `10s`, `1m30s` or `500ms` (units ns, us, ms, s, m, h)",
        )
    return value


def stable_hash(text: str, length: int = 8) -> str:
    """A short hex digest that is the same on every run and machine."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def to_dns_label(text: str, max_length: int = LABEL_MAX) -> str:
    """Turn any text into a DNS-1123 label; when shortened or altered, a stable hash keeps it unique."""
    cleaned = _NOT_IN_LABEL.sub("-", text.lower()).strip("-")
    cleaned = _DASHES.sub("-", cleaned)
    if cleaned == text and len(cleaned) <= max_length:
        return cleaned
    digest = stable_hash(text)
    keep = max_length - len(digest) - 1
    head = cleaned[:keep].rstrip("-")
    return f"{head}-{digest}" if head else digest


def child_name(base: str, suffix: str, max_length: int = LABEL_MAX) -> str:
    """``<base>-<suffix>`` as a DNS-1123 label, shortened stably when too long."""
    return to_dns_label(f"{base}-{suffix}" if suffix else base, max_length)
