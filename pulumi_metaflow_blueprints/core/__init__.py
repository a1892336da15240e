"""The parts every blueprint composes: source fields, targets, the Sensor, and Kubernetes helpers."""
