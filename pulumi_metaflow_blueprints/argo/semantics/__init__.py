"""Offline evaluation of Argo Events v1.9 Sensor semantics, for showing what a sample event does to a Sensor.

Mirrors in pure Python what the Sensor does with one event, for what the blueprints emit:

* gjson path reads (``gjson.GetBytes``, :mod:`.gjson`) and sjson writes (``sjson.SetBytes`` / ``SetRawBytes``,
  :mod:`.sjson`), with Go regular expressions (RE2, :mod:`.goregexp`);
* dependency filters (``pkg/sensors/dependencies/filter.go``, :mod:`.filters`): string data filters joined by
  ``dataLogicalOperator`` — the only filter kind any blueprint emits;
* trigger parameters (``pkg/sensors/triggers/params.go``, :mod:`.parameters`): ``ResolveParamValue``,
  ``ApplyParams``, ``ConstructPayload``, including Go-template ``dataTemplate`` / ``contextTemplate`` (a subset of
  ``text/template`` + sprig, :mod:`.gotemplate`);
* the events themselves (:mod:`.events`); what each EventSource kind puts in them is declared by its source
  package (`registry`).

Nothing here guesses: whatever falls outside the modelled subset comes back with the outcome/status
``"unsupported"`` and a message saying what was not modelled. Every module is checked against the real Go
libraries by the tests' oracle (``tests/oracle/``).
"""

from pulumi_metaflow_blueprints.argo.semantics.events import DEFAULT_EVENT_ID, go_json_loads, make_event
from pulumi_metaflow_blueprints.argo.semantics.filters import (
    FilterResult,
    FiltersResult,
    Outcome,
    evaluate_data_filter,
    evaluate_dependency,
)
from pulumi_metaflow_blueprints.argo.semantics.gjson import GjsonResult, GjsonType, gjson_get
from pulumi_metaflow_blueprints.argo.semantics.goregexp import GoRegexp, compile_go_regexp
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import TemplateResult, render_go_template
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
    "evaluate_data_filter",
    "evaluate_dependency",
    "gjson_get",
    "go_json_loads",
    "make_event",
    "render_go_template",
    "resolve_param_value",
    "sjson_set",
]
