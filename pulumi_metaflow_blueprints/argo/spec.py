"""Argo Events objects as data: the event a Sensor receives, and typed readers for objects read back.

What this package checks or simulates may have any shape (a Sensor of the user's own program, an event file), so it
is read as ``Mapping[str, object]`` and narrowed where used: ``is_mapping``/``is_array`` are the type guards,
``mapping``/``items`` the lenient readers (empty when the value is not of that kind).
"""

from collections.abc import Mapping
from typing import TypedDict, TypeGuard

__all__ = ["ArgoEvent", "EventContext", "is_array", "is_dict", "is_list", "is_mapping", "items", "mapping"]


class EventContext(TypedDict):
    """The CloudEvents context Argo puts in each event (``pkg/apis/events/event-data.go`` ``EventContext``)."""

    id: str
    source: str
    specversion: str
    type: str
    datacontenttype: str
    subject: str
    time: str


class ArgoEvent(TypedDict):
    """An event as a Sensor receives it: ``{"context": {...}, "data": ...}`` (data: the EventSource's payload)."""

    context: EventContext
    data: object


def is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    """Whether ``value`` is a mapping (a JSON object; keys are read as strings)."""
    return type(value) is dict or isinstance(value, Mapping)  # a dict first: no ABC instance check


def is_dict(value: object) -> TypeGuard[dict[str, object]]:
    """Whether ``value`` is a dict (a JSON object as decoded, which can be changed in place)."""
    return isinstance(value, dict)


def is_list(value: object) -> TypeGuard[list[object]]:
    """Whether ``value`` is a list (a JSON array as decoded)."""
    return isinstance(value, list)


def is_array(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    """Whether ``value`` is a list or tuple (a JSON array)."""
    return isinstance(value, list | tuple)


def mapping(value: object) -> Mapping[str, object]:
    """``value`` if it is a mapping, else an empty one."""
    return value if is_mapping(value) else {}


def items(value: object) -> list[object]:
    """The items of ``value`` if it is a list or tuple, else none."""
    return list(value) if is_array(value) else []
