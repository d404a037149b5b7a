"""Opt-in by the user's answer: a test that compares text the user types at a prompt
(``input()``, ``Prompt.ask``, ``click.prompt``) with values known statically (``if choice ==
"3":``, ``if answer in ("google", "gemini"):``) takes its branch only when the user gives one
of them; nothing the shipped configuration sets does. A field of a web request, a chat message
or an agent tool's argument is not such an answer: a server handles whatever any client sends
(``request.method == "POST"``), so a test of it stays run-time control flow. A call under it is ``opt-in``, the switch naming the input and
the values that select the branch; the branch for any other answer (``else``, ``!=``,
``not in``) is taken. A prompt's suggested default is still an answer: the user gives it by
pressing Enter, and nothing runs until they do.

Only equality and membership decide: a truthiness test (``if message:``) or an ordering is how
code handles whatever it is given, and says nothing about reach. A command-line flag or word is
no answer here: its declared default, or a run with no arguments, decides (``reach_cli``). When
the tested value may also be something other than user input or a value known statically (a
setting, a run-time value), this module makes no switch and the test is read as before.
"""

from __future__ import annotations

from ..model import Switch
from .facts import Test
from .objects import Absent, Frame, Strs, UserInput
from .resolve import Resolver
from .resolve_cli import UNPARSED_WORDS

_CHOICE_OPS = frozenset({"==", "!=", "in", "not in"})
_SELECTS = frozenset({"==", "in"})  # the ops whose branch needs the answer to be one of the values
SHIPPED = "chosen by the user at run time"


def user_choice_switch(test: Test, frame: Frame, resolver: Resolver) -> Switch | None:
    """The switch of a test that compares user input with known values (see the module's
    docstring); None for any other test."""
    if test.op not in _CHOICE_OPS or test.value is None:
        return None
    reads = resolver.env_reads_seen
    subject = resolver.eval(test.subject, frame)
    answers = [o for o in subject if _typed_answer(o)]
    others = [o for o in subject if not _typed_answer(o)]
    expected = _known_texts(resolver.items(resolver.eval(test.value, frame)))
    if not answers or expected is None or resolver.env_reads_seen != reads:
        return None  # no user input, compared values not known, or a setting read: not an answer
    shipped = _known_texts(others, absent_ok=True)
    if shipped is None or _from_setting(others, frame):
        return None  # a run-time value or a setting beside the answer: not the user's alone
    # the branch for one of the values needs it chosen (unless a value known statically is one);
    # the branch for any other answer needs nothing chosen
    taken = test.op not in _SELECTS or any(value in expected for value in shipped)
    if test.negated:
        taken = not taken
    label = " or ".join(dict.fromkeys(sorted(o.label for o in answers)))
    shown = " or ".join(repr(v) for v in expected)
    condition = f"{label} {test.op} {shown}"
    return Switch(frame.module.path, test.line, label, f"not ({condition})" if test.negated else condition,
                  SHIPPED, taken)


def _typed_answer(obj: object) -> bool:
    """Text typed at a prompt: terminal input that is neither a command-line flag nor a word."""
    return isinstance(obj, UserInput) and obj.kind == "cli" and not obj.cli \
        and not obj.origin.startswith(UNPARSED_WORDS)


def _from_setting(objs: list, frame: Frame) -> bool:
    from .reach import _setting

    trails = [v.trail for o in objs if isinstance(o, Strs) for v in o.values]
    trails += [o.trail for o in objs if isinstance(o, Absent)]
    return _setting(trails, frame.module.path) is not None


def _known_texts(objs: list, absent_ok: bool = False) -> list[str | None] | None:
    """The texts of ``objs`` when each is a string known statically (or, with ``absent_ok``,
    None); else None."""
    out: list[str | None] = []
    for obj in objs:
        if isinstance(obj, Absent) and absent_ok:
            out.append(None)
        elif isinstance(obj, Strs) and obj.values and all(v.is_known for v in obj.values):
            out.extend(v.text for v in obj.values)
        else:
            return None
    return out
