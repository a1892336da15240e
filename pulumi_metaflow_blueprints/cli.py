"""`metaflow-blueprints`: preview a program offline (and, later, simulate events against it)."""

import argparse
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `metaflow-blueprints` and `python -m pulumi_metaflow_blueprints`."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (BlueprintInputError, ArgoSpecError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
