"""Offline Argo Events semantics: gjson/sjson paths, data filters, Go templates and trigger parameters.

Examples come from the Argo Events docs (filters, parameterization), gjson's SYNTAX.md and sjson's README.
"""

from datetime import datetime, timezone

import pytest

from pulumi_metaflow_blueprints.argo.semantics import (
    apply_parameters,
    compile_go_regexp,
    construct_payload,
    evaluate_data_filter,
    evaluate_dependency,
    gjson_get,
    make_event,
    render_go_template,
    resolve_param_value,
    sjson_set,
)
from pulumi_metaflow_blueprints.aws.package import sqs_event_data
from pulumi_metaflow_blueprints.gcp.package import pubsub_event_data
from pulumi_metaflow_blueprints.webhooks.package import webhook_event_data
from tests.helpers import as_dict

# The sample document of gjson's README / SYNTAX.md.
GJSON_SAMPLE = {
    "name": {"first": "Tom", "last": "Anderson"},
    "age": 37,
    "children": ["Sara", "Alex", "Jack"],
    "fav.movie": "Deer Hunter",
    "friends": [
        {"first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]},
        {"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]},
        {"first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]},
    ],
}
NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


def webhook(body, **context):
    """A webhook event as the docs show it: data is {header, body}."""
    return make_event(
        webhook_event_data(body, header={"content-type": "application/json"}),
        source=context.get("source", "webhook"),
        type_="webhook",
        subject=context.get("subject", "example"),
        time=context.get("time", "2024-05-06T03:00:00Z"),
    )


def data_filter(path, type_, *values):
    return {"path": path, "type": type_, "value": list(values)}


# ---------------------------------------------------------------------------------------------------------------
# gjson
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("name.last", "Anderson"),
        ("name.first", "Tom"),
        ("age", 37),
        ("children", ["Sara", "Alex", "Jack"]),
        ("children.0", "Sara"),
        ("children.1", "Alex"),
        ("friends.1.first", "Roger"),
    ],
)
def test_gjson_basic_paths_from_syntax_doc(path, expected):
    result = gjson_get(GJSON_SAMPLE, path)
    assert result.exists and result.value == expected


@pytest.mark.parametrize(("path", "expected"), [("child*.2", "Jack"), ("c?ildren.0", "Sara")])
def test_gjson_wildcards_in_keys(path, expected):
    assert gjson_get(GJSON_SAMPLE, path).value == expected


def test_gjson_escaped_dot_reads_a_key_containing_a_dot():
    assert gjson_get(GJSON_SAMPLE, r"fav\.movie").value == "Deer Hunter"
    assert not gjson_get(GJSON_SAMPLE, "fav.movie").exists


def test_gjson_hash_gives_length_and_maps_over_elements():
    count = gjson_get(GJSON_SAMPLE, "friends.#")
    assert count.value == 3 and count.to_string() == "3" and count.raw == "3"  # gjson sets Raw for the count
    assert gjson_get(GJSON_SAMPLE, "friends.#.age").value == [44, 68, 47]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ('friends.#(last=="Murphy").first', "Dale"),
        ('friends.#(last=="Murphy")#.first', ["Dale", "Jane"]),
        ("friends.#(age>45)#.last", ["Craig", "Murphy"]),
        ('friends.#(first%"D*").last', "Murphy"),
        ('friends.#(first!%"D*").last', "Craig"),
        ('children.#(!%"*a*")', "Alex"),
        ('children.#(%"*a*")#', ["Sara", "Jack"]),
        ('friends.#(nets.#(=="fb"))#.first', ["Dale", "Roger"]),
        ("friends.#(last=Murphy).first", "Dale"),  # unquoted value, `=`: the form Metaflow uses in dest
    ],
)
def test_gjson_queries_from_syntax_doc(path, expected):
    result = gjson_get(GJSON_SAMPLE, path)
    assert result.exists and result.value == expected


