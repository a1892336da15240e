"""The first check every blueprint runs: its args against their TypedDict, before any value is read.

Every key must be declared (a misspelling gets a did-you-mean), every required key present, every value of its
declared type: `str`, a whole number for `int`, a finite number for `float`, `bool`, an enum value, a list, a
string-keyed map or a nested TypedDict. Pulumi Outputs are refused except where a field is typed
`pulumi.Input[...]`, saying why the value must be known when the program runs (`plain_because` records a field's
reason). The result is a normalised copy: optional keys given as `None` dropped, whole floats (how numbers arrive
through the provider) turned into ints, enum values into members. `blueprint_inputs` runs it and names the
component instance in every error raised inside its block.

A field that accepts an Output is checked by `checked_when_known`: a plain value at once, an Output when it
resolves (inside `apply`, where the same `BlueprintInputError`, naming the component instance, fails the
deployment). `when_known` derives a value from such a field the same way.
"""

import collections.abc
import difflib
import enum
import functools
import inspect
import math
import typing
from collections.abc import Callable, Generator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeGuard, TypeVar

import pulumi
from typing_extensions import NotRequired, Required

from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError

__all__ = ["blueprint_inputs", "check_shape", "checked_when_known", "plain_because", "when_known"]

ArgsT = TypeVar("ArgsT")
T = TypeVar("T")
R = TypeVar("R")
PLAN_TIME = "blueprints check it, and the names and Argo Events specs it shapes, before creating anything"
"""Why a field not typed `pulumi.Input[...]` must be a plain value, unless `plain_because` says more."""
_PLAIN_BECAUSE: dict[tuple[type, str], str] = {}
_INSTANCE: ContextVar[tuple[str, str] | None] = ContextVar("blueprint_instance", default=None)
"""(component, resource name) of the `blueprint_inputs` block running, for errors raised later inside `apply`."""


@contextmanager
def blueprint_inputs(component: type, name: object, args: ArgsT) -> Generator[ArgsT, None, None]:
    """Check ``args`` against ``component``'s args TypedDict and yield the normalised copy; any
    `BlueprintInputError` or `ArgoSpecError` raised inside the block leaves naming the component instance."""
    title = component.__name__
    token = _INSTANCE.set((title, str(name)))
    try:
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise BlueprintInputError(
                "name", f"{name!r} is not a resource name", "give a non-empty string without surrounding spaces"
            )
        yield check_shape(args, args_type(component), "")
    except (BlueprintInputError, ArgoSpecError) as error:
        raise error.in_component(title, str(name)) from None
    finally:
        _INSTANCE.reset(token)


def plain_because(typed_dict: type, **reasons: str) -> None:
    """Record why fields of ``typed_dict`` must be known when the program runs (field=reason); the error for an
    Output given there says so."""
    for field, reason in reasons.items():
        if field not in typed_dict.__annotations__:
            raise TypeError(f"{typed_dict.__name__} has no field {field!r}")
        _PLAIN_BECAUSE[(typed_dict, field)] = reason


def checked_when_known(value: pulumi.Input[T], check: Callable[[T], object]) -> pulumi.Input[T]:
    """``value`` once ``check`` accepts it: a plain value now, an Output when it resolves (its checked copy, inside
    `apply`: the check's `BlueprintInputError` then fails the deployment, naming the component instance of the
    enclosing `blueprint_inputs` block). Use the result, not ``value``, wherever the value goes."""
    if not _is_output(value):
        check(typing.cast(T, value))
        return value
    instance = _INSTANCE.get()

    def checked(known: T) -> T:
        try:
            check(known)
        except (BlueprintInputError, ArgoSpecError) as error:
            raise (error.in_component(*instance) if instance else error) from None
        return known

    return pulumi.Output.from_input(value).apply(checked)


