"""``caching/kv-cache-pressure`` (warning): a model server whose memory settings leave too
little KV-cache room for the model it serves on the GPU it is scheduled on.

For each vLLM / SGLang / TGI launch the estimate of :mod:`flowscan.kvcache` runs when the
model is in rules/models/ and the deployment names a GPU of rules/gpus.yaml (a Kubernetes
``nodeSelector`` or required node affinity on a GPU label, per Helm values file too). It is
reported when the weights do not fit, when the room cannot hold one full ``max-model-len``
sequence (at that flag's line, else the container's), when it holds fewer than
``batch_fraction`` (rules/kvcache.yaml) x ``max-num-seqs`` full sequences (at that flag), or
fewer tokens than TGI's ``--max-batch-total-tokens``. Every message states the arithmetic and
where each number came from. Launches it cannot decide (model or GPU unknown) are listed by
:func:`undecided` for ``flowscan readiness``; they give no finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from ..configfacts import ConfigFacts, Container, HelmFacts, KubernetesFacts, WordSource, Workload
from ..kvcache import Assessment, Placement, Setting, assess
from ..kvdata import gpu_from_labels, gpu_label_keys
from ..model import Location
from ..servers import Launch, keyword_line, launches_in_config, launches_in_module, locate, source_launch
from .base import Check, Findings, ScanFacts
from .helm_contexts import ContextFindings, context_name, helm_rendered
from .serving import SERVING_KINDS

KV_PRESSURE = "caching/kv-cache-pressure"


@dataclass(frozen=True)
class Judged:
    """One launch, where it runs, the Helm context it was rendered in (else ""), the verdict."""

    launch: Launch
    context: str
    assessment: Assessment


class KvCachePressure(Check):
    """Model servers whose KV-cache room is too small for their model, sequence length and batch."""

    rules = (KV_PRESSURE,)
    reads = frozenset({"configs", "modules"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        helm = ContextFindings(out)
        for judged in judge(facts.configs, facts.modules):
            if judged.context:
                helm.context = judged.context
                _report(judged, helm)  # type: ignore[arg-type]
            else:
                _report(judged, out)
        helm.flush()


def judge(configs: Sequence[ConfigFacts], modules: Sequence) -> Iterator[Judged]:
    """Every model-server launch with its KV-cache verdict."""
    for config in configs:
        if isinstance(config.details, KubernetesFacts):
            yield from _kubernetes(config.path, config.details, "")
        elif not isinstance(config.details, HelmFacts):  # a chart is judged as each values file renders it
            for launch in launches_in_config(config):
                yield Judged(launch, "", assess(launch, _named_placement(launch, _no_gpu_reason(config.kind))))
    words = _helm_words(configs)
    for context, path, k8s in helm_rendered(configs):
        yield from _kubernetes(path, k8s, context, words.get(context, {}))
    for module in modules:
        for launch in launches_in_module(module):
            place = _named_placement(launch, "an in-process engine: the GPU it runs on is not in the code")
            yield Judged(launch, "", assess(launch, place))


def undecided(configs: Sequence[ConfigFacts], modules: Sequence) -> list[str]:
    """Why the check could not decide, one line per launch it could not judge."""
    lines = []
    for judged in judge(configs, modules):
        reason = judged.assessment.undecided
        if reason is not None and judged.launch.server.memory is not None:
            where = f" [{judged.context}]" if judged.context else ""
            lines.append(f"{judged.launch.server.name} [{judged.launch.context}]{where} "
                         f"{judged.launch.path}:{judged.launch.line}: {reason}")
    return sorted(set(lines))


def _named_placement(launch: Launch, reason: str) -> Placement:
    """Where a launch runs when its own config names the accelerator (Ray Serve LLM
    ``accelerator_type``); else unknown for ``reason``."""
    if launch.accelerator is None:
        return Placement(unknown_reason=reason)
    found = gpu_from_labels((("accelerator_type", launch.accelerator),))
    if found is None:
        return Placement(unknown_reason=f"accelerator_type {launch.accelerator} is not a GPU of rules/gpus.yaml")
    return Placement(found[0], found[1])


def _no_gpu_reason(kind: str) -> str:
    return f"a {kind} deployment does not say which GPU model it runs on"


def _helm_words(configs: Sequence[ConfigFacts]) -> dict[str, dict[tuple[str, ...], list[WordSource]]]:
    """Per Helm context, the values lines that decided each container command's words (the
    chart's env sources), keyed by the command: a rendered container's flags point there."""
    out: dict[str, dict[tuple[str, ...], list[WordSource]]] = {}
    for config in configs:
        if isinstance(config.details, HelmFacts):
            known = out.setdefault(context_name(config), {})
            for source in config.sources:
                if source.command_sources is not None and len(source.command_sources) == len(source.command):
                    known.setdefault(tuple(source.command), source.command_sources)
    return out


def _kubernetes(path: str, k8s: KubernetesFacts, context: str,
                helm_words: dict[tuple[str, ...], list[WordSource]] | None = None) -> Iterator[Judged]:
    for workload in k8s.workloads:
        if workload.kind not in SERVING_KINDS:
            continue
        for container in workload.containers:
            if container.init:
                continue
            launch = source_launch(None, container.line, f"k8s:{workload.kind}/{workload.name}", image=container.image,
                                   command=[*container.command, *container.args], path=path,
                                   word_lines=container.word_lines, image_line=container.image_line)
            if launch is None:
                continue
            decided = (helm_words or {}).get((*container.command, *container.args))
            if decided is not None and launch.argv:
                launch.argv_sources = decided[len(decided) - len(launch.argv):]
            yield Judged(launch, context, assess(launch, _placement(workload, container)))


def _placement(workload: Workload, container: Container) -> Placement:
    found = gpu_from_labels(workload.node_selector)
    if found is not None:
        return Placement(found[0], found[1], container.gpu_count)
    keys = ", ".join(gpu_label_keys())
    shown = ", ".join(f"{k}={v}" for k, v in workload.node_selector) or "none"
    return Placement(gpu_count=container.gpu_count,
                     unknown_reason=f"no node label naming a GPU of rules/gpus.yaml ({keys}) in its nodeSelector or "
                                    f"node affinity (labels: {shown})")


def _report(judged: Judged, out: Findings) -> None:
    launch, assessment = judged.launch, judged.assessment
    for message, setting in assessment.problems:
        out.add(KV_PRESSURE, f"{message} [{launch.context}]. Assumed: {assessment.basis}",
                _setting_location(launch, setting, out), key=f"{launch.context}|{message.split(':')[0]}")


def _setting_location(launch: Launch, setting: Setting | None, out: Findings) -> Location:
    """Where a setting is written: the value's line (a Helm values line when one decided the
    flag), the keyword of a Python call, else the launch."""
    if setting is not None and launch.via == "python call":
        name, _, value = setting.written.partition("=")
        return Location(launch.path, keyword_line(out.line_text, launch.path, launch.line, name, value))
    if setting is None or setting.index is None:
        return Location(launch.path, launch.line)
    if launch.argv_sources is not None and setting.index < len(launch.argv_sources):
        # the value decides: a flag written in the template takes the values line of its value
        words = launch.argv_sources[setting.index:setting.index + 2]
        chosen = next((w for w in reversed(words) if w.path != launch.path), words[0])
        return Location(chosen.path, chosen.line)
    if launch.argv_lines is not None and setting.index < len(launch.argv_lines):
        return Location(launch.path, launch.argv_lines[setting.index])
    token = launch.argv[setting.index].split("=", 1)[0]
    return Location(launch.path, locate(out.line_text, launch.path, launch.line, token, launch.until))


__all__ = ["KvCachePressure", "KV_PRESSURE", "judge", "undecided"]
