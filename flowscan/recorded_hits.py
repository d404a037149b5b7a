"""What each outbound call site gave in the recorded scan, kept for the scoped hook's widening.

The scoped hook (``scoped.widen``) resolves again the recorded call sites that fed an endpoint
the changed files' calls feed, so that the endpoint names all its call sites. Those sites are
outside the plan: nothing they depend on changed, so what they give is what they gave when
the record was made. A recording scan therefore keeps, per deployment context and call site,
the hits ``find_hits`` returned (in its order) and whether the value read no env var
(``env_free``: other contexts skip it), in ``<key>.hits.json`` beside the record. The hook
reads back the sites of the files it would otherwise load and resolve.

A site whose resolution hit the evaluation budget is kept too: its value depends on what the
memo held, and the recorded scan's is the one a full scan reported (the hook, starting with a
colder memo, would cut it elsewhere). Left out, so the hook resolves them as before: a site
whose resolution failed, and a site whose hits hold a string that redaction would change (nothing is stored in clear, and a redacted value could
place an endpoint differently). A file is taken whole: when one of its sites to widen is not
kept, all of that file's sites are resolved, so the hits come in the order a resolution gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .python.flows import SinkHit

FORMAT = 1
Site = tuple[str, int]


class HitLog:
    """The hits of each call site a recording scan resolved, per context (``note``)."""

    def __init__(self) -> None:
        self.contexts: dict[str, dict[Site, list[SinkHit]]] = {}
        self.env_free: set[Site] = set()  # the default context's sites whose values no context changes

    def note(self, context: str, hits: Iterable[SinkHit]) -> None:
        """``hits``: what ``find_hits`` returned for ``context``."""
        sites = self.contexts.setdefault(context, {})
        for hit in hits:
            sites.setdefault((hit.location.path, hit.location.line), []).append(hit)

    def store(self, directory: Path, key: str, failures: Iterable[Site], digests: dict[str, str]) -> None:
        """Write the kept sites (``hits_file``); ``failures``: sites flowscan failed on in some
        context; ``digests``: the scanned files' (the hook reads the hits back only for the deps
        recorded with the same, never those of an older record)."""
        from .cache import write_atomically
        from .cachecodec import to_json
        from .resultcache import _redacted

        failed, free = set(failures), self.env_free
        contexts = {}
        for context, sites in self.contexts.items():
            kept = []
            for (path, line), hits in sites.items():  # in the order find_hits met them
                if (path, line) in failed or _redacted(hits) != hits:
                    continue
                kept.append([path, line, (path, line) in free, to_json(hits)])
            contexts[context] = kept
        data = {"format": FORMAT, "tree": tree_digest(digests), "contexts": contexts}  # (``key`` names the flowscan version)
        try:
            hits_file(directory, key).unlink(missing_ok=True)
            directory.mkdir(parents=True, exist_ok=True)
            write_atomically(hits_file(directory, key), json.dumps(data, separators=(",", ":")).encode())
        except (OSError, ValueError, TypeError):
            pass  # only costs speed: the hook resolves those sites


def hits_file(directory: Path, key: str) -> Path:
    return directory / f"{key}.hits.json"


def tree_digest(digests: dict[str, str]) -> str:
    """One digest of every scanned file's digest."""
    import hashlib

    return hashlib.sha256(json.dumps(sorted(digests.items())).encode()).hexdigest()


class RecordedHits:
    """The kept sites of a recording scan, decoded when asked for."""

    def __init__(self, contexts: dict[str, dict[Site, tuple[int, bool, object]]]) -> None:
        self._contexts = contexts

    def hits(self, context: str, site: Site) -> list[SinkHit] | None:
        """The recorded hits of ``site`` in ``context``; None when not kept (or unreadable)."""
        from .cachecodec import CodecError, from_json
        from .python.flows import SinkHit

        entry = self._contexts.get(context, {}).get(site)
        if entry is None:
            return None
        try:
            return from_json(entry[2], list[SinkHit])
        except CodecError:
            return None

    def order(self, context: str, site: Site) -> int:
        """Where ``site`` came in the recorded scan's ``find_hits`` (a kept site)."""
        return self._contexts[context][site][0]

    def env_free(self, site: Site) -> bool:
        """Whether ``site``'s value in the default context read no env var (``find_hits``)."""
        from .model import DEFAULT_CONTEXT

        entry = self._contexts.get(DEFAULT_CONTEXT, {}).get(site)
        return entry is not None and entry[1]


def load_hits(directory: Path, key: str, digests: dict[str, str]) -> RecordedHits | None:
    """The sites kept under ``key`` by the scan of files with these ``digests`` (those its deps
    file holds); None when there are none, they are another scan's or they are unreadable."""
    try:
        data = json.loads(hits_file(directory, key).read_bytes())
        if data.get("format") != FORMAT or data.get("tree") != tree_digest(digests):
            return None
        contexts: dict[str, dict[Site, tuple[int, bool, object]]] = {}
        for context, kept in data["contexts"].items():
            contexts[context] = {(path, line): (i, bool(free), raw)
                                 for i, (path, line, free, raw) in enumerate(kept)
                                 if isinstance(path, str) and isinstance(line, int)}
        return RecordedHits(contexts)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
