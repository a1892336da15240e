"""EventSource `filter.expression`: expr-lang semantics over the event data, one test per rule.

Examples come from Argo Events' "Filtering EventSources" docs and its `pkg/shared/expr` tests (`TestEvalBool`,
`TestExpand`); the nil rules are expr's map access (a missing key is nil; a field of nil is an error).
"""

import pytest

from pulumi_metaflow_blueprints.argo.expr_lang import (
    evaluate_event_source_filter,
    evaluate_expr_lang,
    expr_lang_env,
)
from pulumi_metaflow_blueprints.aws.s3 import TEST_EVENT_FILTER
from tests.helpers import sample, sqs_event

ARGO_TEST_ENV = {
    "id": 1,
    "first_name": "John",
    "last_name": "Doe",
    "email": "johndoe@intuit.com",
    "gender": "Male",
    "dept": "devp",
    "uuid": "test-case-hyphen",
}


def outcome(expression: str, data: object) -> str:
    return evaluate_event_source_filter(expression, data).outcome


def test_docs_example_on_a_kafka_body() -> None:
    expression = "(body.id == 4) && (body.name != 'Joe')"
    assert outcome(expression, {"body": {"id": 4.0, "name": "Jane"}}) == "pass"
    assert outcome(expression, {"body": {"id": 4.0, "name": "Joe"}}) == "fail"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("(id == 1) && (last_name == 'Doe')", "pass"),
        ("(id == 2) || (gender == 'Female')", "fail"),
        ("invalidexpression", "error"),  # an unknown name is nil, and nil is not a bool
        ("(uuid == 'test-case-hyphen')", "pass"),
    ],
)
def test_argo_eval_bool_cases(expression: str, expected: str) -> None:
    assert outcome(expression, ARGO_TEST_ENV) == expected


def test_a_missing_key_is_nil_so_not_equal_holds() -> None:
    checked = evaluate_event_source_filter(TEST_EVENT_FILTER, sqs_event(sample("s3-object-created.sqs-message.json")))
    assert checked.outcome == "pass"
    assert checked.seen == {"body.Event": None}
    assert "body.Event = nil" in checked.reason


def test_the_s3_test_event_is_dropped_and_the_value_seen_is_reported() -> None:
    checked = evaluate_event_source_filter(TEST_EVENT_FILTER, sqs_event(sample("s3-test-event.sqs-message.json")))
    assert checked.outcome == "fail"
    assert checked.seen == {"body.Event": "s3:TestEvent"}
    assert 'body.Event = "s3:TestEvent"' in checked.reason


def test_a_field_of_nil_is_an_error_that_drops_the_event() -> None:
    checked = evaluate_event_source_filter("body.missing.deeper == 'x'", {"body": {}})
    assert checked.outcome == "error"
    assert "cannot fetch deeper from nil" in checked.reason


def test_optional_chaining_is_unsupported_as_expr_v1_8_rejects_it() -> None:
    # Argo's expr v1.15.5 reads nil here, the v1.8.9 the oracle runs fails: we do not pick one
    assert outcome("body.missing?.deeper == nil", {"body": {}}) == "unsupported"


def test_top_level_hyphens_become_underscores() -> None:
    assert expr_lang_env({"detail-type": "Object Created", "a": {"b-c": 1}}) == {
        "detail_type": "Object Created",
        "a": {"b-c": 1},
    }
    assert outcome("detail_type == 'Object Created'", {"detail-type": "Object Created"}) == "pass"


def test_dotted_top_level_keys_expand_and_win_over_their_parent() -> None:
    before = {"a.b": 1, "a.c.d": 2, "a": 3, "ab": 4, "abb": 5}
    assert expr_lang_env(before) == {"a": {"b": 1, "c": {"d": 2}}, "ab": 4, "abb": 5}


def test_data_that_is_not_an_object_is_an_error() -> None:
    assert outcome("true", ["not", "an", "object"]) == "error"


def test_numbers_compare_across_int_and_float() -> None:
    assert evaluate_expr_lang("size == 1048576 && size >= 1e6", {"size": 1048576.0}) is True


def test_different_types_are_never_equal() -> None:
    assert evaluate_expr_lang("code == '10'", {"code": 10.0}) is False


def test_ordering_needs_two_numbers_or_two_strings() -> None:
    assert evaluate_expr_lang("'b' > 'a'", {}) is True
    assert outcome("code < 'x'", {"code": 1.0}) == "error"


def test_and_or_short_circuit_and_need_bools() -> None:
    assert evaluate_expr_lang("false && missing.field", {}) is False
    assert evaluate_expr_lang("true or missing.field", {}) is True
    assert outcome("name && ok", {"name": "x", "ok": True}) == "error"
    # expr v1.15.5 folds `x && true` to `x` (so "x" && true is "x"); v1.8.9 fails
    assert outcome("name && true", {"name": "x"}) == "unsupported"


def test_not_and_word_operators() -> None:
    assert evaluate_expr_lang("not (kind == 'a') and !(kind == 'b')", {"kind": "c"}) is True
    assert outcome("!name", {"name": "x"}) == "error"


