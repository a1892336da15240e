"""S3 keys reach the flow decoded in both delivery modes: the Go templates run in real Go (tests/oracle).

S3 notifications send the key form-URL-encoded (user guide, "Event message structure": "red flower.jpg" becomes
"red+flower.jpg", content type application/x-www-form-urlencoded); EventBridge sends it as it is. The reference for
decoding is Python's ``urllib.parse.unquote_plus`` (strict UTF-8); the payloads of the two-mode test come from moto,
which runs S3, SQS and EventBridge in-process and shapes their messages as AWS documents them.
"""

from __future__ import annotations

import json
import random
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import boto3
import pytest
from moto import mock_aws

from pulumi_metaflow_blueprints.argo.semantics import make_event, resolve_param_value
from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import render_go_template
from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3Delivery, S3ObjectTrigger
from pulumi_metaflow_blueprints.aws.package import sqs_event_data
from pulumi_metaflow_blueprints.aws.s3 import S3_NOTIFICATION_FIELDS
from pulumi_metaflow_blueprints.core.decode import WELL_FORMED_FORM
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.offline import run_program
from pulumi_metaflow_blueprints.simulate import simulate
from pulumi_metaflow_blueprints.simulate.events import SampleEvent, go_json_loads
from tests.helpers import OIDC, as_dict
from tests.oracle_client import GoOracle, tally

DEPENDENCY = "source-event"
KEY = S3_NOTIFICATION_FIELDS.resolve("key", "test")
KEY_ENCODED = S3_NOTIFICATION_FIELDS.resolve("key_encoded", "test")


