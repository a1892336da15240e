"""`.ci/lower-bounds.txt` pins exactly the lower bounds pyproject.toml declares, so CI previews with them."""

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the check needs to run on one Python only

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / ".ci" / "lower-bounds.txt"
NOT_RUNTIME = {"test", "docs"}  # extras the lower-bounds run does not install
CLOUD_EXTRAS = {"aws", "gcp", "snowflake", "dbt", "webhooks"}


def project() -> dict:
    """The [project] table of pyproject.toml."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def runtime_groups() -> dict[str, list[Requirement]]:
    """`dependencies` and every runtime extra, parsed."""
    table = project()
    groups = {"dependencies": table["dependencies"]}
    groups.update({name: reqs for name, reqs in table["optional-dependencies"].items() if name not in NOT_RUNTIME})
    return {name: [Requirement(text) for text in reqs] for name, reqs in groups.items()}


def lower_bounds() -> dict[str, Version]:
    """Each direct runtime dependency's `>=` bound (one per package, checked by test_one_range_per_dependency)."""
    bounds: dict[str, Version] = {}
    for requirements in runtime_groups().values():
        for req in requirements:
            floors = [spec.version for spec in req.specifier if spec.operator == ">="]
            assert len(floors) == 1, f"{req}: a direct dependency needs exactly one `>=` lower bound"
            bounds[canonicalize_name(req.name)] = Version(floors[0])
    return bounds


def pins() -> dict[str, Version]:
    """The `name==version` lines of the constraints file."""
    pinned: dict[str, Version] = {}
    for line in CONSTRAINTS.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        req = Requirement(text)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{line!r}: pin one exact version (name==version)"
        name = canonicalize_name(req.name)
        assert name not in pinned, f"{req.name} is pinned twice"
        pinned[name] = Version(specs[0].version)
    return pinned


def test_every_lower_bound_is_pinned():
    bounds, pinned = lower_bounds(), pins()
    assert sorted(pinned) == sorted(bounds), "pin every direct runtime dependency in .ci/lower-bounds.txt, no other"
    wrong = {name: f">={bounds[name]} but =={pinned[name]}" for name in bounds if pinned[name] != bounds[name]}
    assert not wrong, f"change the bound and the pin together: {wrong}"


def test_one_range_per_dependency():
    ranges: dict[str, set[str]] = {}
    for requirements in runtime_groups().values():
        for req in requirements:
            ranges.setdefault(canonicalize_name(req.name), set()).add(str(req.specifier))
    differing = {name: sorted(found) for name, found in ranges.items() if len(found) > 1}
    assert not differing, f"a dependency listed in several places needs the same range in each: {differing}"


def test_all_extra_is_every_cloud_extra():
    groups = runtime_groups()
    assert set(groups) == {"dependencies", "all", *CLOUD_EXTRAS}, "a new extra: add it to CLOUD_EXTRAS or NOT_RUNTIME"
    in_all = {canonicalize_name(req.name) for req in groups["all"]}
    in_clouds = {canonicalize_name(req.name) for name in CLOUD_EXTRAS for req in groups[name]}
    assert in_all == in_clouds, f"`all` lacks {sorted(in_clouds - in_all)}, has extra {sorted(in_all - in_clouds)}"