def test_in_and_not_in_arrays_and_maps() -> None:
    env = {"kind": "b", "labels": {"team": "x"}}
    assert evaluate_expr_lang("kind in ['a', 'b']", env) is True
    assert evaluate_expr_lang("kind not in ['a', 'b']", env) is False
    assert evaluate_expr_lang("'team' in labels", env) is True
    assert evaluate_expr_lang("kind in missing", env) is False  # `in` nil is false
    assert outcome("kind in 'abc'", env) == "error"


def test_matches_is_an_unanchored_go_regexp() -> None:
    assert evaluate_expr_lang("key matches '\\\\.parquet'", {"key": "a.parquet.tmp"}) is True
    assert evaluate_expr_lang("key matches '^landing/.*\\\\.parquet$'", {"key": "landing/a.parquet"}) is True


def test_string_operators() -> None:
    env = {"key": "landing/a.parquet"}
    assert evaluate_expr_lang("key startsWith 'landing/' && key endsWith '.parquet' && key contains '/a'", env)
    assert outcome("size contains 'x'", {"size": 1.0}) == "error"


def test_array_indexes_fail_past_the_end_and_negative_ones_are_unsupported() -> None:
    env = {"body": {"Records": [{"eventName": "A"}, {"eventName": "B"}]}}
    checked = evaluate_event_source_filter("body.Records[1].eventName == 'B'", env)
    assert (checked.outcome, checked.seen) == ("pass", {"body.Records[1].eventName": "B"})
    assert outcome("body.Records[2].eventName == 'B'", env) == "error"
    # expr v1.15.5 counts a negative index from the end, v1.8.9 fails
    assert outcome("body.Records[-1].eventName == 'B'", env) == "unsupported"


def test_a_result_that_is_not_a_bool_drops_the_event() -> None:
    checked = evaluate_event_source_filter("body.name", {"body": {"name": "x"}})
    assert checked.outcome == "error"
    assert "not a bool" in checked.reason


def test_a_syntax_error_drops_the_event() -> None:
    assert outcome("body.name ==", {"body": {"name": "x"}}) == "error"


@pytest.mark.parametrize(
    "expression",
    [
        "len(body.Records) > 0",
        "body.size + 1 > 2",
        "body.size - 1 > 2",
        "body.name ?? 'x' == 'x'",
        "body.a ? true : false",
        "body.name | upper() == 'X'",
        "1..3 == [1, 2, 3]",
        "body.name.upper() == 'X'",
        "{'a': 1} == body",
    ],
)
def test_constructs_outside_the_subset_are_unsupported_not_guessed(expression: str) -> None:
    checked = evaluate_event_source_filter(expression, {"body": {"size": 1.0, "name": "x", "a": True}})
    assert checked.outcome == "unsupported", checked
    assert checked.reason.startswith("cannot evaluate")


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("body?.name == 'x'", "v1.15.5 reads ?. as optional chaining, v1.8.9 fails"),
        ("body.tags[-1] == 'b'", "v1.15.5 counts from the end, v1.8.9 fails"),
        ("body.name not contains 'x'", "only v1.15.5 reads `not` before contains"),
        ("body.name not  in ['x']", "v1.8.9 reads `not in` with exactly one space"),
        ("body.id == 4 not in [true]", "v1.15.5 drops this `not`"),
        ("body.name && true", "v1.15.5 folds `x && true` to x, v1.8.9 fails on a string"),
        ("body.missing.deeper && false", "v1.15.5 folds it to false, v1.8.9 fails on the nil"),
        ("body.id in ['a', 'b']", "v1.15.5 makes the list a map[string] and fails on a number"),
        ("body.missing in ['', 'a']", 'v1.15.5 looks up "" for nil'),
        ("body.missing in body", 'v1.15.5 looks up "" for nil, v1.8.9 fails'),
        ("body[body.missing] == nil", 'v1.15.5 reads the key "", v1.8.9 fails'),
        ("1 == 'a'", "v1.15.5 rejects mismatched literal types when compiling, v1.8.9 says false"),
        ("false && 1", "v1.15.5 rejects a non-bool literal operand when compiling"),
        ("'x' in nil", "v1.15.5 rejects it when compiling, v1.8.9 says false"),
        ("len == nil", "a v1.15.5 builtin"),
        ("toJson == nil", "bound by Argo"),
        ("body.name[0] == 74", "a byte in Go"),
    ],
)
def test_constructs_where_expr_v1_8_and_v1_15_differ_are_unsupported(expression: str, why: str) -> None:
    data = {"body": {"name": "Jane", "id": 4.0, "tags": ["a", "b"]}, "len": 1, "toJson": 1}
    checked = evaluate_event_source_filter(expression, data)
    assert checked.outcome == "unsupported", (why, checked)


def test_compile_time_rejections_that_v1_8_also_fails_on_are_errors() -> None:
    assert outcome("'a' < 1", {}) == "error"
    assert outcome("!nil", {}) == "error"
    assert outcome("nil && true", {}) == "error"


def test_backtick_strings_fail_in_both_expr_versions() -> None:
    assert outcome("body.name == `Jane`", {"body": {"name": "Jane"}}) == "error"
