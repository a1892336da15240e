"""A flow started by two events: one a blueprint's `metaflow_event` target sends, one `ArgoEvent.publish()` sends."""

from metaflow import FlowSpec, Parameter, current, step, trigger


@trigger(events=[{"name": "blueprint_event", "parameters": {"key": "key"}}, "argo_event"])
class MixedEventsFlow(FlowSpec):
    key = Parameter("key", type=str, default="unset")

    @step
    def start(self):
        print(current.trigger.event.timestamp)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    MixedEventsFlow()
