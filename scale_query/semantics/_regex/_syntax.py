"""The one reader of a ``$regex`` pattern: MySQL's syntax, by RE2's rules, into a tree.

The datamart runs ``$regex`` on MySQL 8 (ICU); scale-query runs it with RE2.
:func:`parse` reads a pattern once, left to right (linear time), into the
tree of :mod:`._tree`, reading MySQL's syntax as MySQL 8 does:

- the POSIX classes and ``\\d``, ``\\w``, ``\\s`` by Unicode (ICU's classes);
  ``[[:graph:]]``, ``[[:print:]]``, ``[[:xdigit:]]`` and a negated class
  inside brackets (``[\\W]``) stay ASCII;
- ``[[:<:]]``, ``[[:>:]]`` and ``\\b`` as word boundaries: alone, the value
  holds a Unicode word character; at the pattern's start or end next to a
  letter or digit, a boundary by Unicode word characters (written as the
  character beside the word, RE2 having no look-around); elsewhere RE2's
  ASCII ``\\b``;
- ``\\`` before a character that is not ASCII is that character (``\\é``),
  inside brackets too;
- what needs a backtracking engine (back-references, look-around, atomic
  groups) and MySQL's collating elements (``[[.space.]]``, ``[[=e=]]``) are
  refused with a :class:`RegexRefused` saying what to write instead;

and every rule of RE2's own parser (``re2/parse.cc``, Perl syntax as the
``google-re2`` package sets it) is checked in RE2's words, without loading
RE2: ``validate`` (SQ203) and the Pyodide page say what RE2 would.
:func:`syntax_problem` is that check alone on a pattern in RE2's syntax
(tests/test_regex.py holds it to RE2's answers on generated patterns). A
pattern with several problems is refused for the first, left to right.

>>> syntax_problem("ab[c")
SyntaxProblem(what='missing ]', fragment='[c', offset=2)
>>> type(parse("^du[a-c]")).__name__
'Seq'
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from ._refusals import RegexRefused, SyntaxProblem, _Refused, in_words, refused_at
from ._sets import MAX_CODE_POINT, closure, complement, normalize
from ._tree import (
    ASCII_CLASSES,
    PERL_CLASSES,
    UNICODE_CLASSES,
    WORD,
    Alt,
    Anchor,
    Chars,
    Flags,
    Group,
    Node,
    Repeat,
    Seq,
    UnicodeClass,
)

__all__ = ["RegexRefused", "SyntaxProblem", "parse", "refused_at", "syntax_problem"]

#: RE2's limit on a count, nested counts multiplied.
_MAX_REPEAT = 1000
# The Unicode classes RE2 (Unicode 15) knows for \p{...}: general categories and scripts.
_SCRIPTS = frozenset(
    """Adlam Ahom Anatolian_Hieroglyphs Any Arabic Armenian Avestan Balinese Bamum Bassa_Vah
    Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid C Canadian_Aboriginal Carian
    Caucasian_Albanian Cc Cf Chakma Cham Cherokee Chorasmian Co Common Coptic Cs Cuneiform
    Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan
    Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek
    Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana
    Imperial_Aramaic Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi
    Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi L Lao
    Latin Lepcha Limbu Linear_A Linear_B Lisu Ll Lm Lo Lt Lu Lycian Lydian M Mahajani Makasar
    Malayalam Mandaic Manichaean Marchen Masaram_Gondi Mc Me Medefaidrin Meetei_Mayek
    Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Mn Modi Mongolian Mro Multani
    Myanmar N Nabataean Nag_Mundari Nandinagari Nd New_Tai_Lue Newa Nko Nl No Nushu
    Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic
    Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya P
    Pahawh_Hmong Palmyrene Pau_Cin_Hau Pc Pd Pe Pf Phags_Pa Phoenician Pi Po Ps Psalter_Pahlavi
    Rejang Runic S Samaritan Saurashtra Sc Sharada Shavian Siddham SignWriting Sinhala Sk Sm So
    Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham
    Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto
    Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Z Zanabazar_Square Zl Zp Zs""".split()  # noqa: SIM905
)
#: The general categories a class may name for SQL (those whose members do not
#: depend on what a Unicode version has yet to assign).
_CATEGORIES = frozenset(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp Cc Cf".split()  # noqa: SIM905, E501
)
_CONTROLS = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_FLAGS = frozenset("imsU")
# The categories of the characters a group's name may hold.
_NAME_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Mn", "Mc", "Nd", "Pc"})
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
_BOUNDARIES = ("[[:<:]]", "[[:>:]]")
_LOOKAROUND = {
    "(?=": "a look-ahead (?=...)",
    "(?!": "a negative look-ahead (?!...)",
    "(?<=": "a look-behind (?<=...)",
    "(?<!": "a negative look-behind (?<!...)",
    "(?>": "an atomic group (?>...)",
}
_WordKind: TypeAlias = Literal["boundary", "word_start", "word_end"]
_RECALL = "RE2 matches in linear time and cannot recall a group: write the repeated text out"


def syntax_problem(pattern: str) -> SyntaxProblem | None:
    """What RE2 would say refusing ``pattern`` (RE2's syntax), or None when it compiles it."""
    try:
        _Parser(pattern, mysql=False).parse()
    except _Refused as refused:
        return refused.problem
    return None


@functools.lru_cache(maxsize=256)
def parse(pattern: str) -> Node:
    """The tree of ``pattern`` (MySQL's syntax, read as in the module's docstring).

    Raises :class:`RegexRefused`: what needs a backtracking engine, and what
    RE2 would refuse, in words with a hint, placed in the pattern.
    """
    if pattern in ("\\b", *_BOUNDARIES):
        # A boundary alone: the value holds a (Unicode) word character.
        return _unicode_chars(WORD, negated=False)
    parser = _Parser(pattern, mysql=True)
    try:
        return parser.parse()
    except _Refused as refused:
        raise parser.in_words(refused.problem) from None


@dataclass
class _Frame:
    """A group being read (or the whole pattern): its branches so far."""

    start: int  # the "(" (-1 for the whole pattern)
    opener: str
    flags: str
    top: int | None  # the enclosing sequence's top before the group
    widest: int
    branches: list[Node] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)

    def body(self) -> Node:
        branches = [*self.branches, _seq(self.items)]
        return branches[0] if len(branches) == 1 else Alt(tuple(branches))


