"""Terraform Lambda functions and ECS tasks as deployment contexts: the region their runtime sets
(AWS_REGION = the provider's region, with provenance) and the code they run (the folder a
``data "archive_file"`` zips, layers, ``source_path``), never code they do not ship."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.configfacts import CODE_OUTSIDE_TREE, ConfigFacts, EnvSource
from flowscan.contexts import Context, drop_defaults_set_by_contexts
from flowscan.extract.terraform import extract_terraform
from flowscan.model import DEFAULT_CONTEXT, Endpoint, Location, Placement, Step

from .conftest import FIXTURES

PROVIDERS = """
variable "region" {
  default = "us-east-1"
}
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
"""


def run(files: dict[str, str]) -> list[ConfigFacts]:
    data = {path: textwrap.dedent(text).lstrip("\n").encode() for path, text in files.items()}
    return extract_terraform(Path("/nonexistent"), data)


def sources(facts: list[ConfigFacts]) -> dict[str, EnvSource]:
    return {s.name: s for f in facts for s in f.sources}


def notes(facts: list[ConfigFacts]) -> list[str]:
    return [n for f in facts for n in f.notes]


def test_archive_file_source_dir_is_the_code_and_the_provider_region_is_the_runtime_region() -> None:
    facts = run({
        "infra/providers.tf": PROVIDERS,
        "infra/terraform.tfvars": 'region = "eu-west-1"\n',
        "infra/lambda.tf": """
        data "archive_file" "chat" {
          type        = "zip"
          source_dir  = "${path.module}/../functions/chat"
          output_path = "${path.module}/build/chat.zip"
        }
        resource "aws_lambda_function" "chat" {
          function_name    = "chat"
          runtime          = "python3.12"
          filename         = data.archive_file.chat.output_path
          source_code_hash = data.archive_file.chat.output_base64sha256
          environment {
            variables = { MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0" }
          }
        }
        """,
    })
    source = sources(facts)["terraform:aws_lambda_function.chat[default]"]
    assert source.applies_to == ["functions/chat"]
    region, default_region, model = source.bindings
    assert (region.key, region.value, default_region.key, default_region.value) == \
        ("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-west-1")
    assert model.key == "MODEL_ID"
    # the binding sits on the line that fixes the region (the function takes its provider's),
    # its chain runs from the tfvars value through the provider block
    assert (region.path, region.line) == ("infra/lambda.tf", 6)
    assert region.detail == "the runtime of aws_lambda_function.chat sets AWS_REGION to the region it runs in"
    assert region.chain == (Step("infra/terraform.tfvars", 1, 'region = "eu-west-1"'),
                            Step("infra/providers.tf", 1, "var.region"),
                            Step("infra/providers.tf", 5, "provider aws: region = var.region"))


def test_a_package_matched_by_output_path_a_source_file_and_a_layer() -> None:
    facts = run({
        "providers.tf": PROVIDERS,
        "main.tf": """
        data "archive_file" "notify" {
          type        = "zip"
          source_file = "src/notify/app.py"
          output_path = "build/notify.zip"
        }
        resource "archive_file" "deps" {
          type        = "zip"
          source_dir  = "layers/deps"
          output_path = "build/deps.zip"
        }
        resource "aws_lambda_layer_version" "deps" {
          layer_name = "deps"
          filename   = archive_file.deps.output_path
        }
        resource "aws_lambda_function" "notify" {
          provider         = aws.us
          runtime          = "python3.12"
          filename         = "./build/notify.zip"
          source_code_hash = filebase64sha256("build/notify.zip")
          layers           = [aws_lambda_layer_version.deps.arn, "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3:7"]
        }
        """,
    })
    source = sources(facts)["terraform:aws_lambda_function.notify[default]"]
    assert source.applies_to == ["src/notify/app.py", "layers/deps"]
    assert {b.key: b.value for b in source.bindings} == {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    assert source.bindings[0].chain[-1] == Step("providers.tf", 9, 'provider aws.us: region = "us-east-1"')


def test_code_outside_the_tree_applies_to_no_file_and_says_why() -> None:
    facts = run({
        "providers.tf": PROVIDERS,
        "main.tf": """
        resource "aws_lambda_function" "from_s3" {
          runtime   = "python3.11"
          s3_bucket = "artifacts"
          s3_key    = "export.zip"
        }
        resource "aws_lambda_function" "image" {
          package_type = "Image"
          image_uri    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1"
        }
        resource "aws_lambda_function" "prebuilt" {
          runtime  = "python3.12"
          filename = "dist/prebuilt.zip"
        }
        resource "aws_lambda_function" "node" {
          runtime  = "nodejs20.x"
          filename = data.archive_file.node.output_path
        }
        data "archive_file" "node" {
          type        = "zip"
          source_dir  = "web"
          output_path = "build/web.zip"
        }
        data "archive_file" "inline" {
          type        = "zip"
          output_path = "build/inline.zip"
          source {
            content  = "def handler(event, context): return 1"
            filename = "index.py"
          }
        }
        resource "aws_lambda_function" "inline" {
          runtime  = "python3.12"
          filename = data.archive_file.inline.output_path
        }
        """,
    })
    by_name = sources(facts)
    for name in ("from_s3", "image", "prebuilt", "node", "inline"):
        assert by_name[f"terraform:aws_lambda_function.{name}[default]"].applies_to == [CODE_OUTSIDE_TREE], name
    said = "\n".join(notes(facts))
    assert "aws_lambda_function.from_s3 (line 1) runs code from outside the tree (s3_key)" in said
    assert "aws_lambda_function.image (line 6) runs code from outside the tree (image_uri)" in said
    assert "aws_lambda_function.prebuilt (line 10) runs the package dist/prebuilt.zip, which no archive" in said
    assert "aws_lambda_function.node (line 14) runs nodejs20.x, not Python" in said
    assert "aws_lambda_function.inline (line 31) runs the archive archive_file.inline of text written in the configuration" in said


def test_an_archive_in_a_child_module_is_relative_to_the_root_and_the_region_is_the_resource_argument() -> None:
    facts = run({
        "infra/main.tf": PROVIDERS + """
        module "worker" {
          source = "./modules/worker"
        }
        """,
        "infra/modules/worker/main.tf": """
        data "archive_file" "this" {
          type        = "zip"
          source_dir  = "${path.module}/../../../worker"
          output_path = "${path.module}/worker.zip"
        }
        resource "aws_lambda_function" "this" {
          region   = "eu-central-1"
          runtime  = "python3.12"
          filename = data.archive_file.this.output_path
        }
        """,
    })
    source = sources(facts)["terraform:module.worker.aws_lambda_function.this[default]"]
    assert source.applies_to == ["worker"]
    region = source.bindings[0]
    assert (region.value, region.path, region.line) == ("eu-central-1", "infra/modules/worker/main.tf", 7)


def test_no_provider_region_is_a_hole_that_says_so() -> None:
    facts = run({"main.tf": """
    resource "aws_ecs_task_definition" "api" {
      family                = "api"
      container_definitions = jsonencode([{ name = "api", image = "acme/api:1", environment = [] }])
    }
    """})
    source = sources(facts)["terraform:aws_ecs_task_definition.api[default]"]
    assert [(b.key, b.value) for b in source.bindings] == [("AWS_REGION", None), ("AWS_DEFAULT_REGION", None)]
    assert source.bindings[0].detail == "the region it runs in, set at apply time"
    assert "no provider 'aws' configuration" in source.bindings[0].chain[0].detail
    assert source.bindings[0].chain[-1].detail == "the runtime of aws_ecs_task_definition.api sets AWS_REGION to the region it runs in"
    assert source.applies_to == []  # an image from a registry: not narrowed


def test_lambda_module_code_elsewhere_and_other_runtimes() -> None:
    facts = run({"providers.tf": PROVIDERS, "main.tf": """
    module "existing" {
      source                 = "terraform-aws-modules/lambda/aws"
      create_package         = false
      local_existing_package = "/builds/existing.zip"
      runtime                = "python3.12"
    }
    module "node" {
      source      = "terraform-aws-modules/lambda/aws"
      runtime     = "nodejs20.x"
      source_path = "web"
    }
    module "python" {
      source      = "terraform-aws-modules/lambda/aws"
      runtime     = "python3.12"
      source_path = "src/python"
      providers   = { aws = aws.us }
    }
    """})
    by_name = sources(facts)
    assert by_name["terraform:module.existing.aws_lambda_function.this[default]"].applies_to == [CODE_OUTSIDE_TREE]
    assert by_name["terraform:module.node.aws_lambda_function.this[default]"].applies_to == [CODE_OUTSIDE_TREE]
    python = by_name["terraform:module.python.aws_lambda_function.this[default]"]
    assert python.applies_to == ["src/python"]
    assert {b.key: b.value for b in python.bindings} == {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    said = "\n".join(notes(facts))
    assert "module.existing.aws_lambda_function.this (line 1) runs code from outside the tree (local_existing_package)" in said
    assert "module.node.aws_lambda_function.this (line 7) runs nodejs20.x, not Python" in said


def _endpoint(*paths: str) -> Endpoint:
    return Endpoint("ep", "aws", "bedrock-runtime.{env:AWS_REGION}.amazonaws.com", None,
                    Placement(None, None, None, "unknown"), context=DEFAULT_CONTEXT,
                    locations=[Location(p, 3) for p in paths], unresolved=["env:AWS_REGION"],
                    trails=[(Step(p, 3, "boto3.client"),) for p in paths])


def test_a_default_endpoint_keeps_the_call_sites_no_context_runs() -> None:
    lambda_context = Context("terraform:fn", "terraform", "main.tf", 1, env={"AWS_REGION": []}, applies_to=["functions/fn"])
    [kept] = drop_defaults_set_by_contexts([_endpoint("functions/fn/handler.py", "review/app.py")], [lambda_context])
    assert [location.path for location in kept.locations] == ["review/app.py"]
    assert kept.trails == [(Step("review/app.py", 3, "boto3.client"),)]
    assert kept.provenance == [Step("review/app.py", 3, "boto3.client")]
    assert drop_defaults_set_by_contexts([_endpoint("functions/fn/handler.py")], [lambda_context]) == []


def test_fixture_each_function_places_only_the_code_it_ships() -> None:
    report = scan(FIXTURES / "terraform-lambda-app", ScanOptions(jobs=1, cache_dir=None)).report
    by_path = {(location.path, e.context): e for e in report.endpoints for location in e.locations}
    summarise = by_path[("functions/summarise/handler.py", "terraform:aws_lambda_function.summarise[default]")]
    assert summarise.host == "bedrock-runtime.eu-west-1.amazonaws.com"
    assert summarise.provenance[1:5] == [
        Step("infra/terraform.tfvars", 1, 'region = "eu-west-1"'),
        Step("infra/variables.tf", 1, "var.region"),
        Step("infra/providers.tf", 17, "provider aws: region = var.region"),
        Step("infra/lambda.tf", 27, "terraform:aws_lambda_function.summarise[default]: AWS_REGION=eu-west-1 "
             "(the runtime of aws_lambda_function.summarise sets AWS_REGION to the region it runs in)")]
    assert ("review/app.py", "terraform:aws_lambda_function.summarise[default]") not in by_path
    [review] = [e for e in report.endpoints if any(location.path == "review/app.py" for location in e.locations)]
    assert (review.context, review.placement.region) == (DEFAULT_CONTEXT, None)
    assert [location.path for location in review.locations] == ["review/app.py"]
    assert not any(location.path.startswith("functions/notify") for e in report.endpoints
                   if e.context != "terraform:aws_lambda_function.notify[default]" for location in e.locations)
