"""Filters as pydantic fields: ``FilterText`` and ``FilterFor(schema)`` (the ``pydantic`` extra).

``FilterText`` is a type for a pydantic model field or a FastAPI parameter.
It accepts filter text or an expression, validates to an expression
(:data:`scale_query.Expr`), serialises as canonical text, and shows in JSON
Schema and OpenAPI as ``{"type": "string", "format": "scale-filter"}``. A
filter that does not parse is a pydantic ``ValidationError`` (type
``scale_filter``) whose ``ctx`` carries the rule ``code``, the ``message``,
``line``/``column``/``end_line``/``end_column`` and the ``hint``, so FastAPI
answers 422 with them in ``detail``.

``Annotated[FilterText, FilterFor(schema)]`` also validates the filter
against an object's :class:`scale_query.ObjectSchema`: each error-severity
diagnostic (an unknown field, a literal that does not fit the field's type) is
a ``ValidationError`` too; warnings are not failures. See docs/apps.md.

>>> from pydantic import BaseModel
>>> class Search(BaseModel):
...     where: FilterText
>>> Search(where='Nom   $like "S*"').model_dump()
{'where': 'Nom $like "S*"'}
>>> from pydantic import ValidationError
>>> try:
...     Search(where="Nom $eq")
... except ValidationError as error:
...     detail = error.errors(include_input=False, include_url=False)[0]
>>> detail["type"], detail["ctx"]["code"], detail["ctx"]["column"], detail["ctx"]["hint"]
('scale_filter', 'SQ001', 8, 'add a value, such as "text" or 12.50')

Only this module imports pydantic, and nothing of scale-query imports this
module: ``import scale_query`` never loads pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from .language import And, Condition, Expr, FilterSyntaxError, Or, parse, render
from .semantics import Diagnostic, ObjectSchema, validate

__all__ = ["FORMAT", "FilterFor", "FilterText"]

#: The JSON Schema ``format`` of a filter string.
FORMAT = "scale-filter"

_DESCRIPTION = (
    "A Scal-e datamart filter, such as "
    '`DateNaissance $gt "1990-06-12" $and EMail $like "*S*"` '
    "(operators $eq $neq $gt $gte $lt $lte $like $notlike $regex $in $notin, "
    "joined with $and/$or)."
)


def _error(d: Diagnostic) -> PydanticCustomError:
    # The message template is the diagnostic's own message, so that the
    # ValidationError reads as `check` does; ctx holds every field of it.
    context: dict[str, Any] = {
        "code": d.code,
        "message": d.message,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "hint": d.hint,
    }
    template = "{code} {message}" + ("" if d.hint is None else " (hint: {hint})")
    return PydanticCustomError("scale_filter", template, context)


def _syntax(error: FilterSyntaxError) -> PydanticCustomError:
    line, column = error.line, error.column
    end_line, end_column = error.line, error.column + (error.end_offset - error.offset)
    last_newline = error.text.rfind("\n", error.offset, error.end_offset)
    if last_newline >= 0:
        end_line = line + error.text.count("\n", error.offset, error.end_offset)
        end_column = error.end_offset - last_newline
    return _error(
        Diagnostic(
            "SQ001",
            "error",
            error.message,
            line,
            column,
            end_line,
            end_column,
            error.hint,
            None,
            error.offset,
            error.end_offset,
        )
    )


def _to_expr(value: object) -> Expr:
    if isinstance(value, (Condition, And, Or)):
        return value
    if isinstance(value, str):
        try:
            return parse(value)
        except FilterSyntaxError as error:
            raise _syntax(error) from None
    raise PydanticCustomError(
        "scale_filter_type",
        "a filter is text or an expression, not {kind}",
        {"kind": type(value).__name__},
    )


if TYPE_CHECKING:
    #: A filter field: text or an expression in, an expression out.
    FilterText = Expr
else:

    class FilterText:
        """A filter field: text or an expression in, an expression (``Expr``) out.

        Serialised as canonical text; in JSON Schema and OpenAPI
        ``{"type": "string", "format": "scale-filter"}``. A type for
        annotations only: the values it validates to are expressions, which
        type checkers see (to them ``FilterText`` is ``Expr``). A plain class,
        not an alias of ``Expr``, so that FastAPI reads a parameter of this
        type from the query string, as it does a ``str``.
        """

        @classmethod
        def __get_pydantic_core_schema__(
            cls, source: Any, handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.no_info_plain_validator_function(
                _to_expr,
                serialization=core_schema.plain_serializer_function_ser_schema(
                    render, return_schema=core_schema.str_schema()
                ),
            )

        @classmethod
        def __get_pydantic_json_schema__(
            cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            return {"type": "string", "format": FORMAT, "description": _DESCRIPTION}


@dataclass(frozen=True)
class FilterFor:
    """Validate a ``FilterText`` against an object's schema, as ``FilterFor(schema)`` in Annotated.

    Every diagnostic of severity ``error`` fails validation (the first is the
    error, its ``ctx`` says how many there are); warnings pass.

    >>> from typing import Annotated
    >>> from pydantic import TypeAdapter, ValidationError
    >>> from scale_query import ObjectSchema
    >>> schema = ObjectSchema.from_api({"Nom": {"attribs": {"type": "text"}}}, "contact")
    >>> where = TypeAdapter(Annotated[FilterText, FilterFor(schema)])
    >>> print(where.validate_python('Nom $like "S*"'))
    Nom $like "S*"
    >>> try:
    ...     where.validate_python('Nmo $eq "x"')
    ... except ValidationError as error:
    ...     print(error.errors()[0]["msg"])
    SQ101 unknown field 'Nmo' in object 'contact' (hint: did you mean 'Nom'?)
    """

    schema: ObjectSchema

    def __post_init__(self) -> None:
        if not isinstance(self.schema, ObjectSchema):
            raise TypeError(
                f"FilterFor takes an ObjectSchema (ObjectSchema.from_api(...)), "
                f"not {type(self.schema).__name__}"
            )

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(schema)
        name = self.schema.name
        if name:
            value = {**value, "description": f"{_DESCRIPTION} Fields of object {name!r}."}
        return value

    def _check(self, value: object, inner: core_schema.ValidatorFunctionWrapHandler) -> Expr:
        expr: Expr = inner(value)
        # Text gives positions; an expression built in Python has none.
        found = validate(value if isinstance(value, str) else expr, schema=self.schema)
        errors = [d for d in found if d.severity == "error"]
        if errors:
            raise _error(errors[0])
        return expr

    def __hash__(self) -> int:
        return id(self.schema)
