"""Default or opt-in for a prefix or suffix test of a setting: ``if model.startswith("ollama/"):``
(or ``.endswith(…)``, with one literal, a tuple of them, or a name whose values are all known) where ``model`` reads configuration
(an env var, a settings field or file, a command-line flag's default) takes its branch only when
the shipped value has the affix. A value whose leading (trailing) literal text already decides
the test is decided even with a hole after (before) it (``f"ollama/{name}"``); None (an unset
env var, or a piece of one) has no ``startswith``, so the branch is not taken. A test of a value that reads no
configuration is run-time control flow, as in ``reach``.
"""

from __future__ import annotations

from ..model import Switch
from .facts import Attr, Call, Lit, Seq, Test
from .objects import Absent, Frame, Strs
from .reach import (_UNDETERMINED, _UNSET, _by_caller, _is_flag, _setting, _shown, _taken, _unset_env, negated,
                    unshipped_beside)
from .resolve import Resolver
from .resolve_cli import CLI_FLAG

_METHODS = frozenset({"startswith", "endswith"})


def affix_switch(test: Test, frame: Frame, resolver: Resolver) -> Switch | None:
    """The switch of a ``startswith``/``endswith`` test of a setting; None for any other test
    or a tested value that reads no configuration."""
    subject = test.subject
    if test.op != "truthy" or not isinstance(subject, Call) or not isinstance(subject.func, Attr) \
            or subject.func.attr not in _METHODS or len(subject.args) != 1 or subject.kwargs:
        return None
    affixes = _affixes(subject.args[0]) or _known_strings(subject.args[0], frame, resolver)
    if not affixes:
        return None
    method = subject.func.attr
    reads = resolver.env_reads_seen
    objs = resolver.eval(subject.func.base, frame)
    by_caller = [o.why for o in objs if _by_caller(o)]
    flags = [o.cli for o in objs if _is_flag(o)]
    objs = [o for o in objs if not _by_caller(o) and not _is_flag(o)]
    trails = [v.trail for o in objs if isinstance(o, Strs) for v in o.values]
    trails += [o.trail for o in objs if isinstance(o, Absent)]
    stored = unshipped_beside(objs, subject.func.base)
    path = frame.module.path
    setting = _setting(trails, path) or next(iter(by_caller), None) or (f"{CLI_FLAG}{flags[0]}" if flags else None) \
        or next(iter(stored), None)
    if setting is None and resolver.env_reads_seen == reads:
        return None  # run-time control flow, not a setting
    outcomes = [(_holds(value, method, affixes), shown, trail) for value, shown, trail in _values(objs)] \
        or [(None, _UNDETERMINED, ())]
    if test.negated:  # holds when one value lacks the affix
        outcomes = negated(outcomes)
    taken = _taken(outcomes, path, shipped_beside=bool(stored))
    shown_affixes = " or ".join(repr(a) for a in affixes)
    condition = f"{setting} {method} {shown_affixes}"
    shipped = ", ".join(sorted({_shown(shown) for _, shown, _ in outcomes}))
    return Switch(path, test.line, setting or "a computed value", f"not ({condition})" if test.negated else condition,
                  shipped or "unknown", taken)


def _affixes(expr) -> tuple[str, ...]:
    """The literal affixes of ``startswith(…)``: one string, or a tuple of strings."""
    if isinstance(expr, Lit):
        return (expr.text,)
    if isinstance(expr, Seq) and expr.items and all(isinstance(item, Lit) for item in expr.items):
        return tuple(item.text for item in expr.items)
    return ()


def _known_strings(expr, frame: Frame, resolver: Resolver) -> tuple[str, ...]:
    """The affixes an argument that is no literal may be (a constant, a loop over a list of
    literals: ``for shortcut in SHORTCUTS: if url.startswith(shortcut)``), when all are known."""
    values = resolver.strings(resolver.eval(expr, frame), frame)
    if not values or not all(value.is_known for value in values):
        return ()
    return tuple(dict.fromkeys(value.text for value in values))


def _values(objs: list) -> list[tuple[object, object, tuple]]:
    """Each tested alternative: the value itself (a ``StrValue``, or ``_UNSET`` / ``_UNDETERMINED``),
    how a switch shows it, and its chain."""
    out: list[tuple[object, object, tuple]] = []
    for obj in objs:
        if isinstance(obj, Absent):
            out.append((_UNSET, _UNSET, obj.trail))
        elif isinstance(obj, Strs) and obj.values:
            out.extend((_UNSET, _UNSET, value.trail) if len(value.parts) == 1 and _unset_env(value.parts[0])
                       else (value, value.text if value.is_known else _UNDETERMINED, value.trail) for value in obj.values)
        else:
            out.append((_UNDETERMINED, _UNDETERMINED, ()))
    return out


def _holds(value, method: str, affixes: tuple[str, ...]) -> bool | None:
    """Whether ``value`` has one of the affixes; None when its holes decide it."""
    if value is _UNSET:
        return False  # None has no startswith: the branch is not taken
    if value is _UNDETERMINED:
        return None
    if value.is_known:
        text = value.text
        return text.startswith(affixes) if method == "startswith" else text.endswith(affixes)
    edge = value.parts[0] if method == "startswith" else value.parts[-1]
    if not isinstance(edge, str):
        return None
    if (edge.startswith(affixes) if method == "startswith" else edge.endswith(affixes)):
        return True
    decided = all(len(edge) >= len(affix) for affix in affixes)  # the literal is long enough to rule each out
    return False if decided else None
