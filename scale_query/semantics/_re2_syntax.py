"""RE2's syntax rules in Python: would RE2 compile a pattern, and if not, what would it say.

:func:`~._regex.compile_regex` runs RE2; this module answers the question
before it, in RE2's own words, without loading RE2, so that
``validate`` (SQ203) says the same where RE2 cannot be loaded (the web
playground runs on Pyodide, which has no build of it) and ``check`` need not
load it. It follows RE2's parser (``re2/parse.cc``) as the ``google-re2``
package configures it (Perl syntax, Unicode classes, no captures), for the
patterns :func:`~._regex.translate` hands on. tests/test_regex.py holds it to
RE2's answers on generated patterns.

What it cannot know is the size of the compiled program: the bound of
:data:`~._regex.MAX_REGEX_PROGRAM` instructions is checked where RE2 runs.

>>> syntax_problem("^(Du|De)") is None
True
>>> syntax_problem("ab[c")
SyntaxProblem(what='missing ]', fragment='[c', offset=2)
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

__all__ = ["SyntaxProblem", "syntax_problem"]

#: RE2's limit on a count, nested counts multiplied.
_MAX_REPEAT = 1000

_POSIX = frozenset(
    "alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit".split()  # noqa: SIM905
)
# The Unicode classes RE2 (Unicode 15) knows for \p{...}: general categories and scripts.
_UNICODE = frozenset(
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
_CONTROLS = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_PERL_CLASSES = frozenset("dDsSwW")
_FLAGS = frozenset("imsU")
# The categories of the characters a group's name may hold.
_NAME_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Mn", "Mc", "Nd", "Pc"})
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")


class SyntaxProblem(NamedTuple):
    """Why RE2 would refuse a pattern, in its words."""

    #: RE2's message: "missing ]", "invalid escape sequence"...
    what: str
    #: The part of the pattern it shows ("" when it shows none).
    fragment: str
    #: Where that part starts in the pattern.
    offset: int


class _Refused(Exception):
    def __init__(self, what: str, fragment: str, offset: int) -> None:
        self.problem = SyntaxProblem(what, fragment, offset)


def syntax_problem(pattern: str) -> SyntaxProblem | None:
    """What RE2 would say refusing ``pattern``, or None when it compiles it."""
    try:
        _Parser(pattern).parse()
    except _Refused as refused:
        return refused.problem
    return None


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.n = len(pattern)

    def fail(self, what: str, start: int, stop: int | None = None) -> _Refused:
        return _Refused(what, self.p[start:stop] if stop is not None else self.p[start:], start)

    def parse(self) -> None:
        p, n = self.p, self.n
        # Per open group: (its "(", the node on top before it, the largest count product so far).
        groups: list[tuple[int, int | None, int]] = []
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
                at, opened = self.paren(at)
                if opened:
                    groups.append((at, top, widest))
                    top, widest = None, 1
                    at = opened
            elif char == ")":
                if not groups:
                    raise self.fail("unexpected )", 0)
                _, _, outer = groups.pop()
                top, widest = widest, max(outer, widest)
                at += 1
            elif char == "|":
                top = None
                at += 1
            elif char in "*+?":
                stop = at + 2 if p[at + 1 : at + 2] == "?" else at + 1
                if last_repeat is not None:
                    raise self.fail("bad repetition operator", last_repeat, stop)
                if top is None:
                    raise self.fail("no argument for repetition operator", at, stop)
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
                repeat, at = at, stop
            elif char == "[":
                at = self.char_class(at)
                top = 1
            elif char == "\\":
                at, pushed = self.escape(at)
                if pushed:
                    top = 1
            else:
                at += 1
                top = 1
            last_repeat = repeat
        if groups:
            raise self.fail("missing )", 0)

    def paren(self, at: int) -> tuple[int, int | None]:
        """Past a "(": (where parsing goes on, where a group's body starts or None)."""
        p, n = self.p, self.n
        if not p.startswith("(?", at):
            return at, at + 1
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
            return at, close + 1
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
                return (at, here) if flag == ":" else (here, None)
            else:
                raise self.fail("invalid perl operator", at, here)

    def escape(self, at: int) -> tuple[int, bool]:
        """Past an escape outside a class: (where parsing goes on, whether it pushed a node)."""
        follower = self.p[at + 1 : at + 2]
        if follower in ("b", "B", "A", "z", "C") or follower in _PERL_CLASSES:
            return at + 2, True
        if follower == "Q":  # literal text up to \E
            close = self.p.find("\\E", at + 2)
            stop = self.n if close < 0 else close
            return (stop if close < 0 else close + 2), stop > at + 2
        if follower in ("p", "P"):
            return self.unicode_class(at), True
        return self.escaped(at)[1], True

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
            if value > 0x10FFFF or here >= n:
                raise self.fail("invalid escape sequence", at, here)
        here += 1
        if p[here - 1] != "}" or digits == 0:
            raise self.fail("invalid escape sequence", at, here)
        return value, here

    def unicode_class(self, at: int) -> int:
        """Past ``\\pL``, ``\\p{Greek}``, ``\\P{^Lu}``."""
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
        if name.removeprefix("^") not in _UNICODE:
            raise self.fail("invalid character class range", at, stop)
        return stop

    def char_class(self, at: int) -> int:
        """Past a bracket expression starting at ``at``."""
        p, n = self.p, self.n
        here = at + 1
        if p[here : here + 1] == "^":
            here += 1
        first = True
        while here < n and (p[here] != "]" or first):
            first = False
            if p.startswith("[:", here):
                close = p.find(":]", here + 2)
                if close >= 0:
                    if p[here + 2 : close].removeprefix("^") not in _POSIX:
                        raise self.fail("invalid character class range", here, close + 2)
                    here = close + 2
                    continue
            # In a class RE2 looks for \p only with a character after it.
            if p.startswith("\\", here) and p[here + 1 : here + 2] in ("p", "P") and n - here > 2:
                here = self.unicode_class(here)
                continue
            if p.startswith("\\", here) and p[here + 1 : here + 2] in _PERL_CLASSES:
                here += 2
                continue
            start = here
            low, here = self.class_char(here, at)
            if here + 1 < n and p[here] == "-" and p[here + 1] != "]":
                high, here = self.class_char(here + 1, at)
                if high < low:
                    raise self.fail("invalid character class range", start, here)
        if here >= n:
            raise self.fail("missing ]", at)
        return here + 1

    def class_char(self, here: int, opened: int) -> tuple[int, int]:
        if here >= self.n:
            raise self.fail("missing ]", opened)
        if self.p[here] == "\\":
            return self.escaped(here)
        return ord(self.p[here]), here + 1


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
