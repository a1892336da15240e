"""The fewest resources a careful engineer would write by hand for each blueprint, and why each one is needed.

Each source package declares its blueprints' needs (`registry.SourcePackage.minimum`, in `<package>/needs.py`). Each
`Need` matches resource type tokens by regular expression (case-insensitive). `optional` needs depend on an
option the example chose (identity mode, delivery mode, a new vs an existing queue/topic, an Ingress, ...): they count
toward the minimum only when the blueprint registered them. Anything a blueprint registers beyond its needs is
reported as extra; a required need it does not register is reported as missing.
"""

from collections import Counter
from dataclasses import dataclass, field

from pulumi_metaflow_blueprints.registry import ResourceNeed as Need
from pulumi_metaflow_blueprints.registry import source_packages

MINIMUM: dict[str, tuple[Need, ...]] = {
    component: needs for package in source_packages() for component, needs in package.minimum.items()
}
"""Component type name (the last part of its type token) -> its needs, as each source package declares them."""


@dataclass
class Comparison:
    """A blueprint instance's resources against the hand-written minimum."""

    registered: int
    minimum: int
    extra: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    matched: list[tuple[Need, int]] = field(default_factory=list)


def compare(component: str, resources: dict[str, int]) -> Comparison | None:
    """Match ``resources`` (type -> count) against the needs of ``component``; None when no minimum is listed."""
    needs = MINIMUM.get(component)
    if needs is None:
        return None
    pool = Counter(resources)
    result = Comparison(registered=sum(pool.values()), minimum=0)
    taken: dict[int, int] = {}
    for index, need in sorted(enumerate(needs), key=lambda item: bool(item[1].optional)):  # required ones first
        taken[index] = 0
        for type_ in sorted(pool):
            while taken[index] < need.count and pool[type_] > 0 and need.matches(type_):
                pool[type_] -= 1
                taken[index] += 1
    for index, need in enumerate(needs):
        result.matched.append((need, taken[index]))
        result.minimum += taken[index] if need.optional else need.count
        if not need.optional and taken[index] < need.count:
            result.missing.append(need.role)
    result.extra = {type_: count for type_, count in sorted(pool.items()) if count > 0}
    return result
