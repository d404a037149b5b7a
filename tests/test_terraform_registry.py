"""Registry modules read from rule data: a call to a well-known module yields the resources and
env contexts the module creates, placed by its inputs or by the provider the call inherits."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.catalog import CatalogError
from flowscan.configfacts import ConfigFacts
from flowscan.extract.terraform import extract_terraform, load_terraform_rules
from flowscan.extract.terraform.registry import find_module_rule
from flowscan.model import Step


def run(files: dict[str, str]) -> list[ConfigFacts]:
    data = {path: textwrap.dedent(text).lstrip("\n").encode() for path, text in files.items()}
    return extract_terraform(Path("/nonexistent"), data)


PROVIDERS = """
variable "region" {
  default = "eu-central-1"
}
provider "aws" {
  region = var.region
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
"""


def test_lambda_module_places_the_function_by_the_inherited_provider_and_sets_its_env() -> None:
    facts = run({"infra/providers.tf": PROVIDERS, "infra/main.tf": """
    module "ingest" {
      source  = "terraform-aws-modules/lambda/aws"
      version = "~> 7.0"

      function_name = "ingest"
      source_path   = "${path.module}/../src/ingest"
      environment_variables = {
        BEDROCK_REGION = var.region
        TABLE          = "claims"
      }
    }
    """})
    main = next(f for f in facts if f.path == "infra/main.tf")
    [placement] = main.placements
    assert (placement.resource, placement.region, placement.cloud) == ("module.ingest.aws_lambda_function.this", "eu-central-1", "aws")
    assert placement.chain[0] == Step("infra/providers.tf", 2, 'default = "eu-central-1"')
    assert Step("infra/providers.tf", 5, "provider aws: region = var.region") in placement.chain
    assert "terraform-aws-modules/lambda/aws" in placement.chain[-1].detail
    [source] = main.sources
    assert source.name == "terraform:module.ingest.aws_lambda_function.this[default]"
    assert {b.key: b.value for b in source.bindings} == {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "eu-central-1",
                                                          "BEDROCK_REGION": "eu-central-1", "TABLE": "claims"}
    assert [b.line for b in source.bindings[2:]] == [8, 9]
    assert source.applies_to == ["src/ingest"]  # path.module is relative to where Terraform runs
    assert any("aws_lambda_function.this" in n and "rules/terraform-modules/aws.yaml" in n for n in main.notes)


def test_providers_argument_and_region_input_override_the_default_provider() -> None:
    facts = run({"providers.tf": PROVIDERS, "main.tf": """
    module "archive" {
      source    = "terraform-aws-modules/s3-bucket/aws"
      bucket    = "archive"
      providers = { aws = aws.us }
    }
    module "docs" {
      source = "registry.terraform.io/terraform-aws-modules/s3-bucket/aws"
      bucket = "docs"
      region = "eu-west-1"
    }
    """})
    regions = {p.resource: p.region for f in facts for p in f.placements}
    assert regions == {"module.archive.aws_s3_bucket.this": "us-east-1", "module.docs.aws_s3_bucket.this": "eu-west-1"}


def test_module_location_unset_is_an_unknown_placement_not_a_missing_one() -> None:
    facts = run({"main.tf": """
    module "openai" {
      source              = "Azure/openai/azurerm"
      resource_group_name = "rg-chat"
    }
    """})
    [placement] = [p for f in facts for p in f.placements]
    assert (placement.resource, placement.region, placement.cloud) == ("module.openai.azurerm_cognitive_account.this", None, "azure")
    assert "not known statically" in placement.chain[0].detail


def test_cloud_run_module_env_list_and_image() -> None:
    facts = run({"main.tf": """
    module "api" {
      source   = "GoogleCloudPlatform/cloud-run/google"
      version  = "~> 0.10"
      location = "europe-west4"
      image    = "europe-west4-docker.pkg.dev/p/api:1"
      env_vars = [
        { name = "VERTEX_LOCATION", value = "europe-west4" },
        { name = "MODE", value = "prod" },
      ]
    }
    """})
    [source] = [s for f in facts for s in f.sources]
    assert {b.key: b.value for b in source.bindings} == {"VERTEX_LOCATION": "europe-west4", "MODE": "prod"}
    assert source.image == "europe-west4-docker.pkg.dev/p/api:1"
    [placement] = [p for f in facts for p in f.placements]
    assert (placement.region, placement.attribute) == ("europe-west4", "location")


def test_unknown_remote_module_is_named_in_the_notes() -> None:
    facts = run({"main.tf": """
    module "thing" {
      source = "acme/thing/aws"
    }
    """})
    assert [n for f in facts for n in f.notes] == [
        "module.thing: source acme/thing/aws is not a local module folder in the scan nor a module in "
        "rules/terraform-modules; not analysed"]
    assert not any(f.placements or f.sources for f in facts)


@pytest.mark.parametrize(("source", "expected"), [
    ("terraform-aws-modules/lambda/aws", "terraform-aws-modules/lambda/aws"),
    ("registry.terraform.io/terraform-aws-modules/lambda/aws", "terraform-aws-modules/lambda/aws"),
    ("git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0", "terraform-aws-modules/lambda/aws"),
    ("github.com/terraform-aws-modules/terraform-aws-s3-bucket", "terraform-aws-modules/s3-bucket/aws"),
    ("terraform-google-modules/cloud-storage/google//modules/simple_bucket", "terraform-google-modules/cloud-storage/google//modules/simple_bucket"),
    ("github.com/terraform-google-modules/terraform-google-cloud-storage//modules/simple_bucket?ref=v6",
     "terraform-google-modules/cloud-storage/google//modules/simple_bucket"),
    ("terraform-aws-modules/lambda/aws//modules/alias", None),
    ("github.com/someone/terraform-aws-lambda", None),
    ("./modules/lambda", None),
])
def test_module_sources_match_registry_and_github_forms(source: str, expected: str | None) -> None:
    rule = find_module_rule(source, load_terraform_rules())
    assert (rule.source if rule else None) == expected


def test_module_rules_are_validated(tmp_path: Path) -> None:
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform-modules").mkdir()
    (tmp_path / "terraform-modules" / "bad.yaml").write_text(
        "modules:\n  - source: acme/x/aws\n    url: https://example.com\n    resources:\n      - {type: aws_s3_bucket, inputs: {}}\n")
    with pytest.raises(CatalogError, match="name"):
        load_terraform_rules(tmp_path)


def test_every_bundled_module_resource_type_has_a_location_rule() -> None:
    rules = load_terraform_rules()
    assert rules.modules
    for module in rules.modules:
        for resource in module.resources:
            rule = rules.resource_rule(resource.type)
            assert rule is not None and not rule.skip, f"{module.source}: {resource.type} has no location rule"


def test_an_openai_account_serves_its_subdomain_host() -> None:
    facts = run({"main.tf": """
    variable "name" {
      default = "claims-oai"
    }
    resource "azurerm_cognitive_account" "openai" {
      name                  = var.name
      location              = "swedencentral"
      kind                  = "OpenAI"
      sku_name              = "S0"
      custom_subdomain_name = var.name
    }
    resource "azurerm_cognitive_account" "docs" {
      name     = "docs"
      location = "westeurope"
      kind     = "FormRecognizer"
      sku_name = "S0"
    }
    """})
    hosts = {p.resource: p.hosts for f in facts for p in f.placements}
    assert hosts == {"azurerm_cognitive_account.openai": ("claims-oai.openai.azure.com",),
                     "azurerm_cognitive_account.docs": ()}  # no custom subdomain: no host it can name


def test_code_calling_the_account_host_is_placed_where_the_account_is(tmp_path: Path) -> None:
    from flowscan.api import ScanOptions, scan

    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(textwrap.dedent("""
    resource "azurerm_cognitive_account" "openai" {
      name                  = "claims-oai"
      location              = "eastus"
      kind                  = "OpenAI"
      sku_name              = "S0"
      custom_subdomain_name = "claims-oai"
    }
    """))
    (tmp_path / "app.py").write_text(textwrap.dedent("""
    from openai import AzureOpenAI

    client = AzureOpenAI(azure_endpoint="https://claims-oai.openai.azure.com/", api_version="2024-06-01")
    """))
    [endpoint] = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert (endpoint.host, endpoint.placement.region, endpoint.placement.source) == ("claims-oai.openai.azure.com", "eastus", "resource")
    assert "azurerm_cognitive_account.openai (infra/main.tf:4)" in endpoint.placement.note


def test_source_path_lists_maps_and_paths_outside_the_scan() -> None:
    facts = run({"deploy/lambda.tf": """
    module "worker" {
      source = "terraform-aws-modules/lambda/aws"
      source_path = [
        "../services/worker",
        { path = "${path.root}/../libs/shared", pip_requirements = true },
        "/opt/build/vendor",
        "../../outside",
      ]
      environment_variables = { MODE = "batch" }
    }
    """})
    [source] = [s for f in facts for s in f.sources]
    assert source.applies_to == ["services/worker", "libs/shared"]  # absolute and out-of-tree paths left out
