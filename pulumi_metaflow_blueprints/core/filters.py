"""Sensor data filters: always anchored, so a value matches whole or not at all."""

import re
from collections.abc import Sequence
from typing import Any

from pulumi_metaflow_blueprints.core.args import FieldFilter
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog
from pulumi_metaflow_blueprints.errors import BlueprintInputError


def exact(values: Sequence[str]) -> str:
    """An anchored regular expression matching exactly one of ``values``."""
    return "^(?:" + "|".join(re.escape(v) for v in values) + ")$"


def anchored(pattern: str) -> str:
    """``pattern`` anchored at both ends (Argo matches string filters unanchored)."""
    return f"^(?:{pattern})$"


def string_filter(path: EventPath, regex: str) -> dict[str, Any]:
    """An Argo data filter on a string value at ``path``."""
    return {"path": path.gjson, "type": "string", "value": [regex]}


def user_filters(filters: Sequence[FieldFilter] | None, catalog: FieldCatalog, argument: str) -> list[dict[str, Any]]:
    """Turn the user's field filters into anchored Argo data filters."""
    rendered: list[dict[str, Any]] = []
    for index, item in enumerate(filters or []):
        where = f"{argument}[{index}]"
        path = catalog.resolve(item.get("field", ""), f"{where}.field")
        equals, pattern = item.get("equals"), item.get("pattern")
        if (equals is None) == (pattern is None):
            raise BlueprintInputError(where, "must set exactly one of `equals` and `pattern`", "keep one of them")
        if equals is not None:
            if isinstance(equals, str) or not equals or not all(isinstance(v, str) for v in equals):
                raise BlueprintInputError(f"{where}.equals", "must be a non-empty list of strings", "list the values")
            rendered.append(string_filter(path, exact(equals)))
            continue
        assert pattern is not None
        try:
            re.compile(pattern)
        except re.error as error:
            raise BlueprintInputError(
                f"{where}.pattern", f"is not a valid regular expression ({error})", "fix the pattern"
            ) from None
        rendered.append(string_filter(path, anchored(pattern)))
    return rendered
