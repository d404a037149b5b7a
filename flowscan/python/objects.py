"""The abstract objects the resolver evaluates expressions to: strings with holes (``Strs``),
an absent value, external names, in-tree modules, classes, functions and instances, dict
literals, settings-file data, and the frames and call contexts they are evaluated in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..model import Step
from ..values import StrValue
from .facts import Cond, Expr, ModuleFacts, Scope

if TYPE_CHECKING:
    from ..extract.yamlnodes import Y


class Bindings(tuple):
    """Parameter bindings ((name, objects), ...) of a call being followed. Interned per
    resolver (``Resolver.intern``): equal bindings are one object whose ``key`` (an int)
    stands for them in memo keys, so a memo probe never hashes the values again."""

    key: int = 0


NO_BINDINGS = Bindings()


@dataclass(frozen=True, eq=False)
class Frame:
    module: ModuleFacts
    scope: str  # qualname of the scope ("" = module level)
    line: int
    bindings: Bindings = NO_BINDINGS  # param -> objects, for calls being followed
    depth: int = 0  # how many caller hops from the sink
    inline: int = 0  # how many calls deep return values are being followed
    forwards: int = 0  # how many caller hops passed a parameter on as it came (``resolve._forwarded``)

    def bound(self, name: str):
        for key, objs in self.bindings:
            if key == name:
                return objs
        return None


@dataclass(frozen=True)
class Strs:
    values: tuple[StrValue, ...]


@dataclass(frozen=True)
class Absent:
    """``None`` or a missing value: the SDK falls back to its own default."""

    trail: tuple[Step, ...] = ()


UNSET_IS_NONE = "unset: None"  # the step detail (after "env NAME") of os.getenv(NAME)'s None side


@dataclass(frozen=True, eq=False)
class CallCtx:
    frame: Frame
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    line: int

    def kwarg(self, name: str) -> Expr | None:
        for key, value in self.kwargs:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Ext:
    """A name outside the scanned tree, e.g. ``requests.Session.get``; ``receiver`` is the
    instance a method was looked up on."""

    dotted: str
    receiver: Inst | None = None
    trail: tuple[Step, ...] = ()  # how the code picked it, where that says something (a registry entry)


@dataclass(frozen=True)
class ModRef:
    module: ModuleFacts


@dataclass(frozen=True)
class ClassRef:
    module: ModuleFacts
    scope: Scope


@dataclass(frozen=True)
class FuncRef:
    module: ModuleFacts
    scope: Scope
    instance: Inst | None = None  # bound method


@dataclass(frozen=True, eq=False)
class Inst:
    """An object made by a call: of an external class (``Ext``) or an in-tree ``ClassRef``.
    ``typed``: known only from a type annotation (this step), made by a caller outside the code
    read; its constructor's arguments are unknown (``resolve_typed``)."""

    of: Ext | ClassRef
    call: CallCtx | None
    typed: Step | None = None


@dataclass(frozen=True, eq=False)
class DictObj:
    """A dict literal, or ``dict(k=v, ...)`` (whose keys are plain strings), with the entries
    set on it after (``d[key] = value``), each evaluated in its own frame (``frames``)."""

    items: tuple[tuple[Expr | str, Expr], ...]
    frame: Frame
    frames: tuple[Frame, ...] = ()  # one per item when entries were set after the literal

    def entries(self) -> list[tuple[Expr | str, Expr, Frame]]:
        """Each (key, value) with the frame both are evaluated in."""
        if self.frames:
            return [(key, value, frame) for (key, value), frame in zip(self.items, self.frames)]
        return [(key, value, self.frame) for key, value in self.items]


@dataclass(frozen=True, eq=False)
class ListObj:
    """A list or tuple literal: where a call takes several URLs (a loader's ``web_paths``), each
    item is an alternative; anywhere else it is a value the analysis does not model."""

    items: tuple[Expr, ...]
    frame: Frame
    line: int
    frames: tuple[Frame, ...] = ()  # one per item, for a list joined from lists of other frames (``a + b``)

    def pairs(self) -> list[tuple[Expr, Frame]]:
        """Each item with the frame it is evaluated in."""
        return list(zip(self.items, self.frames)) if self.frames else [(item, self.frame) for item in self.items]