def _seq(items: list[Node]) -> Node:
    return items[0] if len(items) == 1 else Seq(tuple(items))


class _Parser:
    def __init__(self, pattern: str, mysql: bool) -> None:
        self.p = pattern
        self.n = len(pattern)
        self.mysql = mysql
        self.unclosed: list[int] = []
        self.stray: int | None = None

    def fail(self, what: str, start: int, stop: int | None = None) -> _Refused:
        return _Refused(what, self.p[start:stop] if stop is not None else self.p[start:], start)

    def in_words(self, problem: SyntaxProblem) -> RegexRefused:
        """RE2's refusal in words with a hint, placed in the pattern."""
        # For parentheses RE2 shows the whole pattern: point at the parenthesis.
        if problem.what == "missing )" and self.unclosed:
            return in_words(problem, self.unclosed[-1], "a '(' that is never closed")
        if problem.what == "unexpected )" and self.stray is not None:
            return in_words(problem, self.stray, "a ')' that closes nothing")
        return in_words(problem, problem.offset)

    def parse(self) -> Node:
        p, n = self.p, self.n
        frame = _Frame(-1, "", "", None, 1)
        frames: list[_Frame] = []
        # The largest product of nested counts in the node on top of the current
        # sequence (None: nothing to repeat there), and in the whole group so far.
        top: int | None = None
        widest = 1
        last_repeat: int | None = None  # where the operator just before started
        at = 0
        while at < n:
            char = p[at]
            repeat: int | None = None
            if char == "(":
                start = at
                at, opened, flags = self.paren(at)
                if opened is not None:
                    frames.append(frame)
                    frame = _Frame(start, p[start:opened], flags, top, widest)
                    self.unclosed.append(start)
                    top, widest = None, 1
                    at = opened
                else:
                    frame.items.append(Flags(flags, p[start:at]))
            elif char == ")":
                if not frames:
                    self.stray = at
                    raise self.fail("unexpected )", 0)
                self.unclosed.pop()
                group = Group(frame.body(), frame.opener, frame.flags)
                outer_widest = frame.widest
                frame = frames.pop()
                frame.items.append(group)
                top, widest = widest, max(outer_widest, widest)
                at += 1
            elif char == "|":
                frame.branches.append(_seq(frame.items))
                frame.items = []
                top = None
                at += 1
            elif char in "*+?":
                stop = at + 2 if p[at + 1 : at + 2] == "?" else at + 1
                if last_repeat is not None:
                    raise self.fail("bad repetition operator", last_repeat, stop)
                if top is None:
                    raise self.fail("no argument for repetition operator", at, stop)
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
                _repeat(frame.items, low, high, p[at:stop])
                repeat, at = at, stop
            elif char == "{" and (bounds := _counts(p, at)) is not None:
                low, high, stop = bounds
                stop += p[stop : stop + 1] == "?"
                if last_repeat is not None:
                    raise self.fail("bad repetition operator", last_repeat, stop)
                if (high != -1 and high < low) or max(low, high) > _MAX_REPEAT:
                    raise self.fail("invalid repetition size", at, stop)
                if top is None:
                    raise self.fail("no argument for repetition operator", at, stop)
                times = high if high != -1 else low
                product = top * max(times, 1)
                if (low >= 2 or high >= 2) and product > _MAX_REPEAT:
                    raise self.fail("invalid repetition size", at, stop)
                top, widest = product, max(widest, product)
                _repeat(frame.items, low, None if high == -1 else high, p[at:stop])
                repeat, at = at, stop
            elif char == "[":
                boundary = self.boundary(at)
                if boundary is not None:
                    frame.items.append(boundary)
                    at += len(_BOUNDARIES[0])
                else:
                    node, at = self.char_class(at)
                    frame.items.append(node)
                top = 1
            elif char == "\\":
                at, nodes = self.escape(at)
                if nodes is not None:
                    frame.items.extend(nodes)
                    top = 1
            else:
                at += 1
                top = 1
                frame.items.append(_single(char))
            last_repeat = repeat
        if frames:
            raise self.fail("missing )", 0)
        return frame.body()

    def paren(self, at: int) -> tuple[int, int | None, str]:
        """Past a "(": (where parsing goes on, where a group's body starts or None, its flags)."""
        p, n = self.p, self.n
        if not p.startswith("(?", at):
            return at, at + 1, ""
        if self.mysql:
            for opener, what in _LOOKAROUND.items():
                if p.startswith(opener, at):
                    raise refused_at(
                        what,
                        at,
                        "RE2 matches in linear time without look-around or atomic groups: "
                        "match the text itself, or use $and/$or with a second condition",
                    )
        third, fourth = p[at + 2 : at + 3], p[at + 3 : at + 4]
        if (n - at > 3 and third in ("=", "!")) or (
            n - at > 4 and third == "<" and fourth in ("=", "!")
        ):
            raise self.fail("invalid perl operator", at, at + (4 if third == "<" else 3))
        if (n - at > 4 and third == "P" and fourth == "<") or (n - at > 3 and third == "<"):
            begin = at + (4 if third == "P" else 3)
            close = p.find(">", at + 2)
            if close < 0:
                raise self.fail("invalid named capture group", at)
            name = p[begin:close]
            if not name or any(unicodedata.category(c) not in _NAME_CATEGORIES for c in name):
                raise self.fail("invalid named capture group", at, close + 1)
            return at, close + 1, ""
        negated = saw_flag = False
        here = at + 2
        while True:
            if here >= n:
                raise self.fail("invalid perl operator", at, here)
            flag = p[here]
            here += 1
            if flag in _FLAGS:
                saw_flag = True
            elif flag == "-" and not negated:
                negated, saw_flag = True, False
            elif flag in (":", ")"):
                if negated and not saw_flag:
                    raise self.fail("invalid perl operator", at, here)
                flags = p[at + 2 : here - 1]
                return (at, here, flags) if flag == ":" else (here, None, flags)
            else:
                raise self.fail("invalid perl operator", at, here)

    def boundary(self, at: int) -> Node | None:
        """MySQL's ``[[:<:]]``/``[[:>:]]`` at ``at``, or None."""
        if not (self.mysql and self.p.startswith(_BOUNDARIES, at)):
            return None
        kind: _WordKind = "word_start" if self.p.startswith(_BOUNDARIES[0], at) else "word_end"
        return self.word_boundary(at, len(_BOUNDARIES[0]), kind)

    def word_boundary(self, at: int, length: int, kind: _WordKind = "boundary") -> Node:
        p = self.p
        after = p[at + length : at + length + 1]
        before = p[at - 1 : at] if at >= 1 else ""
        escaped = at >= 2 and p[at - 2] == "\\"
        # No look-around in RE2: at the pattern's edges the boundary may take the
        # character beside the word, which no other part of the pattern needs
        # (when the letter after it is sure to be taken: not a*, a?, a{0,2}).
        quantified = p[at + length + 1 : at + length + 2] in ("*", "?", "{")
        if at == 0 and after.isalnum() and not quantified and kind != "word_end":
            edge = Anchor("start", "^")
        elif at + length == self.n and before.isalnum() and not escaped and kind != "word_start":
            edge = Anchor("end", "$")
        else:  # placed by marks (_marks); RE2's own \b where they cannot be
            return Anchor(kind, "\\b")
        return Group(Alt((edge, _unicode_chars(WORD, negated=True))), "(?:")

    def escape(self, at: int) -> tuple[int, list[Node] | None]:
        """Past an escape outside a class: (where parsing goes on, the nodes it pushed)."""
        p = self.p
        follower = p[at + 1 : at + 2]
        if self.mysql:
            self.mysql_escape(at, follower)
            if follower and not follower.isascii():
                return at + 2, [_literal(ord(follower), follower)]  # MySQL: \é is é
            if follower == "b":
                return at + 2, [self.word_boundary(at, 2)]
        if follower in ("b", "B"):
            return at + 2, [Anchor("boundary" if follower == "b" else "inside", p[at : at + 2])]
        if follower in ("A", "z"):
            return at + 2, [Anchor("start" if follower == "A" else "end", p[at : at + 2])]
        if follower == "C":
            return at + 2, [Chars((), True, unreadable="\\C", re2="\\C")]
        if follower.lower() in PERL_CLASSES:
            return at + 2, [_perl(follower)]
        if follower == "Q":  # literal text up to \E
            close = p.find("\\E", at + 2)
            stop = self.n if close < 0 else close
            quoted = p[at + 2 : stop]
            end = stop if close < 0 else close + 2
            return end, ([_quoted(c) for c in quoted] or None)
        if follower in ("p", "P"):
            stop, node = self.unicode_class(at, inside=False)
            return stop, [node]
        point, stop = self.escaped(at)
        return stop, [_literal(point, p[at:stop])]

    def mysql_escape(self, at: int, follower: str) -> None:
        """Refuse the escapes that need a backtracking engine."""
        p = self.p
        if follower in tuple("123456789"):
            raise refused_at(f"a back-reference (\\{follower})", at, _RECALL)
        if follower == "k" and p[at + 2 : at + 3] in ("<", "{", "'"):
            raise refused_at("a named back-reference (\\k<name>)", at, _RECALL)
        if follower == "C":
            raise refused_at("\\C (one byte)", at, "write . for any character")

    def escaped(self, at: int) -> tuple[int, int]:
        """(code point, end) of an escape standing for one character; RE2's ParseEscape."""
        p, n = self.p, self.n
        if at + 1 >= n:
            raise _Refused("trailing \\", "", at)
        char = p[at + 1]
        stop = at + 2
        if char in "1234567" and p[stop : stop + 1] not in _OCTAL:
            raise self.fail("invalid escape sequence", at, stop)  # a back-reference
        if char in _OCTAL:  # up to two more octal digits
            for _ in range(2):
                if p[stop : stop + 1] in _OCTAL and stop < n:
                    stop += 1
            return int(p[at + 1 : stop], 8), stop
        if char == "x":
            return self.hex_escape(at)
        if char in _CONTROLS:
            return _CONTROLS[char], stop
        if char.isascii() and not char.isalnum():
            return ord(char), stop
        if self.mysql and not char.isascii():
            return ord(char), stop  # MySQL: \é is é
        raise self.fail("invalid escape sequence", at, stop)

    def hex_escape(self, at: int) -> tuple[int, int]:
        p, n = self.p, self.n
        here = at + 2
        if here >= n:
            raise self.fail("invalid escape sequence", at, here)
        if p[here] != "{":  # exactly two hex digits
            pair = p[here : here + 2]
            if len(pair) < 2 or not set(pair) <= _HEX:
                raise self.fail("invalid escape sequence", at, here + len(pair))
            return int(pair, 16), here + 2
        here += 1
        if here >= n:
            raise _Refused("invalid UTF-8", "", at)
        digits = 0
        value = 0
        while p[here] in _HEX:
            digits += 1
            value = value * 16 + int(p[here], 16)
            here += 1
            if value > MAX_CODE_POINT or here >= n:
                raise self.fail("invalid escape sequence", at, here)
        here += 1
        if p[here - 1] != "}" or digits == 0:
            raise self.fail("invalid escape sequence", at, here)
        return value, here

    def unicode_class(self, at: int, inside: bool) -> tuple[int, Chars]:
        """Past ``\\pL``, ``\\p{Greek}``, ``\\P{^Lu}``, and what it means."""
        p = self.p
        here = at + 2
        if here >= self.n:
            raise self.fail("invalid character class range", at)
        if p[here] != "{":
            name, stop = p[here], here + 1
        else:
            close = p.find("}", here)
            if close < 0:
                raise self.fail("invalid character class range", at)
            name, stop = p[here + 1 : close], close + 1
        if name.removeprefix("^") not in _SCRIPTS:
            raise self.fail("invalid character class range", at, stop)
        negated = p[at + 1] == "P"
        notation = p[at:stop]
        if name not in _CATEGORIES or (negated and inside):
            return stop, Chars((), negated, unreadable=p[at : at + 2], re2=notation)
        return stop, Chars((), negated, notation, props=(name,), re2=notation)

    def char_class(self, at: int) -> tuple[Chars, int]:
        """A bracket expression starting at ``at``, and the index past it."""
        p, n = self.p, self.n
        here = at + 1
        negated = p[here : here + 1] == "^"
        here += negated
        pieces = ["[^" if negated else "["]
        items: list[tuple[int, int]] = []
        props: list[str] = []
        unreadable: str | None = None
        first = True
        while here < n and (p[here] != "]" or first):
            first = False
            if self.mysql and p[here] == "[" and p[here + 1 : here + 2] in (".", "="):
                kind = p[here + 1]
                what = "an equivalence class [=x=]" if kind == "=" else "a collating element [.x.]"
                raise refused_at(what, here, "write the character itself, e.g. [e\u00e9\u00e8]")
            if p.startswith("[:", here):
                close = p.find(":]", here + 2)
                if close >= 0:
                    name = p[here + 2 : close]
                    if name.removeprefix("^") not in ASCII_CLASSES or len(name) < 3:
                        raise self.fail("invalid character class range", here, close + 2)
                    unicode = UNICODE_CLASSES.get(name) if self.mysql else None
                    if unicode is not None:
                        items.extend(unicode.items)
                        props.extend(unicode.props)
                        pieces.append(unicode.re2)
                    else:
                        ranges = ASCII_CLASSES[name.removeprefix("^")]
                        items.extend(complement(closure(ranges)) if name[0] == "^" else ranges)
                        pieces.append(p[here : close + 2])
                    here = close + 2
                    continue
            # In a class RE2 looks for \p only with a character after it.
            if p.startswith("\\", here) and p[here + 1 : here + 2] in ("p", "P") and n - here > 2:
                stop, node = self.unicode_class(here, inside=True)
                props.extend(node.props)
                unreadable = unreadable or node.unreadable
                pieces.append(p[here:stop])
                here = stop
                continue
            letter = p[here + 1 : here + 2] if p.startswith("\\", here) else ""
            if letter and letter in "dDsSwW":
                if letter in PERL_CLASSES and self.mysql:
                    unicode = PERL_CLASSES[letter]
                    items.extend(unicode.items)
                    props.extend(unicode.props)
                    pieces.append(unicode.re2)
                else:
                    ranges = ASCII_CLASSES[letter.upper()]
                    items.extend(complement(closure(ranges)) if letter.isupper() else ranges)
                    pieces.append(p[here : here + 2])
                here += 2
                continue
            start = here
            low, here = self.class_char(here, at)
            high = low
            if here + 1 < n and p[here] == "-" and p[here + 1] != "]":
                high, here = self.class_char(here + 1, at)
                if high < low:
                    raise self.fail("invalid character class range", start, here)
            items.append((low, high))
            pieces.append(_plain(p[start:here]) if self.mysql else p[start:here])
        if here >= n:
            raise self.fail("missing ]", at)
        pieces.append("]")
        node = Chars(
            normalize(items),
            negated,
            props=tuple(props),
            unreadable=unreadable,
            re2="".join(pieces),
        )
        return node, here + 1

    def class_char(self, here: int, opened: int) -> tuple[int, int]:
        if here >= self.n:
            raise self.fail("missing ]", opened)
        if self.p[here] == "\\":
            return self.escaped(here)
        return ord(self.p[here]), here + 1


