"""Argo Events: the controller's validation rules and offline evaluation of its semantics."""

__all__: list[str] = []