@pytest.mark.parametrize(
    ("path", "exists", "expected"),
    [
        ('friends.#(last="Murphy")#|0', True, GJSON_SAMPLE["friends"][0]),
        ('friends.#(last="Murphy")#.0', True, []),
        ('friends.#(last="Murphy")#|#', True, 2),
        ('friends.#(last="Murphy")#.#', True, []),
        ('friends.#(last="Murphy")#|first', False, None),
        ("friends|0.first", True, "Dale"),
    ],
)
def test_gjson_dot_versus_pipe(path, exists, expected):
    result = gjson_get(GJSON_SAMPLE, path)
    assert result.exists is exists
    assert result.value == expected


@pytest.mark.parametrize(
    "path", ["name.middle", "children.3", "children.first", "age.years", "friends.#(age>99).first"]
)
def test_gjson_missing_paths_do_not_exist(path):
    result = gjson_get(GJSON_SAMPLE, path)
    assert not result.exists and result.unsupported is None and result.to_string() == ""


@pytest.mark.parametrize("path", ["children.@reverse", "{name.first,age}", "@this.age", "!true", "..0"])
def test_gjson_modifiers_multipaths_and_literals_are_unsupported(path):
    result = gjson_get(GJSON_SAMPLE, path)
    assert not result.exists
    assert result.unsupported


@pytest.mark.parametrize(
    ("value", "string", "type_"),
    [
        ("text", "text", "String"),
        (37, "37", "Number"),
        (1.5, "1.5", "Number"),
        (100.0, "100", "Number"),
        (1e21, "1000000000000000000000", "Number"),
        (12345678901234567890, "12345678901234567890", "Number"),
        (True, "true", "True"),
        (False, "false", "False"),
        (None, "", "Null"),
        ({"b": 1, "a": [1, "x"]}, '{"b":1,"a":[1,"x"]}', "JSON"),
    ],
)
def test_gjson_result_string_and_type_follow_gjson(value, string, type_):
    result = gjson_get({"v": value}, "v")
    assert result.to_string() == string
    assert result.type == type_


def test_gjson_float_and_bool_conversions():
    doc = {"n": "75", "word": "abc", "yes": "TRUE", "one": 1, "t": True}
    assert gjson_get(doc, "n").to_float() == 75.0
    assert gjson_get(doc, "word").to_float() == 0.0
    assert gjson_get(doc, "t").to_float() == 1.0
    assert gjson_get(doc, "yes").to_bool() is True
    assert gjson_get(doc, "one").to_bool() is True
    assert gjson_get(doc, "word").to_bool() is False


# ---------------------------------------------------------------------------------------------------------------
# sjson
# ---------------------------------------------------------------------------------------------------------------


def test_sjson_readme_examples():
    doc = {"name": {"first": "Janet", "last": "Prichard"}, "age": 47}
    assert sjson_set(doc, "name.last", "Anderson").document == {
        "name": {"first": "Janet", "last": "Anderson"},
        "age": 47,
    }
    assert doc["name"]["last"] == "Prichard"  # the input is not modified
    assert sjson_set(None, "name", "Tom").document == {"name": "Tom"}
    assert sjson_set(None, "name.last", "Anderson").document == {"name": {"last": "Anderson"}}
    assert sjson_set({"name": {"last": "Anderson"}}, "name.first", "Sara").document == {
        "name": {"last": "Anderson", "first": "Sara"}
    }


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("friends.2", ["Andy", "Carol", "Sara"]),
        ("friends.1", ["Andy", "Sara"]),
        ("friends.-1", ["Andy", "Carol", "Sara"]),
        ("friends.4", ["Andy", "Carol", None, None, "Sara"]),
        ("friends.#()#", ["Sara", "Sara"]),
    ],
)
def test_sjson_array_paths_from_readme(path, expected):
    result = sjson_set({"friends": ["Andy", "Carol"]}, path, "Sara")
    assert result.changed and result.document == {"friends": expected}


def test_sjson_colon_forces_an_object_key_and_creates_intermediates():
    assert sjson_set(None, "users.:2313.name", "Sara").document == {"users": {"2313": {"name": "Sara"}}}
    assert sjson_set({}, "a.b.0.c", "x").document == {"a": {"b": [{"c": "x"}]}}
    assert sjson_set({}, "a.-1", "x").document == {"a": ["x"]}
    assert sjson_set({"a": "scalar"}, "a.b", "x").document == {"a": {"b": "x"}}


