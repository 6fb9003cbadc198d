"""The Python half of ``web/scale-query.js``: scale_query's own code, called from the page.

Pyodide runs this module in the browser beside the scale-query wheel; every
function takes plain strings and returns JSON text, so that nothing but text
crosses between JavaScript and Python (no proxies to free, lone surrogates
kept as ``\\udxxx`` escapes). Offsets and columns are in code points, as in
Python; ``scale-query.js`` converts them to and from JavaScript's UTF-16.

It also runs under CPython, which is how the tests check it without a browser:

>>> import json
>>> json.loads(validate('Nom $eq'))[0]["code"]
'SQ001'
>>> json.loads(format('Nom   $eq "a"'))
{'text': 'Nom $eq "a"'}
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from scale_query import (
    FilterSyntaxError,
    ObjectSchema,
    Op,
    Query,
    parse,
    placeholders,
    render,
    validate_template,
)
from scale_query import validate as _validate
from scale_query.language import LineIndex, caret_lines
from scale_query.language._canonical import quote_field
from scale_query.language._parser import parse_template
from scale_query.language._pycode import python_code
from scale_query.semantics._validate import Diagnostic

__all__ = [
    "builder_code",
    "carets",
    "complete",
    "dialects",
    "format",
    "records_csv",
    "request_url",
    "sql",
    "validate",
]

#: The keys of one diagnostic, as ``scale-query check --format json`` writes
#: them (less ``path``: a text typed in a page has no file).
CHECK_KEYS = (
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "severity",
    "message",
    "hint",
    "replacement",
)
#: At most this many completions are returned (a schema may have hundreds of fields).
MAX_COMPLETIONS = 200

_OPERATOR_DETAILS = {
    Op.EQ: "equal to",
    Op.NEQ: "not equal to",
    Op.GT: "greater than",
    Op.GTE: "greater than or equal to",
    Op.LT: "lower than",
    Op.LTE: "lower than or equal to",
    Op.LIKE: "matches a pattern, * for any run of characters",
    Op.NOTLIKE: "does not match a pattern",
    Op.REGEX: "a MySQL regular expression found in the value",
    Op.IN: "one of a list: [FR,BE]",
    Op.NOTIN: "none of a list",
}


def _dumps(value: Any) -> str:
    # ASCII only: a lone surrogate travels as an escape, never as a raw code unit.
    return json.dumps(value, ensure_ascii=True)


@lru_cache(maxsize=16)
def _schema_from(schema_json: str, name: str | None) -> ObjectSchema:
    return ObjectSchema.from_api(json.loads(schema_json), name)


def _schema(schema_json: str | None, name: str | None = None) -> ObjectSchema | None:
    # The page sends the same schema on every keystroke: read it once.
    return None if not schema_json else _schema_from(schema_json, name or None)


def check_rows(diagnostics: list[Diagnostic], text: str) -> list[dict[str, Any]]:
    """Diagnostics as ``check --format json`` writes them for ``text`` read from stdin.

    A finding with no span sits at the filter's first character, as ``check``
    puts it.
    """
    lines = LineIndex(text)
    rows = []
    for d in diagnostics:
        row = {key: getattr(d, key) for key in CHECK_KEYS}
        if d.offset is None or d.end_offset is None:
            row.update(line=1, column=1, end_line=1, end_column=1)
        else:
            row["line"], row["column"] = lines.position(d.offset)
            row["end_line"], row["end_column"] = lines.position(d.end_offset)
        rows.append(row)
    return rows


def carets(text: str, rows_json: str) -> str:
    """For each diagnostic row of ``text``, its line and the caret under the fault.

    Drawn by ``check``'s one caret renderer (``language.caret_lines``), so the
    page shows what ``scale-query check`` prints (tabs as spaces, control
    characters as their escapes).

    >>> json.loads(carets('Nom $ge 1', validate('Nom $ge 1')))
    ['Nom $ge 1\\n    ^^^']
    """
    lines = text.split("\n")
    shown = []
    for row in json.loads(rows_json):
        line = lines[row["line"] - 1] if 1 <= row["line"] <= len(lines) else ""
        end_column = row["end_column"] if row["end_line"] == row["line"] else None
        shown.append(caret_lines(line, row["column"], end_column))
    return _dumps(shown)


@lru_cache(maxsize=8)
def _selected(select_json: str | None) -> frozenset[str]:
    from scale_query.cli.check import select_codes

    if not select_json:
        return select_codes(None)
    rules = json.loads(select_json)
    return select_codes(
        rules.get("select"), rules.get("extend_select", ()), rules.get("ignore", ())
    )


def validate(
    text: str,
    schema_json: str | None = None,
    object_name: str | None = None,
    select_json: str | None = None,
) -> str:
    """Every diagnostic of a filter, as a JSON list of ``check`` rows.

    ``object_name`` names the schema's object in messages, as ``check`` names
    it after the schema file. The rules are ``check``'s default selection
    unless ``select_json`` chooses, as ``check``'s options do:
    ``{"select": [...], "extend_select": ["SQ107"], "ignore": [...]}``, each
    a list of code prefixes or ``"ALL"``. Placeholders (``:name``) are no
    error, as in ``check`` without ``--params``.

    >>> [r["code"] for r in json.loads(validate('Nom $like :motif $and Nom $like "x"'))]
    ['SQ202']
    """
    codes = _selected(select_json)
    found = validate_template(text, schema=_schema(schema_json, object_name), select=sorted(codes))
    return _dumps(check_rows(found, text))


def _syntax_error(text: str) -> str:
    # The same SQ001 row as validate() gives for the text.
    return _dumps({"error": check_rows(_validate(text)[:1], text)[0]})


def format(text: str) -> str:
    """``{"text": canonical}``, or ``{"error": diagnostic}`` when the text does not parse.

    Placeholders stay as written, as ``scale-query fmt`` keeps them:

    >>> json.loads(format('Nom   $eq :nom'))
    {'text': 'Nom $eq :nom'}
    """
    try:
        return _dumps({"text": render(parse_template(text))})
    except FilterSyntaxError:
        # The SQ001 row validate() gives, placeholders left open.
        return _dumps({"error": check_rows(validate_template(text)[:1], text)[0]})


def builder_code(text: str) -> str:
    """``{"code": python}`` building the filter with ``Q``, or ``{"error": diagnostic}``."""
    try:
        return _dumps({"code": python_code(parse(text))})
    except FilterSyntaxError:
        return _syntax_error(text)


def request_url(
    object_name: str, text: str, options_json: str, base_url: str, instance: str
) -> str:
    """``{"url": ...}``: the ``get_objects`` URL the Python client sends, or ``{"error": ...}``.

    ``options_json`` may hold ``page`` and ``pagesize``, ``fields`` (a list)
    and ``sort_by`` (a list of keys such as ``"-Nom"``).
    """
    options = json.loads(options_json or "{}")
    try:
        query = Query(object_name)
        if text.strip():
            query = query.where(text)
        if options.get("fields"):
            query = query.fields(*options["fields"])
        if options.get("sort_by"):
            query = query.sort_by(*options["sort_by"])
        if options.get("page") is not None:
            query = query.page(int(options["page"]), size=int(options["pagesize"]))
        return _dumps({"url": query.to_url(instance, base_url=base_url)})
    except FilterSyntaxError:
        return _dumps({"error": "the filter does not parse"})
    except (ValueError, TypeError) as error:
        return _dumps({"error": str(error).splitlines()[0]})


def dialects() -> str:
    """The SQL dialects ``sql`` can write, as a JSON list; empty without sqlglot.

    Those ``to_sql`` has exactness rules for, when it says which; else sqlglot's.
    """
    try:
        from scale_query.semantics._dialects import DIALECTS

        return _dumps(sorted(DIALECTS))
    except ImportError:
        pass
    try:
        from sqlglot.dialects.dialect import Dialects
    except ImportError:
        return _dumps([])
    return _dumps(sorted(d.value for d in Dialects if d.value))


def sql(text: str, dialect: str, schema_json: str | None = None) -> str:
    """``{"sql": ...}`` from ``scale_query.to_sql``, or ``{"error": message}``."""
    import scale_query

    to_sql = getattr(scale_query, "to_sql", None)
    if to_sql is None:
        return _dumps({"error": "this scale-query has no to_sql yet"})
    try:
        result = to_sql(text, dialect, schema=_schema(schema_json))
    except FilterSyntaxError:
        return _syntax_error(text)
    except (ValueError, TypeError, ImportError) as error:
        return _dumps({"error": str(error).splitlines()[0]})
    return _dumps({"sql": result if isinstance(result, str) else str(result)})


def records_csv(records_json: str, columns_json: str) -> str:
    """Records as ``scale-query export --format csv`` writes them: ``id``, then the fields.

    The CSV text comes back as a JSON string, like every other result here.
    """
    records: list[dict[str, Any]] = json.loads(records_json)
    columns: list[str] = json.loads(columns_json)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *columns])
    for record in records:
        data = record.get("data") or {}
        writer.writerow([record.get("id", ""), *(data.get(name, "") for name in columns)])
    return _dumps(out.getvalue())


# ---- completion ---------------------------------------------------------------------

_SENTINEL = " \x01"  # never valid: the parser stops on it and says what it expected


def _expected(before: str) -> tuple[str, ...] | None:
    """What may come after ``before`` (in words), or None when ``before`` is broken."""
    try:
        # Placeholders stay open: what follows ":nom" is what follows a value.
        placeholders(before + _SENTINEL)
    except FilterSyntaxError as error:
        if error.offset == len(before) + 1:
            return error.expected
    return None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _partial(text: str, offset: int) -> int:
    """Where the word being typed at ``offset`` starts (``$``, ``[`` included)."""
    start = offset
    while start > 0 and (_is_word(text[start - 1]) or text[start - 1] == "."):
        start -= 1
    if start > 0 and text[start - 1] == "$":
        return start - 1
    # Inside a bracketed name, such as "[Date de na": back to its "[", on one line.
    back = start
    while back > 0 and text[back - 1] not in '[]\n"':
        back -= 1
    if back > 0 and text[back - 1] == "[":
        expected = _expected(text[: back - 1])
        if expected is not None and "a field name" in expected:
            return back - 1
    return start


def _field_items(schema: ObjectSchema | None) -> Iterable[dict[str, str]]:
    if schema is None:
        return
    for name, info in schema.items():
        if not info.readable:
            continue
        detail = info.type + (f", {info.length} characters" if info.length else "")
        if info.is_personal_data:
            detail += ", personal data"
        written = quote_field(name)
        yield {
            "label": name,
            "insert": written + " ",
            "kind": "field",
            "detail": detail,
            "info": info.label or info.description,
        }


def _operator_items() -> Iterable[dict[str, str]]:
    for op, detail in _OPERATOR_DETAILS.items():
        yield {"label": op.value, "insert": op.value + " ", "kind": "operator", "detail": detail}


def _connective_items() -> Iterable[dict[str, str]]:
    yield {"label": "$and", "insert": "$and ", "kind": "keyword", "detail": "both hold"}
    yield {"label": "$or", "insert": "$or ", "kind": "keyword", "detail": "either holds"}


def _matches(word: str, label: str) -> int | None:
    """0 for a prefix match, 1 for a match inside, None for none (case-insensitive)."""
    if not word:
        return 0
    at = label.casefold().find(word.casefold())
    return None if at < 0 else (0 if at == 0 else 1)


def _in_string(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside a string literal (strings never span lines)."""
    at = text.rfind("\n", 0, offset) + 1
    inside = False
    while at < offset:
        char = text[at]
        if inside and char == "\\":
            at += 1
        elif char == '"':
            inside = not inside
        at += 1
    return inside


def complete(text: str, offset: int, schema_json: str | None = None) -> str:
    """Completions at ``offset``: ``{"from", "to", "items"}`` (offsets in code points).

    Field names come from the schema, operators after a field, ``$and``/``$or``
    after a condition; ``from``..``to`` is the text an item's ``insert`` replaces.
    """
    offset = max(0, min(int(offset), len(text)))
    if _in_string(text, offset):
        return _dumps({"from": offset, "to": offset, "items": []})
    start = _partial(text, offset)
    word = text[start:offset]
    expected = _expected(text[:start])
    if expected is None:
        # The text before is broken: guess from the word itself.
        expected = ("an operator", "$and or $or") if word.startswith("$") else ("a field name",)
    candidates: list[dict[str, str]] = []
    if "a field name" in expected and not word.startswith("$"):
        candidates += _field_items(_schema(schema_json))
    if "an operator" in expected:
        candidates += _operator_items()
    if "$and or $or" in expected:
        candidates += _connective_items()
    typed = word[1:] if word.startswith("[") else word
    ranked: list[tuple[int, int, dict[str, str]]] = []
    for index, item in enumerate(candidates):
        rank = _matches(typed, item["label"])
        if rank is not None and item["label"] != typed:
            ranked.append((rank, index, item))
    ranked.sort(key=lambda r: (r[0], r[1]))
    items = [item for _, _, item in ranked[:MAX_COMPLETIONS]]
    return _dumps({"from": start, "to": offset, "items": items})
