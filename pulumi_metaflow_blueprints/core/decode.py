"""Values a source sends encoded, decoded by the Sensor's Go template before they reach the flow or the payload.

S3 event notifications send the object key form-URL-encoded (``application/x-www-form-urlencoded``: ``+`` for a
space, ``%XX`` for a byte of the UTF-8 key); EventBridge sends it as it is. A field whose path says
``decode=FORM_URLENCODED`` is decoded in the trigger's template, so ``key`` is the same string in both modes.

sprig 3.2.3/3.3.0 has no URL-decoding function, so the template builds one from functions both versions share:

1. ``regexMatch`` refuses a value that is not form-URL-encoded UTF-8 — a ``%`` not followed by two hex digits
   (``%zz``, a trailing ``%``), or escapes whose bytes are not UTF-8 (``%FF``, a cut ``%E2%82``): S3 never sends
   those, so the trigger fails with the value in its message rather than start a run with a guessed key.
2. ``replace "+" " "`` turns the form encoding's ``+`` into the space it stands for (a ``+`` of the key arrives as
   ``%2B``, so no real ``+`` is lost).
3. ``urlParse`` of ``"#" + value``: Go's ``url.Parse`` cuts at the first ``#`` and unescapes all the rest as the
   fragment — every ``%XX`` becomes its byte (``%2F`` a ``/``, ``%25`` a ``%``), every other byte stays, ``?``
   and ``#`` included — and sprig returns it as ``.fragment``.

tests/test_oracle_s3_keys.py runs these templates in real Go against Python's ``urllib.parse.unquote_plus``.
"""

from pulumi_metaflow_blueprints.core.fields import FORM_URLENCODED, EventPath, go_string_literal

__all__ = [
    "WELL_FORMED_FORM",
    "decode_actions",
]

_HEX = "[0-9A-Fa-f]"
_CONT = "%[89ABab]" + _HEX
"""An escaped UTF-8 continuation byte (80-BF)."""
WELL_FORMED_FORM = (
    "^(?:[^%]"
    f"|%[0-7]{_HEX}"  # ASCII
    f"|%[Cc][2-9A-Fa-f]{_CONT}|%[Dd]{_HEX}{_CONT}"  # C2-DF: two bytes
    f"|%[Ee]0%[ABab]{_HEX}{_CONT}|%[Ee][1-9A-Ca-c]{_CONT}{_CONT}"  # E0 A0-BF, E1-EC: three bytes
    f"|%[Ee][Dd]%[89]{_HEX}{_CONT}|%[Ee][EFef]{_CONT}{_CONT}"  # ED 80-9F (no surrogates), EE-EF
    f"|%[Ff]0%[9ABab]{_HEX}{_CONT}{_CONT}|%[Ff][1-3]{_CONT}{_CONT}{_CONT}"  # F0 90-BF, F1-F3: four bytes
    f"|%[Ff]4%8{_HEX}{_CONT}{_CONT}"  # F4 80-8F (up to U+10FFFF)
    ")*$"
)
"""Go regexp of a form-URL-encoded UTF-8 string: escapes are well formed and spell UTF-8 (RFC 3629's table)."""


def decode_actions(path: EventPath) -> str:
    """Go template actions replacing ``$v`` (the value at ``path`` as sent) with its decoded form; "" if none."""
    if path.decode is None:
        return ""
    if path.decode != FORM_URLENCODED:  # pragma: no cover - the only encoding a source declares
        raise ValueError(f"unknown encoding {path.decode!r}")
    not_string = go_string_literal(f"{path.gjson} holds no string to URL-decode")
    malformed = go_string_literal(f"{path.gjson} is not form-URL-encoded UTF-8 as S3 sends it: ")
    return (
        f'{{{{- if not (kindIs "string" $v) -}}}}{{{{- fail {not_string} -}}}}{{{{- end -}}}}'
        f"{{{{- if not (regexMatch {go_string_literal(WELL_FORMED_FORM)} $v) -}}}}"
        f"{{{{- fail (print {malformed} $v) -}}}}{{{{- end -}}}}"
        '{{- $v = (urlParse (print "#" (replace "+" " " $v))).fragment -}}'
    )
