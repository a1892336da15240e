# The part of google-re2's API that pulumi_metaflow_blueprints/argo/semantics/goregexp.py uses (google-re2 ships no
# type information). Options mirror RE2::Options (re2.h).
import enum

class error(Exception): ...

class _Match:
    def start(self, group: int = ...) -> int: ...
    def end(self, group: int = ...) -> int: ...

class _Regexp:
    def search(self, text: str, pos: int | None = ..., endpos: int | None = ...) -> _Match | None: ...
    def match(self, text: str, pos: int | None = ..., endpos: int | None = ...) -> _Match | None: ...
    def fullmatch(self, text: str, pos: int | None = ..., endpos: int | None = ...) -> _Match | None: ...

class Options:
    class Encoding(enum.Enum):
        UTF8 = 1
        LATIN1 = 2
    max_mem: int
    encoding: Options.Encoding
    posix_syntax: bool
    longest_match: bool
    log_errors: bool
    literal: bool
    never_nl: bool
    dot_nl: bool
    never_capture: bool
    case_sensitive: bool
    perl_classes: bool
    word_boundary: bool
    one_line: bool
    def __init__(self) -> None: ...

def compile(pattern: str | bytes, options: Options | None = ...) -> _Regexp: ...