def test_sjson_string_versus_raw_values():
    assert sjson_set({}, "n", "123").document == {"n": "123"}
    assert sjson_set({}, "n", "123", raw=True).document == {"n": 123}
    assert sjson_set({}, "o", '{"a":[1,true]}', raw=True).document == {"o": {"a": [1, True]}}
    assert sjson_set({}, "n", "not json", raw=True).error


def test_sjson_query_dest_like_metaflow_sets_the_named_parameter():
    workflow = {
        "spec": {"arguments": {"parameters": [{"name": "foo", "value": "null"}, {"name": "bar", "value": "1"}]}}
    }
    result = sjson_set(workflow, "spec.arguments.parameters.#(name=bar).value", "2")
    assert result.changed
    assert as_dict(result.document)["spec"]["arguments"]["parameters"] == [
        {"name": "foo", "value": "null"},
        {"name": "bar", "value": "2"},
    ]


def test_sjson_query_dest_that_matches_nothing_leaves_the_document_unchanged():
    workflow = {"spec": {"arguments": {"parameters": [{"name": "foo"}]}}}
    for path in ("spec.arguments.parameters.#(name=baz).value", "spec.arguments.parameters.#(name=foo).value"):
        result = sjson_set(workflow, path, "2")
        assert not result.changed and result.error is None
        assert result.document == workflow and "unchanged" in result.note


def test_sjson_errors():
    assert sjson_set({"a": [1]}, "a.b", "x").error == "cannot set array element for non-numeric key 'b'"
    assert sjson_set({}, "", "x").error == "path cannot be empty"
    assert sjson_set({"a": [1]}, "a.@reverse", "x").unsupported


# ---------------------------------------------------------------------------------------------------------------
# Go regexp
# ---------------------------------------------------------------------------------------------------------------


def test_go_regexp_match_is_unanchored():
    assert compile_go_regexp("labeled").search("unlabeled")
    assert not compile_go_regexp("^labeled$").search("unlabeled")
    assert compile_go_regexp("^labeled$").search("labeled")


def test_go_regexp_dollar_is_end_of_text_not_before_a_final_newline():
    assert not compile_go_regexp("^a$").search("a\n")
    assert compile_go_regexp("(?m)^a$").search("a\nb")


def test_go_regexp_classes_are_ascii_and_s_excludes_vertical_tab():
    assert not compile_go_regexp(r"^\d$").search("\u0663")  # ARABIC-INDIC DIGIT THREE
    assert not compile_go_regexp(r"\s").search("\v")
    assert compile_go_regexp(r"^[[:digit:]]+$").search("2024")
    assert compile_go_regexp(r"^\x{41}\QA.B\E$").search("AA.B")
    assert compile_go_regexp("a{,2}").search("a{,2}")  # Go reads `{,2}` literally
    assert compile_go_regexp(r"^\101\0$").search("A\x00")  # octal escapes


@pytest.mark.parametrize("pattern", ["(?=a)", r"(\w)\1x", "a**", "a*+", "[a", "(a", "a)", r"\Z", "a{1001}"])
def test_go_regexp_patterns_go_rejects_are_errors(pattern):
    regex = compile_go_regexp(pattern)
    assert regex.error and regex.unsupported is None, pattern


@pytest.mark.parametrize("pattern", ["(?<n>a)", r"\p{Letter}", r"\p{greek}", r"\p{Kawi}"])
def test_go_regexp_syntax_go_releases_disagree_on_is_unsupported(pattern):
    regex = compile_go_regexp(pattern)
    assert regex.unsupported and regex.error is None


def test_go_regexp_unicode_classes_and_case_folding():
    assert compile_go_regexp(r"^\p{Greek}+$").search("αβγ")
    assert compile_go_regexp("(?i)k").search("\u212a")  # KELVIN SIGN folds to k, as in Go
    assert compile_go_regexp(r"\p{Han}").unsupported_text("\U0002ebf0")  # Unicode 15.1: RE2 knows it, Go 1.26 not


