"""AWS CDK apps in Python, read without synthesis: stack regions, functions' code folders and
environments, data constructs."""

from __future__ import annotations

import json
import textwrap

from flowscan.configfacts import CODE_OUTSIDE_TREE, ConfigFacts, EnvBinding, EnvSource
from flowscan.extract.cdk import extract_cdk

CDK_JSON = json.dumps({"app": "python3 app.py", "context": {"region": "eu-west-3"}}, indent=2).encode()


def _extract(files: dict[str, str], cdk_json: bytes = CDK_JSON, folder: str = "infra") -> list[ConfigFacts]:
    return extract_cdk({f"{folder}/cdk.json": cdk_json},
                       {f"{folder}/{p}": textwrap.dedent(t).encode() for p, t in files.items()})


def _sources(facts: list[ConfigFacts]) -> dict[str, EnvSource]:
    return {s.name: s for f in facts for s in f.sources}


def _env(source: EnvSource) -> dict[str, str | None]:
    return {b.key: b.value for b in source.bindings}


def _why(binding: EnvBinding) -> str:
    """The provenance of a binding, as text (an unknown region says why in its steps)."""
    return " | ".join(step.detail for step in binding.chain)


STACK = """\
import os
from pathlib import Path

from aws_cdk import Stack, aws_lambda as _lambda, aws_s3 as s3
from aws_cdk.aws_lambda import DockerImageCode, DockerImageFunction


class Base(Stack):
    pass


class Workers(Base):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        bucket = s3.Bucket(self, "Files")
        here = _lambda.Function(self, "Here", runtime=_lambda.Runtime.PYTHON_3_12, handler="h.main",
                         code=_lambda.Code.from_asset(os.path.join(os.path.dirname(__file__), "..", "fns", "here")),
                         environment={"BUCKET": bucket.bucket_name, "REGION_COPY": f"{self.region}-x"})
        here.add_environment("ADDED", "later")
        _lambda.Function(self, "Parent", runtime=_lambda.Runtime.PYTHON_3_12, handler="h.main",
                         code=_lambda.Code.from_asset(str(Path(__file__).parent / "inner")))
        _lambda.Function(self, "Inline", runtime=_lambda.Runtime.PYTHON_3_12, handler="index.main",
                         code=_lambda.Code.from_inline("def main(e, c): return 1"))
        DockerImageFunction(self, "Image", code=DockerImageCode.from_image_asset("services/image"))


class Unused(Stack):
    pass
"""


def test_regions_from_context_literals_and_the_deploying_profile() -> None:
    facts = _extract({"stacks/workers.py": STACK, "app.py": """\
        import os
        import aws_cdk as cdk
        from stacks.workers import Workers

        app = cdk.App()
        Workers(app, "Ctx", env=cdk.Environment(region=app.node.try_get_context("region")))
        Workers(app, "Profile", env=cdk.Environment(region=os.environ["CDK_DEFAULT_REGION"]))
        Workers(app, "Agnostic")
        Workers(app, "Dict", env={"region": "ap-southeast-2"})
        """})
    sources = _sources(facts)
    ctx = _env(sources["cdk:Ctx/Here"])
    assert ctx["AWS_REGION"] == ctx["AWS_DEFAULT_REGION"] == "eu-west-3"
    region = next(b for b in sources["cdk:Ctx/Here"].bindings if b.key == "AWS_REGION")
    assert (region.path, region.line) == ("infra/app.py", 6) and region.chain[0].path == "infra/cdk.json"
    assert ctx["REGION_COPY"] == "eu-west-3-x" and ctx["BUCKET"] is None  # a construct attribute: deploy time
    assert ctx["ADDED"] == "later"  # here.add_environment(...)
    profile = next(b for b in sources["cdk:Profile/Here"].bindings if b.key == "AWS_REGION")
    assert profile.value is None and profile.detail == "the stack region, chosen at deploy time"
    assert "CDK_DEFAULT_REGION: the region of the AWS profile that runs cdk deploy" in _why(profile)
    agnostic = next(b for b in sources["cdk:Agnostic/Here"].bindings if b.key == "AWS_REGION")
    assert agnostic.value is None and "environment-agnostic" in _why(agnostic)
    assert _env(sources["cdk:Dict/Here"])["AWS_REGION"] == "ap-southeast-2"
    placed = {(p.resource, p.region) for f in facts for p in f.placements}
    assert {("Ctx/Files", "eu-west-3"), ("Profile/Files", None), ("Dict/Image", "ap-southeast-2")} <= placed