def when_known(value: pulumi.Input[T], derive: Callable[[T], R]) -> R | pulumi.Output[R]:
    """``derive(value)``: at once for a plain value, inside `apply` for an Output (never create resources in it)."""
    if _is_output(value):
        return pulumi.Output.from_input(value).apply(derive)
    return derive(typing.cast(T, value))


def args_type(component: type) -> type:
    """The TypedDict annotating ``component.__init__``'s ``args``."""
    hint = inspect.get_annotations(component.__init__).get("args")  # type: ignore[misc]
    if not typing.is_typeddict(hint):
        raise TypeError(f"{component.__name__}.__init__ must annotate `args` with a TypedDict")
    return typing.cast(type, hint)


def check_shape(value: Any, hint: Any, path: str) -> Any:
    """``value`` checked against type ``hint`` and normalised; ``path`` names it in errors ("" for the args)."""
    if type(value) in _PLAIN_TYPES and hint in _SCALARS:  # the commonest case, answered before `_is_output`
        return _SCALARS[hint](value, path)
    if _is_output(value) and not _accepts_output(hint):
        raise _output_refused(path or "args", PLAN_TIME)
    if hint in _SCALARS:  # the most common hints, first
        return _SCALARS[hint](value, path)
    if _accepts_output(hint):
        return value if _is_output(value) else check_shape(value, _input_inner(hint), path)
    if typing.is_typeddict(hint):
        return _check_typeddict(value, hint, path)
    origin = typing.get_origin(hint)
    if origin is list:
        return _check_list(value, typing.get_args(hint)[0], path)
    if origin is dict:
        return _check_map(value, typing.get_args(hint)[1], path)
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return _check_enum(value, hint, path)
    if hint is Any:
        return value
    raise TypeError(f"no shape check for {hint!r} at {path!r}")


def _is_map(value: object) -> TypeGuard[Mapping[object, object]]:
    return type(value) is dict or isinstance(value, Mapping)  # a dict first: no ABC instance check


