"""Instance ids and tokens the emulator serves: only what the client would send.

The emulator may not import the client (docs/architecture.md), so the rules
are written here again; tests/test_emulator_serve.py holds both sides to the
same answers. An instance id is letters, digits, ``_``, ``.`` and ``-``, not
starting with ``.`` or ``-``, with no ``..`` (``scale_query.client`` builds
URLs from it). A token is 1 to 4,096 visible ASCII characters: it travels in
an HTTP header, where anything else is refused or mangled on the way.

>>> check_instance("demo"), check_token("demo-token")
('demo', 'demo-token')
"""

from __future__ import annotations

import re

from ..semantics import check_name

__all__ = ["MAX_TOKEN_LENGTH", "check_instance", "check_token"]

#: Longer tokens are refused (a header line that long is refused by servers too).
MAX_TOKEN_LENGTH = 4096

_TOKEN = re.compile(r"[!-~]+")


def check_instance(instance: object) -> str:
    """``instance`` if the client can address it, else ValueError saying what is allowed."""
    return check_name("instance id", instance)


def check_token(token: object, where: str = "token") -> str:
    """``token`` if it can travel in an ``Authorization`` header; the error never shows it."""
    if not isinstance(token, str):
        raise TypeError(f"the {where} is a str, not {type(token).__name__}")
    if not token:
        raise ValueError(f"the {where} is empty")
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(f"the {where} is longer than {MAX_TOKEN_LENGTH} characters")
    if not _TOKEN.fullmatch(token):
        raise ValueError(
            f"the {where} holds a space, a control or a non-ASCII character; "
            "a token is visible ASCII characters only"
        )
    return token
