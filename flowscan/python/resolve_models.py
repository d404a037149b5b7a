"""Fields of configuration models, for the resolver: a pydantic ``BaseModel``, a ``@dataclass``
or an attrs class declares its fields with defaults (``provider: str = Field(default="openai")``,
``llm: LlmConfig = Field(default_factory=LlmConfig)``, ``field(default=…)``). An instance built
without that argument holds the default: the shipped value of a setting its user may change, so
the value's chain marks it (``default of config field LlmConfig.provider``) and reach reads a test
of it as a switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from .facts import Call, Expr, Opaque, imported_callee
from .objects import Absent, CallCtx, ClassRef, Ext, Frame, Obj

if TYPE_CHECKING:
    from .resolve import Resolver

CONFIG_FIELD_STEP = "default of config field "  # how a chain step names a model field's default
_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel"})
_MODEL_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass", "attr.s", "attr.attrs",
                               "attr.define", "attr.frozen", "attrs.define", "attrs.frozen"})
_FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "dataclasses.field", "attr.ib",
                              "attr.attrib", "attr.field", "attrs.field"})


class ModelResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def model_field(self: Resolver, ref: ClassRef, attr: str) -> list[Obj] | None:
        """The default of field ``attr`` of configuration model ``ref``; None when ``ref`` is no
        model or ``attr`` no field declared with a value in its body."""
        klass, module = ref.scope, ref.module
        assigns = klass.assigns.get(attr)
        if not assigns or not self.is_model(ref):
            return None
        step = Step(module.path, assigns[-1].line, f"{CONFIG_FIELD_STEP}{klass.name}.{attr}")
        out: list[Obj] = []
        for assign in assigns:
            frame = Frame(module, klass.qualname, assign.line)
            for obj in self._field_default(module, assign.value, frame):
                out.append(_with_step(obj, step))
        return out

    def is_model(self: Resolver, ref: ClassRef, seen: frozenset = frozenset()) -> bool:
        key = (ref.module.path, ref.scope.qualname)
        if key in seen:
            return False
        for decorator in ref.scope.decorators:
            target = decorator.func if isinstance(decorator, Call) else decorator
            if imported_callee(ref.module, target) in _MODEL_DECORATORS:
                return True
        for obj in self._bases(ref):
            if isinstance(obj, Ext) and obj.dotted in _MODEL_BASES:
                return True
            if isinstance(obj, ClassRef) and self.is_model(obj, seen | {key}):
                return True
        return False

    def _field_default(self: Resolver, module, value: Expr, frame: Frame) -> list[Obj]:
        """``Field(default=x)`` / ``Field(x)`` is x, ``Field(default_factory=F)`` is ``F()``;
        a plain value is itself."""
        if not (isinstance(value, Call) and imported_callee(module, value.func) in _FIELD_FUNCTIONS):
            return self.eval(value, frame)
        factory = next((v for k, v in value.kwargs if k in ("default_factory", "factory")), None)
        if factory is not None:
            ctx = CallCtx(frame, (), (), value.line or frame.line)
            return [o for func in self.eval(factory, frame) for o in self.apply(func, ctx)]
        default = next((v for k, v in value.kwargs if k == "default"), None)
        if default is None and value.args:
            default = value.args[0]
        if default is None or (isinstance(default, Opaque) and default.why == "Ellipsis"):
            return []  # a required field: the caller passes it
        return self.eval(default, frame)


def _with_step(obj: Obj, step: Step) -> Obj:
    """``obj`` with the field's step on its chain; a None default too (``reranker: X | None =
    None``), so that a test of the field reads as a setting (reach) and not as run-time state."""
    from .resolve import _then
    if isinstance(obj, Absent):
        return Absent((*obj.trail, step))
    return _then(obj, step)
