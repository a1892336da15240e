"""Errors raised for bad blueprint input, before any resource is registered.

Both are `pulumi.InputPropertyError`s, so a Pulumi program, the multi-language provider and the CLI report them as
input errors. Raised deep inside a check they name the argument; the blueprint adds which component instance failed
(`in_component`) before the error leaves its constructor.
"""

import pulumi

__all__ = ["ArgoSpecError", "BlueprintInputError"]


def _instance(component: str, resource_name: str) -> str:
    """`<Component> '<name>': ` once the component instance is known, else nothing."""
    return f"{component} {resource_name!r}: " if component else ""


class BlueprintInputError(pulumi.InputPropertyError, ValueError):
    """An argument a user gave is invalid; the message names the component, the argument, the problem and the fix.

    ``argument`` is the path in the Python args (`kubernetes.namespace`, `targets[0].flow.parameters.input_key`).
    """

    def __init__(
        self, argument: str, problem: str, fix: str, *, component: str = "", resource_name: str = ""
    ) -> None:
        self.argument = argument
        self.problem = problem
        self.fix = fix
        self.component = component
        self.resource_name = resource_name
        pulumi.InputPropertyError.__init__(self, argument, f"{problem}. Fix: {fix}")
        ValueError.__init__(self, self.message)

    @property
    def message(self) -> str:
        """`<Component> '<name>': <argument>: <problem>. Fix: <fix>`."""
        return f"{_instance(self.component, self.resource_name)}{self.argument}: {self.problem}. Fix: {self.fix}"

    def __str__(self) -> str:
        return self.message

    def in_component(self, component: str, resource_name: str) -> "BlueprintInputError":
        """The same error, naming the component instance it was raised for (kept if already named)."""
        if self.component:
            return self
        return BlueprintInputError(
            self.argument, self.problem, self.fix, component=component, resource_name=resource_name
        )


class ArgoSpecError(pulumi.InputPropertyError, ValueError):
    """A rendered Argo Events spec breaks a rule the Argo Events controller enforces."""

    def __init__(
        self, kind: str, name: str, problems: list[str], *, component: str = "", resource_name: str = ""
    ) -> None:
        self.kind = kind
        self.name = name
        self.problems = problems
        self.component = component
        self.resource_name = resource_name
        listing = "; ".join(problems)
        reason = f"{kind} {name!r} would be rejected by the Argo Events controller: {listing}"
        pulumi.InputPropertyError.__init__(self, "", reason)
        ValueError.__init__(self, f"{_instance(component, resource_name)}{reason}")

    @property
    def message(self) -> str:
        """The whole message, component instance first when known."""
        return str(self)

    def in_component(self, component: str, resource_name: str) -> "ArgoSpecError":
        """The same error, naming the component instance it was raised for (kept if already named)."""
        if self.component:
            return self
        return ArgoSpecError(self.kind, self.name, self.problems, component=component, resource_name=resource_name)
