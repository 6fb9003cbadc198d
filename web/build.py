"""Build the browser assets of scale-query into ``web/dist/``.

    python web/build.py              # build, or say that web/dist/ is up to date
    python web/build.py --force      # build even when up to date
    python web/build.py --check      # exit 1 when web/dist/ is missing or stale
    python web/build.py --no-snapshot
    python web/build.py --wheels DIR # build, then write every wheel the playground needs

It needs Node.js with npm (for the Pyodide package and the snapshot) and the
Python running it with pip and hatchling (``pip install -e '.[dev]'`` has
them). What it makes, served beside ``web/scale-query.js`` (docs/web.md):

- ``dist/pyodide/``: the Pyodide runtime from its npm package, at the version
  ``web/package-lock.json`` pins (``npm ci``);
- ``dist/wheels/``: scale-query's wheel built from this checkout, and
  sqlglot's, at the version installed here, for the SQL panel (skipped when
  sqlglot is not installed);
- ``dist/scale_query_web.py``: the bridge module the page calls;
- ``dist/scale-query.snapshot.gz``: Pyodide's memory with all of the above
  imported, which the page starts from (``node web/snapshot.mjs``), gzipped;
- ``dist/manifest.json``: file names, sizes and SHA-256 sums, and a stamp of
  the sources, which tells when the folder is stale.

``--wheels DIR`` then writes into ``DIR`` scale-query's wheel and the
companion wheel of the built assets, ``scale-query-web-assets`` at the same
version (the page's files and ``dist/``, as the package
``scale_query_web_assets``), which the ``web`` extra requires: so
``pip install --find-links DIR 'scale-query[emulator,web]'`` gives a
working ``/playground`` with no checkout, Node or npm (docs/web.md).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import gzip
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WEB = Path(__file__).resolve().parent
ROOT = WEB.parent
DIST = WEB / "dist"
#: The files of the npm package the page needs (no typings, maps or consoles).
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# What the build reads: a change to any of them makes web/dist/ stale.
_SOURCES = (
    "scale_query",
    "grammar",
    "pyproject.toml",
    "web/scale_query_web.py",
    "web/snapshot.mjs",
    "web/scale-query.js",  # snapshot.mjs takes installFiles from it
    "web/build.py",
    "web/package-lock.json",
)


#: The page's own files, beside dist/ in the web folder (the emulator's PAGE_FILES).
PAGE_FILES = ("index.html", "playground.js", "playground.css", "scale-query.js")
#: The companion distribution of the built assets, and the package it installs.
ASSETS_DISTRIBUTION = "scale-query-web-assets"
ASSETS_PACKAGE = "scale_query_web_assets"


class BuildError(Exception):
    """A step that failed, with what to do about it."""


def _run(*command: str, cwd: Path = ROOT) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    for line in done.stderr.splitlines():
        if line.startswith("warning:"):
            print(line, file=sys.stderr)
    if done.returncode != 0:
        # Node prints the minified source line of a failure: keep the readable lines.
        lines = (done.stderr or done.stdout).strip().splitlines()
        output = [line for line in lines if len(line) < 300][-15:]
        raise BuildError(f"{' '.join(command[:3])} failed:\n  " + "\n  ".join(output))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlglot_version() -> str | None:
    try:
        return importlib.metadata.version("sqlglot")
    except importlib.metadata.PackageNotFoundError:
        return None


def source_stamp(*, snapshot: bool = True) -> str:
    """A digest of everything the build reads, to tell a stale ``dist/``."""
    digest = hashlib.sha256(f"snapshot={snapshot} sqlglot={_sqlglot_version()}".encode())
    for name in _SOURCES:
        top = ROOT / name
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_manifest(dist: Path = DIST) -> dict[str, Any] | None:
    """The manifest of a built folder, or None when there is none."""
    try:
        manifest: dict[str, Any] = json.loads((dist / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest


def is_fresh(*, snapshot: bool = True, dist: Path = DIST) -> bool:
    """Whether ``dist`` was built from the sources as they are now."""
    manifest = read_manifest(dist)
    return manifest is not None and manifest.get("source") == source_stamp(snapshot=snapshot)


def _npm_package() -> Path:
    """The Pyodide npm package, installed by ``npm ci`` when the lockfile changed."""
    lock = (WEB / "package-lock.json").read_bytes()
    stamp = WEB / "node_modules" / ".scale-query-lock.sha256"
    digest = hashlib.sha256(lock).hexdigest()
    try:
        installed = stamp.read_text("utf-8")
    except OSError:
        installed = None
    if installed != digest:
        if shutil.which("npm") is None:
            raise BuildError("npm is not installed: the Pyodide runtime comes from npm")
        _run("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", cwd=WEB)
        stamp.write_text(digest, "utf-8")
    return WEB / "node_modules" / "pyodide"


def _wheel(into: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        base = (sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp)
        try:
            _run(*base, "--no-build-isolation", str(ROOT))
        except BuildError:
            _run(*base, str(ROOT))  # no hatchling here: let pip fetch it
        (built,) = Path(tmp).glob("scale_query-*.whl")
        return Path(shutil.copy2(built, into / built.name))


def _sqlglot_wheel(into: Path) -> Path | None:
    version = _sqlglot_version()
    if version is None:
        return None
    cache = WEB / ".cache"
    found = sorted(cache.glob(f"sqlglot-{version}-py3-none-any.whl"))
    if not found:
        _run(
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(cache),
            f"sqlglot=={version}",
        )
        found = sorted(cache.glob(f"sqlglot-{version}-py3-none-any.whl"))
        if not found:
            raise BuildError(f"no pure-Python wheel of sqlglot {version} to run in the page")
    return Path(shutil.copy2(found[0], into / found[0].name))


def _entry(path: Path, dist: Path) -> dict[str, Any]:
    return {
        "file": path.relative_to(dist).as_posix(),
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    # Two test runs building at once would trample each other's folder.
    with (WEB / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build(*, snapshot: bool = True, force: bool = False, quiet: bool = False) -> Path:
    """Build ``web/dist/`` unless it is up to date; returns its path."""

    def say(message: str) -> None:
        if not quiet:
            print(message, flush=True)

    with _locked():
        if not force and is_fresh(snapshot=snapshot):
            say(f"{DIST.relative_to(ROOT)}/ is up to date")
            return DIST
        stamp = source_stamp(snapshot=snapshot)
        new = WEB / "dist.new"
        shutil.rmtree(new, ignore_errors=True)
        (new / "pyodide").mkdir(parents=True)
        (new / "wheels").mkdir()
        say("npm: the Pyodide runtime")
        package = _npm_package()
        for name in PYODIDE_FILES:
            shutil.copy2(package / name, new / "pyodide" / name)
        version = json.loads((package / "package.json").read_text("utf-8"))["version"]
        say("pip: scale-query's wheel, sqlglot's")
        wheel = _wheel(new / "wheels")
        sqlglot = _sqlglot_wheel(new / "wheels")
        bridge = Path(shutil.copy2(WEB / "scale_query_web.py", new / "scale_query_web.py"))
        manifest: dict[str, Any] = {
            "pyodide": version,
            "source": stamp,
            # The wheel's name says the version: scale_query-0.1.0-py3-none-any.whl.
            "scale_query": _entry(wheel, new) | {"version": wheel.name.split("-")[1]},
            "sqlglot": None if sqlglot is None else _entry(sqlglot, new),
            "bridge": _entry(bridge, new),
            "runtime": [_entry(new / "pyodide" / name, new) for name in PYODIDE_FILES],
            "snapshot": None,
        }
        (new / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        if snapshot:
            say("node: the memory snapshot")
            if shutil.which("node") is None:
                raise BuildError("node is not installed: it makes the snapshot (or --no-snapshot)")
            _run("node", str(WEB / "snapshot.mjs"), str(new))
            # Mostly zeros: gzip takes 31 MB to 6, and the page inflates it natively.
            raw = new / "scale-query.snapshot"
            with raw.open("rb") as source, gzip.open(f"{raw}.gz", "wb", compresslevel=6) as out:
                shutil.copyfileobj(source, out, 1 << 20)
            raw.unlink()
            manifest["snapshot"] = _entry(new / "scale-query.snapshot.gz", new)
            (new / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        old = WEB / "dist.old"
        shutil.rmtree(old, ignore_errors=True)
        if DIST.exists():
            DIST.rename(old)
        new.rename(DIST)
        shutil.rmtree(old, ignore_errors=True)
        total = sum(p.stat().st_size for p in DIST.rglob("*") if p.is_file())
        say(f"{DIST.relative_to(ROOT)}/: {total / 1e6:.1f} MB")
        return DIST


def project_version() -> str:
    """scale-query's version, from pyproject.toml: the companion wheel takes the same."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        version: str = tomllib.load(handle)["project"]["version"]
    return version


