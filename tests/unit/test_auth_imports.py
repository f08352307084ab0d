"""authlib does the OAuth work with joserfc's keys: its deprecated `authlib.jose` (whose import
warns, and a warning is an error here) is never loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import osezia

SOURCE = Path(osezia.__file__).parent


def test_no_module_of_osezia_names_authlib_jose() -> None:
    naming = [p for p in SOURCE.rglob("*.py") if "authlib.jose" in p.read_text(encoding="utf-8")]

    assert naming == []


def test_the_app_and_its_token_server_load_without_authlib_jose() -> None:
    probe = (
        "import sys, osezia.web.app, osezia.web.auth.server; "
        "print(sorted(m for m in sys.modules if m.startswith('authlib.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-W", "error", "-c", probe], capture_output=True, text=True, check=True
    ).stdout

    assert "authlib.oauth2.rfc9068" in loaded
    assert "authlib.jose" not in loaded
