"""An expression as Python builder code: ``Q("Nom").like("*S*") & ...``.

The playground shows it beside the canonical text, so that a filter tried in
the page can be pasted into a program. Running the code gives back an equal
expression (a property test holds it to that), rendered to the same text.

>>> from scale_query.language import parse
>>> print(python_code(parse('Nom $like "*S*" $and (Age $gt 30 $or Pays $in [FR,BE])')))
from scale_query import Q
<BLANKLINE>
expr = Q("Nom").like("*S*") & (Q("Age").gt(30) | Q("Pays").in_(["FR", "BE"]))
"""

from __future__ import annotations

from decimal import Decimal

from ._ast import And, Condition, Expr, Op, Or
from ._values import format_number

__all__ = ["python_code"]

# Method of Q for each operator (``in`` is a keyword, hence ``in_``).
_METHODS = {
    Op.EQ: "eq",
    Op.NEQ: "neq",
    Op.GT: "gt",
    Op.GTE: "gte",
    Op.LT: "lt",
    Op.LTE: "lte",
    Op.LIKE: "like",
    Op.NOTLIKE: "notlike",
    Op.REGEX: "regex",
    Op.IN: "in_",
    Op.NOTIN: "notin",
}

# A group with more operands than this is written and_(...)/or_(...), one per
# line: a long chain of & would nest as deep as it is long in Python's parser.
_MAX_CHAIN = 8
# Groups deeper than this are named on lines of their own: Python's parser
# refuses more than 200 nested parentheses, and the filter allows 256 levels.
_MAX_INLINE_DEPTH = 16


def _string(text: str) -> str:
    """A double-quoted Python literal; what does not print is escaped."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == " " or char.isprintable():
            out.append(char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            # Lone surrogates too: Python source escapes them like any other.
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def _number(value: Decimal, imports: set[str]) -> str:
    sign, _, exponent = value.as_tuple()
    if exponent == 0 and not (sign and value.is_zero()):
        # An integer literal reads back as Decimal(int), which renders the same.
        return str(int(value))
    imports.add("Decimal")
    return f'Decimal("{format_number(value)}")'


def _value(value: str | Decimal, imports: set[str]) -> str:
    return _string(value) if isinstance(value, str) else _number(value, imports)


def _condition(node: Condition, imports: set[str]) -> str:
    if isinstance(node.value, tuple):
        argument = "[" + ", ".join(_value(v, imports) for v in node.value) + "]"
    else:
        argument = _value(node.value, imports)
    return f"Q({_string(node.field)}).{_METHODS[node.op]}({argument})"


class _Writer:
    """Writes an expression bottom-up, naming groups that nest too deep."""

    def __init__(self) -> None:
        self.imports: set[str] = {"Q"}
        self.lines: list[str] = []
        self.count = 0

    def write(self, root: Expr) -> str:
        # Post-order over an explicit stack: any depth, no recursion.
        done: dict[int, str] = {}
        stack: list[tuple[Expr, bool]] = [(root, False)]
        while stack:
            node, visited = stack.pop()
            if isinstance(node, Condition):
                done[id(node)] = _condition(node, self.imports)
            elif not visited:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.operands))
            else:
                done[id(node)] = self._group(node, [done.pop(id(c)) for c in node.operands])
        return done[id(root)]

    def _group(self, node: And | Or, parts: list[str]) -> str:
        is_and = isinstance(node, And)
        if len(parts) > _MAX_CHAIN:
            name = "and_" if is_and else "or_"
            self.imports.add(name)
            text = f"{name}(\n" + "".join(f"    {_indent(p)},\n" for p in parts) + ")"
        else:
            # & binds tighter than | in Python, as $and does than $or.
            wrapped = [
                f"({p})" if is_and and isinstance(c, Or) and not p.isidentifier() else p
                for p, c in zip(parts, node.operands, strict=True)
            ]
            text = (" & " if is_and else " | ").join(wrapped)
        if node.depth % _MAX_INLINE_DEPTH == 0 or "\n" in text:
            self.count += 1
            name = f"part{self.count}"
            self.lines.append(f"{name} = {text}")
            return name
        return text


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def python_code(expr: Expr, *, name: str = "expr") -> str:
    """Python code that builds ``expr`` with ``Q``, assigning it to ``name``.

    Lists of many operands use ``and_``/``or_``; very deep groups are named on
    lines of their own (``part1 = ...``) so that the code always compiles.

    >>> from scale_query.language import Q
    >>> print(python_code(Q("Montant").gte(12.5) | Q("Nom").eq("Dupont")))
    from decimal import Decimal
    from scale_query import Q
    <BLANKLINE>
    expr = Q("Montant").gte(Decimal("12.5")) | Q("Nom").eq("Dupont")
    """
    writer = _Writer()
    last = writer.write(expr)
    if writer.lines and last == f"part{writer.count}":
        # The root itself was named: give its line the final name.
        writer.lines[-1] = f"{name} = " + writer.lines[-1].split(" = ", 1)[1]
        body = writer.lines
    else:
        body = [*writer.lines, f"{name} = {last}"]
    head = []
    if "Decimal" in writer.imports:
        head.append("from decimal import Decimal")
    names = sorted(writer.imports - {"Decimal"}, key=lambda n: (n != "Q", n))
    head.append(f"from scale_query import {', '.join(names)}")
    return "\n".join([*head, "", *body])