def form_decoded(text: str) -> str | None:
    """``application/x-www-form-urlencoded`` decoding of UTF-8 text; None where it is malformed."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return None
    try:
        return urllib.parse.unquote_plus(text, errors="strict")
    except UnicodeDecodeError:
        return None


def notification_event(encoded_key: Any) -> Mapping[str, object]:
    body = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": encoded_key}}}]}
    return make_event(sqs_event_data(body), source="es", type_="sqs", subject="object")


def go_data(event: Mapping[str, object]) -> str:
    """The event data bytes as Argo's EventSources write them (Go's encoding/json)."""
    return go_json(event["data"], escape_html=True, sort_keys=False)


def go_and_simulate(
    oracle: GoOracle, template: str, events: list[Mapping[str, object]]
) -> list[tuple[Any, Any]]:
    """(Go's answer, simulate's ParamValue) for ``template`` over each event."""
    answers = oracle.ask([{"op": "template", "template": template, "json": go_data(e)} for e in events])
    ours = [
        resolve_param_value({"dependencyName": DEPENDENCY, "dataTemplate": template}, {DEPENDENCY: e}) for e in events
    ]
    return list(zip(answers, ours, strict=True))


# ---------------------------------------------------------------------------------------------------------------
# The two sprig functions the decoding uses, modelled in gotemplate.py, against Go
# ---------------------------------------------------------------------------------------------------------------

PIECES = [*"aZ09 +%#?&=/.-_~!'()*:@;,$\\\"<>", "é", "😀", "\t", "\n", "\x7f", "\u2028", "%2", "%zz", "%25", "%2B"]
PIECES += ["%3D", "%2F", "%C3%A9", "%c3%a9", "%F0%9F%98%80", "%E2%82", "%FF", "%ED%A0%80", "%C0%AF", "%F4%90%80%80"]
PIECES += ["%00", "%0A", "%7F", "%E2%80%A8"]


def _strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8))) for _ in range(count)]


def test_url_parse_and_regex_match_agree_with_go(oracle: GoOracle) -> None:
    texts = _strings(400, seed=13)
    cases = [("{{ (urlParse .Input).fragment }}", "#" + t) for t in texts]
    cases += [("{{ toRawJson (urlParse .Input) }}", "#" + t) for t in texts[:60]]
    cases += [("{{ urlParse .Input }}", "no-fragment")]  # outside the model: must say unsupported
    cases += [(f"{{{{ regexMatch {json.dumps(WELL_FORMED_FORM)} .Input }}}}", t) for t in texts]
    cases += [('{{ regexMatch "(" .Input }}', t) for t in texts[:20]]  # a pattern Go rejects matches nothing
    cases += [('{{ regexMatch "^a.c$" .Input }}', t) for t in ["abc", "a\nc", "aéc", "xabc"]]
    answers = oracle.ask([{"op": "template", "template": tpl, "input": text} for tpl, text in cases])
    wrong, unsupported = [], 0
    for (template, text), go in zip(cases, answers, strict=True):
        ours = render_go_template(template, {"Input": text})
        if ours.status == "unsupported":
            unsupported += 1
            continue
        go_verdict = ("ok", go["output"]) if go["status"] == "ok" else ("error", None)
        if (ours.status, ours.output if ours.status == "ok" else None) != go_verdict:
            wrong.append(f"{template} {text!r}: Go {go}, ours {ours}")
        else:
            tally("template")
    assert not wrong, "\n".join(wrong[:20])
    # Only fragments whose escapes spell invalid UTF-8 (and the non-fragment URL) are outside the model.
    assert unsupported <= sum(1 for t in texts if form_decoded(t.replace("+", "%2B")) is None) + 1
    assert unsupported < len(cases) // 5


# ---------------------------------------------------------------------------------------------------------------
# The key's template: decoded exactly as unquote_plus decodes, or failing with the value in the message
# ---------------------------------------------------------------------------------------------------------------

EXAMPLES = {
    "dt%3D2026-11-20/part+1.parquet": "dt=2026-11-20/part 1.parquet",
    "a%2Bb+c": "a+b c",
    "100%25+done": "100% done",
    "x%253D": "x%3D",
    "caf%C3%A9/%E2%82%AC": "café/€",
    "caf%c3%a9": "café",
    "%F0%9F%98%80": "😀",
    "landing%2F2026%2Fa.csv": "landing/2026/a.csv",
    "q?a#b": "q?a#b",
    "tab%09nl%0A": "tab\tnl\n",
    "+": " ",
    "~!'()*": "~!'()*",
}
MALFORMED = ["%zz", "a%", "a%4", "%%41", "%FF", "%E2%82", "%E2%82%41", "%ED%A0%80", "%C0%AF", "%F4%90%80%80", "ok+%g0"]
KEY_CHARS = [*"abcXYZ019 +%=/&?#!'()*~,;:@[]{}<>|^\\\"-_.", "é", "ü", "€", "😀", "中", "\t", "\n", "\x7f", "\u2028"]
ENCODERS: list[Callable[[str], str]] = [
    lambda key: urllib.parse.quote_plus(key, safe="/"),  # what the user guide describes: '/' kept
    lambda key: urllib.parse.quote_plus(key, safe=""),  # moto's encoding: '/' as %2F too
    lambda key: urllib.parse.quote_plus(key, safe="/!'()*~"),  # the safe characters left as they are
    lambda key: re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), urllib.parse.quote_plus(key)),
]


def generated_keys(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """(encoded, key) for random keys, each encoded by one of several form encoders."""
    rng = random.Random(seed)
    for index in range(count):
        key = "".join(rng.choice(KEY_CHARS) for _ in range(rng.randint(1, 12)))
        yield ENCODERS[index % len(ENCODERS)](key), key


def test_key_template_decodes_as_unquote_plus_in_go_and_in_simulate(oracle: GoOracle) -> None:
    cases = [*EXAMPLES.items(), *generated_keys(600, seed=2026)]
    assert all(form_decoded(encoded) == key for encoded, key in cases)
    results = go_and_simulate(oracle, value_template(KEY), [notification_event(encoded) for encoded, _ in cases])
    wrong = []
    for (encoded, key), (go, ours) in zip(cases, results, strict=True):
        if go["status"] != "ok" or ours.status != "ok" or ours.value != go["output"]:
            wrong.append(f"{encoded!r}: Go {go}, simulate {ours}")
        elif json.loads(go["output"]) != key:
            wrong.append(f"{encoded!r}: Go gives {go['output']}, the key is {key!r}")
        else:
            tally("blueprints")
    assert not wrong, "\n".join(wrong[:20])


def test_key_encoded_is_the_key_as_s3_sent_it(oracle: GoOracle) -> None:
    encoded = "dt%3D2026-11-20/a+b%2Bc.csv"
    [(go, ours)] = go_and_simulate(oracle, value_template(KEY_ENCODED), [notification_event(encoded)])
    assert go["status"] == ours.status == "ok" and json.loads(go["output"]) == encoded == json.loads(str(ours.value))
    tally("blueprints")


@pytest.mark.parametrize("encoded", MALFORMED)
def test_a_malformed_key_fails_the_trigger_with_its_value_in_go_and_in_simulate(oracle: GoOracle, encoded: str) -> None:
    """S3 never sends these (it escapes '%' as %25 and keys are UTF-8): no run starts with a guessed key."""
    assert form_decoded(encoded) is None
    message = f"body.Records.0.s3.object.key is not form-URL-encoded UTF-8 as S3 sends it: {encoded}"
    [(go, ours)] = go_and_simulate(oracle, value_template(KEY), [notification_event(encoded)])
    assert go["status"] == "error" and message in go["message"], go
    assert ours.status == "error" and message in ours.reason, ours
    tally("blueprints")


@pytest.mark.parametrize("value", [None, 12, ["a"], {"k": "v"}])
def test_a_key_that_is_not_a_string_fails_naming_its_path(oracle: GoOracle, value: Any) -> None:
    message = "body.Records.0.s3.object.key holds no string to URL-decode"
    [(go, ours)] = go_and_simulate(oracle, value_template(KEY), [notification_event(value)])
    assert go["status"] == "error" and message in go["message"], go
    assert ours.status == "error" and message in ours.reason, ours
    tally("blueprints")


# ---------------------------------------------------------------------------------------------------------------
# One program, both delivery modes, events from moto: identical parameters, rendered in Go
# ---------------------------------------------------------------------------------------------------------------

BUCKET = "acme-raw-events"
REGION = "us-west-2"
MOTO_KEYS = ["dt=2026-11-20/part 1+2.parquet", "raw data/100%/x%2By.csv", "café/ü😀 €.json", "a&b;c@d,e:f?g#h=i.txt"]
TARGETS = [
    {"flow": {"flow": "IngestFlow", "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"}}},
    {"metaflow_event": {"event": "raw_data_landed", "payload": {"key": "key", "bucket": "bucket"}}},
]


def moto_messages(keys: list[str]) -> tuple[list[str], list[str]]:
    """The SQS message bodies S3 (as moto runs it) sends for ``keys``: (notifications, EventBridge events)."""
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        events = boto3.client("events", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        arns = {}
        for name in ("notifications", "eventbridge"):
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arns[name] = (url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"])
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {"QueueArn": arns["notifications"][1]["QueueArn"], "Events": ["s3:ObjectCreated:*"]}
                ],
                "EventBridgeConfiguration": {},
            },
        )
        events.put_rule(
            Name="created", EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"]})
        )
        events.put_targets(Rule="created", Targets=[{"Id": "queue", "Arn": arns["eventbridge"][1]["QueueArn"]}])
        for key in keys:
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"1234")
        bodies: dict[str, list[str]] = {}
        for name, (url, _) in arns.items():
            bodies[name] = []
            while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                for message in messages:
                    bodies[name].append(message["Body"])
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    notifications = [b for b in bodies["notifications"] if "Records" in json.loads(b)]  # not the s3:TestEvent
    return notifications, bodies["eventbridge"]


def program(delivery: S3Delivery) -> Any:
    args = {
        "bucket": BUCKET,
        "delivery": delivery,
        "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": OIDC},
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": TARGETS,
    }
    return run_program(lambda: S3ObjectTrigger("raw-events", args), config={"aws:region": REGION})  # type: ignore[arg-type]


def what_reaches_the_flow(oracle: GoOracle, run: Any, body: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Simulate the message; check every template parameter renders the same in Go; return the Workflow's
    arguments and the Metaflow event's payload (without the fields Argo's clock and random ids fill in)."""
    (sensor,) = simulate(run, SampleEvent(go_json_loads(body), body)).sensors
    assert sensor.verdict == "triggered", sensor.reason
    flow, event = sensor.triggers
    (spec,) = (item.plain_inputs["spec"] for item in run.custom_resources("Sensor"))
    parameters = [
        *(p for t in spec["triggers"] for p in (t["template"].get("k8s") or {}).get("parameters", [])),
        *(p for t in spec["triggers"] for p in (t["template"].get("http") or {}).get("payload", [])),
    ]
    templates = [p["src"] for p in parameters if "dataTemplate" in p["src"]]
    assert len(templates) >= 4  # three flow parameters, and the Metaflow event's key (or its whole body)
    volatile = {"id", "timestamp", "utc_date"}
    received = as_dict(sensor.event)
    for src in templates:
        go = oracle.one({"op": "template", "template": src["dataTemplate"], "json": go_data(received)})
        ours = resolve_param_value(src, {DEPENDENCY: received})
        assert go["status"] == ours.status == "ok", (go, ours)
        if "now" in src["dataTemplate"] or "uuidv4" in src["dataTemplate"]:
            go_body, our_body = json.loads(go["output"]), json.loads(str(ours.value))
            for document in (go_body, our_body):
                for name in volatile:
                    document.get("payload", {}).pop(name, None)
            assert go_body == our_body
        else:
            assert go["output"] == ours.value
        tally("blueprints")
    payload = dict(as_dict(event.request["json"])["payload"]) if event.request else {}
    for name in volatile | {"name"}:
        payload.pop(name, None)
    return {name: value for name, value, _ in flow.arguments}, payload


