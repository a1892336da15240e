"""`metaflow-blueprints`: preview a program offline, and simulate what a sample event does to its Sensors.

Every error is one line on stderr, `error: ...`, with exit code 2; `--debug` raises it with its traceback instead.
"""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.offline.runner import ProgramError, ProgramRun

__all__ = ["UsageError", "build_parser", "main", "preview", "simulate"]


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


def simulate(args: argparse.Namespace) -> int:
    """Run the program offline and show what the sample event does to each Sensor (exit codes: see the help)."""
    from pulumi_metaflow_blueprints.offline import run_program_dir
    from pulumi_metaflow_blueprints.simulate import SimulationInputError, load_sample, to_json, to_text
    from pulumi_metaflow_blueprints.simulate import simulate as run_simulation

    try:
        sample = load_sample(
            args.event,
            args.source_format,
            headers=_pairs(args.header, "--header", ":"),
            attributes=_pairs(args.attribute, "--attribute"),
        )
        run = run_program_dir(args.program_dir, _config(args.config), stack=args.stack)
        result = run_simulation(run, sample, blueprint=args.blueprint)
    except SimulationInputError as error:
        raise UsageError(str(error)) from error
    print(to_json(result) if args.json else to_text(result))
    return result.exit_code


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # given after the command, it must not reset one given before it
        help="on an error, raise it with its Python traceback instead of printing one line",
    )
    parser = argparse.ArgumentParser(prog="metaflow-blueprints", description=__doc__, parents=[debug])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "preview", help="run a Pulumi Python program offline under mocks and show what it creates", parents=[debug]
    )
    run.add_argument("program_dir", help="folder with Pulumi.yaml and __main__.py")
    run.add_argument("--out", help="write manifests.yaml and resources.json here")
    run.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="stack config (repeatable)")
    run.add_argument("--stack", default="offline", help="stack name the program sees (default: offline)")
    run.set_defaults(handler=preview)
    sim = commands.add_parser(
        "simulate",
        parents=[debug],
        help="show what a sample event does to the program's Sensors (filters, Workflow, HTTP request), offline",
        description="Exit codes: 0 every trigger fires with every mapped value from the event; 1 the event is "
        "filtered out; 2 usage or input error; 3 mis-wired (a trigger fails, or a mapped value falls back to its "
        "default); 4 something the simulator cannot evaluate (it says what).",
    )
    sim.add_argument("program_dir", help="folder with Pulumi.yaml and __main__.py")
    sim.add_argument("--event", required=True, help="JSON file with the sample event")
    sim.add_argument("--blueprint", help="only this blueprint (component resource name); default: every Sensor")
    sim.add_argument(
        "--source-format",
        choices=["raw", "argo"],
        default="raw",
        help="raw: the source's payload (S3 notification, webhook body, Pub/Sub message), wrapped like the "
        "EventSource does (default); argo: an Argo event {context, data} or its bare data",
    )
    sim.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="webhook request header")
    sim.add_argument(
        "--attribute", action="append", default=[], metavar="NAME=VALUE", help="SQS or Pub/Sub message attribute"
    )
    sim.add_argument("--json", action="store_true", help="print the result as JSON")
    sim.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="stack config (repeatable)")
    sim.add_argument("--stack", default="offline", help="stack name the program sees (default: offline)")
    sim.set_defaults(handler=simulate)
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
