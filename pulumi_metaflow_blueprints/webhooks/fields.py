"""Fields of an Argo webhook event (`{header, body, metadata}`), with `header.<Name>` resolving to its first value."""

import re
from collections.abc import Iterable

from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, SourceField, array_index
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "BODY",
    "HEADER",
    "HEADER_PREFIX",
    "MASKED_HEADERS",
    "WebhookFieldCatalog",
    "canonical_header",
    "webhook_catalog",
]

BODY = EventPath(("body",))
HEADER = EventPath(("header",))
HEADER_PREFIX = "header."
MASKED_HEADERS = frozenset({"Authorization"})
"""Argo Events replaces these headers' values before the Sensor sees them."""
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+^_`|~-]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def canonical_header(name: str) -> str:
    """A header name as Go's `textproto.CanonicalMIMEHeaderKey` writes it (`x-foo-id` -> `X-Foo-Id`); a name holding
    a character no header name may have is left as it is, as Go leaves it."""
    if not _HEADER_NAME.fullmatch(name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


class WebhookFieldCatalog(FieldCatalog):
    """A catalog that also resolves `header.<Name>` (Argo delivers each header as a list: `header.<Name>.0`)."""

    def resolve(self, reference: object, argument: str) -> EventPath:
        """Like `FieldCatalog.resolve`, plus `header.<Name>` and `header.<Name>.<index>`."""
        if not isinstance(reference, str) or not reference.startswith(HEADER_PREFIX):
            return super().resolve(reference, argument)
        name, _, index = reference[len(HEADER_PREFIX) :].partition(".")
        position = array_index(index) if index else 0
        if not _TOKEN.fullmatch(name) or position is None:
            raise BlueprintInputError(
                argument,
                f"{reference!r} is not a header reference",
                "write `header.<Name>`, e.g. `header.X-Request-Id`",
            )
        canonical = canonical_header(name)
        if canonical in MASKED_HEADERS:
            raise BlueprintInputError(
                argument,
                f"Argo Events masks the {canonical} header before the Sensor sees it",
                "send the value in another header or in the body",
            )
        return HEADER.child(canonical, position)


def webhook_catalog(source: str, fields: Iterable[SourceField] = ()) -> WebhookFieldCatalog:
    """``fields`` plus `body` (the JSON body, reachable inside) and `header` (request headers)."""
    checked = FieldCatalog.of(
        source,
        [
            *fields,
            SourceField("body", BODY, "The request body (JSON); `body.<path>` reaches inside.", json_object=True),
            SourceField(
                "header",
                HEADER,
                "Request headers; `header.<Name>` is the first value of one (names are case-insensitive).",
                json_object=True,
            ),
        ],
    )
    return WebhookFieldCatalog(checked.source, checked.fields)
