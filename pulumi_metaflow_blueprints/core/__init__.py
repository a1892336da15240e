"""The parts every blueprint composes: source fields, targets, the Sensor, and Kubernetes helpers."""

__all__: list[str] = []
