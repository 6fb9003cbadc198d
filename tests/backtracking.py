"""Whether a Python regular expression can backtrack in more than linear time.

Python's ``re`` backtracks: when the rest of a pattern fails, it goes back and
tries every other way the text read so far could have been matched. That
costs more than linear time exactly when there are many such ways, which is
a property of the pattern's automaton (Weber and Seidl's degrees of
ambiguity; the approach of ReDoS checkers such as rxxr and regexploit):

- **exponential**: from some state, two different paths of the automaton
  read the same text and come back to that state (``(a+)+``, ``(a|aa)*``,
  ``(?:[ \\t]+)*``: the lexer pattern of issue 9);
- **polynomial** (quadratic or worse): two different looping states p and q
  and one text that loops p to p, leads p to q and loops q to q (``.*.*``,
  ``\\s*\\s*``, and, for ``search()``, a loop the search itself can enter at
  every position: ``\\s+$``, ``(?:^|\\s+)#``).

The automaton is the pattern's Glushkov automaton (one state per character
or class, an edge for each way one may follow another), with parallel edges
kept apart when two loops produce them (``(a+)+`` has two ways from ``a`` to
``a``), bounded counts unrolled (up to :data:`UNROLL`; more is a loop), and
character classes compared on a sample alphabet (ASCII, Latin-1, tricky
Unicode, and every character the pattern names). Anchors and look-arounds
are assumed to pass (more paths, never fewer); a look-around's own pattern is
checked on its own. Once a state is read from which the rest of the pattern
can match nothing and holds no assertion, the match can no longer fail: a
failure further on comes back there at worst. Such states cut each run into
parts that must each be linear, so ``[\\s,]+`` used with ``split`` passes,
while ``b(?:b*c)?`` used with ``findall`` does not (each match scans the b's
after it again).

This is a lint, cautious by design: it may refuse a pattern that is in fact
linear (rewrite it, or state why it is safe where it is listed), and it knows
only ``re``'s syntax. :func:`backtracking` returns the problems, empty when
the pattern is linear for the way it is used (``mode``).

>>> backtracking(r"(a+)+$", mode="match")[0]
'exponential: two ways around a loop through a'
>>> backtracking(r"[ \\t\\r\\n]+", mode="match")
[]
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Literal

Mode = Literal["match", "fullmatch", "search"]

#: Bounded counts up to this many are unrolled; larger ones are read as loops.
UNROLL = 20

_SAMPLE = (
    "".join(map(chr, range(0x100)))
    + "ſKıİßẞΣσςΩωµﬁǅǰŉ²³¹٣߀०\u2028\u2029\u3000\u200b\u00ad中日é\U0001d7d8\U0001f600\ufffd\uffff"
)
_FLAGS = re.IGNORECASE | re.ASCII | re.DOTALL


@dataclass(frozen=True)
class _Frag:
    nullable: bool
    first: frozenset[int]
    last: frozenset[int]


_EMPTY = _Frag(True, frozenset(), frozenset())
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}


def _code(point: int) -> str:
    return f"\\U{point:08x}"


class _Automaton:
    """The Glushkov automaton of one pattern: states are its characters and classes."""

    def __init__(self) -> None:
        self.classes: list[tuple[str, int]] = []  # (single-character regex, flags)
        self.edges: dict[int, list[tuple[int, int]]] = {}  # state -> [(next, edge id)]
        self.named: set[str] = set()  # characters the pattern names
        self.last_assertion = 0  # states created before the last assertion
        self.problems: list[str] = []
        self.lookarounds: list[Any] = []
        self._ids = count()

    def state(self, source: str, flags: int) -> _Frag:
        self.classes.append((source, flags & _FLAGS))
        index = len(self.classes) - 1
        return _Frag(False, frozenset({index}), frozenset({index}))

    def link(self, sources: Iterable[int], targets: Iterable[int], edge: int) -> None:
        targets = list(targets)
        for source in sources:
            self.edges.setdefault(source, []).extend((target, edge) for target in targets)

    def concat(self, a: _Frag, b: _Frag) -> _Frag:
        self.link(a.last, b.first, next(self._ids))
        return _Frag(
            a.nullable and b.nullable,
            a.first | b.first if a.nullable else a.first,
            b.last | a.last if b.nullable else b.last,
        )

    def sequence(self, items: Iterable[tuple[Any, Any]], flags: int) -> _Frag:
        frag = _EMPTY
        for op, av in items:
            frag = self.concat(frag, self.item(op, av, flags))
        return frag

    def item(self, op: Any, av: Any, flags: int) -> _Frag:
        if op is sre.LITERAL:
            self.named.add(chr(av))
            return self.state(re.escape(chr(av)), flags)
        if op is sre.NOT_LITERAL:
            self.named.add(chr(av))
            return self.state(f"[^{_code(av)}]", flags)
        if op is sre.ANY:
            return self.state(".", flags)
        if op is sre.IN:
            return self.state(self._class(av), flags)
        if op is sre.BRANCH:
            frags = [self.sequence(branch, flags) for branch in av[1]]
            return _Frag(
                any(f.nullable for f in frags),
                frozenset().union(*(f.first for f in frags)),
                frozenset().union(*(f.last for f in frags)),
            )
        if op is sre.SUBPATTERN:
            _, add, remove, body = av
            return self.sequence(body, (flags | add) & ~remove)
        if op is sre.ATOMIC_GROUP:  # checked as a plain group: cautious
            return self.sequence(av, flags)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, body = av
            return self.repeat(low, high, body, flags)
        if op is sre.AT:
            self.last_assertion = len(self.classes)
            return _EMPTY
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            self.last_assertion = len(self.classes)
            self.lookarounds.append((av[1], flags))
            return _EMPTY
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            self.problems.append("a back-reference: its cost depends on the text it recalls")
            if op is sre.GROUPREF_EXISTS:
                _, yes, no = av
                frags = [self.sequence(yes, flags), self.sequence(no or [], flags)]
                return _Frag(True, frags[0].first | frags[1].first, frags[0].last | frags[1].last)
            return _EMPTY
        raise ValueError(f"regular expression construct not understood: {op}")

    def _class(self, items: list[tuple[Any, Any]]) -> str:
        parts = []
        for op, av in items:
            if op is sre.NEGATE:
                parts.insert(0, "^")
            elif op is sre.LITERAL:
                self.named.add(chr(av))
                parts.append(_code(av))
            elif op is sre.RANGE:
                low, high = av
                self.named.update({chr(low), chr(high), chr((low + high) // 2)})
                parts.append(f"{_code(low)}-{_code(high)}")
            elif op is sre.CATEGORY:
                parts.append(_CATEGORIES[av])
            else:
                raise ValueError(f"class member not understood: {op}")
        return "[" + "".join(parts) + "]"

    def repeat(self, low: int, high: int, body: Any, flags: int) -> _Frag:
        unbounded = high is sre.MAXREPEAT or high > UNROLL
        frag = _EMPTY
        for _ in range(min(low, 2) if unbounded else low):
            frag = self.concat(frag, self.sequence(body, flags))
        if unbounded:
            loop = self.sequence(body, flags)
            self.link(loop.last, loop.first, next(self._ids))
            return self.concat(frag, _Frag(True, loop.first, loop.last))
        return self.concat(frag, self._optional(high - low, body, flags))

    def _optional(self, times: int, body: Any, flags: int) -> _Frag:
        # x{0,3} as (x(x(x)?)?)?: one way to read each count, as re does.
        if times == 0:
            return _EMPTY
        inner = self.concat(self.sequence(body, flags), self._optional(times - 1, body, flags))
        return _Frag(True, inner.first, inner.last)


def _members(automaton: _Automaton) -> tuple[list[int], int]:
    """Each state's characters as a bit set over a sample alphabet, and the whole alphabet."""
    named = automaton.named | {c.swapcase() for c in automaton.named if len(c.swapcase()) == 1}
    alphabet = sorted(set(_SAMPLE) | named)
    masks = []
    for source, flags in automaton.classes:
        pattern = re.compile(source, flags)
        mask = 0
        for index, char in enumerate(alphabet):
            if pattern.fullmatch(char):
                mask |= 1 << index
        masks.append(mask)
    return masks, (1 << len(alphabet)) - 1


