"""Which files git would ignore, and the policy's ``paths.exclude``, with one matcher:
pathspec's gitignore patterns (``!`` negation, ``/`` anchoring, ``dir/``, ``**``).

Like git: ``.gitignore`` in the repository root, in the folders between it and the scan root,
and in every scanned folder (each relative to its own folder; a deeper file and a later line
win), and ``.git/info/exclude``. The repository root is the nearest folder holding ``.git``;
outside a repository the scan root's ``.gitignore`` files are still honoured. A user's global
``core.excludesFile`` is not read: results must not depend on who runs the scan.

A scan root that git itself ignores (``flowscan scan build/app`` with ``build/`` in
``.gitignore``) was asked for by name: it is scanned as if it were a repository of its own
(only the ``.gitignore`` files inside it count), and ``root_ignored`` says so. Otherwise every
file in it would be skipped and a tree full of violations would pass.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# pathspec is imported where a pattern is compiled: a tree without a .gitignore (or a policy
# without paths.exclude) never loads it.

GITIGNORED = "ignored by .gitignore"
EXCLUDED = "excluded by paths.exclude"


def find_repository_root(root: Path) -> Path | None:
    folder = root.resolve()
    while True:
        if (folder / ".git").exists():
            return folder
        if folder.parent == folder:
            return None
        folder = folder.parent


class GitIgnore:
    """``ignored(rel)`` for paths relative to the scan root (``/``-separated, no trailing ``/``)."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        repository = find_repository_root(self.root)
        self.top = repository or self.root
        prefix = self.root.relative_to(self.top).as_posix()
        self.prefix = "" if prefix == "." else prefix + "/"  # the scan root, relative to the repository root
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        self._exclude = _read_spec(self.top / ".git" / "info" / "exclude") if repository else None
        self.root_ignored = bool(self.prefix) and self._ignored_path(self.prefix.rstrip("/"), is_dir=True)
        if self.root_ignored:
            self.top, self.prefix, self._exclude, self._specs = self.root, "", None, {}

    def _spec(self, folder: str) -> GitIgnoreSpec | None:
        """The ``.gitignore`` of ``folder`` (relative to the repository root), read once."""
        if folder not in self._specs:
            self._specs[folder] = _read_spec(self.top / folder / ".gitignore")
        return self._specs[folder]

    def ignored(self, rel: str, is_dir: bool) -> bool:
        return self._ignored_path(self.prefix + rel, is_dir)

    def _ignored_path(self, full: str, is_dir: bool) -> bool:
        """Whether git ignores ``full`` (relative to ``self.top``)."""
        path = full + ("/" if is_dir else "")
        verdict = None
        parts = full.split("/")
        candidates = [("", self._exclude)] + [("/".join(parts[:i]), self._spec("/".join(parts[:i])))
                                               for i in range(len(parts))]
        for folder, spec in candidates:
            if spec is None:
                continue
            result = spec.check_file(path[len(folder) + 1:] if folder else path)
            if result.include is not None:
                verdict = result.include
        return bool(verdict)


def _read_spec(path: Path) -> GitIgnoreSpec | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _spec_of(lines) if any(line.strip() and not line.startswith("#") for line in lines) else None


def _spec_of(lines: list[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


@cache
def exclude_spec(patterns: tuple[str, ...]) -> GitIgnoreSpec | None:
    """``paths.exclude``: gitignore patterns relative to the policy's folder (compiled once per list)."""
    return _spec_of(list(patterns)) if patterns else None


def excluded_by(spec: GitIgnoreSpec | None, path: str, is_dir: bool) -> bool:
    return spec is not None and bool(spec.check_file(path + "/" if is_dir else path).include)
