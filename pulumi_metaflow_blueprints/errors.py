"""Errors raised for bad blueprint input, before any resource is registered."""


class BlueprintInputError(ValueError):
    """An argument a user gave is invalid; the message names the argument and the fix."""

    def __init__(self, argument: str, problem: str, fix: str) -> None:
        self.argument = argument
        self.problem = problem
        self.fix = fix
        super().__init__(f"{argument}: {problem}. Fix: {fix}")


class ArgoSpecError(ValueError):
    """A rendered Argo Events spec breaks a rule the Argo Events controller enforces."""

    def __init__(self, kind: str, name: str, problems: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.problems = problems
        listing = "; ".join(problems)
        super().__init__(f"{kind} {name!r} would be rejected by the Argo Events controller: {listing}")