def backtracking(pattern: str, flags: int = 0, mode: Mode = "search") -> list[str]:
    """The ways ``pattern`` can backtrack in more than linear time, used as ``mode``.

    ``mode`` is how the pattern is applied: ``"match"`` (``re.match``,
    ``Pattern.match``: at one position, done at the first success),
    ``"fullmatch"``, or ``"search"`` (``search``, ``findall``, ``finditer``,
    ``sub``, ``split``: tried at every position, again after each match).
    """
    return _analyse(sre_parse.parse(pattern, flags), flags, mode)


def _analyse(items: Any, flags: int, mode: Mode) -> list[str]:
    automaton = _Automaton()
    whole = automaton.sequence(items, flags)
    problems = list(automaton.problems)
    for body, body_flags in automaton.lookarounds:  # run at one place, as a match
        problems += [f"in a look-around: {p}" for p in _analyse(body, body_flags, "match")]
    chars, every = _members(automaton)
    start = -1  # the state before the first character
    label = dict(enumerate(chars))
    label[start] = every
    names = {state: source for state, (source, _) in enumerate(automaton.classes)}
    names[start] = "the search's own loop"
    edges = dict(automaton.edges)
    edges[start] = [(t, -1) for t in whole.first]
    # Once a state is read from which the rest can match nothing and holds no
    # assertion, the match cannot fail any more: a failure further on comes
    # back to it at worst. Such states cut every run into parts, each of which
    # must be linear on its own: paths never enter them, they only start there.
    done = set() if mode == "fullmatch" else set(whole.last) - set(range(automaton.last_assertion))
    inner = {
        state: [(t, e) for t, e in targets if t not in done] for state, targets in edges.items()
    }
    starts = [start, *sorted(done)]
    problems += _exponential(inner, label, starts, names)
    problems += _polynomial(inner, label, names)
    if mode == "search":
        problems += _search(edges, inner, label, start, names)
    return problems


