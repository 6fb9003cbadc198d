"""The installed version of scale-query, read once from the package metadata.

The one place it is read: ``scale_query.__version__``, the command line and
the client's User-Agent all ask here. A module of its own, importing nothing
of the package, so that asking for the version imports no wing (and makes no
import cycle through ``scale_query/__init__``).

>>> from scale_query._version import version
>>> version() == __import__("scale_query").__version__
True
"""

from __future__ import annotations

import functools

__all__ = ["version"]


@functools.cache
def version() -> str:
    """The version of the installed ``scale-query`` distribution."""
    from importlib.metadata import version as distribution_version

    return distribution_version("scale-query")
