"""Filters as JSON data: the AST exactly, or react-querybuilder's rule groups.

``to_json(expr)`` gives plain JSON-ready data (dicts, lists, strings, ints,
floats, bools) and ``from_json(data)`` reads it back, so that
``from_json(to_json(e)) == e``. Two formats:

- ``"ast"`` (the default): every node and value kind, exactly, under a
  ``"version"`` key. A string is a JSON string; a number is
  ``{"number": "12.50"}`` (its exact text: JSON numbers are floats to most
  readers); a list is a JSON array of those.
- ``"react-querybuilder"``: the rule groups of react-querybuilder
  (``{"combinator": "and", "not": false, "rules": [...]}``), for the
  operators both have: ``$eq`` ``=``, ``$neq`` ``!=``, ``$gt`` ``>``, ``$gte``
  ``>=``, ``$lt`` ``<``, ``$lte`` ``<=``, ``$in`` ``in``, ``$notin``
  ``notIn``, and ``$like``/``$notlike`` with a pattern of the shape
  ``*x*``, ``x*`` or ``*x`` as ``contains``, ``beginsWith``, ``endsWith`` and
  their ``doesNot...`` forms. Any other (``$regex``, a ``$like`` pattern
  without ``*`` or with one inside) is a ``ValueError`` naming the operator.

>>> from scale_query import parse
>>> to_json(parse('Nom $like "S*" $and Age $gt 30'))
{'version': 1, 'filter': {'and': [{'field': 'Nom', 'op': '$like', 'value': 'S*'}, \
{'field': 'Age', 'op': '$gt', 'value': {'number': '30'}}]}}
>>> to_json(parse('Nom $like "S*"'), format="react-querybuilder")
{'combinator': 'and', 'not': False, 'rules': [{'field': 'Nom', 'operator': 'beginsWith', \
'value': 'S'}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeAlias

from ._ast import MAX_DEPTH, And, Condition, Expr, Op, Or, negate
from ._values import filter_value, format_number

__all__ = ["JSON_VERSION", "JsonFormat", "from_json", "to_json"]

#: The ``"version"`` of the ``"ast"`` format this release writes and reads.
JSON_VERSION = 1

JsonFormat: TypeAlias = Literal["ast", "react-querybuilder"]

_FORMATS = ("ast", "react-querybuilder")
_OPS = {op.value: op for op in Op}


def to_json(expr: Expr, *, format: JsonFormat = "ast") -> dict[str, Any]:
    """``expr`` as JSON-ready data in ``format`` (``"ast"`` or ``"react-querybuilder"``).

    >>> from scale_query import Q
    >>> to_json(Q("Pays").in_(["FR", "BE"]) | Q("Age").lt(18), format="react-querybuilder")
    {'combinator': 'or', 'not': False, 'rules': [{'field': 'Pays', 'operator': 'in', \
'value': ['FR', 'BE']}, {'field': 'Age', 'operator': '<', 'value': 18}]}
    """
    if not isinstance(expr, (Condition, And, Or)):
        raise TypeError(f"to_json() takes a filter expression, not {type(expr).__name__}")
    if format == "ast":
        return {"version": JSON_VERSION, "filter": _ast_node(expr)}
    if format == "react-querybuilder":
        node = _rqb_node(expr)
        if "rules" not in node:
            node = {"combinator": "and", "not": False, "rules": [node]}
        return node
    raise ValueError(f"format must be one of {', '.join(_FORMATS)}, not {format!r}")


def from_json(data: Mapping[str, Any] | str, *, format: JsonFormat = "ast") -> Expr:
    """The expression ``data`` holds: JSON-ready data, or JSON text, in ``format``.

    Anything that is not such a filter is a ``ValueError`` saying where
    (``filter.and[1].op``) and what is wrong; it never shows a value.

    >>> from_json({"version": 1, "filter": {"field": "Nom", "op": "$eq", "value": "Dupont"}})
    Condition(field='Nom', op=<Op.EQ: '$eq'>, value='Dupont')
    >>> from_json({"combinator": "or", "rules": [{"field": "Pays", "operator": "in",
    ...     "value": "FR, BE"}]}, format="react-querybuilder")
    Condition(field='Pays', op=<Op.IN: '$in'>, value=('FR', 'BE'))
    """
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except RecursionError:
            raise ValueError("the JSON nests too deep to be a filter") from None
        except ValueError as error:
            raise ValueError(f"not JSON: {error}") from None
    if format == "ast":
        root = _object(data, "the data")
        version = root.get("version")
        if version != JSON_VERSION or isinstance(version, bool):
            shown = repr(version) if isinstance(version, int) else _kind(version)
            raise ValueError(f"version: this release reads version {JSON_VERSION}, not {shown}")
        return _from_ast(root.get("filter"), "filter", 0)
    if format == "react-querybuilder":
        return _from_rqb(data, "query", 0)
    raise ValueError(f"format must be one of {', '.join(_FORMATS)}, not {format!r}")


# ---- "ast" -----------------------------------------------------------------------------


def _ast_value(value: str | Decimal) -> Any:
    return value if isinstance(value, str) else {"number": format_number(value)}


def _ast_node(expr: Expr) -> dict[str, Any]:
    # Recursion is bounded: an expression is at most MAX_DEPTH deep.
    if isinstance(expr, Condition):
        value = expr.value
        written = [_ast_value(v) for v in value] if isinstance(value, tuple) else _ast_value(value)
        return {"field": expr.field, "op": expr.op.value, "value": written}
    key = "and" if isinstance(expr, And) else "or"
    return {key: [_ast_node(o) for o in expr.operands]}


def _object(data: object, where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected an object, found {_kind(data)}")
    return data


def _kind(data: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    for kind, name in names.items():
        if isinstance(data, kind):
            return name
    if data is None:
        return "null"
    if isinstance(data, (int, float, Decimal)):
        return "a number"
    return type(data).__name__


def _deeper(depth: int, where: str) -> int:
    if depth >= MAX_DEPTH:
        raise ValueError(f"{where}: groups nested deeper than {MAX_DEPTH} levels")
    return depth + 1


def _from_ast(data: object, where: str, depth: int) -> Expr:
    node = _object(data, where)
    for key, kind in (("and", And), ("or", Or)):
        if key in node:
            if len(node) != 1:
                raise ValueError(f"{where}: a group has only the key {key!r}")
            operands = node[key]
            if not isinstance(operands, list) or len(operands) < 2:
                raise ValueError(f"{where}.{key}: expected an array of at least two filters")
            inner = _deeper(depth, where)
            return _made(
                kind,
                [_from_ast(o, f"{where}.{key}[{i}]", inner) for i, o in enumerate(operands)],
                where,
            )
    if set(node) != {"field", "op", "value"}:
        raise ValueError(f"{where}: expected 'and', 'or', or 'field', 'op' and 'value'")
    op = _OPS.get(node["op"]) if isinstance(node["op"], str) else None
    if op is None:
        raise ValueError(f"{where}.op: not an operator ({', '.join(_OPS)})")
    raw = node["value"]
    if op.takes_list:
        if not isinstance(raw, list):
            raise ValueError(f"{where}.value: {op.value} takes an array, found {_kind(raw)}")
        value: Any = tuple(_ast_literal(v, f"{where}.value[{i}]") for i, v in enumerate(raw))
    else:
        value = _ast_literal(raw, f"{where}.value")
    return _condition(node["field"], op, value, where)


def _ast_literal(data: object, where: str) -> str | Decimal:
    if isinstance(data, str):
        return data
    if isinstance(data, Mapping) and set(data) == {"number"} and isinstance(data["number"], str):
        text = data["number"]
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or not _NUMBER.fullmatch(text):
            raise ValueError(f"{where}.number: not a number in US notation (12.50)")
        return number
    raise ValueError(f'{where}: expected a string or {{"number": "..."}}, found {_kind(data)}')


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _condition(field: object, op: Op, value: Any, where: str) -> Condition:
    if not isinstance(field, str):
        raise ValueError(f"{where}.field: expected a string, found {_kind(field)}")
    try:
        return Condition(field, op, value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None


def _made(kind: type[And] | type[Or], operands: list[Expr], where: str) -> Expr:
    try:
        return kind(tuple(operands))
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


# ---- react-querybuilder ------------------------------------------------------------------

_RQB_OPS = {
    Op.EQ: "=",
    Op.NEQ: "!=",
    Op.GT: ">",
    Op.GTE: ">=",
    Op.LT: "<",
    Op.LTE: "<=",
    Op.IN: "in",
    Op.NOTIN: "notIn",
}
_FROM_RQB = {name: op for op, name in _RQB_OPS.items()}
# Pattern operators: (react-querybuilder name) -> (operator, "*" before, "*" after).
_RQB_PATTERNS = {
    "contains": (Op.LIKE, True, True),
    "beginsWith": (Op.LIKE, False, True),
    "endsWith": (Op.LIKE, True, False),
    "doesNotContain": (Op.NOTLIKE, True, True),
    "doesNotBeginWith": (Op.NOTLIKE, False, True),
    "doesNotEndWith": (Op.NOTLIKE, True, False),
}


def _rqb_pattern(condition: Condition) -> tuple[str, str]:
    pattern = condition.value
    assert isinstance(pattern, str)
    shape: tuple[bool, bool] | None = None
    if len(pattern) >= 2 and pattern[0] == "*" and pattern[-1] == "*":
        shape, inner = (True, True), pattern[1:-1]
    elif pattern.endswith("*"):
        shape, inner = (False, True), pattern[:-1]
    elif pattern.startswith("*"):
        shape, inner = (True, False), pattern[1:]
    if shape is None or "*" in inner:
        raise ValueError(
            f"react-querybuilder has no operator for this {condition.op.value} pattern: "
            "only *text*, text* and *text (contains, begins with, ends with) have one"
        )
    for name, (op, before, after) in _RQB_PATTERNS.items():
        if op is condition.op and (before, after) == shape:
            return name, inner
    raise AssertionError("every shape has a name")  # pragma: no cover


def _rqb_value(value: str | Decimal) -> Any:
    if isinstance(value, str):
        return value
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    # A JSON number is a float to react-querybuilder: only exact ones go.
    if Decimal(repr(number)) != value:
        raise ValueError(
            "react-querybuilder reads numbers as floats: this one has more digits than a float"
        )
    return number


def _rqb_node(expr: Expr) -> dict[str, Any]:
    if isinstance(expr, Condition):
        name = _RQB_OPS.get(expr.op)
        value: Any
        if name is not None:
            item = expr.value
            value = [_rqb_value(v) for v in item] if isinstance(item, tuple) else _rqb_value(item)
        elif expr.op.takes_pattern and expr.op is not Op.REGEX:
            name, value = _rqb_pattern(expr)
        else:
            raise ValueError(f"react-querybuilder has no operator for {expr.op.value}")
        return {"field": expr.field, "operator": name, "value": value}
    combinator = "and" if isinstance(expr, And) else "or"
    return {"combinator": combinator, "not": False, "rules": [_rqb_node(o) for o in expr.operands]}


def _from_rqb(data: object, where: str, depth: int) -> Expr:
    node = _object(data, where)
    if "rules" in node:
        return _rqb_group(node, where, depth)
    return _rqb_rule(node, where)


def _rqb_group(node: Mapping[str, Any], where: str, depth: int) -> Expr:
    rules = node["rules"]
    if not isinstance(rules, list):
        raise ValueError(f"{where}.rules: expected an array, found {_kind(rules)}")
    if not rules:
        raise ValueError(f"{where}.rules: an empty group is no filter")
    combinator = node.get("combinator", "and")
    kinds: dict[str, type[And] | type[Or]] = {"and": And, "or": Or}
    kind = kinds.get(combinator.lower() if isinstance(combinator, str) else "")
    if kind is None:
        raise ValueError(f"{where}.combinator: expected 'and' or 'or'")
    inner = _deeper(depth, where)
    operands: list[Expr] = []
    for i, rule in enumerate(rules):
        if isinstance(rule, str):
            raise ValueError(
                f"{where}.rules[{i}]: independent combinators are not supported; "
                "use formatQuery's json format with a combinator per group"
            )
        operands.append(_from_rqb(rule, f"{where}.rules[{i}]", inner))
    expr = operands[0] if len(operands) == 1 else _made(kind, operands, where)
    negated = node.get("not", False)
    if not isinstance(negated, bool):
        raise ValueError(f"{where}.not: expected true or false")
    if negated:
        try:
            expr = negate(expr)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
    return expr


def _rqb_rule(node: Mapping[str, Any], where: str) -> Condition:
    if node.get("valueSource", "value") != "value":
        raise ValueError(f"{where}.valueSource: comparing two fields is not in the filter language")
    name = node.get("operator")
    raw = node.get("value")
    if name in _FROM_RQB:
        op = _FROM_RQB[name]
        if op.takes_list:
            items = _rqb_list(raw, f"{where}.value")
            value: Any = tuple(_rqb_literal(v, f"{where}.value[{i}]") for i, v in enumerate(items))
        else:
            value = _rqb_literal(raw, f"{where}.value")
    elif name in _RQB_PATTERNS:
        op, before, after = _RQB_PATTERNS[name]
        if not isinstance(raw, str):
            raise ValueError(f"{where}.value: {name} takes a string, found {_kind(raw)}")
        if "*" in raw:
            raise ValueError(f"{where}.value: the filter language cannot match a literal '*'")
        value = ("*" if before else "") + raw + ("*" if after else "")
    else:
        known = ", ".join([*_FROM_RQB, *_RQB_PATTERNS])
        raise ValueError(
            f"{where}.operator: {name!r} has no filter operator (those that do: {known})"
            if isinstance(name, str)
            else f"{where}.operator: expected a string"
        )
    return _condition(node.get("field"), op, value, where)


def _rqb_list(raw: object, where: str) -> list[Any]:
    if isinstance(raw, list):
        return raw
    if isinstance(raw, str):
        # react-querybuilder's text form of a list: commas, "\," for a comma in a value.
        return [part.replace("\\,", ",").strip() for part in re.split(r"(?<!\\),", raw)]
    raise ValueError(f"{where}: expected an array or a comma-separated string, found {_kind(raw)}")


def _rqb_literal(data: object, where: str) -> str | Decimal:
    if isinstance(data, str):
        return data
    if isinstance(data, bool) or not isinstance(data, (int, float, Decimal)):
        raise ValueError(f"{where}: expected a string or a number, found {_kind(data)}")
    try:
        return filter_value(data)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
