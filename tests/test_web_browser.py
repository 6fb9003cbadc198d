"""scale-query in headless Chromium: parity with Python, and the playground as a person uses it.

Needs Debian's chromium (``.ci/run`` installs it) and Node.js with npm (the
assets are built by ``web/build.py`` when stale). Without them the tests are
skipped on a developer's machine and fail in CI (``CI`` set), where a skip
would hide a missing install step.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from scale_query import (
    Client,
    FilterSyntaxError,
    ObjectSchema,
    Query,
    parse,
    render,
    validate_template,
)
from scale_query.emulator import Emulator, serve
from scale_query.language._parser import parse_template

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The flags this machine's Chromium needs: no sandbox as root, and no
# background traffic to Google's hosts, which the closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Keys of a `check --format json` row, less `path`.
ROW_KEYS = (
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "severity",
    "message",
    "hint",
    "replacement",
)

pytestmark = pytest.mark.slow


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: see .ci/run)")
    pytest.skip(reason)


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_build", ROOT / "web" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def assets() -> Path:
    """web/dist/, built now when the sources changed since the last build."""
    if not Path(CHROMIUM).exists():
        _unavailable("no chromium: apt-get install chromium chromium-driver")
    if shutil.which("npm") is None or shutil.which("node") is None:
        _unavailable("no Node.js/npm to build the browser assets")
    build = _load_build()
    try:
        dist: Path = build.build(quiet=True)
    except build.BuildError as error:
        pytest.fail(f"web/build.py: {error}")
    return dist


@pytest.fixture(scope="module")
def emulator(assets: Path) -> Iterator[Emulator]:
    with serve(demo=True) as emu:
        yield emu


@pytest.fixture(scope="module")
def origin(emulator: Emulator) -> str:
    return emulator.base_url.removesuffix("/v1/datamart")


class Traffic:
    """Every request the page makes; those to another origin are recorded and aborted."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.seen: list[str] = []
        self.foreign: list[str] = []

    def local(self, url: str) -> bool:
        if url.startswith("data:"):
            return True  # never leaves the page
        parts = urlsplit(url.removeprefix("blob:"))
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def route(self, route: Any) -> None:
        url = route.request.url
        self.seen.append(url)
        if self.local(url):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@pytest.fixture(scope="module")
