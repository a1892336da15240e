"""Re-drive events offline: `metaflow-blueprints replay` (one event, or one parked by a dlqTrigger) and
`metaflow-blueprints backfill` (the objects of a bucket listing), both through `simulate`'s Sensor rendering."""

from pulumi_metaflow_blueprints.runs.backfill import BackfillCounts, BackfillError, backfill
from pulumi_metaflow_blueprints.runs.replay import ParkedEvent, Replay, load_replay_event, parked_event, replay

__all__ = [
    "BackfillCounts",
    "BackfillError",
    "ParkedEvent",
    "Replay",
    "backfill",
    "load_replay_event",
    "parked_event",
    "replay",
]