def _is_sequence(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return isinstance(value, list | tuple)


def _check_typeddict(value: object, hint: type, path: str) -> dict[str, Any]:
    if not _is_map(value):
        raise _wrong_type(path or "args", value, f"an object ({hint.__name__})")
    fields = _fields(hint)
    result: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{path}.{key!s}" if path else str(key)  # `_join`, inlined: this loop runs for every argument
        if not isinstance(key, str) or key not in fields:
            raise _unknown_key(where, key, hint, fields)
        field_hint, required = fields[key]
        if item is None and not required:
            continue
        if item is None:
            raise BlueprintInputError(where, "is required and was given None", _describe_fix(field_hint))
        output = _is_output(item)
        if output and not _accepts_output(field_hint):
            raise _output_refused(where, _PLAIN_BECAUSE.get((hint, key), PLAN_TIME))
        if field_hint in _SCALARS and not output:  # what `check_shape` would do, without asking `_is_output` again
            result[key] = _SCALARS[field_hint](item, where)
        else:
            result[key] = check_shape(item, field_hint, where)
    for key, (field_hint, required) in fields.items():
        if required and key not in result:
            raise BlueprintInputError(_join(path, key), "is required", _describe_fix(field_hint))
    return result


def _output_refused(path: str, why: str) -> BlueprintInputError:
    return BlueprintInputError(
        path,
        f"is a Pulumi Output, but this value must be known when the program runs: {why}",
        "pass a plain value (e.g. from config), not another resource's output",
    )


@functools.cache
def _fields(hint: type) -> dict[str, tuple[Any, bool]]:
    """Field -> (type, required), reading NotRequired/Required wrappers (total TypedDicts)."""
    fields: dict[str, tuple[Any, bool]] = {}
    for key, annotation in hint.__annotations__.items():  # not get_type_hints: Input[T] holds a forward reference
        origin = typing.get_origin(annotation)
        if origin is NotRequired or origin is Required:
            fields[key] = (typing.get_args(annotation)[0], origin is Required)
        else:
            fields[key] = (annotation, key in getattr(hint, "__required_keys__", ()))
    return fields


def _unknown_key(where: str, key: object, hint: type, fields: Mapping[str, object]) -> BlueprintInputError:
    known = sorted(fields)
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    fix = f"did you mean `{close[0]}`?" if close else f"use one of: {', '.join(known)}"
    return BlueprintInputError(where, f"is not an argument of {hint.__name__}", fix)


def _check_list(value: object, item_hint: Any, path: str) -> list[Any]:
    if isinstance(value, str | bytes | Mapping) or not _is_sequence(value):
        raise _wrong_type(path, value, f"a list of {_describe(item_hint)}")
    return [check_shape(item, item_hint, f"{path}[{index}]") for index, item in enumerate(value)]


def _check_map(value: object, item_hint: Any, path: str) -> dict[str, Any]:
    if not _is_map(value):
        raise _wrong_type(path, value, f"an object mapping names to {_describe(item_hint)}")
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _wrong_type(f"{path} key", key, "a string")
        result[key] = check_shape(item, item_hint, _join(path, key))
    return result


def _check_enum(value: Any, hint: type[enum.Enum], path: str) -> enum.Enum:
    try:
        return hint(value)
    except (ValueError, TypeError):
        choices = ", ".join(repr(member.value) for member in hint)
        raise BlueprintInputError(path, f"{value!r} is not a {hint.__name__}", f"use one of {choices}") from None


def _check_str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(path, value, "a string")
    return value


def _check_int(value: Any, path: str) -> int:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(path, value, "a whole number")
    return value


def _check_float(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _wrong_type(path, value, "a finite number")
    return float(value)


def _check_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(path, value, "true or false")
    return value


_SCALARS: dict[Any, Any] = {str: _check_str, int: _check_int, float: _check_float, bool: _check_bool}
_NAMES: dict[object, str] = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def _wrong_type(path: str, value: Any, expected: str) -> BlueprintInputError:
    shown = repr(value) if len(repr(value)) <= 60 else f"{repr(value)[:57]}..."
    return BlueprintInputError(path, f"must be {expected}, got {type(value).__name__} {shown}", f"give {expected}")


def _describe(hint: Any) -> str:
    if typing.is_typeddict(hint):
        return f"objects ({hint.__name__})"
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return f"{hint.__name__} values"
    plural: dict[object, str] = {str: "strings", int: "whole numbers", float: "numbers", bool: "booleans"}
    return plural.get(hint, "values")


def _describe_fix(hint: Any) -> str:
    if typing.is_typeddict(hint):
        return f"give an object ({hint.__name__})"
    origin = typing.get_origin(hint)
    if origin is list:
        return f"give a list of {_describe(typing.get_args(hint)[0])}"
    if origin is dict:
        return f"give an object mapping names to {_describe(typing.get_args(hint)[1])}"
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return "use one of " + ", ".join(repr(member.value) for member in hint)
    return f"give {_NAMES.get(hint, 'a value')}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_output(value: Any) -> bool:
    if type(value) in _PLAIN_TYPES:
        return False
    return isinstance(value, pulumi.Output) or inspect.isawaitable(value)


_PLAIN_TYPES = frozenset({str, int, float, bool, dict, list, tuple, type(None)})
"""Types of most argument values, which are neither Outputs nor awaitable (`_is_output` answers them first)."""


@functools.cache
def _accepts_output(hint: Any) -> bool:
    """Whether ``hint`` is `pulumi.Input[T]` (a Union of T, Awaitable[T] and Output[T])."""
    return typing.get_origin(hint) is typing.Union and any(
        typing.get_origin(arg) is collections.abc.Awaitable for arg in typing.get_args(hint)
    )


def _input_inner(hint: Any) -> Any:
    """T of `pulumi.Input[T]`."""
    plain = [arg for arg in typing.get_args(hint) if inspect.isclass(arg) and arg is not type(None)]
    return plain[0] if plain else Any
