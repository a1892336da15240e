"""A flow with one Parameter per case of tests/test_metaflow_values.py (compiled by tests/metaflow_capture.py)."""

from metaflow import FlowSpec, JSONType, Parameter, step


class ValuesFlow(FlowSpec):
    text = Parameter("text", type=str, default="unset")
    text_symbols = Parameter("text_symbols", type=str, default="unset")
    text_from_int = Parameter("text_from_int", type=str, default="unset")
    text_from_object = Parameter("text_from_object", type=str, default="unset")
    text_null = Parameter("text_null", type=str, default="unset")
    text_none_null = Parameter("text_none_null", type=str, default=None)
    text_escaped = Parameter("text_escaped", type=str, default="unset")
    count = Parameter("count", type=int, default=0)
    count_from_text = Parameter("count_from_text", type=int, default=0)
    count_negative = Parameter("count_negative", type=int, default=0)
    count_none_null = Parameter("count_none_null", type=int, default=None)
    ratio = Parameter("ratio", type=float, default=0.0)
    ratio_from_int = Parameter("ratio_from_int", type=float, default=0.0)
    ratio_from_text = Parameter("ratio_from_text", type=float, default=0.0)
    flag_true = Parameter("flag_true", type=bool, default=False)
    flag_false = Parameter("flag_false", type=bool, default=True)
    doc_object = Parameter("doc_object", type=JSONType, default="{}")
    doc_list = Parameter("doc_list", type=JSONType, default="{}")
    doc_text = Parameter("doc_text", type=JSONType, default="{}")
    doc_null = Parameter("doc_null", type=JSONType, default=None)
    doc_default_null = Parameter("doc_default_null", type=JSONType, default='{"d": 1}')
    doc_number = Parameter("doc_number", type=JSONType, default="{}")
    doc_unicode = Parameter("doc_unicode", type=JSONType, default="{}")

    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ValuesFlow()