def _repeat(items: list[Node], low: int, high: int | None, op: str) -> None:
    """Repeat the last node of ``items`` (inline flags stay where they are)."""
    index = len(items) - 1
    while isinstance(items[index], Flags):
        index -= 1
    items[index] = Repeat(items[index], low, high, op)


def _literal(point: int, re2: str) -> Chars:
    return Chars(((point, point),), re2=re2)


def _single(char: str) -> Node:
    if char == ".":
        return Chars(((0x0A, 0x0A),), negated=True, notation=".", folds=False, re2=".")
    if char == "^":
        return Anchor("start", "^")
    if char == "$":
        return Anchor("end", "$")
    return _literal(ord(char), char)


def _quoted(char: str) -> Chars:
    # Inside \Q...\E: the character itself, escaped for RE2 when it is punctuation.
    escape = char.isascii() and not char.isalnum() and char >= " "
    return _literal(ord(char), "\\" + char if escape else char)


def _plain(piece: str) -> str:
    """``piece`` without the backslash before a non-ASCII character (MySQL: ``\\é`` is ``é``)."""
    out: list[str] = []
    at = 0
    while at < len(piece):
        step = 2 if piece[at] == "\\" else 1
        pair = piece[at : at + step]
        out.append(pair[1] if step == 2 and len(pair) == 2 and not pair[1].isascii() else pair)
        at += step
    return "".join(out)


