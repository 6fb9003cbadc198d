"""``$regex``: MySQL patterns run by RE2, in linear time, refused with a hint when RE2 cannot.

One policy (scale_query.semantics._regex) for evaluate(), the emulator and
validate()'s SQ203: the tables here hold it to MySQL's answers, the
refusals to their words, and the patterns that took a backtracking engine
hours to linear time (pytest-timeout: a generous bound, not a speed target;
the speed is in benchmarks/parse.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scale_query import MAX_REGEX_LENGTH, Condition, Op, evaluate, validate
from scale_query.emulator import Emulator
from scale_query.semantics._reading import like_key, like_match
from scale_query.semantics._regex import (
    MAX_REGEX_PROGRAM,
    RegexRefused,
    compile_regex,
    syntax_problem,
    translate,
)


def matches(pattern: str, value: str) -> bool:
    return evaluate(Condition("Nom", Op.REGEX, pattern), {"Nom": value})


# What MySQL 8 answers for `value REGEXP pattern` under a case-insensitive
# collation (ICU: Unicode classes; MySQL 5's [[:<:]] read too).
MYSQL = [
    # an unanchored, case-insensitive search
    ("^du", "Dupont", True),
    ("pont", "DUPONT", True),
    ("^pont", "Dupont", False),
    ("pont$", "Dupont", True),
    ("^$", "", True),
    (".", "", False),
    ("é", "É", True),
    ("colou?r", "COLOR", True),
    ("^a{2,3}$", "aaaa", False),
    ("^(FR|BE)+$", "frbe", True),
    ("x|y", "y", True),
    ("\\.", "a.b", True),
    ("\\.", "ab", False),
    ("[.]", "ab", False),
    ("[^a-c]", "abc", False),
    ("[^a-c]", "abd", True),
    ("^[]a]+$", "]a]", True),  # a first "]" is a member
    ("\\é", "é", True),  # a backslash before a non-ASCII character: the character
    ("^[\\é-\\ü]$", "ö", True),  # in brackets too
    ("^a{2}(?i)+$", "aaaa", True),  # a count after inline flags repeats the count
    # POSIX classes
    ("^[[:digit:]]{5}$", "75012", True),
    ("^[[:digit:]]{5}$", "7501", False),
    ("[[:alpha:]]", "123", False),
    ("[[:alpha:]]", "12a", True),
    ("^[[:alpha:]]+$", "Élodie", True),  # Unicode classes, as MySQL 8's ICU
    ("^[[:alnum:]]+$", "abc123", True),
    ("^[[:alnum:]]+$", "abc-123", False),
    ("[[:space:]]", "a\tb", True),
    ("[[:space:]]", "ab", False),
    ("[[:blank:]]", "a b", True),
    ("[[:blank:]]", "a\nb", False),
    ("^[[:upper:]]+$", "ABC", True),
    ("^[[:upper:]]+$", "abc", True),  # case ignored: the classes of letters take both
    ("^[[:lower:]]+$", "ABC", True),
    ("[[:punct:]]", "a.b", True),
    ("[[:punct:]]", "ab", False),
    ("^[[:xdigit:]]+$", "DEADbeef09", True),
    ("^[[:xdigit:]]+$", "xyz", False),
    ("[[:cntrl:]]", "a\x01", True),
    ("[[:cntrl:]]", "ab", False),
    ("^[[:print:]]+$", "a b", True),
    ("^[[:graph:]]+$", "a b", False),
    ("^[^[:digit:]]+$", "abc", True),
    ("^[[:digit:][:upper:]-]+$", "AB-12", True),
    # word boundaries
    ("[[:<:]]pont", "Du pont", True),
    ("[[:<:]]pont", "Dupont", False),
    ("du[[:>:]]", "du pont", True),
    ("du[[:>:]]", "dupont", False),
    ("[[:<:]]rue[[:>:]]", "12 rue de Paris", True),
    ("[[:<:]]rue[[:>:]]", "12 ruelle", False),
    ("[[:<:]](rue|avenue)[[:>:]]", "3 AVENUE Foch", True),
    ("\\bfoo\\b", "a foo b", True),
]


@pytest.mark.parametrize(("pattern", "value", "expected"), MYSQL)
def test_evaluate_answers_as_mysql(pattern: str, value: str, expected: bool) -> None:
    assert matches(pattern, value) is expected


def test_boundaries_become_re2_word_boundaries() -> None:
    translated = translate("x[[:<:]]du[[:>:]]|\\[[:<:]]").text
    # The escaped "[" is a character: the text after it is a class, left alone.
    assert translated == "x\\bdu\\b|\\[[:<:]]"
    # At the pattern's edges, next to a letter, the boundary is ICU's: Unicode.
    assert matches("[[:<:]]lo", "la lodie") and not matches("[[:<:]]lo", "Élodie")
    assert matches("du[[:>:]]", "du x") and not matches("du[[:>:]]", "dué")
    # A boundary alone: any word character, Unicode ones included.
    assert all(matches(b, "é") for b in ("\\b", "[[:<:]]", "[[:>:]]"))
    assert not any(matches(b, " - ") for b in ("\\b", "[[:<:]]", "[[:>:]]"))


@pytest.mark.parametrize(
    ("pattern", "value", "found"),
    [
        ("[[:alpha:]]", "é", True),
        ("^[[:alpha:]]+$", "Élodie", True),
        ("\\W", "é", False),
        ("\\w", "日", True),
        ("[^[:alpha:]]", "É", False),
        ("[[:upper:]]", "a", True),  # ICU closes a class over case when case is ignored
        ("\\d", "٣", True),
        ("[[:punct:]]", "«", True),
        ("[[:space:]]", "\u00a0", True),
    ],
)
def test_classes_read_unicode_as_icu(pattern: str, value: str, found: bool) -> None:
    assert matches(pattern, value) is found


# ---- refusals: what, where and what to write instead -----------------------


REFUSALS = [
    # pattern, words of the reason, words of the hint, offset in the pattern
    ("(a)\\1", "back-reference (\\1)", "write the repeated text out", 3),
    ("(?P<x>a)\\k<x>", "named back-reference", "cannot recall a group", 8),
    ("du(?=pont)", "look-ahead", "linear time without look-around", 2),
    ("du(?!pont)", "negative look-ahead", "look-around", 2),
    ("(?<=du)pont", "look-behind", "look-around", 0),
    ("(?<!du)pont", "negative look-behind", "look-around", 0),
    ("(?>du)", "atomic group", "look-around or atomic groups", 0),
    ("[[.space.]]", "collating element", "write the character itself", 1),
    ("[[=e=]]", "equivalence class", "write the character itself", 1),
    ("a*+", "bad repetition operator", "possessive", 1),
    ("[[:foo:]]", "invalid character class range", "[:alpha:]", 1),
    ("ab[c", "missing ]", "close the bracket", 2),
    ("^(Du|(De)", "a '(' that is never closed", "balance the parentheses", 1),
    ("^Du)|De", "a ')' that closes nothing", "balance the parentheses", 3),
    ("*", "no argument for repetition operator", "a literal * is written \\*", 0),
    ("a{1001}", "invalid repetition size", "counts go up to 1000", 1),
    ("\\Z", "invalid escape sequence", "write $ for the end", 0),
    ("a\\C", "\\C (one byte)", "write .", 1),
]


@pytest.mark.parametrize(("pattern", "reason", "hint", "offset"), REFUSALS)
def test_refusals_say_what_where_and_what_instead(
    pattern: str, reason: str, hint: str, offset: int
) -> None:
    with pytest.raises(RegexRefused) as caught:
        compile_regex(pattern)
    error = caught.value
    assert isinstance(error, ValueError)
    assert reason in error.reason and hint in error.hint
    assert error.offset == offset
    assert f"at character {offset + 1}:" in error.reason
    assert str(error) == f"{error.reason}; hint: {error.hint}"


@pytest.mark.parametrize(("pattern", "reason", "hint", "offset"), REFUSALS)
def test_validate_reports_the_same_words_at_the_same_place(
    pattern: str, reason: str, hint: str, offset: int
) -> None:
    text = f"Nom $regex {json.dumps(pattern)}"
    (found,) = [d for d in validate(text) if d.code == "SQ203"]
    assert reason in found.message and found.hint is not None and hint in found.hint
    if "\\" not in json.dumps(pattern):  # the literal maps one to one onto the pattern
        assert found.offset == len("Nom $regex ") + 1 + offset


def test_refusals_never_quote_the_pattern() -> None:
    # A pattern is a filter value, often personal data: never in an error (issue 20).
    with pytest.raises(RegexRefused) as caught:
        compile_regex("[jo@example.net")
    assert "example" not in str(caught.value) and "jo@" not in str(caught.value)


def test_length_and_program_bounds() -> None:
    compile_regex("a" * MAX_REGEX_LENGTH)
    with pytest.raises(RegexRefused, match=f"the limit is {MAX_REGEX_LENGTH}"):
        compile_regex("a" * (MAX_REGEX_LENGTH + 1))
    compile_regex("^.{0,255}$")  # a length check still fits
    with pytest.raises(RegexRefused, match=f"the limit is {MAX_REGEX_PROGRAM:,}") as caught:
        compile_regex("\\w{0,100}")
    assert "use + or *" in caught.value.hint


def test_a_lone_surrogate_is_refused_in_a_pattern_and_one_character_in_a_value() -> None:
    with pytest.raises(RegexRefused, match="lone surrogate"):
        compile_regex("a\udc80")
    assert compile_regex("^a.c$").search("a\udc80c") is not None
    assert compile_regex("^a..c$").search("a\udc80c") is None


def test_a_posix_class_outside_brackets_is_a_bracket_of_its_letters() -> None:
    # As RE2 reads it (the one reader gives evaluate and to_sql the same meaning).
    assert translate("[:alpha:]").text == "[:alpha:]"
    assert matches("^[:alpha:]$", "h") and not matches("^[:alpha:]$", "b")


def test_repeated_groups_are_accepted_now_that_the_engine_is_linear() -> None:
    for pattern in ("(a+)+$", "(FR|BE)+", "(ab){2,}", "(a|b)*c"):
        compile_regex(pattern)
    assert [d.code for d in validate('Pays $regex "^(FR|BE)+$"')] == []


# ---- linear time -----------------------------------------------------------

# The patterns that took the old backtracking engine 7 to 12 s on the demo data.
CATASTROPHIC = ["(.*){1,10}#", ".*.*.*.*.*.*.*.*#", "(.|.){10}#", "(a+)+$", "(a|aa)*c"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_run_in_linear_time(pattern: str) -> None:
    value = "a" * 1_000_000 + "!"
    assert not matches(pattern, value)
    assert matches(pattern, value + "#c") is (pattern != "(a+)+$")


@pytest.mark.timeout(120)
def test_emulator_answers_catastrophic_patterns_and_refusals(scale_emulator: Emulator) -> None:
    headers = {"Authorization": f"Bearer {scale_emulator.token}"}
    base = f"{scale_emulator.base_url}/{scale_emulator.instance}"
    long_name = "x" * 200_000
    written = httpx.post(
        f"{base}/put_objects/contact",
        headers=headers,
        files={"objects": (None, json.dumps([{"id": 0, "data": {"Nom": long_name}}]))},
    )
    assert written.status_code == 200, written.text
    for pattern in CATASTROPHIC[:3]:
        answer = httpx.get(
            f"{base}/get_objects/contact",
            params={"filter": f'Nom $regex "{pattern}"', "fields": "Nom"},
            headers=headers,
            timeout=120,
        )
        assert answer.status_code == 200, answer.text
        assert all(row["data"]["Nom"] != long_name for row in answer.json()["objects"])
    refused = httpx.get(
        f"{base}/get_objects/contact", params={"filter": 'Nom $regex "(a)\\\\1"'}, headers=headers
    )
    assert refused.status_code == 400
    assert "back-reference" in refused.text and "write the repeated text out" in refused.text


# ---- $like: whole-value wildcards, linear too ------------------------------


def _naive_like(pattern: str, value: str) -> bool:
    parts = pattern.casefold().split("*")
    return re.fullmatch(".*".join(map(re.escape, parts)), value.casefold(), re.DOTALL) is not None


@given(
    st.text("ab*", max_size=8),
    st.text("abAB", max_size=10),
)
def test_like_agrees_with_the_plain_translation(pattern: str, value: str) -> None:
    keys = tuple(like_key(part) for part in pattern.split("*"))
    assert like_match(keys, like_key(value)) is _naive_like(pattern, value)


@pytest.mark.timeout(60)
def test_like_runs_in_linear_time() -> None:
    # ".*a.*a.*a.*b" backtracks in O(n^3) on "aaa..."; the atomic form does not.
    value = "a" * 200_000
    condition = Condition("Nom", Op.LIKE, "*a*a*a*a*a*b")
    assert evaluate(condition, {"Nom": value}) is False
    assert evaluate(condition, {"Nom": value + "b"}) is True


# ---- the engine is loaded only when a $regex is compiled -------------------


def test_import_and_check_do_not_load_the_engine() -> None:
    code = (
        "import sys, scale_query as sq\n"
        'sq.validate(\'Nom $eq "x" $and Pays $regex "^FR"\')\n'
        "assert 're2' not in sys.modules, 'loaded without a $regex to compile'\n"
        "sq.validate('Nom $regex \"^(Du|De)\"')\n"
        "assert 're2' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- RE2's syntax rules without RE2 (validate where RE2 cannot be installed) -

# Pieces of RE2's syntax, valid and not, for patterns made of up to 8 of them.
PIECES = [
    *("a", "é", "_", ".", "^", "$", "|", "(", ")", "(?:", "(?i)", "(?i-s:", "(?-", "(?P<n>"),
    *("(?<n>", "(?P<", "(?", "?", "[", "]", "[^", "-", "[:alpha:]", "[:foo:]", "[:", ":]"),
    *("*", "+", "*?", "{", "}", "{2}", "{2,}", "{2,5}", "{5,2}", "{1001}", "{0}", "{10}"),
    *("{100}", ",", "\\", "\\d", "\\W", "\\b", "\\B", "\\A", "\\z", "\\Z", "\\p{L}"),
    *("\\p{Greek}", "\\p{Foo}", "\\pL", "\\pX", "\\P{^L}", "\\p", "\\x41", "\\x{41}"),
    *("\\x{110000}", "\\x{", "\\x", "\\0", "\\01", "\\7", "\\Q", "\\E", "\\-", "\\e", "\\8"),
    *("\\]", ":", "=", "<", ">", "P", "0", "1", "'", "!", "#", " "),
]


def _re2_says(pattern: str) -> str | None:
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    options.log_errors = False
    try:
        re2.compile(pattern, options)
    except re2.error as error:
        message: str = error.args[0].decode("utf-8", "replace")
        return message
    return None


@pytest.mark.slow
@settings(max_examples=3000)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join))
def test_syntax_rules_say_what_re2_says(pattern: str) -> None:
    problem = syntax_problem(pattern)
    mine = None if problem is None else ": ".join(filter(None, [problem.what, problem.fragment]))
    assert mine == _re2_says(pattern)
    if problem is not None and problem.fragment:
        assert pattern[problem.offset :].startswith(problem.fragment)


def test_validate_refuses_alike_without_re2() -> None:
    # Python with re2 unimportable, as in the browser: the same SQ203, words and place.
    texts = ['Nom $regex "(a)\\\\1"', 'Nom $regex "ab[c"', 'Nom $regex "^(Du|De)"']
    code = (
        "import json, sys\n"
        "sys.modules['re2'] = None  # import re2 fails\n"
        "import scale_query.semantics._regex._re2 as policy\n"
        "policy._engine_installed = lambda: False\n"
        "from scale_query import validate\n"
        f"texts = {texts!r}\n"
        "print(json.dumps([[(d.code, d.message, d.hint, d.offset) for d in validate(t)]"
        " for t in texts]))\n"
    )
    alone = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    with_re2 = [[(d.code, d.message, d.hint, d.offset) for d in validate(t)] for t in texts]
    assert json.loads(alone) == json.loads(json.dumps(with_re2))
    assert [len(found) for found in with_re2] == [1, 1, 0]


# ---- word boundaries by Unicode beside other pattern text (_regex._marks) ----
# \\b is a word's start or end, [[:<:]] a start and [[:>:]] an end (MySQL 5's,
# which MariaDB keeps).

# The word characters of the alphabet below (ICU's \w: letters, marks, digits, _).
WORD_CHARS = "aAéÉ1_\u0301\u0663"
_W = f"[{WORD_CHARS}]"
_BOUNDARY = f"(?:(?<={_W})(?!{_W})|(?<!{_W})(?={_W}))"
# (MySQL piece, the same in Python's re with look-around over the alphabet).
BOUNDARY_PIECES = [
    ("a", "a"), ("é", "é"), ("-", "-"), (" ", " "), (".", "."), ("[^-]", "[^-]"),
    ("\\b", _BOUNDARY), ("\\B", f"(?:(?<={_W})(?={_W})|(?<!{_W})(?!{_W}))"),
    ("[[:<:]]", f"(?<!{_W})(?={_W})"), ("[[:>:]]", f"(?<={_W})(?!{_W})"), ("a*", "a*"),
    ("(é|-)", "(?:é|-)"),
    ("[[:alpha:]]", "[aAéÉ]"), ("\\w", _W), ("\\W", f"[^{WORD_CHARS}]"), ("^", "^"),
    ("$", "$"), ("(-\\b)?", f"(?:-{_BOUNDARY})?"), ("\\d", "[1\u0663]"),
]  # fmt: skip
BOUNDARY_TEXT = st.text(st.sampled_from(WORD_CHARS + "- ."), max_size=7)


@settings(max_examples=1500, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(BOUNDARY_PIECES), min_size=1, max_size=4), text=BOUNDARY_TEXT
)
def test_word_boundaries_are_placed_by_unicode_word_characters(
    pieces: list[tuple[str, str]], text: str
) -> None:
    from scale_query.semantics._regex import _marks, parse

    pattern = "".join(mysql for mysql, _ in pieces)
    tree = parse(pattern)
    # Two anchors at one place keep RE2's ASCII \\b (docs/semantics.md).
    assume(not _marks.has_word_anchor(tree) or _marks.marked_pattern(tree, ("x", "y", "z")))
    reference = re.search("".join(python for _, python in pieces), text, re.IGNORECASE)
    assert matches(pattern, text) is (reference is not None)


def test_values_holding_the_marks_are_read_alike() -> None:
    held = "\ufdd0\ufdd1\ufdd2"  # noncharacters: not word characters
    for value, found in ((f"{held}é-", True), (f"{held}é{held}", True), (f"{held}éa-", False)):
        assert matches("é\\b[-\ufdd0]", value) is found, value
    assert not matches("é\\B-", f"{held}é-")


def test_two_anchors_at_one_place_keep_re2s_ascii_boundary() -> None:
    # ASCII \\b: é is not a word character there (the documented gap).
    assert matches("-\\b\\bé", "-é") is False
    assert matches("-\\bé", "-é") is True