@dataclass(frozen=True, eq=False)
class DataObj:
    """A mapping or list read from a settings file in the tree (``node``, in file ``path``)."""

    node: Y
    path: str
    trail: tuple[Step, ...] = ()  # how the code reached it: the load call, the keys read
    # A Dynaconf table: the env var naming it (``OPENAI`` for ``settings.openai``); a key ``K``
    # below it is then matched in any case and read from env ``{env}__K`` first.
    env: str | None = None
    # Dynaconf with merging on: the same table in earlier files, first file first; a key this
    # table lacks is read from the last of them that has it.
    under: tuple[DataObj, ...] = ()


@dataclass(frozen=True, eq=False)
class DataGet:
    """``settings.get`` of a :class:`DataObj`, waiting for its call."""

    data: DataObj


@dataclass(frozen=True)
class DynaconfUnset:
    """A Dynaconf key no settings file sets: the value of env var ``env`` (a key ``K`` below
    it is env ``{env}__K``), read at ``path:line``."""

    env: str
    path: str
    line: int
    trail: tuple[Step, ...] = ()


@dataclass(frozen=True, eq=False)
class DynaconfGet:
    """``settings.get`` of a Dynaconf object (``settings``, an ``Inst``), a table of it
    (:class:`DataObj` with ``env``) or an unset key, waiting for its call."""

    base: Inst | DataObj | DynaconfUnset


@dataclass(frozen=True, eq=False)
class DictGet:
    """``mapping.get`` of a dict literal, waiting for its call."""

    mapping: DictObj


@dataclass(frozen=True, eq=False)
class MappingCopy:
    """``mapping.copy`` of a dict literal or a settings file's mapping, waiting for its call:
    the copy holds the same entries."""

    mapping: DictObj | DataObj


@dataclass(frozen=True, eq=False)
class SuperOf:
    """``super()`` in a method of class ``ref``: its bases' attributes, bound to ``instance``."""

    ref: ClassRef
    instance: Inst | None


@dataclass(frozen=True)
class StrMethod:
    values: tuple[StrValue, ...]
    name: str


@dataclass(frozen=True)
class Pieces:
    """What ``str.split`` (``rsplit``, ``partition``) gives: per alternative of the string,
    its pieces in order, and how many of them are certain (a hole before a separator may
    hold more separators: the positions after it are not known)."""

    rows: tuple[tuple[tuple[StrValue, ...], int], ...]


@dataclass(frozen=True)
class PathVal:
    """A ``pathlib.Path`` whose text is known (``Path(__file__).parent / "config.yaml"``)."""

    values: tuple[StrValue, ...]


@dataclass(frozen=True)
class PathMethod:
    """A method of a :class:`PathVal`, waiting for its call (``.resolve``, ``.read_text``)."""

    path: PathVal
    name: str


@dataclass(frozen=True)
class PathOpened:
    """What reading the file at a known path gives (``.read_text()``, ``.open()``): for a
    settings loader, that file."""

    values: tuple[StrValue, ...]


@dataclass(frozen=True)
class UserInput:
    """A value the user chooses at run time: a parameter of a web, chat, agent-tool or CLI
    handler, or what a library object holding user input gives (``rules/entrypoints/``).
    ``expr`` is how the code reached it (``req.url``, ``request.args['url']``)."""

    kind: str  # web-request | chat-message | agent-tool | cli
    origin: str  # "request parameter req of POST /fetch"
    expr: str
    root: str  # the expression the origin names (the parameter, the library object)
    trail: tuple[Step, ...] = ()
    server_state: frozenset[str] = frozenset()  # attributes of the root that hold server state (``request.app``)
    cli: str = ""  # a command-line flag the user may give (``--api-base``), or ARGV: the command line's words

    @property
    def label(self) -> str:
        from .entrypoints import USER_SUPPLIED
        detail = "" if self.expr == self.root else f" ({self.expr})"
        return f"{USER_SUPPLIED}: {self.origin}{detail}"

    def reached(self, expr: str) -> UserInput:
        return UserInput(self.kind, self.origin, expr, self.root, self.trail, self.server_state, self.cli)


ARGV = "sys.argv"  # ``UserInput.cli`` of the command line's words
UNREAD_FLAGS = "?"  # ``UserInput.cli`` of a parsed command line whose parser is not read (its flags' defaults unknown)


@dataclass(frozen=True, eq=False)
class Namespace:
    """What an argparse parser's ``parse_args()`` gives, for a parser made in the tree
    (``parser``: the ``ArgumentParser(…)`` instance): its attributes are the flags the parser's
    ``add_argument`` calls declare. ``pair``: ``parse_known_args()``'s (namespace, rest)."""

    parser: Inst
    call: str  # the parsing method's dotted name
    line: int
    pair: bool = False


