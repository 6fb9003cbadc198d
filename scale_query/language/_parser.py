"""``parse``: filter text to an AST, in one pass, with errors a person can act on.

The parse table and token patterns come from ``grammar/filter.lark`` (through
``_tables.py``, see docs/architecture.md). The driver below is a plain LALR(1)
loop: tokens are matched on demand with a regular expression made for the
parser state (a contextual lexer), and each reduction calls a small function
that builds the AST directly, so there is no parse tree and no second pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from json import loads as _json_loads
from typing import Any

from . import _tables
from ._ast import MAX_DEPTH, And, Condition, Expr, Op, Or
from ._params import BadParam, Binder, KeepBinder, OpenBinder, Placeholder
from ._syntax_error import FilterSyntaxError

__all__ = ["parse", "parse_template", "parse_with", "placeholders"]

_OPS = {op.value: op for op in Op}
_END = "$END"


class _Acc:
    """An ``$and``/``$or`` chain being collected: appending keeps parsing linear."""

    __slots__ = ("end", "items", "kind", "start")

    def __init__(self, kind: type[And] | type[Or], first: Any) -> None:
        self.kind = kind
        self.items: list[Expr] = []
        self.start = _start(first)
        self.end = _end(first)
        self.add(first)

    def add(self, operand: Any) -> None:
        node = _finish(operand)
        if type(node) is self.kind:
            self.items.extend(node.operands)
        else:
            self.items.append(node)


def _start(node: Any) -> int:
    if type(node) is _Acc:
        return node.start
    loc: tuple[int, ...] = node._loc
    return loc[0]


def _end(node: Any) -> int:
    if type(node) is _Acc:
        return node.end
    loc: tuple[int, ...] = node._loc
    return loc[1]


def _finish(value: Any) -> Expr:
    if type(value) is not _Acc:
        node: Expr = value
        return node
    try:
        return value.kind(tuple(value.items), (value.start, value.end))
    except ValueError:
        raise _Nesting(value.start, value.end) from None


class _Nesting(Exception):
    """Raised inside the driver when groups nest deeper than MAX_DEPTH."""

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end


# ---- reductions: one function per rule callback named in the grammar ----------


def _field(c: list[Any]) -> tuple[str, int, int]:
    kind, text, start, end = c[0]
    if kind != "FIELD":
        # Brackets take any character but "]": a lone surrogate included.
        return (_check_text(text[1:-1], start, end, "surrogate_field"), start, end)
    if not text.isascii():
        _check_name(text, start)
    return (text, start, end)


def _check_name(text: str, start: int, why: str = "bad_name") -> None:
    # The token pattern's [^\W\d] cannot leave out numeric characters that are
    # not decimal digits ("²", "Ⅻ"): a name must start with a letter or "_".
    at = start
    for part in text.split("."):
        first = part[0]
        if not (first.isalpha() or first == "_"):
            raise _Refused(why, at, at + len(part))
        at += len(part) + 1


def _check_text(value: str, start: int, end: int, why: str = "surrogate") -> str:
    # A lone surrogate (from "\ud800" or from the caller's own str) is not
    # Unicode text: no server could store it, no URL can carry it.
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Refused(why, start, end) from None
    return value


def _literal(token: tuple[str, str, int, int]) -> tuple[str | Decimal, int, int]:
    kind, text, start, end = token
    if kind == "STRING":
        # Most strings have no escapes; slicing them is much cheaper than JSON.
        value: str | Decimal = _check_text(
            _json_loads(text) if "\\" in text else text[1:-1], start, end
        )
    elif kind == "NUMBER":
        value = Decimal(text)
    elif kind == "PARAM":
        # The driver has already put the parameter's literal in place of its text.
        return (token[1], start, end)
    else:
        if not text.isascii():
            _check_name(text, start, "bad_word")
        value = text
    return (value, start, end)


def _scalar(c: list[Any]) -> tuple[str | Decimal, int, int]:
    return _literal(c[0])


def _items(c: list[Any]) -> list[Any]:
    if len(c) == 1:
        return [c[0]]
    items: list[Any] = c[0]
    items.append(c[2])
    return items


def _list(c: list[Any]) -> tuple[tuple[str | Decimal, ...], int, int, list[int]]:
    items = c[1]
    locs: list[int] = []
    for _, start, end in items:
        locs.append(start)
        locs.append(end)
    return (tuple(value for value, _, _ in items), c[0][2], c[2][3], locs)


def _list_param(c: list[Any]) -> tuple[tuple[str | Decimal, ...], int, int, list[int]]:
    # A whole list from one placeholder: every item is located at the placeholder.
    _, values, start, end = c[0]
    return (values, start, end, [start, end] * len(values))


class _Refused(Exception):
    """Raised inside the driver for a token the patterns let through but the language refuses."""

    def __init__(self, why: str, start: int, end: int) -> None:
        self.why = why
        self.start = start
        self.end = end


class _PatternNeedsText(Exception):
    def __init__(self, op: str, start: int, end: int) -> None:
        self.op = op
        self.start = start
        self.end = end


def _condition(c: list[Any]) -> Condition:
    name, fs, fe = c[0]
    _, op_text, os_, oe = c[1]
    value = c[2]
    op = _OPS[op_text]
    loc = (fs, value[2], fs, fe, os_, oe, value[1], value[2])
    if len(value) == 4:
        loc += tuple(value[3])
    elif op.takes_pattern and not isinstance(value[0], str):
        raise _PatternNeedsText(op_text, value[1], value[2])
    return Condition(name, op, value[0], loc)


def _and(c: list[Any]) -> _Acc:
    return _chain(And, c)


def _or(c: list[Any]) -> _Acc:
    return _chain(Or, c)


def _chain(kind: type[And] | type[Or], c: list[Any]) -> _Acc:
    left, _, right = c
    acc = left if type(left) is _Acc and left.kind is kind else _Acc(kind, left)
    acc.add(right)
    acc.end = _end(right)
    return acc


def _group(c: list[Any]) -> Expr:
    return _finish(c[1])


_CALLBACKS: dict[str, Callable[[list[Any]], Any]] = {
    "field": _field,
    "scalar": _scalar,
    "item": _scalar,
    "items": _items,
    "list": _list,
    "list_param": _list_param,
    "condition": _condition,
    "and_": _and,
    "or_": _or,
    "group": _group,
}


class _Machine:
    """The parse table and per-state lexers, built once per process."""

    def __init__(self, tables: dict[str, Any]) -> None:
        self.terminals: dict[str, str] = tables["TERMINALS"]
        self.states: list[dict[str, int]] = tables["STATES"]
        self.end_state: int = tables["END_STATE"]
        # One match of IGNORE covers a whole run (its pattern ends in "+"); the
        # driver's loop takes runs of different ignored kinds one after another.
        # Whitespace is never part of a token pattern: a quantified run in front
        # of the alternatives would backtrack, exponentially once nested.
        self._ignore = re.compile(tables["IGNORE"])
        # Rules as (goto symbol, length, reduction or None for pass-through).
        self.rules: list[tuple[str, int, Callable[[list[Any]], Any] | None]] = [
            (origin, size, None if name is None else _CALLBACKS[name])
            for origin, size, name in tables["RULES"]
        ]
        self._lexers: dict[int, re.Pattern[str]] = {}

    def lexer(self, state: int) -> re.Pattern[str]:
        """The token pattern for ``state``: only the terminals valid there."""
        lexer = self._lexers.get(state)
        if lexer is None:
            row = self.states[state]
            alternatives = [
                f"(?P<{name}>{pattern})" for name, pattern in self.terminals.items() if name in row
            ]
            lexer = re.compile("|".join(alternatives) or "(?!)")
            self._lexers[state] = lexer
        return lexer

    def expected(self, state: int) -> list[str]:
        return [s for s in self.states[state] if s in self.terminals or s == _END]


def _load() -> _Machine:
    # The tables are generated from grammar/filter.lark at development time
    # (python -m scale_query.language._tablegen); a test fails while they are stale.
    return _Machine({name: getattr(_tables, name) for name in dir(_tables) if name.isupper()})


_machine: _Machine | None = None


def parse(text: str, params: Mapping[str, object] | None = None) -> Expr:
    """Parse filter text into an expression.

    Raises :class:`FilterSyntaxError` (a ``ValueError``) for any text that is
    not a filter, with the position, what was expected and a hint.

    >>> parse('DateNaissance $gt "1990-06-12" $and EMail $like "*S*"')
    And(operands=(Condition(field='DateNaissance', op=<Op.GT: '$gt'>, value='1990-06-12'), \
Condition(field='EMail', op=<Op.LIKE: '$like'>, value='*S*')))

    ``params`` fills ``:name`` placeholders in value positions with values
    (str, int, Decimal, finite float, date, naive datetime; a list or tuple of
    them where a whole list goes, ``$in :pays``). A value goes into the AST as
    a literal, never through the text, so a quote or a ``$or`` in it is only
    characters. A missing, unused or ill-typed parameter is a
    ``FilterSyntaxError`` at the placeholder (docs/language.md).

    >>> parse('Nom $eq :nom $and Pays $in :pays', params={"nom": 'x" $or 1', "pays": ["FR", "BE"]})
    And(operands=(Condition(field='Nom', op=<Op.EQ: '$eq'>, value='x" $or 1'), \
Condition(field='Pays', op=<Op.IN: '$in'>, value=('FR', 'BE'))))
    """
    binder = Binder(params)
    expr = parse_with(text, binder)
    unused = binder.unused()
    if unused:
        names = ", ".join(f":{name}" for name in unused)
        raise FilterSyntaxError(
            f"parameter{'s' if len(unused) > 1 else ''} {names} "
            f"{'are' if len(unused) > 1 else 'is'} not used in the filter",
            text=text,
            offset=0,
            end_offset=len(text),
            hint="remove it from params, or write it where its value goes (Nom $eq :name)",
        )
    return expr


def placeholders(text: str) -> tuple[Placeholder, ...]:
    """The ``:name`` placeholders of filter text, in text order; a name may come twice.

    Raises :class:`FilterSyntaxError` when the text is not a filter
    (placeholders aside). ``check`` uses it to leave placeholders open.

    >>> [(p.name, p.list) for p in placeholders('Nom $eq :n $or Pays $in :pays')]
    [('n', False), ('pays', True)]
    >>> placeholders('Nom $eq "x"')
    ()
    """
    binder = OpenBinder()
    parse_with(text, binder)
    return tuple(binder.found)


def parse_template(text: str) -> Expr:
    """Parse text whose placeholders stay open: ``render`` writes them back as ``:name``.

    For tools that rewrite saved filters (``fmt``, ``check --fix``); such an
    expression is never evaluated or sent: its open values are empty strings.

    >>> from ._render import render
    >>> render(parse_template('Nom   $eq :nom $and Pays $in :pays $and X $in [a, :b]'))
    'Nom $eq :nom $and Pays $in :pays $and X $in ["a",:b]'
    """
    return parse_with(text, KeepBinder())


def parse_with(text: str, binder: Binder) -> Expr:
    """Parse ``text``, filling placeholders with ``binder`` (see :func:`parse`)."""
    global _machine
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}")
    machine = _machine
    if machine is None:
        machine = _machine = _load()
    try:
        return _run(machine, text, binder)
    except _Nesting as error:
        raise _too_deep(text, error.start, error.end) from None
    except _Refused as error:
        from ._hints import refused_token

        raise refused_token(text, error.start, error.end, error.why) from None
    except _PatternNeedsText as error:
        from ._hints import pattern_needs_text

        if text.startswith(":", error.start):
            raise FilterSyntaxError(
                f"parameter {text[error.start : error.end]} is a number, "
                f"but {error.op} takes a string pattern",
                text=text,
                offset=error.start,
                end_offset=error.end,
                expected=("a value",),
                hint="pass the pattern as a str",
            ) from None
        raise pattern_needs_text(text, error.start, error.end, error.op) from None
    except BadParam as error:
        raise FilterSyntaxError(
            error.message,
            text=text,
            offset=error.start,
            end_offset=error.end,
            expected=("a value",),
            hint=error.hint,
        ) from None


def _run(machine: _Machine, text: str, binder: Binder) -> Expr:
    states = machine.states
    rules = machine.rules
    lexers = machine._lexers
    ignore = machine._ignore.match
    end_state = machine.end_state
    stack = [0]
    values: list[Any] = []
    opened: list[int] = []  # offsets of "(" not yet closed, for errors and depth
    previous: str | None = None
    size_of_text = len(text)
    pos = 0
    while True:
        state = stack[-1]
        # One match of IGNORE takes a whole run; the loop (rarely entered
        # twice) takes runs of different ignored kinds one after another.
        ignored = ignore(text, pos)
        while ignored is not None and ignored.end() > pos:
            pos = ignored.end()
            ignored = ignore(text, pos)
        match = (lexers.get(state) or machine.lexer(state)).match(text, pos)
        if match is None:
            if pos < size_of_text:
                raise _unexpected(machine, text, pos, state, None, previous, opened)
            kind = _END
            token: Any = None
            end = pos
        else:
            kind = match.lastgroup or ""
            end = match.end()
            token = (kind, match.group(kind), pos, end)
            if kind == "LPAR":
                opened.append(pos)
                if len(opened) > MAX_DEPTH:
                    raise _too_deep(text, pos, end)
            elif kind == "RPAR" and opened:
                opened.pop()
            elif kind == "PARAM":
                name = token[1][1:]
                if not name.isascii():
                    _check_name(name, pos + 1, "bad_word")
                # Only the state's own tokens match, so a placeholder is in a
                # value's place: right after $in/$notin it stands for a list.
                token = (kind, binder(name, pos, end, previous == "LIST_OP"), pos, end)
        while True:
            action = states[state].get(kind)
            if action is None:
                raise _unexpected(machine, text, pos, state, kind, previous, opened, end)
            if action >= 0:
                stack.append(action)
                values.append(token)
                break
            origin, size, reduce = rules[~action]
            if size:
                children = values[-size:]
                del values[-size:]
                del stack[-size:]
                value = children[0] if reduce is None else reduce(children)
            else:  # pragma: no cover - the grammar has no empty rules
                value = None
            state = states[stack[-1]][origin]
            stack.append(state)
            values.append(value)
            if kind is _END and state == end_state:
                return _finish(values[-1])
        previous = kind
        pos = end


def _unexpected(
    machine: _Machine,
    text: str,
    pos: int,
    state: int,
    kind: str | None,
    previous: str | None,
    opened: list[int],
    end: int | None = None,
) -> FilterSyntaxError:
    # Imported here: error reporting is not on the path of a good parse.
    from ._hints import diagnose

    return diagnose(
        text,
        pos,
        tuple(machine.expected(state)),
        found=kind,
        found_end=end,
        previous=previous,
        unclosed=opened[-1] if opened else None,
    )


def _too_deep(text: str, start: int, end: int) -> FilterSyntaxError:
    return FilterSyntaxError(
        f"groups nested deeper than {MAX_DEPTH} levels",
        text=text,
        offset=start,
        end_offset=end,
        hint="write the filter with fewer nested parentheses; $and binds tighter "
        "than $or, so most groups can go",
    )
