"""``scale-query demo``: a tour against the embedded demo datamart.

It starts the emulator in this process on a free loopback port and walks
through what the library does, in a few short screens: a filter typed by a
user, the same filter built with ``Q``, the URL it becomes, the records it
fetches and a write with its per-record results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO
from urllib.parse import unquote

__all__ = ["configure", "run"]

USER_FILTER = 'DateNaissance $gt "1990-06-12" $and EMail $like "*S*" $and Pays $in [FR,BE]'
BROKEN_FILTER = 'DateNaissance $ge "1990-06-12" $and EMail $like "*S*"'
MISTYPED_FIELD = 'DateNaisance $gt "1990-06-12" $and Nom $eq "Dup*"'


def configure(parser: argparse.ArgumentParser) -> None:
    """The demo takes no options."""


class _Screen:
    """Numbered sections with a rule under each title: easy to read in a terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.number = 0

    def title(self, text: str) -> None:
        self.number += 1
        heading = f"{self.number}. {text}"
        self.say(f"\n{heading}\n{'─' * len(heading)}")

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def code(self, text: str) -> None:
        for line in text.splitlines():
            self.say(f"    {line}")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        rows = [list(r) for r in rows]
        # Columns are capped, but the last one (messages) is shown whole.
        widths = [
            max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
            for i, h in enumerate(headers)
        ]
        widths[:-1] = [min(28, w) for w in widths[:-1]]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(
                (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
                for c, w in zip(cells, widths, strict=True)
            ).rstrip()

        self.code(line(headers))
        self.code(line(["-" * w for w in widths]))
        for row in rows:
            self.code(line(row))


def run(args: argparse.Namespace) -> int:
    from .. import Client, FilterSyntaxError, Q, Query, parse, validate
    from ..emulator import serve

    screen = _Screen(sys.stdout)
    started = time.perf_counter()
    with serve(demo=True) as emu:
        screen.say(
            f"scale-query demo: an emulated Scal-e datamart is running at {emu.base_url}\n"
            f"(instance {emu.instance!r}, started in {time.perf_counter() - started:.1f} s). "
            "Nothing here leaves this machine."
        )
        with Client(token=emu.token, instance=emu.instance, base_url=emu.base_url) as client:
            schema = client.object_info("contact")

            screen.title("A filter typed by a user, parsed and checked")
            screen.code(USER_FILTER)
            expr = parse(USER_FILTER)
            screen.say("parses into an immutable AST; its canonical text:")
            screen.code(str(expr))
            screen.say("\nA broken filter gets an error that says where and what to write:")
            try:
                parse(BROKEN_FILTER)
            except FilterSyntaxError as error:
                screen.code(str(error))
            screen.say("\nChecked against the contact object's metadata (get_object_info):")
            screen.code(MISTYPED_FIELD)
            for diagnostic in validate(MISTYPED_FIELD, schema=schema):
                hint = f" ({diagnostic.hint})" if diagnostic.hint else ""
                screen.code(
                    f"  {diagnostic.line}:{diagnostic.column} {diagnostic.code} "
                    f"{diagnostic.message}{hint}"
                )

            screen.title("The same filter, built in Python")
            built = (
                Q("DateNaissance").gt(dt.date(1990, 6, 12))
                & Q("EMail").like("*S*")
                & Q("Pays").in_(["FR", "BE"])
            )
            screen.code(
                'Q("DateNaissance").gt(date(1990, 6, 12)) & Q("EMail").like("*S*")\n'
                '    & Q("Pays").in_(["FR", "BE"])'
            )
            screen.say(f"equals the parsed filter: {built == expr}")

            screen.title("The query and the URL it becomes")
            query = (
                Query("contact")
                .where(built)
                .fields("Civilite", "Prenom", "Nom", "EMail", "Pays", "DateNaissance")
                .sort_by("Nom", "-DateNaissance")
                .page(1, size=5)
            )
            screen.code(
                'Query("contact").where(...).fields(...).sort_by("Nom", "-DateNaissance")'
                ".page(1, size=5)"
            )
            url = query.to_url(emu.instance, base_url=emu.base_url)
            screen.code(url)
            screen.say("which reads, percent-decoded:")
            screen.code(unquote(url))

            screen.title("The records it fetches")
            page = client.get(query)
            screen.table(
                ["id", "Civilite", "Prenom", "Nom", "EMail", "Pays", "DateNaissance"],
                ([r.id, *(r.data.get(f, "") for f in query.selected)] for r in page),
            )
            began = time.perf_counter()
            total = sum(1 for _ in client.iter(query.page(1, size=500)))
            screen.say(
                f"\nclient.iter() paged through all {total} matching contacts "
                f"in {time.perf_counter() - began:.2f} s, fetching pages ahead."
            )

            screen.title("A write, and what happened to each record")
            first = page[0] if page else None
            records: list[dict[str, object]] = [
                {
                    "id": 0,
                    "data": {
                        "Civilite": "Madame",
                        "Prenom": "Zoé",
                        "Nom": "Lambert",
                        "EMail": "zoe.lambert@example.net",
                        "Pays": "BE",
                        "DateNaissance": dt.date(1994, 3, 2),
                    },
                },
                {"id": 0, "data": {"Nom": "Martin", "DateNaissance": "12/06/1990"}},
            ]
            if first is not None:
                records.insert(1, {"id": first.id, "data": {"Prenom": "Camille"}})
            screen.code("client.put('contact', [new contact, update, a bad date])")
            results = client.put("contact", records)
            screen.table(
                ["status", "id", "created", "updated", "found", "error"],
                (
                    [
                        r.status,
                        r.id or "",
                        _yes(r.created),
                        _yes(r.updated),
                        _yes(r.found),
                        r.error or "",
                    ]
                    for r in results
                ),
            )
            screen.say(
                "\nEach record succeeds or fails on its own; a failed batch raises "
                "PartialWriteError naming the records written and those not written."
            )

            screen.title("The same jobs from the command line: export and import")
            _command_line(screen, emu)
    screen.say("\nNext: README.md, docs/ (cli, language, builder, client, emulator, rules, ci).")
    return 0


#: The commands of the last screen, as a user types them (--demo: the embedded datamart).
EXPORT_COMMAND = (
    'scale-query export contact --demo --where \'EMail $like "*gmail*" $and Pays $eq "BE"\' '
    "--fields Nom,Prenom,EMail --limit 5 -o gmail.csv"
)
IMPORT_COMMANDS = (
    "scale-query import contact gmail.csv --demo --dry-run",
    "scale-query import contact gmail.csv --demo --report report.csv",
)


def _command_line(screen: _Screen, emu: Any) -> None:
    """Run the export and import commands against this tour's datamart, showing their output."""
    import contextlib
    import io
    import os
    import shlex
    import tempfile

    from . import main

    connection = ["--token", emu.token, "--instance", emu.instance, "--base-url", emu.base_url]
    folder = tempfile.mkdtemp(prefix="scale-query-demo-")
    here = os.getcwd()
    os.chdir(folder)
    try:
        for command in (EXPORT_COMMAND, *IMPORT_COMMANDS):
            screen.code(f"$ {command}")
            argv = [a for a in shlex.split(command)[1:] if a != "--demo"] + connection
            shown = io.StringIO()
            with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown):
                main(argv)
            screen.code(shown.getvalue().rstrip())
            if command == EXPORT_COMMAND:
                screen.code("$ cat gmail.csv")
                with open("gmail.csv", encoding="utf-8") as exported:
                    screen.code(exported.read().rstrip())
        screen.code("$ cat report.csv")
        with open("report.csv", encoding="utf-8") as report:
            screen.code(report.read().rstrip())
    finally:
        os.chdir(here)
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    screen.say(
        "\nexport streams pages to csv, jsonl, json, parquet or a table; import checks every "
        "record against the object's metadata before the first write and reports each one. "
        "See docs/cli.md."
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
