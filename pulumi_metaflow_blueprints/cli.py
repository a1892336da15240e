"""`metaflow-blueprints`: preview a program offline, simulate what a sample event does to its Sensors, replay an
event and backfill a bucket's objects.

Every error is one line on stderr, `error: ...`, with exit code 2; `--debug` raises it with its traceback instead.
"""

import argparse
import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.offline.runner import ProgramError, ProgramRun

_Event = TypeVar("_Event")

__all__ = ["UsageError", "backfill", "build_parser", "main", "preview", "replay", "simulate"]


class UsageError(Exception):
    """A command-line value is malformed or cannot be used (the message names the option)."""


def _pairs(values: Sequence[str], option: str, sep: str = "=") -> dict[str, str]:
    """`NAME<sep>VALUE` options as a mapping (UsageError naming the option for a malformed one)."""
    pairs: dict[str, str] = {}
    for item in values:
        key, found, value = item.partition(sep)
        if not found or not key.strip():
            raise UsageError(f"{option} takes NAME{sep}VALUE, got {item!r}")
        pairs[key.strip()] = value.strip() if sep == ":" else value
    return pairs


def _config(pairs: Sequence[str]) -> dict[str, str]:
    """`--config KEY=VALUE` options (the value kept exactly as given)."""
    return _pairs(pairs, "--config")


def preview(args: argparse.Namespace) -> int:
    """Run the program offline, write manifests when asked, and print its resource tree."""
    from pulumi_metaflow_blueprints.offline import export, run_program_dir

    run = run_program_dir(args.program_dir, _config(args.config), stack=args.stack)
    written = _write_out(Path(args.out), run) if args.out else []
    print(export.resource_tree(run))
    if written:
        print()
        print("\n".join(written))
    return 0


def _write_out(out: Path, run: "ProgramRun") -> list[str]:
    """Write manifests.yaml and resources.json into ``out`` (UsageError when it cannot); the lines to print."""
    from pulumi_metaflow_blueprints.offline import export

    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifests.yaml").write_text(export.manifests_yaml(run))
        (out / "resources.json").write_text(export.resources_json(run))
    except OSError as error:
        problem = "exists and is not a folder" if isinstance(error, FileExistsError) else error.strerror
        raise UsageError(f"--out {str(out)!r}: cannot write there: {problem}") from error
    count = len(export.manifests(run))
    total = len(run.registrations)
    return [
        f"Wrote {count} Kubernetes objects to {out / 'manifests.yaml'}",
        f"Wrote {total} resources to {out / 'resources.json'}",
    ]


def _event_and_program(args: argparse.Namespace, load: Callable[..., _Event]) -> "tuple[_Event, ProgramRun]":
    """The event file read by ``load`` (with `--source-format`, `--header`, `--attribute`) and the program run."""
    from pulumi_metaflow_blueprints.offline import run_program_dir
    from pulumi_metaflow_blueprints.simulate import SampleEvent

    secret = _signing_secret(args)
    event = load(
        args.event,
        args.source_format,
        headers=_pairs(args.header, "--header", ":"),
        attributes=_pairs(args.attribute, "--attribute"),
    )
    if secret is not None and isinstance(event, SampleEvent):
        event = dataclasses.replace(event, signing_secret=secret)
    return event, run_program_dir(args.program_dir, _config(args.config), stack=args.stack)


def _signing_secret(args: argparse.Namespace) -> bytes | None:
    """`--signing-secret` (UTF-8) or `--signing-secret-file` (read as the verifier reads it), else None."""
    from pulumi_metaflow_blueprints.webhooks.verifier.server import read_secret

    if args.signing_secret is not None:
        if not args.signing_secret:
            raise UsageError("--signing-secret is empty")
        return args.signing_secret.encode("utf-8")
    if args.signing_secret_file is None:
        return None
    try:
        secret = read_secret(args.signing_secret_file)
    except OSError as error:
        raise UsageError(
            f"--signing-secret-file {args.signing_secret_file!r}: cannot read it: {error.strerror}"
        ) from None
    if not secret:
        raise UsageError(f"--signing-secret-file {args.signing_secret_file!r} is empty")
    return secret