_ASSETS_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
description = "The built browser assets of scale-query's /playground (Pyodide, wheels, snapshot)"
requires-python = ">=3.11"
license = "MIT"

[tool.hatch.build.targets.wheel]
packages = ["{package}"]
"""

_ASSETS_INIT = '''"""The built browser assets of scale-query's playground: data files only.

``scale-query serve`` serves this folder at ``/playground`` when no checkout's
built ``web/`` folder (nor ``SCALE_QUERY_WEB``) gives one. Made by
``python web/build.py --wheels DIR`` in a checkout of scale-query.
"""
'''


def wheels(into: Path, *, snapshot: bool = True, quiet: bool = False) -> list[Path]:
    """Build ``dist/`` when stale, then write scale-query's wheel and the assets' into ``into``."""
    dist = build(snapshot=snapshot, quiet=quiet)
    into.mkdir(parents=True, exist_ok=True)
    version = project_version()
    for old in into.glob("scale_query*-*.whl"):
        old.unlink()  # an older build's wheels would make pip's choice ambiguous
    made = [_wheel(into)]
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        package = project / ASSETS_PACKAGE
        package.mkdir()
        for name in PAGE_FILES:
            shutil.copy2(WEB / name, package / name)
        shutil.copytree(dist, package / "dist")
        (package / "__init__.py").write_text(_ASSETS_INIT, "utf-8")
        (project / "pyproject.toml").write_text(
            _ASSETS_PYPROJECT.format(
                name=ASSETS_DISTRIBUTION, version=version, package=ASSETS_PACKAGE
            ),
            "utf-8",
        )
        base = (sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(into))
        try:
            _run(*base, "--no-build-isolation", str(project))
        except BuildError:
            _run(*base, str(project))  # no hatchling here: let pip fetch it
    made += into.glob(f"{ASSETS_PACKAGE}-{version}-*.whl")
    if len(made) != 2:
        raise BuildError(f"expected two wheels in {into}, found {[p.name for p in made]}")
    if not quiet:
        for path in made:
            print(f"{path}: {path.stat().st_size / 1e6:.1f} MB", flush=True)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python web/build.py", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="build even when up to date")
    parser.add_argument("--check", action="store_true", help="exit 1 when web/dist/ is stale")
    parser.add_argument("--no-snapshot", action="store_true", help="skip the memory snapshot")
    parser.add_argument(
        "--wheels",
        metavar="DIR",
        type=Path,
        help="then write scale-query's wheel and the assets' wheel into DIR "
        "(pip install --find-links DIR 'scale-query[emulator,web]')",
    )
    args = parser.parse_args(argv)
    if args.check:
        fresh = is_fresh(snapshot=not args.no_snapshot)
        print("web/dist/ is up to date" if fresh else "web/dist/ is missing or stale")
        return 0 if fresh else 1
    try:
        if args.force:
            build(snapshot=not args.no_snapshot, force=True)
        if args.wheels is not None:
            wheels(args.wheels, snapshot=not args.no_snapshot)
        elif not args.force:
            build(snapshot=not args.no_snapshot)
    except BuildError as error:
        print(f"web/build.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