def browser(assets: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def traffic(origin: str) -> Traffic:
    return Traffic(origin)


@pytest.fixture(scope="module")
def page(browser: Any, origin: str, traffic: Traffic) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.route("**/*", traffic.route)
    context.on("request", lambda request: traffic.seen.append(request.url))
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(origin + "/playground")
    tab.wait_for_selector("body[data-ready=true]", timeout=60_000)
    tab.wait_for_selector("#object option", state="attached")
    yield tab
    context.close()
    assert errors == []


@pytest.fixture(autouse=True)
def _nothing_leaves_the_origin(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "page" in request.fixturenames:
        traffic: Traffic = request.getfixturevalue("traffic")
        assert traffic.foreign == []
        assert traffic.seen and all(traffic.local(url) for url in traffic.seen)


# ---- the parity corpus ---------------------------------------------------------------

FIELDS = [
    "Nom",
    "Prenom",
    "DateNaissance",
    "EMail",
    "CP",
    "Pays",
    "Civilite",
    "id_contact",
    "Nmo",
    "Datenaissance",
    "[Date de naissance]",
    "contact.Nom",
    "Civilité",
    "_x1",
]
SCALARS = [
    '"Dupont"',
    '"*S*"',
    '"Du*"',
    '"1990-06-12"',
    '"1990-02-30"',
    '"2020-12-19 12:50:50"',
    '"2020-12-19 25:00:00"',
    "12.50",
    "-3",
    "007",
    '"é日本"',
    '"a\\"b"',
    '"\\u00e9"',
    '""',
    '"' + "x" * 300 + '"',
    '"(ab"',
    '"[[:alpha:]]+"',
    '"\\\\bfoo\\\\b"',
    '"(a+)+$"',
    "0",
    '"Smith"',
    '"FR"',
    '"*"',
    '"a**b"',
]
LISTS = ["[FR,BE]", '["FR","FR"]', "[1,2,3]", '["a",1,b]', "[FR,BE,LU,CH,DE]", '["", "0000"]']
OPS = ["$eq", "$neq", "$gt", "$gte", "$lt", "$lte", "$like", "$notlike"]
BREAKERS = [
    "=",
    "==",
    "!=",
    "<>",
    ">=",
    "$ge",
    "$EQ",
    "$Like",
    "AND",
    "&&",
    "or",
    "'x'",
    "12,50",
    "Dupont",
    "[]",
    "[FR,]",
    "(",
    ")",
    "$and",
    "$or",
    "#",
    "@",
    "\\",
    '"',
    "$in",
    "]",
]


def _condition(rng: random.Random) -> str:
    field = rng.choice(FIELDS)
    if rng.random() < 0.2:
        return f"{field} {rng.choice(['$in', '$notin'])} {rng.choice(LISTS)}"
    # $regex rarely: its patterns get a test of their own (test_regex_parity).
    op = "$regex" if rng.random() < 0.04 else rng.choice(OPS)
    return f"{field} {op} {rng.choice(SCALARS)}"


def _expr(rng: random.Random, depth: int = 0) -> str:
    if depth > 2 or rng.random() < 0.4:
        return _condition(rng)
    parts = [_expr(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    text = f" {rng.choice(['$and', '$or'])} ".join(parts)
    return f"({text})" if rng.random() < 0.5 else text


def _broken(rng: random.Random, text: str) -> str:
    tokens = text.split(" ")
    how = rng.randrange(4)
    if how == 0:
        return text[: rng.randrange(len(text))]
    if how == 1:
        tokens[rng.randrange(len(tokens))] = rng.choice(BREAKERS)
    elif how == 2:
        tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(BREAKERS))
    else:
        del tokens[rng.randrange(len(tokens))]
    return " ".join(tokens)


def hostile() -> list[str]:
    """Inputs chosen to break things: sizes, depth, Unicode corners."""
    deep = ["(" * n + "a $eq 1" + ")" * n for n in (100, 255, 256, 257, 5000)]
    return [
        *deep,
        " " * 100_000 + "Nom $eq 1",
        "\t\n\r " * 20_000,
        "Nom $eq 1" + " " * 100_000 + "$and",
        "a $eq 1 $and " * 2_000 + "b $eq 2",
        "a $eq 1 $or b $eq 2 $and " * 1_000 + "c $eq 3",
        'Nom $eq "' + "é" * 50_000 + '"',
        '"' + "a" * 100_000,
        "Nom $in [" + ",".join(["FR"] * 2_000) + "]",
        'Nom $eq "\ud800"',
        "\udc00",
        "Nom $eq \ud83d",
        "Nom\ud800 $eq 1",
        'Nom $eq "\U0001f600"',
        "Nom😀 $eq 1",
        "[😀 x] $eq 1",
        'Civilité $eq "Madame"',
        'Nom $eq "\u05e9\u05dc\u05d5\u05dd"',
        'Nom $eq "e\u0301"',
        "Nom $eq 1 \u2028$and b $eq 2",
        'Nom $eq "\x00"',
        "Nom $eq \x00",
        "\ufeffNom $eq 1",
        "Nom ＄eq 1",
        "Nom $eq １２",
        "\x85Nom $eq 1",
        "Nom\n$eq\n1\n$and\n(\n",
        "Nom $eq 1\r\n$and b $eq 2",
        'Nom $regex "' + "(a|a)*" * 200 + '"',
        'Nom $like "' + "*" * 10_000 + '"',
        "",
        " ",
    ]


def corpus() -> list[str]:
    """At least 1,000 filters: generated valid ones, broken ones, hostile ones."""
    rng = random.Random(20261129)
    valid = [_expr(rng) for _ in range(620)]
    broken = [_broken(rng, rng.choice(valid)) for _ in range(560)]
    return valid + broken + hostile()


def _python_row(d: Any, text: str) -> dict[str, Any]:
    """What `check` would print for one filter text, from Python's validate()."""

    def position(offset: int) -> tuple[int, int]:
        start = text.rfind("\n", 0, offset) + 1
        return text.count("\n", 0, offset) + 1, offset - start + 1

    row = {key: getattr(d, key) for key in ROW_KEYS}
    if d.offset is None:
        row.update(line=1, column=1, end_line=1, end_column=1)
    else:
        (row["line"], row["column"]), (row["end_line"], row["end_column"]) = (
            position(d.offset),
            position(d.end_offset),
        )
    return row


def _python_format(text: str) -> dict[str, Any]:
    # As `scale-query fmt` does: placeholders (:name) stay as written.
    try:
        return {"text": render(parse_template(text))}
    except FilterSyntaxError:
        return {"error": _python_row(validate_template(text)[0], text)}


def _in_browser(
    page: Any, texts: list[str], schema: dict[str, Any] | None, name: str | None
) -> list[Any]:
    # JSON both ways, ASCII-escaped: lone surrogates survive the trip to the page.
    results = page.evaluate(
        """async ([texts, schema, name]) => {
            const sq = window.scaleQuery, out = [];
            for (const text of JSON.parse(texts)) {
                const diagnostics = await sq.validate(
                    text, schema ?? undefined, name ?? undefined, {select: ["ALL"]});
                out.push([diagnostics, await sq.format(text)]);
            }
            return JSON.stringify(out);
        }""",
        [json.dumps(texts, ensure_ascii=True), schema, name],
    )
    decoded: list[Any] = json.loads(results)
    return decoded


def _checkable(text: str) -> bool:
    """Whether `check` reads the text as one filter line of a filter file, unchanged."""
    return (
        bool(text.strip())
        and not text[0].isspace()
        and not any(c in text for c in "\n\r#")
        and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    )


def _check_json(texts: list[str], schema_file: Path | None, tmp: Path) -> list[dict[str, Any]]:
    source = tmp / "corpus.filter"
    source.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    command = [sys.executable, "-m", "scale_query", "check", "--format", "json", "--select", "SQ"]
    if schema_file is not None:
        command += ["--schema", str(schema_file)]
    done = subprocess.run(
        [*command, source.name], cwd=tmp, capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode in (0, 1), done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def _assert_parity(
    page: Any, emulator: Emulator, tmp_path: Path, texts: list[str], with_schema: bool
) -> None:
    schema_json = emulator.api.datamart.objects["contact"].schema.to_api() if with_schema else None
    schema = ObjectSchema.from_api(schema_json, "contact") if schema_json is not None else None
    browser = _in_browser(page, texts, schema_json, "contact" if with_schema else None)
    mismatches = []
    for text, (diagnostics, formatted) in zip(texts, browser, strict=True):
        want = [
            _python_row(d, text) for d in validate_template(text, schema=schema, select=["ALL"])
        ]
        if diagnostics != want or formatted != _python_format(text):
            mismatches.append(text[:80])
    assert mismatches == []
    # The same rows as `scale-query check --format json`, line for line.
    single = [(t, b[0]) for t, b in zip(texts, browser, strict=True) if _checkable(t)]
    schema_file = None
    if schema_json is not None:
        schema_file = tmp_path / "contact.json"
        schema_file.write_text(json.dumps(schema_json), encoding="utf-8")
    rows = _check_json([t for t, _ in single], schema_file, tmp_path)
    by_line: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        line = row.pop("line")
        row.pop("path")
        row["end_line"] -= line - 1
        by_line.setdefault(line, []).append({"line": 1, **row})
    assert len(single) > 0.9 * len(texts)
    for number, (text, diagnostics) in enumerate(single, start=1):
        assert by_line.get(number, []) == diagnostics, text[:80]


@pytest.mark.parametrize("with_schema", [False, True], ids=["no-schema", "contact-schema"])
def test_parity_with_python_and_check(
    page: Any, emulator: Emulator, tmp_path: Path, with_schema: bool
) -> None:
    texts = [text for text in corpus() if "$regex" not in text]
    assert len(texts) >= 1000
    _assert_parity(page, emulator, tmp_path, texts, with_schema)


REGEXES = ['"^J(ea)?n"', '"(ab"', '"[[:alpha:]]+"', '"a{2,1}"', '"\\\\1"', '"(?=x)"', '"[z-a]"',
           '"[[:<:]]du"', '"x**"', '"' + "(a|a)*" * 20 + '"']  # fmt: skip


def test_regex_parity(page: Any, emulator: Emulator, tmp_path: Path) -> None:
    texts = [text for text in corpus() if "$regex" in text]
    texts += [f"Nom $regex {pattern}" for pattern in REGEXES]
    _assert_parity(page, emulator, tmp_path, texts, with_schema=False)


def test_done_when_the_page_answers_like_check_on_stdin(page: Any) -> None:
    got = page.evaluate("window.scaleQuery.validate('Nom $eq')")
    done = subprocess.run(
        [sys.executable, "-m", "scale_query", "check", "--format", "json", "-"],
        input="Nom $eq",
        capture_output=True,
        text=True,
    )
    want = [{k: v for k, v in row.items() if k != "path"} for row in json.loads(done.stdout)]
    assert got == want and got[0]["code"] == "SQ001" and got[0]["hint"]


def test_python_starts_from_the_snapshot_or_without_it(
    page: Any, browser: Any, origin: str, traffic: Traffic
) -> None:
    assert page.evaluate("window.scaleQuery.info.snapshot") is True
    context = browser.new_context()
    context.route("**/*", traffic.route)
    cold = context.new_page()
    cold.goto(origin + "/playground/?snapshot=0")
    cold.wait_for_selector("body[data-ready=true]", timeout=120_000)
    assert cold.evaluate("window.scaleQuery.info.snapshot") is False
    text = 'Nom $like "*S*" $and Pays $in [FR,BE,FR]'
    assert cold.evaluate("t => window.scaleQuery.validate(t)", text) == page.evaluate(
        "t => window.scaleQuery.validate(t)", text
    )
    context.close()


def test_completion_offsets_are_javascript_offsets(page: Any, emulator: Emulator) -> None:
    schema = emulator.api.datamart.objects["contact"].schema.to_api()
    # An emoji is two UTF-16 code units but one code point.
    text = 'Nom $eq "😀" $and Dat'
    got = page.evaluate(
        "([text, schema]) => window.scaleQuery.complete(text, text.length, schema)", [text, schema]
    )
    assert (got["from"], got["to"]) == (text.index("Dat") + 1, len(text) + 1)
    assert [item["label"] for item in got["items"]] == ["DateNaissance"]


def test_sql_in_the_page_is_to_sql(page: Any, emulator: Emulator) -> None:
    import scale_query

    schema = emulator.api.datamart.objects["contact"].schema.to_api()
    text = 'Nom $like "50%*" $and DateNaissance $gt "1990-06-12"'
    # MySQL's own collation expresses the whole profile (postgres refuses $like on text).
    got = page.evaluate("([t, s]) => window.scaleQuery.sql(t, 'mysql', s)", [text, schema])
    to_sql = getattr(scale_query, "to_sql", None)
    if to_sql is None:
        assert got == {"error": "this scale-query has no to_sql yet"}
    else:
        assert got == {"sql": to_sql(text, "mysql", schema=schema)}
        assert "mysql" in page.evaluate("window.scaleQuery.dialects()")


# ---- the playground, as a person uses it -----------------------------------------------


def _type_filter(page: Any, text: str) -> None:
    page.fill("#filter", "")
    page.focus("#filter")
    page.keyboard.type(text)


def test_a_broken_filter_shows_the_caret_and_the_hint(page: Any) -> None:
    _type_filter(page, 'Nom $like "*S*" $and DateNaissance $ge "1990-06-12"')
    page.wait_for_function("() => document.querySelector('#diagnostics .hint') !== null")
    item = page.inner_text("#diagnostics li")
    assert "1:36" in item and "SQ001" in item and "unknown operator '$ge'" in item
    caret = page.inner_text("#diagnostics .caret").split("\n")
    assert caret == ['Nom $like "*S*" $and DateNaissance $ge "1990-06-12"', " " * 35 + "^^^"]
    assert page.inner_text("#diagnostics .hint") == "hint: did you mean '$gte'?"
    assert page.inner_text("#backdrop mark.error") == "$ge"  # the fault underlined
    assert page.get_attribute("#filter", "aria-invalid") == "true"


def test_completion_by_keyboard(page: Any) -> None:
    _type_filter(page, "Dat")
    page.wait_for_selector("#completions li", state="visible")
    active = page.get_attribute("#filter", "aria-activedescendant")
    assert active and page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")
    page.keyboard.type("$gt")
    page.keyboard.press("Escape")
    page.keyboard.type(' "1990-06-12"')
    assert page.input_value("#filter") == 'DateNaissance $gt "1990-06-12"'
    page.wait_for_selector("#filter[aria-invalid=false]")
    assert "error" not in page.inner_text("#diagnostics").lower()


def test_the_other_forms_of_a_filter(page: Any, emulator: Emulator, origin: str) -> None:
    text = 'Nom $like "*S*" $and (Pays $in [FR,BE] $or CP $gte 75000)'
    _type_filter(page, text)
    page.wait_for_function(
        "text => document.querySelector('#canonical').textContent === text", arg=render(parse(text))
    )
    code = page.inner_text("#python")
    scope: dict[str, Any] = {}
    exec(code, scope)
    assert scope["expr"] == parse(text)
    query = Query("contact").where(text).page(1, size=25)
    assert page.inner_text("#url") == query.to_url("demo", base_url=emulator.base_url)


def _run(page: Any, action: str = "Control+Enter") -> None:
    """Run the query (Ctrl+Enter in the filter, or a click) and wait for its records."""
    runs = page.evaluate("Number(document.body.dataset.runs ?? 0)")
    if action == "Control+Enter":
        page.focus("#filter")
        page.keyboard.press(action)
    else:
        page.click(action)
    page.wait_for_function("n => Number(document.body.dataset.runs ?? 0) > n", arg=runs)


def _table(page: Any) -> list[list[str]]:
    rows: list[list[str]] = page.eval_on_selector_all(
        "#records tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent))"
    )
    return rows


def test_run_shows_the_records_client_get_returns(page: Any, emulator: Emulator) -> None:
    text = 'Nom $like "*a*" $and Pays $in [FR,BE]'
    _type_filter(page, text)
    page.select_option("#pagesize", "10")
    with Client(token=emulator.token, instance=emulator.instance, base_url=emulator.base_url) as c:
        first = list(c.get(Query("contact").where(text).page(1, size=10)))
        second = list(c.get(Query("contact").where(text).page(2, size=10)))
    assert len(first) == 10 and second
    _run(page)
    header, *rows = _table(page)
    assert header[0] == "id"
    assert [r[0] for r in rows] == [str(rec.id) for rec in first]
    nom = header.index("Nom")
    assert [r[nom] for r in rows] == [rec.data["Nom"] for rec in first]
    _run(page, "#next")
    assert page.inner_text("#records-caption") == f"contact: records 11 to {10 + len(second)}"
    assert [r[0] for r in _table(page)[1:]] == [str(rec.id) for rec in second]


def test_export_downloads_the_csv_of_every_matching_record(
    page: Any, emulator: Emulator, tmp_path: Path
) -> None:
    text = 'Pays $eq "BE"'
    _type_filter(page, text)
    _run(page)
    with page.expect_download() as download_info:
        page.click("#export")
    download = download_info.value
    assert download.suggested_filename == "contact.csv"
    path = tmp_path / "contact.csv"
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    with Client(token=emulator.token, instance=emulator.instance, base_url=emulator.base_url) as c:
        records = list(c.iter(Query("contact").where(text)))
    assert len(records) > 10
    header = rows[0]
    assert header[0] == "id" and "Nom" in header
    assert [r[0] for r in rows[1:]] == [str(rec.id) for rec in records]
    assert [r[header.index("Nom")] for r in rows[1:]] == [rec.data["Nom"] for rec in records]


def test_the_playground_has_no_accessibility_violation(
    browser: Any, origin: str, traffic: Traffic
) -> None:
    """axe-core (web/package.json) finds nothing to fix, with diagnostics, completions
    and records on show."""
    axe = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
    context = browser.new_context(bypass_csp=True)  # axe goes in as an inline script
    context.route("**/*", traffic.route)
    tab = context.new_page()
    tab.goto(origin + "/playground/")
    tab.wait_for_selector("body[data-ready=true]", timeout=60_000)
    tab.wait_for_selector("#object option", state="attached")
    tab.focus("#filter")
    tab.keyboard.type('Pays $eq "BE"')
    _run(tab)
    tab.keyboard.type(" $and Nom $ge 1 $and Da")
    tab.wait_for_selector("#completions li", state="visible")
    tab.add_script_tag(path=str(axe))
    found = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]]) for v in found["violations"]
    ]
    context.close()
    assert violations == []


