"""The runner of the docs' examples: Sybil parsers for the blocks README.md and docs/ hold.

- ``python`` blocks run as code (a block starting with ``>>>`` as a doctest);
- ``pycon`` blocks are doctests;
- ``console`` blocks run each ``$ command`` in bash and compare its output;
- ``text`` blocks starting ``filter:`` show syntax errors, checked against the parser;

and the ``>>>`` examples in the package's docstrings.

A block whose first line is ``# not run: <reason>`` is skipped with that
reason, which readers of the page see too. tests/conftest.py wires this into
pytest; docs/architecture.md says why Sybil.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
from collections.abc import Iterable, Iterator
from doctest import ELLIPSIS
from doctest import Example as DocTestExample
from pathlib import Path

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.doctest import DocTestEvaluator, OutputChecker
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser
from sybil.parsers.rest import DocTestParser
from sybil.typing import Evaluator

NOT_RUN = re.compile(r"\A\s*#\s*not run:\s*(?P<reason>.+)")
CONSOLE_TIMEOUT = 120  # seconds; a command that hangs fails instead of blocking CI


def _skip(example: Example) -> None:
    # The reason names the page and line: pytest shows where skip() was called.
    page = Path(example.path).name
    pytest.skip(f"{page}:{example.line}: not run: {example.parsed}")


def _not_run(region: Region, source: str) -> Region | None:
    # A block marked as not run becomes one region that reports a skip.
    found = NOT_RUN.match(source)
    if found is None:
        return None
    return Region(region.start, region.end, found["reason"].strip(), _skip)


def _report_errors(evaluate: Evaluator) -> Evaluator:
    # An error becomes the example's failure message, the traceback cut to the
    # page's own lines. (Raised as is, an error chained to another one crashes
    # Sybil's traceback filter, sybil issue 118, and aborts the whole session.)
    def run(example: Example) -> str | None:
        try:
            return evaluate(example)
        except Exception as error:
            report = traceback.TracebackException.from_exception(error)
            report.stack = traceback.StackSummary.from_list(
                [frame for frame in report.stack if frame.filename == example.path]
            )
            return "".join(report.format())

    return run


class PythonBlocks:
    """``python`` blocks: run as code; a block starting with ``>>>`` as a doctest."""

    def __init__(self) -> None:
        self.parser = PythonCodeBlockParser(doctest_optionflags=ELLIPSIS)

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.parser(document):
            skipped = _not_run(region, str(region.parsed))
            if skipped is not None:
                yield skipped
                continue
            assert region.evaluator is not None
            region.evaluator = _report_errors(region.evaluator)
            yield region


class PyconBlocks:
    """``pycon`` blocks: interactive sessions, checked as doctests."""

    def __init__(self) -> None:
        self.blocks = CodeBlockParser("pycon")
        self.doctests = DocTestStringParser(DocTestEvaluator(ELLIPSIS))

    def __call__(self, document: Document) -> Iterable[Region]:
        for block in self.blocks(document):
            source = block.parsed
            skipped = _not_run(block, source)
            if skipped is not None:
                yield skipped
                continue
            for region in self.doctests(source, document.path):
                region.adjust(block, source)
                yield region


class ConsoleBlocks:
    """``console`` blocks: each ``$ command`` runs in bash; its output must match.

    The output is stdout and stderr together, as a terminal shows them.
    ``...`` in the expected output matches anything (doctest's ELLIPSIS), for
    what varies between runs; trailing spaces are ignored. ``scale-query`` is
    the console script of the Python running the tests.
    """

    def __init__(self) -> None:
        self.blocks = CodeBlockParser("console", self.evaluate)
        self.checker = OutputChecker()

    def __call__(self, document: Document) -> Iterable[Region]:
        for block in self.blocks(document):
            yield _not_run(block, str(block.parsed)) or block

    @staticmethod
    def sessions(text: str) -> Iterator[tuple[str, str]]:
        """(command, expected output) pairs; a line ending in ``\\`` goes on below."""
        pairs: list[tuple[list[str], list[str]]] = []
        for line in text.splitlines():
            if pairs and pairs[-1][0][-1].endswith("\\") and not pairs[-1][1]:
                pairs[-1][0].append(line)
            elif line.startswith("$ "):
                pairs.append(([line[2:]], []))
            elif pairs:
                pairs[-1][1].append(line)
            else:
                raise ValueError(f"a console block starts with '$ ', not {line!r}")
        for command, output in pairs:
            yield "\n".join(command), "".join(f"{line}\n" for line in output)

    def evaluate(self, example: Example) -> str | None:
        env = dict(os.environ)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(NO_COLOR="1", COLUMNS="100", PYTHONIOENCODING="utf-8")
        for command, want in self.sessions(str(example.parsed)):
            done = subprocess.run(
                ["bash", "-c", command],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=CONSOLE_TIMEOUT,
            )
            if not self.checker.check_output(want, done.stdout, ELLIPSIS):
                difference = self.checker.output_difference(
                    DocTestExample(command, want), done.stdout, ELLIPSIS
                )
                return f"$ {command}\n{difference}"
        return None


def _rstrip_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines())


class ErrorDisplays:
    """``text`` blocks that start ``filter:``: syntax errors as ``str(error)`` shows them.

    Each paragraph is the display of one error; its second line shows the
    whole filter (one line, indented two spaces). Parsing that filter must
    raise exactly this display. Errors whose filter the display cannot show
    whole (a tab, a long line) are written as ``pycon`` instead.
    """

    def __init__(self) -> None:
        self.blocks = CodeBlockParser("text", self.evaluate)

    def __call__(self, document: Document) -> Iterable[Region]:
        for block in self.blocks(document):
            if str(block.parsed).startswith("filter:"):
                yield block

    @staticmethod
    def evaluate(example: Example) -> str | None:
        from scale_query import FilterSyntaxError, parse

        for shown in re.split(r"\n\s*\n(?=filter:)", str(example.parsed).rstrip("\n")):
            text = shown.splitlines()[1].removeprefix("  ")
            try:
                parse(text)
            except FilterSyntaxError as error:
                # Trailing spaces do not count, as in doctest output (Sybil drops them).
                if _rstrip_lines(str(error)) != _rstrip_lines(shown):
                    return f"parse({text!r}) shows\n{error}\n\nnot\n{shown}"
            else:
                return f"parse({text!r}) raised nothing; the page shows\n{shown}"
        return None


def docs_sybil(root: Path, patterns: list[str], fixtures: list[str]) -> Sybil:
    """The Sybil that finds the examples of the pages under ``root`` matching ``patterns``."""
    return Sybil(
        parsers=[PythonBlocks(), PyconBlocks(), ConsoleBlocks(), ErrorDisplays()],
        path=str(root),
        patterns=patterns,
        fixtures=fixtures,
    )


def docstrings_sybil(package: Path) -> Sybil:
    """The Sybil that runs the ``>>>`` examples in the docstrings of ``package``'s modules.

    Each module's examples run in order in a copy of the module's namespace,
    as doctest runs them; ``# doctest: +SKIP`` skips one (a server that the
    example starts, say).
    """
    return Sybil(
        parsers=[DocTestParser(optionflags=ELLIPSIS)],
        path=str(package),
        patterns=["*.py"],
        name="docstring",
    )