def _reachable(state: int, successors: dict[int, list[int]]) -> set[int]:
    seen = {state}
    todo = [state]
    while todo:
        for t in successors.get(todo.pop(), ()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _sccs(successors: dict[Any, list[Any]]) -> dict[Any, int]:
    """Strongly connected components (Tarjan's, iterative): node -> component number."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    component: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    counter, components = count(), count()
    for root in successors:
        if root in index:
            continue
        index[root] = low[root] = next(counter)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[Any, Iterator[Any]]] = [(root, iter(successors.get(root, ())))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = next(counter)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                number = next(components)
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = number
                    if member == node:
                        break
    return component


def _exponential(
    edges: dict[int, list[tuple[int, int]]],
    label: dict[int, int],
    starts: list[int],
    names: dict[int, str],
) -> list[str]:
    # Pairs of states one text reaches. Two different edges taken inside a
    # strongly connected part that holds a pair (q, q) make two ways around a
    # loop through q: 2^n ways around it n times.
    pairs: dict[tuple[int, int], list[tuple[int, int]]] = {(s, s): [] for s in starts}
    divergent: list[tuple[tuple[int, int], tuple[int, int]]] = []
    todo = deque(pairs)
    while todo:
        a, b = todo.popleft()
        for ta, ea in edges.get(a, ()):
            for tb, eb in edges.get(b, ()):
                if not label[ta] & label[tb]:
                    continue
                pair = (ta, tb)
                pairs[(a, b)].append(pair)
                if (ta, ea) != (tb, eb):
                    divergent.append(((a, b), pair))
                if pair not in pairs:
                    pairs[pair] = []
                    todo.append(pair)
    component = _sccs(pairs)
    diagonal = {component[p]: p[0] for p in pairs if p[0] == p[1]}
    for source, target in divergent:
        number = component[source]
        if number == component[target] and number in diagonal:
            return [f"exponential: two ways around a loop through {names[diagonal[number]]}"]
    return []


def _polynomial(
    edges: dict[int, list[tuple[int, int]]], label: dict[int, int], names: dict[int, str]
) -> list[str]:
    # Two looping states p, q (not in one loop) and one text that loops p,
    # leads p to q and loops q: n^2 ways to split a text of n characters.
    successors = {s: [t for t, _ in targets] for s, targets in edges.items()}
    component = _sccs(successors)
    looping = _looping(successors, component)
    for p in looping:
        after = _reachable(p, successors)
        for q in looping:
            if component[p] != component[q] and q in after and _three_ways(p, q, successors, label):
                return [
                    f"polynomial: one text loops {names[p]}, leads on to {names[q]} and loops it"
                ]
    return []


def _three_ways(p: int, q: int, successors: dict[int, list[int]], label: dict[int, int]) -> bool:
    """Whether one text leads p to p, p to q and q to q at once (a path in the triple product)."""
    goal = (p, q, q)
    seen = {(p, p, q)}
    todo = deque(seen)
    while todo:
        a, b, c = todo.popleft()
        for ta in successors.get(a, ()):
            for tb in successors.get(b, ()):
                both = label[ta] & label[tb]
                if not both:
                    continue
                for tc in successors.get(c, ()):
                    if both & label[tc]:
                        triple = (ta, tb, tc)
                        if triple == goal:
                            return True
                        if triple not in seen:
                            seen.add(triple)
                            todo.append(triple)
    return False


def _search(
    edges: dict[int, list[tuple[int, int]]],
    inner: dict[int, list[tuple[int, int]]],
    label: dict[int, int],
    start: int,
    names: dict[int, str],
) -> list[str]:
    # search() tries every position, findall() and sub() again after each
    # match: a loop of the pattern that one text reaches from many of those
    # positions and that can still fail is read again from each (\s+$ on a
    # run of spaces). The search's own loop is p of the polynomial case.
    outer = {s: [t for t, _ in targets] for s, targets in edges.items()}
    outer[start] = [*outer[start], start]
    successors = {s: [t for t, _ in targets] for s, targets in inner.items()}
    component = _sccs(successors)
    for q in _looping(successors, component):
        seen = {(start, q)}
        todo = deque(seen)
        while todo:
            a, b = todo.popleft()
            for ta in outer.get(a, ()):
                for tb in successors.get(b, ()):
                    if label[ta] & label[tb]:
                        if (ta, tb) == (q, q):
                            return [f"polynomial: the search reaches {names[q]} from many places"]
                        if (ta, tb) not in seen:
                            seen.add((ta, tb))
                            todo.append((ta, tb))
    return []


def _looping(successors: dict[int, list[int]], component: dict[int, int]) -> list[int]:
    """The states on a loop."""
    return [
        s
        for s in successors
        if s in successors[s] or any(component.get(t) == component[s] for t in successors[s])
    ]