# ---------------------------------------------------------------------------------------------------------------
# Data filters
# ---------------------------------------------------------------------------------------------------------------


def test_data_filter_docs_example_string_values_hello_or_hey():
    spec = data_filter("body.message", "string", "hello", "hey")
    rejected = evaluate_data_filter(spec, webhook({"message": "this is my first webhook"}))
    accepted = evaluate_data_filter(spec, webhook({"message": "hello"}))
    assert rejected.outcome == "fail" and rejected.outcome != "pass" and rejected.value == "this is my first webhook"
    assert accepted.outcome == "pass" and accepted.outcome == "pass"


def test_data_filter_string_values_are_unanchored_regexes():
    event = webhook({"action": "unlabeled"})
    unanchored = evaluate_data_filter(data_filter("body.action", "string", "labeled"), event)
    anchored = evaluate_data_filter(data_filter("body.action", "string", "^labeled$"), event)
    assert unanchored.outcome == "pass" and any("matched only part" in n for n in unanchored.notes)
    assert anchored.outcome != "pass"


def test_data_filter_missing_path_fails_with_an_error():
    result = evaluate_data_filter(data_filter("body.nope", "string", ".*"), webhook({"message": "hi"}))
    assert result.outcome == "error" and result.outcome != "pass" and "does not exist" in result.reason


def test_data_filter_comma_path_from_the_docs_does_not_exist():
    # gjson (1.14 and 1.19 alike) has no comma multipaths outside [...]/{...}: the comma is part of a key, so the
    # docs' example path reads key "action,body" in body, which is missing (the Go oracle agrees).
    spec = data_filter('body.action,body.labels.#(name=="Webhook").name', "string", '"opened","Webhook"')
    result = evaluate_data_filter(spec, webhook({"action": "opened", "labels": [{"name": "Webhook"}]}))
    assert result.outcome == "error" and result.outcome != "pass"


def test_dependency_checks_event_source_and_name_before_filters():
    dependency = {
        "name": "dep",
        "eventSourceName": "webhook",
        "eventName": "example",
        "filters": {"data": [data_filter("body.message", "string", "hello")]},
    }
    assert evaluate_dependency(dependency, webhook({"message": "hello"})).outcome == "pass"
    assert evaluate_dependency(dependency, webhook({"message": "hello"}, subject="other")).outcome == "fail"
    assert evaluate_dependency({**dependency, "transform": {"jq": "."}}, webhook({})).outcome == "unsupported"


def test_data_filters_combine_with_the_data_logical_operator():
    event = make_event({"a": "x", "b": {"d": "bye"}}, source="webhook", type_="webhook")
    filters = [data_filter("a", "string", "^y$"), data_filter("b.d", "string", "bye")]

    def outcome(operator, specs):
        return evaluate_dependency({"name": "d", "filters": {"data": specs, "dataLogicalOperator": operator}}, event)

    assert outcome("or", filters).outcome == "pass"
    assert outcome("and", filters).outcome == "fail"
    assert outcome("OR", filters).outcome == "fail"  # anything but "or" means "and"
    assert outcome("or", [data_filter("x", "string", "1")]).outcome == "error"  # only errors: an error
    assert outcome("and", []).outcome == "pass"


@pytest.mark.parametrize(
    "dependency",
    [
        {"filters": {"exprs": [{"expr": "a == 1", "fields": [{"name": "a", "path": "a"}]}]}},
        {"filters": {"context": {"source": "x"}}},
        {"filters": {"time": {"start": "00:00:00", "stop": "01:00:00"}}},
        {"filters": {"data": [{"path": "a", "type": "number", "value": ["1"]}]}},
        {"filters": {"data": [{"path": "a", "type": "string", "value": ["1"], "comparator": "!="}]}},
        {"filters": {"data": [{"path": "a", "type": "string", "value": ["1"], "template": "{{ .Input }}"}]}},
        {"filters": {"data": []}, "filtersLogicalOperator": "or"},
    ],
    ids=["expr", "context", "time", "number", "comparator", "template", "filters-operator"],
)
def test_filters_no_blueprint_emits_are_unsupported_not_guessed(dependency):
    assert evaluate_dependency({"name": "d", **dependency}, webhook({"a": 1})).outcome == "unsupported"


