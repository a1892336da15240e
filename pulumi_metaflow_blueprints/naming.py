"""Kubernetes naming: DNS-1123 checks and stable, length-limited child names."""

import hashlib
import re

from pulumi_metaflow_blueprints.errors import BlueprintInputError

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_MAX = 63
SUBDOMAIN_MAX = 253
# Argo Events derives "<eventsource>-eventsource-svc" and "<sensor>-sensor-<hash>" objects from our
# names; keeping our bases at 40 characters leaves room for those suffixes inside 63.
BASE_MAX = 40


def validate_dns_label(value: str, argument: str) -> str:
    """Return ``value`` if it is a DNS-1123 label (namespaces, service accounts, ports' names)."""
    if not isinstance(value, str) or not value:
        raise BlueprintInputError(argument, "must be a non-empty string", "give a lower-case DNS-1123 label")
    if len(value) > LABEL_MAX:
        raise BlueprintInputError(argument, f"{value!r} is {len(value)} characters, over {LABEL_MAX}", "shorten it")
    if not DNS1123_LABEL.match(value):
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a DNS-1123 label",
            "use lower-case letters, digits and '-', starting and ending with a letter or digit",
        )
    return value


def validate_dns_subdomain(value: str, argument: str) -> str:
    """Return ``value`` if it is a DNS-1123 subdomain (names of most Kubernetes objects)."""
    if not isinstance(value, str) or not value:
        raise BlueprintInputError(argument, "must be a non-empty string", "give a DNS-1123 subdomain")
    if len(value) > SUBDOMAIN_MAX or not DNS1123_SUBDOMAIN.match(value):
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a DNS-1123 subdomain",
            "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
        )
    return value


def stable_hash(text: str, length: int = 8) -> str:
    """A short hex digest that is the same on every run and machine."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def to_dns_label(text: str, max_length: int = LABEL_MAX) -> str:
    """Turn any text into a DNS-1123 label; when shortened or altered, a stable hash keeps it unique."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    if cleaned == text and len(cleaned) <= max_length:
        return cleaned
    digest = stable_hash(text)
    keep = max_length - len(digest) - 1
    head = cleaned[:keep].rstrip("-")
    return f"{head}-{digest}" if head else digest


def child_name(base: str, suffix: str, max_length: int = LABEL_MAX) -> str:
    """``<base>-<suffix>`` as a DNS-1123 label, shortened stably when too long."""
    return to_dns_label(f"{base}-{suffix}" if suffix else base, max_length)