def _event_options(parser: argparse.ArgumentParser, *, event: str, source_format: str) -> None:
    """What `simulate` and `replay` read an event with: the file, its format, headers, attributes, signing secret."""
    parser.add_argument("--event", required=True, help=event)
    parser.add_argument("--blueprint", help="only this blueprint (component resource name); default: every Sensor")
    parser.add_argument("--source-format", choices=["raw", "argo"], default="raw", help=source_format)
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="webhook request header")
    parser.add_argument(
        "--attribute", action="append", default=[], metavar="NAME=VALUE", help="SQS or Pub/Sub message attribute"
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--signing-secret",
        metavar="VALUE",
        help="the webhook's signing secret: a verifier fronting the EventSource checks the sample's signature header "
        "(from --header) against the event file's exact bytes; without it the signature is not checked (a value "
        "here shows in the process list and shell history: prefer --signing-secret-file)",
    )
    group.add_argument(
        "--signing-secret-file",
        metavar="PATH",
        help="as --signing-secret, read from a file (one trailing newline is stripped, as the verifier does)",
    )


def simulate(args: argparse.Namespace) -> int:
    """Run the program offline and show what the sample event does to each Sensor (exit codes: see the help)."""
    from pulumi_metaflow_blueprints.simulate import SimulationInputError, load_sample, to_json, to_text
    from pulumi_metaflow_blueprints.simulate import simulate as run_simulation

    try:
        sample, run = _event_and_program(args, load_sample)
        result = run_simulation(run, sample, blueprint=args.blueprint)
    except SimulationInputError as error:
        raise UsageError(str(error)) from error
    print(to_json(result) if args.json else to_text(result))
    return result.exit_code


def replay(args: argparse.Namespace) -> int:
    """Print the Workflows (YAML) and requests (curl) that re-drive one event; exit codes as `simulate`."""
    from pulumi_metaflow_blueprints.runs.replay import load_replay_event
    from pulumi_metaflow_blueprints.runs.replay import replay as run_replay
    from pulumi_metaflow_blueprints.simulate import SimulationInputError

    try:
        event, run = _event_and_program(args, load_replay_event)
        result = run_replay(run, event, blueprint=args.blueprint, triggers=args.trigger)
    except SimulationInputError as error:
        raise UsageError(str(error)) from error
    for message in result.messages:
        print(message, file=sys.stderr)
    sys.stdout.write(result.stdout())
    return result.exit_code


def backfill(args: argparse.Namespace) -> int:
    """Print the Workflows a bucket listing's objects would have started (exit codes: see the help)."""
    from pulumi_metaflow_blueprints.offline import run_program_dir
    from pulumi_metaflow_blueprints.runs.backfill import BackfillError
    from pulumi_metaflow_blueprints.runs.backfill import backfill as run_backfill

    if args.progress_every < 0:
        raise UsageError(f"--progress-every must be 0 or more, not {args.progress_every}")
    run = run_program_dir(args.program_dir, _config(args.config), stack=args.stack)

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        with _open_listing(args.objects) as listing:
            counts = run_backfill(run, args.blueprint, listing, sys.stdout, say, every=args.progress_every)
    except BackfillError as error:
        raise UsageError(str(error)) from error
    return counts.exit_code