# ---- the embedding example of docs/web.md ------------------------------------------


@pytest.fixture(scope="module")
def segment_site(assets: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """docs/web.md's form page and the assets, served as the page says (Starlette)."""
    import re
    import socket
    import threading

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    docs = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    found = re.search(r"```html\n(.*?)```", docs, re.S)
    assert found is not None
    folder = tmp_path_factory.mktemp("site")
    (folder / "segment.html").write_text(found.group(1), encoding="utf-8")
    static = folder / "static" / "scale-query"
    static.mkdir(parents=True)
    (static / "scale-query.js").symlink_to(ROOT / "web" / "scale-query.js")
    (static / "dist").symlink_to(assets)

    async def new_segment(request: Request) -> Response:
        return FileResponse(folder / "segment.html")

    app = Starlette(
        routes=[
            Route("/segments/new", new_segment),
            Mount("/static", StaticFiles(directory=folder / "static", follow_symlink=True)),
        ]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join()


def test_the_docs_form_checks_the_field_as_the_user_types(browser: Any, segment_site: str) -> None:
    traffic = Traffic(segment_site)
    context = browser.new_context()
    context.route("**/*", traffic.route)
    page = context.new_page()
    page.goto(segment_site + "/segments/new")
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    page.focus("#filter")
    page.keyboard.type("Nom $eq")
    page.wait_for_function("() => document.getElementById('filter-message').textContent !== ''")
    assert page.inner_text("#filter-message") == (
        '1:8: a condition needs a value after its operator (add a value, such as "text" or 12.50)'
    )
    assert page.evaluate("document.getElementById('filter').validity.valid") is False
    page.keyboard.type(' "Dupont"')
    page.wait_for_function("() => document.getElementById('filter').validity.valid")
    assert page.inner_text("#filter-message") == ""
    context.close()
    assert traffic.foreign == [] and all(traffic.local(url) for url in traffic.seen)