# ---------------------------------------------------------------------------------------------------------------
# Go templates
# ---------------------------------------------------------------------------------------------------------------


def render(template, input_, **kwargs):
    return render_go_template(template, {"Input": input_}, **kwargs)


def test_template_field_chains_and_missing_keys():
    assert render("{{ .Input.a.b }}", {"a": {"b": "x"}}).output == "x"
    assert render("{{ .Input.a.b }}", {"a": {}}).output == "<no value>"
    assert render("{{ .Input.missing.b }}", {}).output == "<no value>"
    assert render("{{ .Input.a }}", {"a": None}).output == "<no value>"  # nil through a pipeline is Go's invalid value
    assert render("{{ $a := .Input.a }}{{ $a.b }}", {"a": None}).output == "<no value>"
    assert render("{{ .Input.a.b }}", {"a": None}).status == "error"
    assert render("{{ .Input.a.b }}", {"a": "text"}).status == "error"
    assert render('{{ kindIs "invalid" .Input.nope }}|{{ kindIs "float64" .Input.n }}', {"n": 1}).output == "true|true"


def test_template_index_with_several_keys():
    data = {"body": {"items": [{"id": "first"}, {"id": "second"}]}}
    assert render('{{ index .Input "body" "items" 1 "id" }}', data).output == "second"
    assert render('{{ index .Input "body" "nope" }}', data).output == "<no value>"
    assert render('{{ index .Input "nope" "x" }}', data).status == "error"  # index of nil pointer
    assert render('{{ index .Input "body" "items" 5 }}', data).status == "error"


def test_template_pipelines_and_json_functions():
    data = {"o": {"b": 1, "a": "<x>"}, "n": 1000000, "m": 123456}
    assert render("{{ .Input.o | toJson }}", data).output == '{"a":"\\u003cx\\u003e","b":1}'
    assert render("{{ .Input.o | toRawJson }}", data).output == '{"a":"<x>","b":1}'
    assert render("{{ .Input.n }}", data).output == "1e+06"  # Go prints float64 like %v
    assert render("{{ .Input.m }}", data).output == "123456"
    assert render("{{ toJson .Input.n }}", data).output == "1000000"
    assert render('{{ "a" | toJson | toJson }}', data).output == '"\\"a\\""'


def test_template_trim_markers_variables_if_else():
    template = "  {{- $v := .Input.x -}}  {{ if $v }}yes:{{ $v }}{{ else }}no{{ end }} "
    assert render(template, {"x": "1"}).output == "yes:1 "
    assert render(template, {"x": ""}).output == "no "
    assert render("{{ if .Input.a }}A{{ else if .Input.b }}B{{ else }}C{{ end }}", {"b": True}).output == "B"
    assert render("{{-3}}", {}).output == "-3"


def test_template_in_the_shape_core_target_renders_for_flow_parameters():
    template = (
        '{{- $v := index .Input "body" "key" -}}'
        '{{- if kindIs "invalid" $v -}}{{- fail "event has no body.key" -}}{{- end -}}'
        "{{- toRawJson $v -}}"
    )
    assert render(template, {"body": {"key": {"a": [1, 2]}}}).output == '{"a":[1,2]}'
    assert render(template, {"body": {"key": "x"}}).output == '"x"'
    missing = render(template, {"body": {}})
    assert missing.status == "error" and "event has no body.key" in missing.message
    assert render(template, {"body": {"key": None}}).status == "error"  # null is "invalid" to kindIs too