@dataclass(frozen=True)
class Unknown:
    why: str
    line: int = 0
    path: str = ""  # the file ``line`` is in, when it may not be the file that reads the value


@dataclass(frozen=True)
class Scalar:
    """A number or bool the analysis cannot compute (``int(os.environ["PORT"])``, ``len(s)``,
    ``a == b``): a value, but never the text of a host nor a mapping of keywords."""

    what: str  # what made it: ``int(…)``, ``a comparison``
    line: int = 0
    trail: tuple[Step, ...] = ()
    truth: Truth | None = None  # a bool's tests (``reach_flags``); two bools alike but for them are two


@dataclass(frozen=True, eq=False)
class Truth:
    """What a bool is made of: the tests of ``x is not None``, ``not x``, ``a and b``,
    ``bool(x)``, to be read in ``frame`` (where the expression is)."""

    cond: Cond
    frame: Frame


PARAMETER_HOLE = "parameter "  # how a hole names a parameter that no in-tree call passes
CALLER_SET = "set by the caller: "  # how a value starts that a caller outside the tree chooses


def is_parameter_hole(obj: Obj) -> bool:
    """Whether ``obj`` is only a parameter that no in-tree call passes (what a library's user gives)."""
    return isinstance(obj, Strs) and bool(obj.values) and all(
        len(v.parts) == 1 and not v.is_known and v.parts[0].label.startswith(PARAMETER_HOLE) for v in obj.values)


def is_caller_set(value: StrValue) -> bool:
    """Whether ``value`` is what a caller outside the scanned tree passes in a configuration
    mapping (``Config(**options)`` in a library function nothing in the tree calls): not part of
    the shipped configuration, a setting its user may choose."""
    return len(value.parts) == 1 and not value.is_known and value.parts[0].label.startswith(CALLER_SET)


Obj = (Strs | Absent | Ext | ModRef | ClassRef | FuncRef | Inst | DictObj | ListObj | DataObj | DataGet | DictGet | StrMethod
       | Pieces | PathVal | PathMethod | PathOpened | UserInput | Unknown | SuperOf | Namespace | Scalar
       | DynaconfUnset | DynaconfGet)


@dataclass(frozen=True)
class EnvRead:
    """A read of an environment variable at a code location (a node of its own in the graph)."""

    key: str
    path: str
    line: int


EnvLookup = Callable[[str], list[StrValue] | None]


def describe(obj: Obj) -> str:
    """What ``obj`` is, in a few words (for holes: ``attribute x of a Foo object``)."""
    if isinstance(obj, Ext):
        return obj.dotted
    if isinstance(obj, Inst):
        return f"a {class_name(obj)} object"
    if isinstance(obj, (FuncRef, ClassRef)):
        return obj.scope.qualname
    if isinstance(obj, SuperOf):
        return f"super() of {obj.ref.scope.qualname}"
    if isinstance(obj, ModRef):
        return f"module {obj.module.module}"
    if isinstance(obj, Unknown):
        return obj.why
    if isinstance(obj, UserInput):
        return obj.label
    if isinstance(obj, Namespace):
        return f"the command line, parsed by {obj.call}()"
    if isinstance(obj, Scalar):
        return f"a number or bool ({obj.what})"
    if isinstance(obj, Strs) and obj.values:  # a value that is only known as text, e.g. an unpassed parameter
        return _texts(obj.values)
    if isinstance(obj, StrMethod):  # an attribute of such a value: ``cfg.url`` with ``cfg`` a parameter
        return f"{_texts(obj.values)}.{obj.name}"
    if isinstance(obj, (DictGet, DataGet, DynaconfGet)):
        return "a mapping's get"
    return _KINDS.get(type(obj), type(obj).__name__.lower())


def class_name(inst: Inst) -> str:
    """The class ``inst`` is of: its dotted name, or an in-tree class's name."""
    return inst.of.dotted if isinstance(inst.of, Ext) else inst.of.scope.name


_KINDS: dict[type, str] = {DictObj: "a dict", ListObj: "a list or tuple", DataObj: "settings data", Absent: "None"}


def _texts(values: tuple[StrValue, ...]) -> str:
    return " or ".join(sorted({v.text for v in values})[:3])
