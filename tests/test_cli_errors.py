"""`metaflow-blueprints`: every bad input is one `error: ...` line on stderr and exit code 2; `--debug` re-raises."""

import asyncio
import gc
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pulumi_metaflow_blueprints.cli import error_line, main
from pulumi_metaflow_blueprints.offline import run_program_dir
from pulumi_metaflow_blueprints.offline.runner import ProgramError
from tests.helpers import EVENTS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "s3-to-flow"
YAML_EXAMPLE = ROOT / "examples" / "yaml-s3-to-flow"
S3_SAMPLE = EVENTS / "s3-object-created.sqs-message.json"
PYTHON = "name: demo\nruntime: python\n"

RAISES = """\
import pulumi


def fail():
    raise RuntimeError("boom in the program")


fail()
"""

FAILS_IN_AN_APPLY = """\
import pulumi
import pulumi_kubernetes as k8s


def fail(_):
    raise ValueError("apply failed")


k8s.core.v1.ConfigMap("cm", data={"a": pulumi.Output.from_input("x").apply(fail)})
"""

# 40 ConfigMaps, each waiting on the previous one, are still being registered when the last one fails.
FAILS_WITH_REGISTRATIONS_IN_FLIGHT = """\
import pulumi
import pulumi_kubernetes as k8s


def fail(_):
    raise ValueError("apply failed")


previous = None
for i in range(40):
    previous = k8s.core.v1.ConfigMap(f"chain{i}", data={"a": previous.metadata.name if previous else "x"})
k8s.core.v1.ConfigMap("broken", data={"a": pulumi.Output.from_input("x").apply(fail)})
"""

NO_SENSOR = """\
import pulumi_kubernetes as k8s

k8s.core.v1.ConfigMap("cm", data={"a": "b"})
"""


def program(tmp_path: Path, manifest: str | None = PYTHON, main_py: str | None = None, name: str = "prog") -> Path:
    """A program folder under tmp_path with this Pulumi.yaml and __main__.py (None: the file is absent)."""
    folder = tmp_path / name
    folder.mkdir()
    if manifest is not None:
        (folder / "Pulumi.yaml").write_text(manifest)
    if main_py is not None:
        (folder / "__main__.py").write_text(main_py)
    return folder


def file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def main_py(tmp_path: Path) -> Path:
    return (tmp_path / "prog" / "__main__.py").resolve()


@dataclass(frozen=True)
class Case:
    """A command line built in tmp_path, and what its one error line must say (with ``says(tmp_path)``)."""

    name: str
    argv: Callable[[Path], list[str]]
    says: Callable[[Path], str]


def said(text: str) -> Callable[[Path], str]:
    return lambda _: text


def sim(folder: Path | str, *rest: str) -> list[str]:
    return ["simulate", str(folder), "--event", str(S3_SAMPLE), *rest]


