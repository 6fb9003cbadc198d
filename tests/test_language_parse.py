"""The parser: every grammar rule, every error hint, spans, and limits."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

from scale_query import And, Condition, FilterSyntaxError, Op, Or, parse, render
from scale_query.language._ast import MAX_DEPTH


def c(field: str, op: Op, value: object) -> Condition:
    return Condition(field, op, value)  # type: ignore[arg-type]


# (text, expected AST): one row at least per grammar rule and token.
GOOD = [
    # condition: field SCALAR_OP scalar, every scalar operator
    ('Nom $eq "Dupont"', c("Nom", Op.EQ, "Dupont")),
    ('Nom $neq "Dupont"', c("Nom", Op.NEQ, "Dupont")),
    ('DateNaissance $gt "1990-06-12"', c("DateNaissance", Op.GT, "1990-06-12")),
    ("Age $gte 18", c("Age", Op.GTE, Decimal(18))),
    ("Montant $lt -12.50", c("Montant", Op.LT, Decimal("-12.50"))),
    ("Montant $lte 0", c("Montant", Op.LTE, Decimal(0))),
    ('EMail $like "*S*"', c("EMail", Op.LIKE, "*S*")),
    ('EMail $notlike "*@example.net"', c("EMail", Op.NOTLIKE, "*@example.net")),
    ('Nom $regex "^(Du|De) ?[a-z]+$"', c("Nom", Op.REGEX, "^(Du|De) ?[a-z]+$")),
    # condition: field LIST_OP list; items: strings, numbers, bare words
    ("Pays $in [FR,BE]", c("Pays", Op.IN, ("FR", "BE"))),
    (
        'Pays $notin ["FR", BE, 3, -1.5]',
        c("Pays", Op.NOTIN, ("FR", "BE", Decimal(3), Decimal("-1.5"))),
    ),
    ('Pays $in ["x"]', c("Pays", Op.IN, ("x",))),
    # field: names with Unicode letters, underscores, digits, dots; brackets
    ('Civilité $eq "Mme"', c("Civilité", Op.EQ, "Mme")),
    ('_id2 $eq "1"', c("_id2", Op.EQ, "1")),
    ('contact.Nom $eq "x"', c("contact.Nom", Op.EQ, "x")),
    ('[Date de naissance] $eq "x"', c("Date de naissance", Op.EQ, "x")),
    ('[a$and"b] $eq "x"', c('a$and"b', Op.EQ, "x")),
    # STRING: JSON escapes, non-ASCII, empty
    (r'Nom $eq "a\"b\\c\/d\n\t\u00e9"', c("Nom", Op.EQ, 'a"b\\c/d\n\té')),
    ('Nom $eq "Ünïcødé 日本"', c("Nom", Op.EQ, "Ünïcødé 日本")),
    ('Pays $eq ""', c("Pays", Op.EQ, "")),
    # whitespace: spaces, tabs, newlines anywhere, none where not needed
    ('\n\tNom\t$eq\n"x"  ', c("Nom", Op.EQ, "x")),
    ('Nom $eq"x"', c("Nom", Op.EQ, "x")),
    ("Pays $in[ FR , BE ]", c("Pays", Op.IN, ("FR", "BE"))),
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_parses_each_rule(text: str, expected: Condition) -> None:
    assert parse(text) == expected


def test_and_binds_tighter_than_or() -> None:
    a, b, d = (c(n, Op.EQ, Decimal(1)) for n in "abd")
    assert parse("a $eq 1 $and b $eq 1 $or d $eq 1") == Or((And((a, b)), d))
    assert parse("a $eq 1 $or b $eq 1 $and d $eq 1") == Or((a, And((b, d))))


def test_groups_override_precedence_and_chains_flatten() -> None:
    a, b, d, e = (c(n, Op.EQ, Decimal(1)) for n in "abde")
    assert parse("(a $eq 1 $or b $eq 1) $and d $eq 1") == And((Or((a, b)), d))
    # Redundant groups vanish: an And never directly holds an And.
    flat = parse("(a $eq 1 $and (b $eq 1)) $and ((d $eq 1 $and e $eq 1))")
    assert flat == And((a, b, d, e))
    assert parse("((a $eq 1))") == a
    assert parse("a $eq 1 $or (b $eq 1 $or d $eq 1)") == Or((a, b, d))


def test_spans_point_into_the_text() -> None:
    text = 'Nom $eq "x" $and\n  Pays $in [FR, "BE"]'
    expr = parse(text)
    assert isinstance(expr, And)
    first, second = expr.operands
    assert isinstance(first, Condition) and isinstance(second, Condition)
    assert first.span is not None and second.span is not None
    assert text[first.span.start : first.span.end] == 'Nom $eq "x"'
    assert second.field_span is not None and second.op_span is not None
    assert text[second.field_span.start : second.field_span.end] == "Pays"
    assert text[second.op_span.start : second.op_span.end] == "$in"
    assert second.value_span is not None
    assert text[second.value_span.start : second.value_span.end] == '[FR, "BE"]'
    assert [text[s.start : s.end] for s in second.item_spans] == ["FR", '"BE"']
    assert expr.span is not None and text[expr.span.start : expr.span.end] == text.strip()


def test_spans_do_not_count_in_equality_or_hash() -> None:
    parsed = parse('Nom $eq "x"')
    built = c("Nom", Op.EQ, "x")
    assert parsed == built and hash(parsed) == hash(built)
    assert built.span is None


# (text, column, end column, hint fragment, message fragment)
BAD = [
    ('DateNaissance $ge "1990-06-12"', 15, 18, "did you mean '$gte'?", "unknown operator '$ge'"),
    ('Nom $eqq "x"', 5, 9, "did you mean '$eq'?", "unknown operator"),
    ('Nom $not "x"', 5, 9, "there is no $not", "unknown operator"),
    ('Nom $EQ "x"', 5, 8, "lowercase: write $eq", "unknown operator '$EQ'"),
    ('Nom $eq "x" $AND b $eq 1', 13, 17, "lowercase: write $and", "unknown operator"),
    ('Nom = "x"', 5, 6, "write $eq", "'=' is not a filter operator"),
    ('Nom == "x"', 5, 7, "write $eq", "'=='"),
    ('Nom != "x"', 5, 7, "write $neq", "'!='"),
    ('Nom <> "x"', 5, 7, "write $neq", "'<>'"),
    ("Age > 1", 5, 6, "write $gt", "'>'"),
    ("Age >= 1", 5, 7, "write $gte", "'>='"),
    ("Age < 1", 5, 6, "write $lt", "'<'"),
    ("Age <= 1", 5, 7, "write $lte", "'<='"),
    ("a $eq 1 AND b $eq 2", 9, 12, "write $and", "'AND' is not a connective"),
    ("a $eq 1 OR b $eq 2", 9, 11, "write $or", "'OR'"),
    ("a $eq 1 and b $eq 2", 9, 12, "write $and", "'and'"),
    ("a $eq 1 or b $eq 2", 9, 11, "write $or", "'or'"),
    ("a $eq 1 && b $eq 2", 9, 11, "write $and", "'&&'"),
    ("a $eq 1 || b $eq 2", 9, 11, "write $or", "'||'"),
    ("Nom $eq 'Dupont'", 9, 17, 'write "Dupont"', "double quotes"),
    ('Nom $eq "Dupont', 9, 16, "close the string", "unterminated string"),
    ("Montant $gt 12,50", 15, 16, "write 12.50", "decimal comma"),
    ("Nom $eq Dupont", 9, 15, 'double quotes: "Dupont"', "unquoted value 'Dupont'"),
    ("Pays $in []", 11, 12, "at least one item", "empty list"),
    ("Pays $in [FR,]", 14, 15, "remove the comma", "trailing comma"),
    ("(a $eq 1 $or b $eq 2", 1, 2, "add ')'", "'(' is never closed"),
    ("a $eq 1)", 8, 9, "remove this ')'", "')' has no matching '('"),
    ("a $eq 1 $and", 13, 14, "add a condition after $and", "nothing after $and"),
    ("a $eq 1 $or", 12, 13, "add a condition after $or", "nothing after $or"),
    ("(a $eq 1 $and) $or b $eq 1", 14, 15, "add a condition after $and", "nothing after $and"),
    ("", 1, 2, "write a condition", "empty filter"),
    ("   \n ", 2, 3, "write a condition", "empty filter"),
    ('"Nom" $eq "x"', 1, 6, "field names are not quoted", "expected a field name"),
    ('Nom "x"', 5, 8, "put an operator", "expected an operator"),
    ('Pays $in "FR"', 10, 14, '["FR"]', "expected ["),
    ("Pays $in FR", 10, 12, "take a list: [FR]", "expected a list"),
    ('Nom $foo "a"', 5, 9, "operators are $eq", "unknown operator"),
    ("Pays $eq [FR]", 10, 11, "use $in or $notin", "takes one value"),
    ("Nom $like 12", 11, 13, 'quote it: "12"', "$like takes a string"),
    (r'Nom $eq "a\qb"', 11, 13, "JSON escapes only", "invalid escape"),
    ("Montant $gt 1e5", 13, 16, "US notation", "invalid number '1e5'"),
    ("a $eq 1 b $eq 2", 9, 10, "join conditions with $and or $or", "expected"),
    ("$and a $eq 1", 1, 5, "must come before", "found '$and'"),
    ("a $eq", 6, 7, "add a value", "needs a value"),
    ("Adresse..Ville $eq 1", 8, 15, "[Adresse..Ville]", "'Adresse..Ville' is no dotted name"),
    ("Adresse. $eq 1", 8, 9, "[Adresse.]", "'Adresse.' is no dotted name"),
    ("a.1 $eq 1", 2, 4, "[a.1]", "'a.1' is no dotted name"),
    (".a $eq 1", 1, 3, "[.a]", "a field name cannot start with '.'"),
    ("2emeAdresse $eq 1", 1, 12, "[2emeAdresse]", "cannot start with a digit"),
    # Decomposed text (NFD, as macOS file names give it): 'e' then U+0301.
    ("Civilite\u0301 $eq 1", 9, 10, "write Civilité", "combining mark U+0301 after 'e'"),
    ("Pays $in [Belgique\u0301]", 19, 20, "write Belgiqué", "combining mark U+0301"),
]


@pytest.mark.parametrize(("text", "column", "end_column", "hint", "message"), BAD)
def test_errors_say_what_where_and_how_to_fix(
    text: str, column: int, end_column: int, hint: str, message: str
) -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text)
    error = caught.value
    assert error.column == column, str(error)
    assert error.end_offset - error.offset == end_column - column, str(error)
    assert error.hint is not None and hint in error.hint, str(error)
    assert message in error.message, str(error)


def test_error_attributes_and_rendering() -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse('DateNaissance $ge "1990-06-12"')
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.line, error.column, error.offset, error.end_offset) == (1, 15, 14, 17)
    assert error.expected == ("an operator",)
    assert str(error) == (
        "filter:1:15: unknown operator '$ge'\n"
        '  DateNaissance $ge "1990-06-12"\n'
        "                ^^^\n"
        "  hint: did you mean '$gte'?"
    )
    clone = pickle.loads(pickle.dumps(error))
    assert str(clone) == str(error)


def test_error_line_and_column_on_later_lines() -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse('Nom $eq "x"\n$and\n  Pays $EQ "FR"')
    error = caught.value
    assert (error.line, error.column) == (3, 8)
    assert '\n    Pays $EQ "FR"\n         ^^^\n' in str(error)


@pytest.mark.parametrize(
    "text",
    ["a $eq 1 b", "(a $eq 1", "a $eq 1 $and", "a $in [x", "a $eq", "a", "a $eq 1 2"],
)
def test_expected_tokens_are_words_not_internal_names(text: str) -> None:
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text)
    words = caught.value.expected
    assert words
    for word in words:
        assert word.isupper() is False and "__" not in word and "$END" not in word
    assert "RPAR" not in str(caught.value) and "__ANON" not in str(caught.value)


def test_hundred_nested_groups_parse() -> None:
    text = "(" * 100 + "a $eq 1" + ")" * 100
    assert parse(text) == c("a", Op.EQ, Decimal(1))
    alternating = "a $eq 0"
    for i in range(1, 101):
        alternating = f"a $eq {i} {'$and' if i % 2 else '$or'} ({alternating})"
    parsed = parse(alternating)
    assert parse(render(parsed)) == parsed


def test_nesting_beyond_the_limit_is_a_syntax_error() -> None:
    for depth in (MAX_DEPTH + 1, 100_000):
        with pytest.raises(FilterSyntaxError) as caught:
            parse("(" * depth + "a $eq 1" + ")" * depth)
        assert "nested deeper" in caught.value.message


def test_deep_alternation_never_hits_the_recursion_limit() -> None:
    text = "a $eq 0"
    for i in range(3000):
        text = f"a $eq {i} {'$and' if i % 2 else '$or'} ({text})"
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text)
    assert "nested deeper" in caught.value.message


@pytest.mark.slow
def test_twenty_thousand_conditions_round_trip() -> None:
    text = " $and ".join(f'f{i} $eq "v{i}"' for i in range(20_000))
    expr = parse(text)
    assert isinstance(expr, And) and len(expr.operands) == 20_000
    assert render(expr) == text
    alternating = " $or ".join(f"f{i} $eq {i} $and g $in [a,b]" for i in range(10_000))
    assert render(parse(alternating)) == alternating.replace("[a,b]", '["a","b"]')


def test_parse_refuses_non_text() -> None:
    with pytest.raises(TypeError):
        parse(b"a $eq 1")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Nom $eq " + "x" * 5000,
        'Nom $eq "a" ' + "x" * 5000,
        "Nom $in " + "x" * 5000,
        "Nom $" + "x" * 5000,
        "Nom $eq '" + "x" * 5000 + "'",
        "Nom $eq 1," + "5" * 5000,
        "a." * 2500 + " $eq 1",
        "Nom " + "x" * 5000 + ' "a"',
        "Nom $eq :" + "x" * 5000,
    ],
)
def test_a_huge_word_is_quoted_shortened_in_the_message_and_hint(text: str) -> None:
    # The emulator answers these words in its 400s: 5,000 characters were echoed twice.
    with pytest.raises(FilterSyntaxError) as caught:
        parse(text)
    assert len(caught.value.message) < 150, caught.value.message
    assert len(caught.value.hint or "") < 150, caught.value.hint
    assert len(str(caught.value)) < 600