def test_template_metaflow_parameter_templates_with_haskey_and_get():
    plain = (
        '{{ if (hasKey $.Input.body.payload "alpha") }}{{- (get $.Input.body.payload "alpha" | toRawJson) -}}'
        '{{- else -}}{{ (fail "use-default-instead") }}{{- end -}}'
    )
    assert render(plain, {"body": {"payload": {"alpha": 5}}}).output == "5"
    assert render(plain, {"body": {"payload": {}}}).status == "error"
    assert render(plain, {"body": {}}).status == "error"  # missing payload: nil map, hasKey is false, then fail
    as_json = (
        '{{- $pv:=(get $.Input.body.payload "alpha") -}}{{ if kindIs "string" $pv }}{{- $pv | toRawJson -}}'
        "{{- else -}}{{ $pv | toRawJson | toRawJson }}{{- end -}}"
    )
    assert render(as_json, {"body": {"payload": {"alpha": {"k": 1}}}}).output == '"{\\"k\\":1}"'
    assert render(as_json, {"body": {"payload": {"alpha": "s"}}}).output == '"s"'


def test_template_now_unix_epoch_uses_the_given_clock():
    assert render("{{ now | unixEpoch }}", {}, now=NOW).output == str(int(NOW.timestamp()))


@pytest.mark.parametrize(
    "template",
    [
        "{{ range .Input }}x{{ end }}",
        "{{ title .Input }}",
        "{{ 1i }}",
        "{{ with .Input }}x{{ end }}",
        '{{ define "x" }}{{ end }}',
        "{{ if .Input }}{{ else }}{{ title .Input }}{{ end }}",
    ],
)
def test_template_outside_the_subset_is_unsupported(template):
    assert render(template, "x").status == "unsupported"


@pytest.mark.parametrize("template", ["{{ .Input", "{{ if .Input }}x", "{{ end }}", "{{ $nope }}", '{{ fail "boom" }}'])
def test_template_errors(template):
    assert render(template, "x").status == "error"


# ---------------------------------------------------------------------------------------------------------------
# Trigger parameters
# ---------------------------------------------------------------------------------------------------------------


def events_for(body, dependency="dep"):
    return {dependency: webhook(body)}


def test_param_data_key_reads_the_event_with_its_type():
    events = events_for({"message": "hi", "n": 42, "o": {"a": 1}, "flag": True})
    text = resolve_param_value({"dependencyName": "dep", "dataKey": "body.message"}, events)
    assert (text.status, text.value, text.value_type, text.origin) == ("ok", "hi", "String", "dataKey")
    assert text.from_event
    assert resolve_param_value({"dependencyName": "dep", "dataKey": "body.n"}, events).value_type == "Number"
    assert resolve_param_value({"dependencyName": "dep", "dataKey": "body.o"}, events).value == '{"a":1}'
    assert resolve_param_value({"dependencyName": "dep", "dataKey": "body.flag"}, events).value_type == "True"


def test_param_data_key_missing_falls_back_to_value():
    result = resolve_param_value(
        {"dependencyName": "dep", "dataKey": "body.nope", "value": "wow! a default value."},
        events_for({"message": "hi"}),
    )
    assert (result.status, result.value, result.origin) == ("ok", "wow! a default value.", "value")
    assert not result.from_event and any("does not exist" in n for n in result.notes)


def test_param_without_value_and_without_match_is_an_error():
    result = resolve_param_value({"dependencyName": "dep", "dataKey": "body.nope"}, events_for({}))
    assert result.status == "error" and result.value is None and "unable to resolve 'dep'" in result.reason


def test_param_data_template_failure_falls_back_to_value_then_key():
    events = events_for({"message": "hi"})
    failing = '{{ fail "nope" }}'
    to_value = resolve_param_value({"dependencyName": "dep", "dataTemplate": failing, "value": "fallback"}, events)
    assert (to_value.value, to_value.origin) == ("fallback", "value")
    to_key = resolve_param_value(
        {"dependencyName": "dep", "dataTemplate": failing, "dataKey": "body.message", "value": "fallback"}, events
    )
    assert (to_key.value, to_key.origin) == ("hi", "dataKey")
    no_value = resolve_param_value({"dependencyName": "dep", "dataTemplate": "{{ .Input.body.nope }}"}, events)
    assert no_value.status == "error"  # "<no value>" counts as a failure
    ok = resolve_param_value({"dependencyName": "dep", "dataTemplate": "{{ .Input.body.message }}!"}, events)
    assert (ok.value, ok.origin, ok.value_type) == ("hi!", "dataTemplate", "String")