def _unicode_chars(unicode: UnicodeClass, negated: bool) -> Chars:
    re2 = f"[{'^' if negated else ''}{unicode.re2}]"
    return Chars(unicode.items, negated, props=unicode.props, re2=re2)


def _perl(letter: str) -> Chars:
    """``\\d`` ``\\D`` ``\\w`` ``\\W`` ``\\s`` ``\\S`` outside brackets: ICU's, by Unicode."""
    unicode = PERL_CLASSES[letter.lower()]
    if letter in "dD":
        notation = "\\p{Nd}" if letter == "d" else "\\P{Nd}"
        return Chars((), letter == "D", notation, props=unicode.props, re2=notation)
    return _unicode_chars(unicode, negated=letter.isupper())


def _counts(pattern: str, at: int) -> tuple[int, int, int] | None:
    """``{n}``, ``{n,}`` or ``{n,m}`` at ``at``: (n, m or -1 for no bound, end), else None.

    As RE2 reads them: digits without a leading zero, at most eight; anything
    else makes the "{" a character.
    """
    here = at + 1
    low, here = _integer(pattern, here)
    if low is None:
        return None
    high = low
    if pattern[here : here + 1] == ",":
        here += 1
        if pattern[here : here + 1] == "}":
            high = -1
        else:
            bound, here = _integer(pattern, here)
            if bound is None:
                return None
            high = bound
    if pattern[here : here + 1] != "}":
        return None
    return low, high, here + 1


def _integer(pattern: str, at: int) -> tuple[int | None, int]:
    stop = at
    while stop < len(pattern) and "0" <= pattern[stop] <= "9":
        stop += 1
    digits = pattern[at:stop]
    if not digits or (len(digits) > 1 and digits[0] == "0") or len(digits) > 8:
        return None, at
    return int(digits), stop
