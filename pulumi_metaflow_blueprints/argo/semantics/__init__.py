"""Offline evaluation of Argo Events v1.9 Sensor semantics, for showing what a sample event does to a Sensor.

Mirrors in pure Python what the Sensor does with one event:

* gjson path reads (``gjson.GetBytes``, :mod:`.gjson`) and sjson writes (``sjson.SetBytes`` / ``SetRawBytes``,
  :mod:`.sjson`), with Go regular expressions translated to Python (:mod:`.goregexp`);
* dependency filters (``pkg/sensors/dependencies/filter.go``, :mod:`.filters`): data, expr (govaluate,
  :mod:`.govaluate`), context, time, and how ``dataLogicalOperator`` / ``exprLogicalOperator`` /
  ``filtersLogicalOperator`` combine them;
* trigger parameters (``pkg/sensors/triggers/params.go``, :mod:`.parameters`): ``ResolveParamValue``,
  ``ApplyParams``, ``ConstructPayload``, including Go-template ``dataTemplate`` / ``contextTemplate`` (a small
  subset of ``text/template`` + sprig, :mod:`.gotemplate`);
* the events themselves and the data EventSources put in them (:mod:`.events`).

Nothing here guesses: whatever falls outside the modelled subset (gjson modifiers, Go regexp features without a
Python equivalent, govaluate arithmetic, template functions outside the subset, Lua scripts, ...) comes back with
the outcome/status ``"unsupported"`` and a message saying what was not modelled.
"""

from pulumi_metaflow_blueprints.argo.semantics.events import (
    DEFAULT_EVENT_ID,
    make_event,
    pubsub_event_data,
    sqs_event_data,
    webhook_event_data,
)
from pulumi_metaflow_blueprints.argo.semantics.filters import (
    FilterGroupResult,
    FilterKind,
    FilterResult,
    FiltersResult,
    Outcome,
    evaluate_context_filter,
    evaluate_data_filter,
    evaluate_data_filters,
    evaluate_dependency,
    evaluate_expr_filter,
    evaluate_expr_filters,
    evaluate_filters,
    evaluate_time_filter,
)
from pulumi_metaflow_blueprints.argo.semantics.gjson import GjsonResult, GjsonType, gjson_get
from pulumi_metaflow_blueprints.argo.semantics.goregexp import GoRegexp, compile_go_regexp
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import TemplateResult, render_go_template
from pulumi_metaflow_blueprints.argo.semantics.govaluate import ExprValue, evaluate_expression
from pulumi_metaflow_blueprints.argo.semantics.parameters import (
    ApplyResult,
    ParameterApplication,
    ParamOrigin,
    ParamValue,
    PayloadResult,
    apply_parameters,
    construct_payload,
    resolve_param_value,
)
from pulumi_metaflow_blueprints.argo.semantics.sjson import SjsonResult, sjson_set

__all__ = [
    "DEFAULT_EVENT_ID",
    "ApplyResult",
    "ExprValue",
    "FilterGroupResult",
    "FilterKind",
    "FilterResult",
    "FiltersResult",
    "GjsonResult",
    "GjsonType",
    "GoRegexp",
    "Outcome",
    "ParamOrigin",
    "ParamValue",
    "ParameterApplication",
    "PayloadResult",
    "SjsonResult",
    "TemplateResult",
    "apply_parameters",
    "compile_go_regexp",
    "construct_payload",
    "evaluate_context_filter",
    "evaluate_data_filter",
    "evaluate_data_filters",
    "evaluate_dependency",
    "evaluate_expr_filter",
    "evaluate_expr_filters",
    "evaluate_expression",
    "evaluate_filters",
    "evaluate_time_filter",
    "gjson_get",
    "make_event",
    "pubsub_event_data",
    "render_go_template",
    "resolve_param_value",
    "sjson_set",
    "sqs_event_data",
    "webhook_event_data",
]