def _open_listing(path: str) -> "IO[str]":
    """The listing file, or stdin for ``-`` (UsageError when it cannot be read)."""
    if path == "-":
        return contextlib.nullcontext(sys.stdin)  # type: ignore[return-value]
    try:
        return open(path, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--objects {path!r}: cannot read it: {error.strerror}") from None


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # given after the command, it must not reset one given before it
        help="on an error, raise it with its Python traceback instead of printing one line",
    )
    program = argparse.ArgumentParser(add_help=False)
    program.add_argument("program_dir", help="folder with Pulumi.yaml and __main__.py")
    program.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="stack config (repeatable)")
    program.add_argument("--stack", default="offline", help="stack name the program sees (default: offline)")
    parser = argparse.ArgumentParser(prog="metaflow-blueprints", description=__doc__, parents=[debug])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "preview",
        help="run a Pulumi Python program offline under mocks and show what it creates",
        parents=[debug, program],
    )
    run.add_argument("--out", help="write manifests.yaml and resources.json here")
    run.set_defaults(handler=preview)
    sim = commands.add_parser(
        "simulate",
        parents=[debug, program],
        help="show what a sample event does to the program's Sensors (filters, Workflow, HTTP request), offline",
        description="Exit codes: 0 every trigger fires with every mapped value from the event; 1 the event is "
        "filtered out (or a verifier fronting the webhook rejects it); 2 usage or input error; 3 mis-wired (a trigger "
        "fails, a mapped value falls back to its default, or a verifier cannot deliver); 4 something the simulator "
        "cannot evaluate (it says what).",
    )
    _event_options(
        sim,
        event="JSON file with the sample event",
        source_format="raw: the source's payload (S3 notification, webhook body, Pub/Sub message), wrapped like the "
        "EventSource does (default); argo: an Argo event {context, data} or its bare data",
    )
    sim.add_argument("--json", action="store_true", help="print the result as JSON")
    sim.set_defaults(handler=simulate)
    rep = commands.add_parser(
        "replay",
        parents=[debug, program],
        help="print the Workflows (YAML for kubectl create -f -) and HTTP requests (curl) that re-drive one event",
        description="EVENT is what simulate --event takes, or a parked event: the ConfigMap a dlqTrigger writes "
        "(kubectl get configmap NAME -o yaml), which re-drives only the trigger it names. Workflows go to stdout as "
        "YAML; HTTP requests as curl commands (secrets read with kubectl when they run, never printed). Exit codes "
        "as simulate: 0 printed; 1 the event is filtered out or a verifier rejects it (nothing printed, stderr says "
        "why); 2 usage or input error; 3 a trigger fails for this event or a value falls back; 4 not evaluable "
        "offline.",
    )
    _event_options(
        rep,
        event="JSON file with the event, or a parked ConfigMap (YAML or JSON)",
        source_format="as simulate (ignored for a parked event)",
    )
    rep.add_argument("--trigger", action="append", default=[], metavar="NAME", help="only this trigger (repeatable)")
    rep.set_defaults(handler=replay)
    back = commands.add_parser(
        "backfill",
        parents=[debug, program],
        help="print the Workflows that objects already in a bucket would have started (from a bucket listing)",
        description="FILE is `aws s3api list-objects-v2` (or list-object-versions) output for an "
        "S3ObjectTrigger, or GCS objects.list responses for a StorageObjectTrigger; several documents may follow "
        "each other, - reads stdin. Each object becomes the event its source sends live, is filtered as live "
        "(cloud prefix/suffix or rule, EventSource and Sensor filters) and rendered by the Sensor's triggers: "
        "Workflows go to stdout as YAML (kubectl create -f -), with the name the live event gets. metaflow_event "
        "targets are not backfilled. Progress and a summary go to stderr. Exit codes: 0 done; 2 usage or input "
        "error; 3 a trigger failed or a value fell back for some object; 4 something was not evaluable offline.",
    )
    back.add_argument("--blueprint", required=True, help="the S3ObjectTrigger or StorageObjectTrigger component name")
    back.add_argument("--objects", required=True, metavar="FILE", help="the bucket listing (JSON), - for stdin")
    back.add_argument(
        "--progress-every", type=int, default=10_000, metavar="N", help="a progress line every N objects (0: none)"
    )
    back.set_defaults(handler=backfill)
    return parser


def error_line(error: Exception) -> str:
    """The one line `main` prints for an error: `error: <what is wrong>`."""
    from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError
    from pulumi_metaflow_blueprints.offline.runner import ProgramDirError, ProgramError, one_line

    if isinstance(error, ProgramError) and isinstance(error.error, _config_missing_type()):
        return f"error: {_missing_config(error)}"
    if isinstance(error, UsageError | ProgramDirError | ProgramError | BlueprintInputError | ArgoSpecError):
        return f"error: {one_line(str(error))}"
    return f"error: internal error: {type(error).__name__}: {one_line(str(error))} (--debug shows the traceback)"


def _config_missing_type() -> type[Exception]:
    """`pulumi.ConfigMissingError` (imported when needed: pulumi is slow to import)."""
    import pulumi

    return pulumi.ConfigMissingError


def _missing_config(error: "ProgramError") -> str:
    """A `config.require` that found no value, with the option that sets it."""
    key = str(getattr(error.error, "key", ""))
    where = f" (at {error.location})" if error.location else ""
    return f"the program needs the config value {key!r}{where}: pass --config {key.split(':', 1)[-1]}=VALUE"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `metaflow-blueprints` and `python -m pulumi_metaflow_blueprints` (2 and one line on errors)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (silences the interpreter's flush at exit)
        return 0
    except Exception as error:
        if getattr(args, "debug", False):  # the option has no default: see build_parser
            raise
        print(error_line(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
