"""The Python modules of the scanned tree and the indexes over them.

Modules are parsed on demand: the pre-pass gives every file's module name and imports, and
a file is parsed (``load``) only when a seed is analysed or resolution reaches it. The
indexes are built once per scan from the pre-pass (module by name and by suffix; who
imports what) or lazily per file (identifiers, call sites by callee name), so every query
costs in proportion to its answer, never to the size of the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Callable, Iterable, Protocol

if TYPE_CHECKING:
    from .deps import DepTracker
    from .facts import CallSite, ModuleFacts
    from .settings import SettingsFiles


_IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")

Loader = Callable[[str, bytes], "ModuleFacts"]


class CalleeNames(Protocol):
    """Where the callee names of a file's call sites are kept between scans (``FactCache``):
    a caller query skips loading a file whose calls have no callee of the name asked."""

    def callee_names(self, path: str, data: bytes) -> frozenset[str] | None: ...

    def store_callee_names(self, path: str, data: bytes, names: frozenset[str]) -> None: ...


class ImportIndex:
    """Which files import what, from the pre-pass's import lists (dotted, as written), with
    each import's in-tree target (``path_of``) worked out once. The files of a prefix or a
    last name are unions of the exact imports' files, taken when first asked (a hook run
    asks a few of the ~5,000 a large tree has)."""

    def __init__(self, imports: dict[str, tuple[str, ...]], path_of: Callable[[str], str | None]):
        self.exact: dict[str, set[str]] = {}  # I -> files importing exactly I
        for path, names in imports.items():  # files by import first: each distinct import is then worked out once
            for dotted in names:
                self.exact.setdefault(dotted, set()).add(path)
        below: dict[str, list[str]] = {}  # P -> the imports that are P or below it
        # (X, T) -> imports whose last part is X and which are the tree's file T ("" when none
        # of the tree's files); likewise (X, Y, T) for a name Y from such a module
        last: dict[tuple[str, str], list[str]] = {}
        last_two: dict[tuple[str, str, str], list[str]] = {}
        for dotted in self.exact:
            parts = dotted.split(".")
            for cut in range(1, len(parts) + 1):
                below.setdefault(".".join(parts[:cut]), []).append(dotted)
            last.setdefault((parts[-1], path_of(dotted) or ""), []).append(dotted)
            if len(parts) >= 3:
                last_two.setdefault((parts[-2], parts[-1], path_of(".".join(parts[:-1])) or ""), []).append(dotted)
        self.under = _FilesOf(below, self.exact)  # P -> files importing P or anything below it
        self.last = _FilesOf(last, self.exact)
        self.last_two = _FilesOf(last_two, self.exact)

    def importers(self, module: str, name: str, path: str) -> set[str]:
        """Files that may bind ``name`` defined in ``module`` (file ``path``): they import the
        module, a name from it, or a module it ends with; or, loosely, a module of the same
        last name that is no other file of the tree (``from helpers import name`` where the
        pre-pass named the file ``scripts.helpers``)."""
        parts = module.split(".")
        tail = parts[-1]
        out = set(self.under.get(module, ()))
        for cut in range(1, len(parts)):
            out |= self.exact.get(".".join(parts[cut:]), set())
        for target in ("", path):
            out |= self.last.get((tail, target), set())
            out |= self.last_two.get((tail, name, target), set())
        return out


class _FilesOf(Mapping):
    """key -> the files importing one of its imports (``ImportIndex``), each union built on
    first use."""

    def __init__(self, imports_of: dict, exact: dict[str, set[str]]) -> None:
        self._imports_of = imports_of
        self._exact = exact
        self._files: dict = {}

    def __getitem__(self, key) -> set[str]:
        files = self._files.get(key)
        if files is None:
            files = self._files[key] = set().union(*(self._exact[dotted] for dotted in self._imports_of[key]))
        return files

    def __contains__(self, key: object) -> bool:
        return key in self._imports_of

    def __iter__(self) -> Iterator:
        return iter(self._imports_of)

    def __len__(self) -> int:
        return len(self._imports_of)


class Program:
    """The tree's Python modules, parsed on demand, and the indexes over them."""

    def __init__(self, paths: dict[str, tuple[str, str]], sources: dict[str, bytes], loader: Loader,
                 imports: dict[str, tuple[str, ...]] | None = None, callees: CalleeNames | None = None):
        self.sources = sources
        self.callees = callees  # the callee names of each file's calls, kept between scans
        # a scoped hook run: a caller query skips a file with no call of the name asked (by
        # ``callees``); a full scan loads it still, as the modules it loads feed module state
        self.skip_uncalled = False
        self.loader = loader
        self.loaded: dict[str, ModuleFacts] = {}
        self.by_name: dict[str, str] = {}
        self.by_suffix: dict[str, list[str]] = {}
        self._words: dict[str, frozenset[bytes]] = {}
        self.mention_log: dict[str, dict[str, bool]] = {}  # path -> identifier lookups and answers
        self._calls_by_name: dict[str, dict[str, list[CallSite]]] = {}
        self._calls_passing: dict[str, dict[str, list[tuple[CallSite, list[tuple[int | None, str | None]]]]]] = {}
        self._sites: dict[tuple[str, str], list[tuple[ModuleFacts, CallSite]]] = {}
        self.loads_by_reason: dict[str, int] = {}
        self.settings: SettingsFiles | None = None  # settings files the code loads (set by the scan)
        self.homonyms: dict[str, list[str]] = {}  # import names that several files have
        self.deps: DepTracker | None = None  # told each file read (a recording scan: ``deps``)
        # a scoped hook run (``scoped``): loads the seed modules mentioning one of these names,
        # so a tree-wide question about module state sees the modules a full scan has loaded
        self.before_state: Callable[[frozenset[str]], None] | None = None
        # a scoped hook run: the env vars each unchanged file writes, as recorded (``env_writes``)
        self.env_write_keys: dict[str, frozenset[str]] | None = None
        # files of the code roles the report does not show (tests, examples, ... unless asked for):
        # what they write or pass does not flow into the shown code (``feeds``)
        self.hidden: frozenset[str] = frozenset()
        self._shown_sources: dict[str, bytes] | None = None
        # files of a code role other than production (tests, examples, scripts, ...): what they
        # call or import is not how the shipped program runs, whichever roles the report shows
        self.unshipped: frozenset[str] = frozenset()
        self._shipped_sources: dict[str, bytes] | None = None
        for path, (by_path, canonical) in sorted(paths.items()):
            first = self.by_name.setdefault(canonical, path)  # how Python imports it
            if first != path:  # e.g. services/a/app/config.py and services/b/app/config.py
                self.homonyms.setdefault(canonical, [first]).append(path)
            self.by_name.setdefault(by_path, path)  # how relative imports name it
            parts = by_path.split(".")
            for i in range(len(parts) - 1):  # suffixes of two or more parts (namespace packages)
                self.by_suffix.setdefault(".".join(parts[i:]), []).append(path)
        self.import_index = ImportIndex(imports or {}, self.path_of)
        self._quoted: dict[str, list[str]] = {}  # "pkg.module.Class" -> files quoting it (as asked)
        self._module_names = {path: tuple(dict.fromkeys(names)) for path, names in paths.items()}  # how it is imported

    def feeds(self, path: str, into: str | None = None) -> bool:
        """Whether file ``path`` is in the tree and its values may flow into code of file ``into``
        (any shown file when None): a test's caller or env write is not what the shipped app does."""
        return path in self.sources and (path not in self.hidden or (into is not None and into in self.hidden))

    def runs(self, path: str, into: str | None = None) -> bool:
        """Whether file ``path`` is in the tree and its calls and imports are how the shipped
        program reaches code of file ``into`` (any production file when None): a test calling
        or importing a module does not make it run by default, even when tests are shown."""
        return path in self.sources and (path not in self.unshipped or (into is not None and into in self.unshipped))

    @property
    def shipped_sources(self) -> dict[str, bytes]:
        """The sources of the files of the production role (``unshipped`` left out)."""
        if self._shipped_sources is None:
            self._shipped_sources = {p: d for p, d in self.sources.items() if p not in self.unshipped}
        return self._shipped_sources

    @property
    def shown_sources(self) -> dict[str, bytes]:
        """The sources of the files whose values flow into shown code (``hidden`` left out)."""
        if self._shown_sources is None:
            self._shown_sources = {p: d for p, d in self.sources.items() if p not in self.hidden}
        return self._shown_sources

    def add(self, facts: ModuleFacts) -> None:
        self.loaded[facts.path] = facts

    def load(self, path: str, reason: str = "resolution", read: bool = True) -> ModuleFacts:
        """The facts of ``path`` (parsed on first use); ``read``: the asker depends on all of them."""
        if read and self.deps is not None:
            self.deps.read(path)
        facts = self.loaded.get(path)
        if facts is None:
            facts = self.loader(path, self.sources[path])
            self.loaded[path] = facts
            self.loads_by_reason[reason] = self.loads_by_reason.get(reason, 0) + 1
        return facts

    @property
    def modules(self) -> list[ModuleFacts]:
        return [m for _, m in sorted(self.loaded.items()) if not m.parse_error]

    def find_module(self, dotted: str, near: ModuleFacts | None = None) -> ModuleFacts | None:
        """The in-tree module named ``dotted``: exact path match, else a unique suffix match,
        else the candidate sharing the longest path prefix with ``near`` (likewise when
        several files have that name)."""
        path = self.by_name.get(dotted)
        if path is not None and near is not None and dotted in self.homonyms:
            path = max(self.homonyms[dotted], key=lambda p: (_common_prefix(p, near.path), -len(p)))
        if path is None:
            candidates = self.by_suffix.get(dotted)  # keys have two or more parts
            if not candidates:
                return None
            path = candidates[0]
            if len(candidates) > 1 and near is not None:
                path = max(candidates, key=lambda p: (_common_prefix(p, near.path), -len(p)))
        facts = self.load(path, "import")
        return None if facts.parse_error else facts

    def path_of(self, dotted: str) -> str | None:
        """The file of in-tree module ``dotted`` (by name, else a unique suffix), not loaded."""
        path = self.by_name.get(dotted)
        if path is None:
            candidates = self.by_suffix.get(dotted, [])
            path = candidates[0] if len(candidates) == 1 else None
        return path

    def mentions(self, path: str, name: str, read: bool = True) -> bool:
        """Whether the file's bytes contain ``name`` as a whole word (``read``: the answer
        depends on this file alone; False when the asker depends on ``mention:NAME`` instead)."""
        found = mentions_in(self.sources[path], name, self.words(path))
        if read and self.deps is not None:
            self.deps.read(path, asked=True)
        self.mention_log.setdefault(path, {})[name] = found
        return found

    def words(self, path: str) -> frozenset[bytes]:
        """The identifiers in the file's bytes (``identifiers``), computed once."""
        words = self._words.get(path)
        if words is None:
            words = self._words[path] = identifiers(self.sources[path])
        return words

    def files_quoting(self, dotted: str) -> list[str]:
        """The files holding ``dotted`` (``"pkg.module.Class"``) as a whole quoted string: plugin
        registries name classes this way. One pass over the files holding its bytes, per name."""
        if self.deps is not None:  # a file starting or ceasing to quote it changes the answer
            self.deps.ask(f"quoting:{dotted}")
        found = self._quoted.get(dotted)
        if found is None:  # only the files holding its bytes can quote it
            needle = dotted.encode("ascii", "replace")
            found = self._quoted[dotted] = sorted(
                path for path, data in self.sources.items()
                if needle in data and needle in QUOTED_DOTTED.findall(data))
        return found

    def files_mentioning(self, name: str, defined_in: ModuleFacts) -> list[str]:
        """Where callers of ``name`` (defined in ``defined_in``) can be: the defining file, and
        files that import its module (or a name from it) and contain ``name`` as a word."""
        candidates = self.import_index.importers(defined_in.module, name, defined_in.path)
        candidates |= self._reexported(defined_in.module, name)
        candidates.add(defined_in.path)
        return [path for path in sorted(candidates) if self.feeds(path, defined_in.path) and self.mentions(path, name)]

    def _reexported(self, module: str, name: str) -> set[str]:
        """Files that import ``name`` from a module re-exporting it: a package's ``__init__``
        (or any module) doing ``from .client import Scraper`` binds it for ``from pkg import
        Scraper`` elsewhere. Followed a few re-exports deep."""
        out: set[str] = set()
        seen, frontier = {module}, [module]
        for _ in range(REEXPORT_DEPTH):
            found = []
            for source in frontier:
                for path in sorted(self.import_index.exact.get(f"{source}.{name}", ())):
                    for again in self._module_names.get(path, ()):
                        if again not in seen:
                            seen.add(again)
                            found.append(again)
                            out |= self.import_index.importers(again, name, path)
            frontier = found
        return out

    def calls_named(self, facts: ModuleFacts, name: str) -> list[CallSite]:
        """The call sites in ``facts`` whose callee is called ``name`` (``f(…)``, ``x.f(…)``)."""
        index = self._calls_by_name.get(facts.path)
        if index is None:
            from .facts import callee_name

            index = self._calls_by_name[facts.path] = {}
            for site in facts.calls:
                callee = callee_name(site.func)
                if callee is not None:
                    index.setdefault(callee, []).append(site)
            data = self.sources.get(facts.path)
            if self.callees is not None and data is not None and not facts.parse_error \
                    and self.callees.callee_names(facts.path, data) is None:
                self.callees.store_callee_names(facts.path, data, frozenset(index))
        return index.get(name, [])

    def calls_passing(self, facts: ModuleFacts, name: str) -> list[tuple[CallSite, list[tuple[int | None, str | None]]]]:
        """The call sites in ``facts`` (in order) given the bare name ``name`` as an argument, each
        with where: ``(position, None)`` or ``(None, keyword)`` (``register(f)``, ``Tool(fn=f)``)."""
        index = self._calls_passing.get(facts.path)
        if index is None:
            from .facts import Name

            index = self._calls_passing[facts.path] = {}
            for site in facts.calls:
                given: dict[str, list[tuple[int | None, str | None]]] = {}
                for i, arg in enumerate(site.args):
                    if isinstance(arg, Name):
                        given.setdefault(arg.id, []).append((i, None))
                for key, value in site.kwargs:
                    if isinstance(value, Name):
                        given.setdefault(value.id, []).append((None, key))
                for arg_name, where in given.items():
                    index.setdefault(arg_name, []).append((site, where))
        return index.get(name, [])

    def sites_calling(self, name: str, defined_in: ModuleFacts) -> list[tuple[ModuleFacts, CallSite]]:
        """Every call site in the tree whose callee is called ``name`` and that can see the
        definition in ``defined_in`` (memoised for the whole scan, across contexts)."""
        key = (defined_in.path, name)
        found = self._sites.get(key)
        deps = self.deps
        if found is not None:
            if deps is not None:
                deps.hit("sites", key)
            return found
        if deps is not None:
            deps.begin()
        try:
            found = []
            for path in self.files_mentioning(name, defined_in):
                if deps is not None:  # what is read of the file: its calls named ``name`` (as asked)
                    deps.read(path, asked=True)
                if self.skip_uncalled and path not in self.loaded and self.callees is not None:
                    names = self.callees.callee_names(path, self.sources[path])
                    if names is not None and name not in names:
                        continue  # no call named so: its facts are not needed
                facts = self.load(path, "callers", read=False)
                found.extend((facts, site) for site in self.calls_named(facts, name))
            self._sites[key] = found
        finally:
            if deps is not None:
                deps.end("sites", key)
        return found

    def parsed(self, paths: Iterable[str]) -> list[ModuleFacts]:
        return [self.loaded[p] for p in sorted(paths) if p in self.loaded]


def identifiers(data: bytes) -> frozenset[bytes]:
    """Every identifier-like word in a file's bytes (comments and strings included)."""
    return frozenset(_IDENTIFIER.findall(data))


REEXPORT_DEPTH = 3  # how many modules re-exporting a name (``from .x import name``) callers are looked for through
QUOTED_DOTTED = re.compile(rb"""(?<=["'])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\.[A-Z]\w*(?=["'])""")


def mentions_in(data: bytes, name: str, words: frozenset[bytes] | None = None) -> bool:
    """Whether ``data`` holds ``name`` as a whole word; ``words`` is ``identifiers(data)`` when
    the caller has it (an ASCII name is then a set lookup)."""
    if not name.isascii():  # bytes \b knows only ASCII letters: a UTF-8 byte is a letter here
        return re.search(rb"(?<![\w\x80-\xff])" + re.escape(name.encode()) + rb"(?![\w\x80-\xff])", data) is not None
    return name.encode() in (words if words is not None else identifiers(data))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/")):
        if x != y:
            break
        n += 1
    return n
