"""Argo Events: the controller's validation rules and offline evaluation of its semantics."""