def test_param_unsupported_template_is_reported_not_guessed():
    result = resolve_param_value(
        {"dependencyName": "dep", "dataTemplate": "{{ title .Input.body.message }}", "value": "x"},
        events_for({"message": "hi"}),
    )
    assert result.status == "unsupported" and result.value is None


def test_param_context_key_and_data_precedence():
    events = events_for({"message": "hi"})
    assert resolve_param_value({"dependencyName": "dep", "contextKey": "type"}, events).value == "webhook"
    both = resolve_param_value({"dependencyName": "dep", "contextKey": "type", "dataKey": "body.message"}, events)
    assert both.value == "hi" and both.origin == "dataKey"
    template = resolve_param_value({"dependencyName": "dep", "contextTemplate": "{{ .Input.source }}"}, events)
    assert (template.value, template.origin) == ("webhook", "contextTemplate")


def test_param_without_key_uses_value_or_the_whole_event():
    events = events_for({"message": "hi"})
    assert resolve_param_value({"dependencyName": "dep", "value": "v"}, events).value == "v"
    whole = resolve_param_value({"dependencyName": "dep"}, events)
    assert whole.origin == "event" and '"context":{"id":' in (whole.value or "") and '"data":"' in (whole.value or "")


def test_param_for_a_dependency_without_event():
    assert resolve_param_value({"dependencyName": "other", "value": "v"}, events_for({})).value == "v"
    skipped = resolve_param_value({"dependencyName": "other", "dataKey": "body"}, events_for({}))
    assert skipped.status == "skipped" and skipped.value is None


def test_apply_parameters_use_raw_data_true_versus_false():
    resource = {"spec": {}}
    events = events_for({"n": 42, "o": {"a": [1]}, "s": "text"})

    def param(key, dest, raw):
        return {"src": {"dependencyName": "dep", "dataKey": key, "useRawData": raw}, "dest": dest}

    result = apply_parameters(
        resource,
        [
            param("body.n", "spec.raw", True),
            param("body.n", "spec.str", False),
            param("body.o", "spec.obj", True),
            param("body.o", "spec.objstr", False),
            param("body.s", "spec.s", True),
        ],
        events,
    )
    assert result.status == "ok"
    expected = {"raw": 42, "str": "42", "obj": {"a": [1]}, "objstr": '{"a":[1]}', "s": "text"}
    assert as_dict(result.document)["spec"] == expected
    assert [p.set_as for p in result.parameters] == ["raw", "string", "raw", "string", "string"]
    assert resource == {"spec": {}}


def test_apply_parameters_template_with_use_raw_data_is_still_a_string():
    params = [
        {
            "src": {"dependencyName": "dep", "dataTemplate": "{{ now | unixEpoch }}", "useRawData": True},
            "dest": "payload.timestamp",
        }
    ]
    result = apply_parameters({}, params, events_for({}), now=NOW)
    assert result.document == {"payload": {"timestamp": str(int(NOW.timestamp()))}}
    assert "no effect" in result.parameters[0].detail


def test_apply_parameters_dest_index_path_like_the_docs():
    workflow = {"spec": {"arguments": {"parameters": [{"name": "message", "value": "hello world"}]}}}
    params = [
        {"src": {"dependencyName": "dep", "dataKey": "body.message"}, "dest": "spec.arguments.parameters.0.value"}
    ]
    result = apply_parameters(workflow, params, events_for({"message": "this is my first webhook"}))
    assert as_dict(result.document)["spec"]["arguments"]["parameters"] == [
        {"name": "message", "value": "this is my first webhook"}
    ]
    assert result.parameters[0].applied and result.parameters[0].resolution.origin == "dataKey"


