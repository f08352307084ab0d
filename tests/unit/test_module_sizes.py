"""No module of osezia is over 400 lines: a module that grows past it holds two things, and one
of them wants a module of its own."""

from __future__ import annotations

from pathlib import Path

import osezia

MAX_LINES = 400


def oversized(root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """The modules under `root` longer than `limit` lines, with their lengths."""
    sizes = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }
    return {name: lines for name, lines in sizes.items() if lines > limit}


def test_no_module_of_osezia_is_over_400_lines() -> None:
    (root,) = (Path(p) for p in osezia.__path__)
    assert len(list(root.rglob("*.py"))) > 100  # the whole package, not an empty folder
    assert oversized(root) == {}


def test_a_module_over_the_limit_is_found(tmp_path: Path) -> None:
    (tmp_path / "feature").mkdir()
    (tmp_path / "feature" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES)

    assert oversized(tmp_path) == {"feature/long.py": MAX_LINES + 1}
