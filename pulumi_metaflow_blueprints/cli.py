"""`metaflow-blueprints`: preview a program offline, and simulate what a sample event does to its Sensors."""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError


def _config(pairs: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--config takes KEY=VALUE, got {pair!r}")
        values[key] = value
    return values


def preview(args: argparse.Namespace) -> int:
    """Run the program offline, print its resource tree, and write manifests when asked."""
    from pulumi_metaflow_blueprints.offline import export, run_program_dir

    run = run_program_dir(args.program_dir, _config(args.config), stack=args.stack)
    print(export.resource_tree(run))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifests.yaml").write_text(export.manifests_yaml(run))
        (out / "resources.json").write_text(export.resources_json(run))
        count = len(export.manifests(run))
        total = len(run.registrations)
        print(f"\nWrote {count} Kubernetes objects to {out / 'manifests.yaml'}")
        print(f"Wrote {total} resources to {out / 'resources.json'}")
    return 0


def _pairs(values: Sequence[str], option: str, sep: str = "=") -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        key, found, value = item.partition(sep)
        if not found or not key.strip():
            raise SystemExit(f"{option} takes NAME{sep}VALUE, got {item!r}")
        pairs[key.strip()] = value.strip() if sep == ":" else value
    return pairs


def simulate(args: argparse.Namespace) -> int:
    """Run the program offline and show what the sample event does to each Sensor (exit codes: see EXIT_CODES)."""
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
        try:
            run = run_program_dir(args.program_dir, _config(args.config), stack=args.stack)
        except (BlueprintInputError, ArgoSpecError):
            raise
        except Exception as error:  # exit 2, not 1: 1 means "the event is filtered out"
            raise SimulationInputError(f"the program failed: {type(error).__name__}: {error}") from error
        result = run_simulation(run, sample, blueprint=args.blueprint)
    except SimulationInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(to_json(result) if args.json else to_text(result))
    return result.exit_code


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="metaflow-blueprints", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "preview", help="run a Pulumi Python program offline under mocks and show what it creates"
    )
    run.add_argument("program_dir", help="folder with Pulumi.yaml and __main__.py")
    run.add_argument("--out", help="write manifests.yaml and resources.json here")
    run.add_argument("--config", action="append", default=[], metavar="KEY=VALUE", help="stack config (repeatable)")
    run.add_argument("--stack", default="offline", help="stack name the program sees (default: offline)")
    run.set_defaults(handler=preview)
    sim = commands.add_parser(
        "simulate",
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `metaflow-blueprints` and `python -m pulumi_metaflow_blueprints`."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (BlueprintInputError, ArgoSpecError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (silences the interpreter's flush at exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