def test_code_folders_of_functions() -> None:
    facts = _extract({"stacks/workers.py": STACK, "app.py": """\
        import aws_cdk as cdk
        from stacks.workers import Workers
        Workers(cdk.App(), "W", env=cdk.Environment(region="eu-north-1"))
        """})
    sources = _sources(facts)
    assert sources["cdk:W/Here"].applies_to == ["infra/fns/here"]  # os.path.join on __file__
    assert sources["cdk:W/Parent"].applies_to == ["infra/stacks/inner"]  # Path(__file__).parent / ...
    assert sources["cdk:W/Image"].applies_to == ["infra/services/image"]  # relative to the app (cdk.json) folder
    assert sources["cdk:W/Inline"].applies_to == [CODE_OUTSIDE_TREE]
    notes = [n for f in facts for n in f.notes]
    assert any("W/Inline runs inline code" in n for n in notes)
    assert any("stack class Unused is not instantiated" in n for n in notes)
    assert any("stack class Base is not instantiated" in n for n in notes)


def test_stack_parameters_and_missing_context() -> None:
    facts = _extract({"app.py": """\
        import aws_cdk as cdk
        from aws_cdk import Stack
        from aws_cdk.aws_lambda_python_alpha import PythonFunction


        class Api(Stack):
            def __init__(self, scope, construct_id, *, model_region="us-west-2", **kwargs):
                super().__init__(scope, construct_id, **kwargs)
                PythonFunction(self, "Fn", entry="api", environment={"MODEL_REGION": model_region})


        app = cdk.App()
        Api(app, "A", env=cdk.Environment(region=app.node.try_get_context("missing")), model_region="eu-west-1")
        Api(app, "B", env=cdk.Environment(region="eu-west-1"))
        """})
    sources = _sources(facts)
    a = sources["cdk:A/Fn"]
    assert _env(a)["MODEL_REGION"] == "eu-west-1" and a.applies_to == ["infra/api"]
    assert 'cdk.json sets no context "missing"' in _why(next(b for b in a.bindings if b.key == "AWS_REGION"))
    assert _env(sources["cdk:B/Fn"])["MODEL_REGION"] == "us-west-2"  # the parameter's default


def test_a_broken_cdk_json_is_a_parse_error() -> None:
    facts = _extract({"app.py": "import aws_cdk\n"}, cdk_json=b"{not json")
    assert facts[0].path == "infra/cdk.json" and facts[0].parse_error is not None


def test_ecs_services_and_containers_are_contexts() -> None:
    facts = _extract({"app.py": """\
        import aws_cdk as cdk
        from aws_cdk import Stack, aws_ecs as ecs, aws_ecs_patterns as ecs_patterns


        class Web(Stack):
            def __init__(self, scope, construct_id, **kwargs):
                super().__init__(scope, construct_id, **kwargs)
                ecs_patterns.ApplicationLoadBalancedFargateService(
                    self, "Api",
                    task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
                        image=ecs.ContainerImage.from_asset("services/api"),
                        environment={"LLM_BASE_URL": "https://api.mistral.ai/v1"},
                    ),
                )
                task = ecs.FargateTaskDefinition(self, "WorkerTask")
                task.add_container("Worker", image=ecs.ContainerImage.from_registry("acme/worker:1"),
                                   environment={"MODE": "batch"})


        Web(cdk.App(), "WebEu", env=cdk.Environment(region="eu-west-1"))
        """})
    sources = _sources(facts)
    api = sources["cdk:WebEu/Api"]
    assert _env(api) == {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "LLM_BASE_URL": "https://api.mistral.ai/v1"}
    assert api.applies_to == ["infra/services/api"]
    worker = sources["cdk:WebEu/Worker"]
    assert _env(worker)["MODE"] == "batch" and worker.applies_to == []  # a registry image: not narrowed
    assert ("WebEu/Api", "eu-west-1") in {(p.resource, p.region) for f in facts for p in f.placements}


def test_constructs_scoped_to_a_plain_stack_variable() -> None:
    facts = _extract({"app.py": """\
        import aws_cdk as cdk
        from aws_cdk import aws_lambda as _lambda, aws_s3 as s3

        app = cdk.App()
        data = cdk.Stack(app, "Data", env=cdk.Environment(region="eu-west-1"))
        docs = s3.Bucket(data, "Docs")
        fn = _lambda.Function(data, "Reader", runtime=_lambda.Runtime.PYTHON_3_12, handler="h.main",
                              code=_lambda.Code.from_asset("reader"))
        fn.add_environment("DOCS", "docs")
        other = s3.Bucket(app, "NotInAStack")
        app.synth()
        """})
    assert {(p.resource, p.region) for f in facts for p in f.placements} == {("Data/Docs", "eu-west-1"), ("Data/Reader", "eu-west-1")}
    reader = _sources(facts)["cdk:Data/Reader"]
    assert _env(reader)["AWS_REGION"] == "eu-west-1" and _env(reader)["DOCS"] == "docs" and reader.applies_to == ["infra/reader"]