def test_one_program_gives_identical_parameters_in_both_delivery_modes(oracle: GoOracle) -> None:
    notifications, eventbridge = moto_messages(MOTO_KEYS)
    assert len(notifications) == len(eventbridge) == len(MOTO_KEYS)
    sent = [json.loads(b)["Records"][0]["s3"]["object"]["key"] for b in notifications]
    assert sent != MOTO_KEYS and [form_decoded(k) for k in sent] == MOTO_KEYS  # S3 sent them encoded
    assert [json.loads(b)["detail"]["object"]["key"] for b in eventbridge] == MOTO_KEYS  # EventBridge: as they are
    runs = {delivery: program(delivery) for delivery in (S3Delivery.NOTIFICATION, S3Delivery.EVENTBRIDGE)}
    for key, notification, bridged in zip(MOTO_KEYS, notifications, eventbridge, strict=True):
        by_notification = what_reaches_the_flow(oracle, runs[S3Delivery.NOTIFICATION], notification)
        by_eventbridge = what_reaches_the_flow(oracle, runs[S3Delivery.EVENTBRIDGE], bridged)
        assert by_notification == by_eventbridge
        arguments, payload = by_notification
        assert json.loads(arguments["key"]) == key and json.loads(arguments["bucket"]) == BUCKET
        assert json.loads(arguments["size_bytes"]) in (4, "4")
        assert payload == {"key": key, "bucket": BUCKET}