def test_apply_parameters_dest_query_path_like_metaflow():
    workflow = {
        "spec": {"arguments": {"parameters": [{"name": "alpha", "value": "1"}, {"name": "beta", "value": "2"}]}}
    }
    params = [
        {
            "src": {"dependencyName": "dep", "dataKey": "body.payload.beta", "value": "2"},
            "dest": "spec.arguments.parameters.#(name=beta).value",
        },
        {"src": {"dependencyName": "dep", "value": "x"}, "dest": "spec.arguments.parameters.#(name=gamma).value"},
    ]
    result = apply_parameters(workflow, params, events_for({"payload": {"beta": 7}}))
    assert result.status == "ok"
    assert as_dict(result.document)["spec"]["arguments"]["parameters"][1] == {"name": "beta", "value": "7"}
    assert result.parameters[1].applied is False and "unchanged" in result.parameters[1].detail


def test_apply_parameters_operation_prepend_and_append_like_the_docs():
    workflow = {"spec": {"arguments": {"parameters": [{"name": "message", "value": "hello world"}]}}}

    def run(operation):
        params = [
            {
                "src": {"dependencyName": "dep", "dataKey": "body.message"},
                "dest": "spec.arguments.parameters.0.value",
                "operation": operation,
            }
        ]
        result = apply_parameters(workflow, params, events_for({"message": "hey!!"}))
        return as_dict(result.document)["spec"]["arguments"]["parameters"][0]["value"]

    assert run("prepend") == "hey!!hello world"
    assert run("append") == "hello worldhey!!"
    assert run("overwrite") == "hey!!"
    bad = apply_parameters(
        workflow, [{"src": {"dependencyName": "dep", "value": "x"}, "dest": "a", "operation": "merge"}], events_for({})
    )
    assert bad.status == "error" and bad.document is None


def test_apply_parameters_stops_at_the_first_error():
    params = [
        {"src": {"dependencyName": "dep", "dataKey": "body.nope"}, "dest": "a"},
        {"src": {"dependencyName": "dep", "value": "x"}, "dest": "b"},
    ]
    result = apply_parameters({}, params, events_for({}))
    assert result.status == "error" and result.document is None and len(result.parameters) == 1


def test_construct_payload_builds_an_http_body_like_a_metaflow_event():
    params = [
        {"src": {"dependencyName": "dep", "value": "my-event"}, "dest": "name"},
        {"src": {"dependencyName": "dep", "contextKey": "id"}, "dest": "payload.id"},
        {"src": {"dependencyName": "dep", "dataKey": "body.key", "useRawData": True}, "dest": "payload.key"},
    ]
    result = construct_payload(params, events_for({"key": {"a": 1}}))
    assert result.status == "ok"
    assert result.document == {
        "name": "my-event",
        "payload": {"id": make_event({}, source="s", type_="t")["context"]["id"], "key": {"a": 1}},
    }
    assert result.body is not None and result.body.startswith('{"name":"my-event","payload":{"id":')
    whole = construct_payload([{"src": {"dependencyName": "dep", "dataKey": "body"}, "dest": ""}], events_for({"a": 1}))
    assert whole.body == '{"a":1}'


# ---------------------------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------------------------


def test_make_event_and_source_shapes():
    event = make_event({"x": 1}, source="es", type_="sqs", subject="ev", time="2024-01-01T00:00:00Z")
    assert list(event["context"]) == ["id", "source", "specversion", "type", "datacontenttype", "subject", "time"]
    assert event["context"]["datacontenttype"] == "application/json" and event["data"] == {"x": 1}
    hook = webhook_event_data({"a": 1}, header={"x-github-event": "push"}, metadata={"k": "v"})
    assert hook == {"header": {"X-Github-Event": ["push"]}, "body": {"a": 1}, "metadata": {"k": "v"}}
    assert gjson_get(hook, "header.X-Github-Event.0").value == "push"
    sqs = sqs_event_data({"Records": []}, message_attributes={"kind": "test"})
    assert set(sqs) == {"messageId", "messageAttributes", "body"}
    assert sqs["messageAttributes"]["kind"]["StringValue"] == "test"
    assert sqs_event_data("hi", json_body=False)["body"] == "aGk="
    pubsub = pubsub_event_data({"name": "obj"}, attributes={"eventType": "OBJECT_FINALIZE"})
    assert set(pubsub) == {"id", "body", "attributes", "publishTime"}
