"""Default or opt-in for tests of the command line's words (``sys.argv``): a run of the program
with no arguments is the shipped configuration, so ``"--os" in sys.argv`` fails with it (the
endpoint under it is opt-in, the switch names the flag), ``sys.argv[1] == "serve"`` fails (no
first argument), and ``len(sys.argv) > 1`` fails (only the program's name). A test of a value
derived from the words in a way not modelled (``sys.argv[1].startswith("-")``) is undecided."""

from __future__ import annotations

import re

from ..model import Switch
from .facts import Call, Name, Test
from .objects import ARGV, Frame, Obj, UserInput
from .resolve import Resolver
from .resolve_cli import CLI_FLAG

NOT_GIVEN = "not given"
_ITEM = re.compile(r"argv\[(\d+)\]")
_SHIPPED_COUNT = 1  # len(sys.argv) of a run with no arguments: the program's name


def _is_words(obj: Obj) -> bool:
    return isinstance(obj, UserInput) and obj.cli == ARGV and obj.expr == obj.root


def argv_switch(test: Test, frame: Frame, resolver: Resolver) -> Switch | None:
    """The switch of a test of ``sys.argv`` (see the module's docstring); None for any other test."""
    path = frame.module.path
    if test.op in ("in", "not in") and test.value is not None:
        words = resolver.eval(test.value, frame)
        if words and all(_is_words(o) for o in words):
            names = resolver.strings(resolver.eval(test.subject, frame), frame)
            known = len(names) == 1 and names[0].is_known
            setting = f"{CLI_FLAG}{names[0].text}" if known else "a command-line word"
            taken = (test.op == "not in") if known else None
            return _switch(path, test, setting, f"{setting} is given", NOT_GIVEN, taken, flip_text=test.op == "not in")
    subject = test.subject
    if isinstance(subject, Call) and isinstance(subject.func, Name) and subject.func.id == "len" and len(subject.args) == 1:
        words = resolver.eval(subject.args[0], frame)
        if words and all(_is_words(o) for o in words):
            return _count_switch(path, test, frame, resolver)
    objs = resolver.eval(subject, frame)
    argv = [o for o in objs if isinstance(o, UserInput) and o.cli == ARGV]
    if not argv or len(argv) != len(objs):
        return None
    items = {_ITEM.fullmatch(o.expr) for o in argv}
    found = items.pop() if len(items) == 1 else None
    if found is None or int(found[1]) < 1:
        return _switch(path, test, "the command line", f"a test of {argv[0].expr}", "not known statically", None)
    setting = f"command-line argument {found[1]}"
    expected = resolver.strings(resolver.eval(test.value, frame), frame) if test.value is not None else []
    shown = " or ".join(repr(v.text) if v.is_known else "a value not known statically" for v in expected)
    if test.op == "truthy":
        return _switch(path, test, setting, f"{setting} is given", NOT_GIVEN, False)
    taken = {"==": False, "in": False, "!=": True, "not in": True}.get(test.op)
    return _switch(path, test, setting, f"{setting} {test.op} {shown}", NOT_GIVEN, taken)


def _count_switch(path: str, test: Test, frame: Frame, resolver: Resolver) -> Switch:
    """``len(sys.argv) OP n``: with no arguments given, the count is 1."""
    setting = "the number of command-line words"
    values = resolver.strings(resolver.eval(test.value, frame), frame) if test.value is not None else []
    numbers = [int(v.text) for v in values if v.is_known and v.text.isdigit()]
    if test.op == "truthy":
        taken: bool | None = True
        condition = "len(sys.argv) is not 0"
    elif len(numbers) == 1 and len(values) == 1:
        taken = _compare(_SHIPPED_COUNT, test.op, numbers[0])
        condition = f"len(sys.argv) {test.op} {numbers[0]}"
    else:
        taken, condition = None, f"len(sys.argv) {test.op} a value not known statically"
    return _switch(path, test, setting, condition, f"{_SHIPPED_COUNT} (no arguments given)", taken)


def _compare(left: int, op: str, right: int) -> bool | None:
    return {"==": left == right, "!=": left != right, ">": left > right, ">=": left >= right,
            "<": left < right, "<=": left <= right}.get(op)


def _switch(path: str, test: Test, setting: str, condition: str, shipped: str, taken: bool | None,
            flip_text: bool = False) -> Switch:
    """The switch, with the test's negation (an ``else`` branch, ``not``) applied."""
    negated = test.negated != flip_text
    if taken is not None and test.negated:
        taken = not taken
    return Switch(path, test.line, setting, f"not ({condition})" if negated else condition, shipped, taken)
