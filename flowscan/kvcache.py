"""How much KV cache a model-server launch leaves room for, from what its config says.

A launch's memory settings (``memory`` in rules/servers/: the model flag, the GPU memory
fraction, the maximum sequence length, the batch size, the KV-cache dtype, tensor
parallelism, quantization, dtype, CPU offload) are read from its argv like the server's parser
reads them (``--flag value``, ``--flag=value``, the last occurrence winning). With the model's
shapes (rules/models/) and the GPU the deployment is scheduled on (rules/gpus.yaml) the room is

    GPU memory x GPUs x fraction - (weights - CPU offload)

and a token's KV cache is 2 x layers x KV heads x head_dim x bytes. Activations, CUDA graphs
and the allocator's reserve are not subtracted: the room is an upper bound, so what is
reported is pressure even the best case cannot avoid. :func:`assess` says what it assumed and
where each number came from, or why it could not decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .kvdata import GIB, Gpu, ModelShape, find_model, precision
from .servers import Launch, MemorySpec, parse_options


@dataclass(frozen=True)
class Setting:
    """One memory setting as the launch writes it: its value, the words that set it (for
    the message) and the argv index of the flag (None for a documented default)."""

    value: str
    written: str
    index: int | None = None


@dataclass
class Placement:
    """Where the launch runs, as far as the deployment says: the GPU (and the label naming it)
    and the number of GPUs its container requests."""

    gpu: Gpu | None = None
    gpu_evidence: str = ""
    gpu_count: int | None = None
    unknown_reason: str = "the deployment does not say which GPU it runs on"


@dataclass
class Assessment:
    """The verdict on one launch: ``problems`` (message, the setting it is about), the
    arithmetic behind them (``basis``), or the reason the check could not decide."""

    undecided: str | None = None
    problems: list[tuple[str, Setting | None]] = field(default_factory=list)
    basis: str = ""
    kv_tokens: int | None = None


def settings(launch: Launch) -> dict[str, Setting]:
    """The memory settings a launch writes (model included), by setting name."""
    memory = launch.server.memory
    if memory is None:
        return {}
    found: dict[str, Setting] = {}
    if launch.via == "python call":
        return _keyword_settings(launch, memory)
    if memory.model_positional and launch.argv and not launch.argv[0].startswith("-"):
        found["model"] = Setting(launch.argv[0], launch.argv[0], 0)
    named = {flag: name for name, flags in memory.flags for flag in flags}
    named.update({flag: "model" for flag in memory.model_flags})
    argv = launch.argv
    for option in parse_options(argv, launch.server.underscore_flags):
        _take(found, named.get(option.name), option.value, argv, option.index, option.name)
    for index, word in enumerate(argv):  # short flags (-tp, -q) that parse_options skips
        if word.startswith("-") and not word.startswith("--") and word in named:
            _take(found, named[word], None, argv, index, word)
    return found


def _take(found: dict[str, Setting], name: str | None, value: str | None, argv: list[str], index: int,
          flag: str) -> None:
    if name is None:
        return
    if value is None:
        if index + 1 >= len(argv) or argv[index + 1].startswith("--"):
            return
        value = argv[index + 1]
        written = f"{flag} {value}"
    else:
        written = f"{flag}={value}"
    previous = found.get(name)
    if previous is None or previous.index is None or previous.index < index:
        found[name] = Setting(value, written, index)


def _keyword_settings(launch: Launch, memory: MemorySpec) -> dict[str, Setting]:
    from .python.facts import Lit

    names = {flag.lstrip("-").replace("-", "_"): name for name, flags in memory.flags for flag in flags}
    names.update({flag.lstrip("-").replace("-", "_"): "model" for flag in memory.model_flags})
    found = {}
    for keyword, value in launch.keywords:
        if keyword in names and isinstance(value, Lit):
            text = value.text.strip("'\"")
            found[names[keyword]] = Setting(text, f"{keyword}={value.text}")
    return found


def assess(launch: Launch, place: Placement) -> Assessment:
    """The KV-cache verdict on ``launch`` running where ``place`` says."""
    memory = launch.server.memory
    if memory is None:
        return Assessment(undecided=f"flowscan has no memory model of {launch.server.name}")
    given = settings(launch)
    if "model" not in given:
        return Assessment(undecided=f"the {launch.server.name} launch names no model flowscan can read")
    model = find_model(given["model"].value)
    if model is None:
        return Assessment(undecided=f"model {given['model'].value} is not in rules/models/ (no config.json shapes)")
    if place.gpu is None:
        return Assessment(undecided=place.unknown_reason)
    try:
        return _estimate(launch, memory, given, model, place)
    except _Undecided as exc:
        return Assessment(undecided=str(exc))


class _Undecided(Exception):
    """A setting flowscan cannot turn into a number (a template, an unknown quantization)."""


def _number(setting: Setting, kind: type = float) -> float:
    try:
        return kind(setting.value)
    except ValueError:
        raise _Undecided(f"{setting.written} is not a number flowscan can read") from None


def _estimate(launch: Launch, memory: MemorySpec, given: dict[str, Setting], model: ModelShape,
              place: Placement) -> Assessment:
    gpu = place.gpu
    assert gpu is not None
    table = precision()
    server = launch.server.name
    fraction = _fraction(given, memory)
    parallel = _parallel(given, memory, place)
    dtype_setting = given.get("dtype")
    dtype = dtype_setting.value.lower() if dtype_setting is not None and dtype_setting.value.lower() != "auto" \
        else model.torch_dtype
    if dtype not in table.dtype_bytes:
        raise _Undecided(f"dtype {dtype} has no byte size in rules/kvcache.yaml")
    quant = given.get("quantization")
    if quant is not None and quant.value.lower() not in table.quantization_bytes:
        raise _Undecided(f"{quant.written}: flowscan has no weight size for this quantization (rules/kvcache.yaml)")
    per_param = table.quantization_bytes[quant.value.lower()] if quant is not None else table.dtype_bytes[dtype]
    weights = model.parameters * per_param
    kv_setting = given.get("kv_dtype")
    kv_dtype = kv_setting.value.lower() if kv_setting is not None and kv_setting.value.lower() != "auto" else dtype
    if kv_dtype not in table.dtype_bytes:
        raise _Undecided(f"{kv_setting.written if kv_setting else kv_dtype}: no byte size in rules/kvcache.yaml")
    kv_bytes = table.dtype_bytes[kv_dtype]
    per_token = 2 * model.layers * model.kv_heads * model.head_dim * kv_bytes
    offload = _number(given["cpu_offload_gib"]) * GIB * parallel if "cpu_offload_gib" in given else 0.0
    budget = gpu.memory_gib * GIB * parallel * fraction[0]
    room = budget - max(weights - offload, 0.0)
    tokens = max(int(room // per_token), 0)
    basis = (f"{gpu.name} {gpu.memory_gib:g} GiB ({place.gpu_evidence}; rules/gpus.yaml) x {parallel} GPU(s) "
             f"({_parallel_text(given, memory, place)}) x {fraction[1]} = {budget / GIB:.1f} GiB; weights of "
             f"{model.id} ~ {model.parameters / 1e9:.2f}e9 parameters (estimated from its config.json shapes, "
             f"{model.file}: {model.source.split(': ', 1)[0]}) x {per_param:g} bytes "
             f"({quant.written if quant else _dtype_text(dtype_setting, dtype)}) = {weights / GIB:.1f} GiB"
             + (f" less {given['cpu_offload_gib'].written} per GPU" if offload else "")
             + f"; KV cache per token = 2 x {model.layers} layers x {model.kv_heads} KV heads x {model.head_dim} "
             f"head_dim x {kv_bytes:g} bytes ({kv_setting.written if kv_setting else f'KV cache in {kv_dtype}'}) = "
             f"{per_token / 1024:g} KiB. Upper bound: activations and CUDA graphs are not subtracted")
    out = Assessment(basis=basis, kv_tokens=tokens)
    if room <= 0:
        out.problems.append((f"{server} cannot load {model.id}: its weights (~{weights / GIB:.1f} GiB) exceed the "
                             f"{budget / GIB:.1f} GiB it may use", fraction[2]))
        return out
    max_len = _max_len(given, memory, model)
    if max_len is not None and tokens < max_len[0]:
        out.problems.append((f"{server} leaves KV-cache room for about {tokens:,} tokens, less than one "
                             f"{max_len[1]} sequence: it refuses to start or cannot serve a full-length "
                             f"request", max_len[2]))
    seqs = given.get("max_seqs")
    if max_len is not None and seqs is not None and tokens >= max_len[0]:
        wanted = _number(seqs, int) * max_len[0] * table.batch_fraction
        if tokens < wanted:
            out.problems.append((f"{server} leaves KV-cache room for about {tokens:,} tokens, {tokens / max_len[0]:.1f} "
                                 f"{max_len[1]} sequences, while {seqs.written} asks for batches of "
                                 f"{_number(seqs, int):g}: fewer than {table.batch_fraction:g} of the batch fits at full "
                                 f"length, so long requests queue or are preempted", seqs))
    batch = given.get("batch_tokens")
    if batch is not None and tokens < _number(batch, int):
        out.problems.append((f"{server} leaves KV-cache room for about {tokens:,} tokens, fewer than {batch.written}: "
                             f"the server fails its warm-up or cannot fill the batch", batch))
    return out


def _dtype_text(setting: Setting | None, dtype: str) -> str:
    if setting is not None and setting.value.lower() != "auto":
        return setting.written
    return f"{dtype}, the model's torch_dtype"


def _fraction(given: dict[str, Setting], memory: MemorySpec) -> tuple[float, str, Setting | None]:
    setting = given.get("gpu_fraction")
    if setting is not None:
        return _number(setting), setting.written, setting
    default = memory.default("gpu_fraction")
    flag = (memory.flags_for("gpu_fraction") or ("memory fraction",))[0]
    if default is not None:
        return float(default), f"{flag} {default:g} (the server's default)", None
    return 1.0, f"all of the GPU (no {flag}: the upper bound)", None


def _parallel(given: dict[str, Setting], memory: MemorySpec, place: Placement) -> int:
    setting = given.get("tensor_parallel")
    if setting is not None:
        return int(_number(setting, int))
    default = memory.default("tensor_parallel")
    if default is not None:
        return int(default)
    return place.gpu_count or 1


def _parallel_text(given: dict[str, Setting], memory: MemorySpec, place: Placement) -> str:
    setting = given.get("tensor_parallel")
    if setting is not None:
        return setting.written
    if memory.default("tensor_parallel") is not None:
        return "no tensor parallelism flag: one GPU"
    return f"every GPU the container requests ({place.gpu_count or 1})"


def _max_len(given: dict[str, Setting], memory: MemorySpec, model: ModelShape) -> tuple[int, str, Setting | None] | None:
    setting = given.get("max_len")
    if setting is not None:
        return int(_number(setting, int)), setting.written, setting
    if memory.default("max_len") == "model":
        return model.max_position_embeddings, f"{model.max_position_embeddings}-token (the model's " \
               f"max_position_embeddings, used when no {memory.flags_for('max_len')[0]} is given)", None
    return None