CASES = [
    Case("missing folder", lambda t: ["preview", str(t / "nope")], lambda t: f"error: {t / 'nope'} does not exist"),
    Case(
        "a file, not a folder",
        lambda t: ["preview", str(file(t, "x.py", b""))],
        lambda t: f"error: {t / 'x.py'} is not a folder",
    ),
    Case(
        "no Pulumi.yaml",
        lambda t: ["preview", str(program(t, None, RAISES))],
        lambda t: f"error: {t / 'prog'} has no Pulumi.yaml",
    ),
    Case(
        "a Pulumi YAML program",
        lambda _: ["preview", str(YAML_EXAMPLE)],
        said(f"error: {YAML_EXAMPLE} is a Pulumi YAML program (runtime: yaml); only Pulumi Python programs"),
    ),
    Case(
        "no __main__.py",
        lambda t: ["preview", str(program(t))],
        lambda t: f"error: {t / 'prog'} has no __main__.py",
    ),
    Case(
        "Pulumi.yaml is not YAML",
        lambda t: ["preview", str(program(t, "name: [demo\nruntime: python\n", RAISES))],
        lambda t: f"error: {t / 'prog' / 'Pulumi.yaml'} is not valid YAML: ",
    ),
    Case(
        "Pulumi.yaml is not a mapping",
        lambda t: ["preview", str(program(t, "- name\n- runtime\n", RAISES))],
        lambda t: f"error: {t / 'prog' / 'Pulumi.yaml'} must be a mapping (name:, runtime:, ...), not list",
    ),
    Case(
        "Pulumi.yaml has no name",
        lambda t: ["preview", str(program(t, "runtime: python\n", RAISES))],
        lambda t: f"error: {t / 'prog' / 'Pulumi.yaml'} has no project name",
    ),
    Case(
        "Pulumi.yaml has no runtime",
        lambda t: ["preview", str(program(t, "name: demo\n", RAISES))],
        lambda t: f"error: {t / 'prog'} has no runtime in Pulumi.yaml; only Pulumi Python programs",
    ),
    Case(
        "runtime is not python",
        lambda t: ["preview", str(program(t, "name: demo\nruntime: {name: nodejs}\n", RAISES))],
        lambda t: f"error: {t / 'prog'} is a Pulumi Node.js program (runtime: nodejs)",
    ),
    Case(
        "config is not a mapping",
        lambda t: ["preview", str(program(t, PYTHON + "config: [bucket]\n", RAISES))],
        lambda t: f"error: {t / 'prog' / 'Pulumi.yaml'}: `config` must be a mapping",
    ),
    Case(
        "the program raises",
        lambda t: ["preview", str(program(t, main_py=RAISES))],
        lambda t: f"error: the program failed: RuntimeError: boom in the program (at {main_py(t)}:5)",
    ),
    Case(
        "the program is not valid Python",
        lambda t: ["preview", str(program(t, main_py="import pulumi\nx = (\n"))],
        lambda t: f"error: the program failed: SyntaxError: '(' was never closed (at {main_py(t)}:2)",
    ),
    Case(
        "the program fails in an apply",
        lambda t: ["preview", str(program(t, main_py=FAILS_IN_AN_APPLY))],
        said(
            "error: the program failed: ValueError: While processing resource: 'cm', type: "
            "'kubernetes:core/v1:ConfigMap'; ValueError has risen: apply failed"
        ),
    ),
    Case(
        "the program requires config that is not set",
        lambda t: ["preview", str(program(t, main_py="import pulumi\n\npulumi.Config().require('bucket')\n"))],
        lambda t: (
            f"error: the program needs the config value 'demo:bucket' (at {main_py(t)}:3): pass --config bucket=VALUE"
        ),
    ),
    Case(
        "a blueprint gets a bad namespace",
        lambda _: ["preview", str(EXAMPLE), "--config", "namespace=Bad_NS"],
        said("error: S3ObjectTrigger 'raw-events': kubernetes.namespace: 'Bad_NS' "),
    ),
    Case(
        "--config without =",
        lambda _: ["preview", str(EXAMPLE), "--config", "bucket"],
        said("error: --config takes NAME=VALUE, got 'bucket'"),
    ),
    Case(
        "--out is an existing file",
        lambda t: ["preview", str(EXAMPLE), "--out", str(file(t, "out", b"x"))],
        lambda t: f"error: --out '{t / 'out'}': cannot write there: exists and is not a folder",
    ),
    Case(
        "--out is under a file",
        lambda t: ["preview", str(EXAMPLE), "--out", str(file(t, "out", b"x") / "sub")],
        lambda t: f"error: --out '{t / 'out' / 'sub'}': cannot write there: Not a directory",
    ),
    Case(
        "simulate: missing event file",
        lambda t: ["simulate", str(EXAMPLE), "--event", str(t / "none.json")],
        lambda t: f"error: cannot read the event file '{t / 'none.json'}': No such file or directory",
    ),
    Case(
        "simulate: event file is a folder",
        lambda t: ["simulate", str(EXAMPLE), "--event", str(t)],
        lambda t: f"error: cannot read the event file '{t}': Is a directory",
    ),
    Case(
        "simulate: event file is not JSON",
        lambda t: ["simulate", str(EXAMPLE), "--event", str(file(t, "e.json", b"{not json"))],
        lambda t: f"error: the event file '{t / 'e.json'}' is not JSON: ",
    ),
    Case(
        "simulate: event file is not UTF-8",
        lambda t: ["simulate", str(EXAMPLE), "--event", str(file(t, "e.json", b'{"a": "\xff"}'))],
        lambda t: f"error: the event file '{t / 'e.json'}' is not UTF-8 text (byte 7)",
    ),
    Case(
        "simulate: --header without :",
        lambda _: sim(EXAMPLE, "--header", "X-Token"),
        said("error: --header takes NAME:VALUE, got 'X-Token'"),
    ),
    Case(
        "simulate: --attribute without =",
        lambda _: sim(EXAMPLE, "--attribute", "kind"),
        said("error: --attribute takes NAME=VALUE, got 'kind'"),
    ),
    Case(
        "simulate: --config without =",
        lambda _: sim(EXAMPLE, "--config", "=x"),
        said("error: --config takes NAME=VALUE, got '=x'"),
    ),
    Case(
        "simulate: unknown --blueprint",
        lambda _: sim(EXAMPLE, "--blueprint", "nope"),
        said("error: no blueprint named 'nope'; the program's blueprints are: raw-events"),
    ),
    Case("simulate: missing folder", lambda t: sim(t / "nope"), lambda t: f"error: {t / 'nope'} does not exist"),
    Case(
        "simulate: a Pulumi YAML program",
        lambda _: sim(YAML_EXAMPLE),
        said(f"error: {YAML_EXAMPLE} is a Pulumi YAML program (runtime: yaml)"),
    ),
    Case(
        "simulate: the program raises",
        lambda t: sim(program(t, main_py=RAISES)),
        lambda t: f"error: the program failed: RuntimeError: boom in the program (at {main_py(t)}:5)",
    ),
    Case(
        "simulate: the program creates no Sensor",
        lambda t: sim(program(t, main_py=NO_SENSOR)),
        said("error: the program creates no Argo Events Sensor"),
    ),
    Case(
        "simulate: a blueprint gets a bad namespace",
        lambda _: sim(EXAMPLE, "--config", "namespace=Bad_NS"),
        said("error: S3ObjectTrigger 'raw-events': kubernetes.namespace: 'Bad_NS' "),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_input_is_one_error_line_and_exit_code_2(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(case.argv(tmp_path))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(case.says(tmp_path)), err


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_debug_raises_the_error_instead(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(Exception) as raised:
        main(["--debug", *case.argv(tmp_path)])
    assert capsys.readouterr() == ("", "")
    assert error_line(raised.value).startswith(case.says(tmp_path))  # the error the one line describes


def test_debug_after_the_command_raises_too(tmp_path: Path) -> None:
    with pytest.raises(ProgramError, match="boom in the program") as raised:
        main(["preview", str(program(tmp_path, main_py=RAISES)), "--debug"])
    assert isinstance(raised.value.error, RuntimeError)
    assert raised.value.location == f"{main_py(tmp_path)}:5"


def test_a_location_inside_the_working_directory_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = program(tmp_path, main_py=RAISES)
    monkeypatch.chdir(tmp_path)
    assert main(["preview", folder.name]) == 2
    assert capsys.readouterr().err.endswith("(at prog/__main__.py:5)\n")


def test_a_failed_program_leaves_nothing_behind_for_the_next_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    baseline = sorted((r.type, r.name) for r in run_program_dir(EXAMPLE).registrations)
    cwd, path = Path.cwd(), list(sys.path)
    with pytest.raises(ProgramError, match="apply failed"):
        run_program_dir(program(tmp_path, main_py=FAILS_WITH_REGISTRATIONS_IN_FLIGHT))
    assert (Path.cwd(), sys.path) == (cwd, path)
    loop = asyncio.get_event_loop()
    assert [task for task in asyncio.all_tasks(loop) if not task.done()] == []
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        gc.collect()  # the failed registrations' futures: their error was raised once, not logged again
        assert sorted((r.type, r.name) for r in run_program_dir(EXAMPLE).registrations) == baseline
        gc.collect()
    assert caplog.records == []


def console_script() -> list[str]:
    script = Path(sys.executable).parent / "metaflow-blueprints"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pulumi_metaflow_blueprints"]


def test_the_installed_command_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = program(tmp_path, main_py=FAILS_WITH_REGISTRATIONS_IN_FLIGHT)
    result = subprocess.run([*console_script(), "preview", str(folder)], capture_output=True, text=True, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "error: the program failed: ValueError: While processing resource: 'broken', type: "
        "'kubernetes:core/v1:ConfigMap'; ValueError has risen: apply failed"
    ]
    debug = subprocess.run(
        [*console_script(), "--debug", "preview", str(folder)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert "ProgramError: the program failed: ValueError" in debug.stderr
