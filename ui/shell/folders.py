"""Where a file dialog starts: a folder that means something for this meeting (the
workspace's, the demo's, the one used last), never the directory the program was started in."""

from __future__ import annotations

from pathlib import Path


def start_folder(*candidates: Path | str | None) -> str:
    """The first candidate that is an existing folder (a file stands for its folder), else
    the home folder."""
    for candidate in candidates:
        if not candidate:
            continue
        path = Path(candidate).expanduser()
        folder = path if path.is_dir() else path.parent
        if folder.is_dir() and str(folder) not in ("", "."):
            return str(folder)
    return str(Path.home())
