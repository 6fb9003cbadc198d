"""scale-query fmt: canonical wrapped filters, idempotent, meaning kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import exprs

from scale_query import Condition, Op, parse, render
from scale_query.cli.check._filterfile import filter_entries
from scale_query.cli.check._fmt import format_text
from scale_query.language._ast import Expr, walk
from scale_query.language._canonical import quote_field
from scale_query.language._format import format_filter

LONG = (
    'aaaa $eq 1 $and bbbb $eq 2 $or cccc $in [x,y] $and (d $eq 1 $or e $eq 2) $and ff $like "*x*"'
)


def test_short_filter_stays_on_one_line() -> None:
    assert format_filter(parse("a   $eq 1 $or b $eq 2"), line_length=88) == ["a $eq 1 $or b $eq 2"]


def test_wraps_before_or_then_and() -> None:
    assert format_filter(parse(LONG), line_length=40) == [
        "aaaa $eq 1 $and bbbb $eq 2",
        '    $or cccc $in ["x","y"]',
        "        $and (d $eq 1 $or e $eq 2)",
        '        $and ff $like "*x*"',
    ]
    assert format_filter(parse(LONG), line_length=25) == [
        "aaaa $eq 1",
        "        $and bbbb $eq 2",
        '    $or cccc $in ["x","y"]',
        "        $and (d $eq 1 $or e $eq 2)",
        '        $and ff $like "*x*"',
    ]


def test_top_level_and_wraps_at_four() -> None:
    assert format_filter(parse("aaaa $eq 1 $and bbbb $eq 2"), line_length=15) == [
        "aaaa $eq 1",
        "    $and bbbb $eq 2",
    ]


def test_bad_width() -> None:
    with pytest.raises(ValueError, match="line_length"):
        format_filter(parse("a $eq 1"), line_length=0)


def test_file_keeps_comments_blank_lines_and_noqa() -> None:
    text = "# top\n\na  $eq 1   # noqa: SQ201\n   \n# between\nb $in [ x ]\n"
    new, problems = format_text(text, 88)
    assert problems == []
    assert new == '# top\n\na $eq 1  # noqa: SQ201\n\n# between\nb $in ["x"]\n'


def test_filter_with_an_inner_comment_is_left_alone() -> None:
    text = "a  $eq 1\n# inner\n  $or b $eq 2\nc   $eq 3\n"
    new, _ = format_text(text, 88)
    assert new == "a  $eq 1\n# inner\n  $or b $eq 2\nc $eq 3\n"


def test_syntax_error_leaves_text_unchanged() -> None:
    text = "a  $eq 1\nb $ge 2\n"
    new, problems = format_text(text, 88)
    assert new == text
    assert [(p.line, p.column) for p in problems] == [(2, 3)]


def test_crlf_is_kept() -> None:
    assert format_text("a  $eq 1\r\n  $or b $eq 2\r\n", 88)[0] == "a $eq 1 $or b $eq 2\r\n"


def _file_safe(expr: Expr) -> bool:
    text = render(expr)
    return "\n" not in text and "\r" not in text


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(exprs, st.integers(min_value=10, max_value=120))
def test_wrapped_lines_parse_to_the_same_expression(expr: Expr, width: int) -> None:
    lines = format_filter(expr, line_length=width)
    assert parse("\n".join(lines)) == expr
    assert all(line.strip() == line.rstrip() for line in lines[:1])


def _split_after_first_field(expr: Expr) -> str:
    """The canonical text, broken onto a continuation line after its first field.

    The break goes after the field token itself, never inside a bracketed field
    or a string that happens to hold " $".
    """
    text = render(expr)
    first = next(walk(expr))
    start = len(text) - len(text.lstrip("("))
    end = start + len(quote_field(first.field))
    return text[:end] + "\n   " + text[end:].lstrip(" ")


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@example(filters=[Condition(" $and", Op.EQ, "")], width=10)
@given(st.lists(exprs.filter(_file_safe), min_size=1, max_size=4), st.integers(10, 100))
def test_fmt_is_idempotent_and_keeps_meaning(filters: list[Expr], width: int) -> None:
    # A messy file: extra spaces and every filter split after its first token.
    messy = "# header\n\n" + "\n".join(_split_after_first_field(e) for e in filters)
    once, problems = format_text(messy, width)
    assert problems == []
    assert format_text(once, width) == (once, [])
    _, entries, _ = filter_entries(once)
    assert [parse(e.filter.text) for e in entries] == filters
    assert once.startswith("# header\n\n")


# ---- the command -------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scale_query.cli", "fmt", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow  # several subprocesses
def test_fmt_check_diff_and_write(tmp_path: Path) -> None:
    path = tmp_path / "f.filter"
    path.write_text("a  $eq   1\n")
    out = run("--check", "f.filter", cwd=tmp_path)
    assert (out.returncode, out.stdout) == (1, "would reformat f.filter\n")
    out = run("--diff", "f.filter", cwd=tmp_path)
    assert out.returncode == 1
    assert "-a  $eq   1\n+a $eq 1\n" in out.stdout
    assert path.read_text() == "a  $eq   1\n"
    assert run("f.filter", cwd=tmp_path).returncode == 0
    assert path.read_text() == "a $eq 1\n"
    assert run("--check", ".", cwd=tmp_path).returncode == 0


def test_fmt_line_length_from_config_and_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.scale-query]\nline-length = 12\n")
    (tmp_path / "f.filter").write_text("a $eq 1 $or b $eq 2\n")
    (tmp_path / "bad.filter").write_text("a $eq\n")
    out = run(".", cwd=tmp_path)
    assert out.returncode == 1
    assert "bad.filter:1:6: SQ001" in out.stderr
    assert (tmp_path / "f.filter").read_text() == "a $eq 1\n    $or b $eq 2\n"
    assert (tmp_path / "bad.filter").read_text() == "a $eq\n"


def test_fmt_keeps_a_byte_order_mark() -> None:
    assert format_text("\ufeffa  $eq 1\n", 88) == ("\ufeffa $eq 1\n", [])


def test_fmt_keeps_permissions_and_follows_links(tmp_path: Path) -> None:
    path = tmp_path / "f.filter"
    path.write_text("a  $eq 1\n")
    path.chmod(0o640)
    link = tmp_path / "link.filter"
    link.symlink_to(path)
    assert run("link.filter", cwd=tmp_path).returncode == 0
    assert path.read_text() == "a $eq 1\n"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.filter", "link.filter"]


def test_fmt_read_only_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "f.filter"
    path.write_text("a  $eq 1\n")
    path.chmod(0o444)
    out = run("f.filter", cwd=tmp_path)
    assert out.returncode == 3  # a file that cannot be written: the I/O status
    assert out.stderr.splitlines() == ["f.filter: cannot write (the file is read-only)"]
    assert path.read_text() == "a  $eq 1\n"


def _limit_file_size() -> None:
    import resource
    import signal

    # As `ulimit -f 1` does, with the signal ignored so that write() fails instead.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def test_fmt_interrupted_by_a_full_disk_leaves_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.filter"
    old = "".join(f"# comment {i}\na  $eq {i}\n" for i in range(400))
    path.write_text(old)
    out = subprocess.run(
        [sys.executable, "-m", "scale_query.cli", "fmt", "big.filter"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size,
    )
    assert out.returncode == 3
    assert out.stderr.splitlines() == ["big.filter: cannot write (File too large)"]
    assert path.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["big.filter"]
