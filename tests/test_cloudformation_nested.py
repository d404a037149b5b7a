"""Nested stacks: a local child template is read in its parent's region and deploy config, with
the parameters its parent passes; a child deployed by no parent of the scan is read on its own."""

from __future__ import annotations

import textwrap

from flowscan.configfacts import ConfigFacts
from flowscan.extract.cloudformation import extract_cloudformation
from flowscan.model import Step

PARENT = """
Parameters:
  Bucket:
    Type: String
    Default: acme-eu
Resources:
  Storage:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/storage.yaml
      Parameters:
        BucketName: !Ref Bucket
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/acme-templates/network.yaml
"""

STORAGE = """
Parameters:
  BucketName:
    Type: String
    Default: from-child
Resources:
  Files:
    Type: AWS::S3::Bucket
  Indexer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Code: ../src/indexer
      Environment:
        Variables:
          BUCKET: !Ref BucketName
  Deeper:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./deeper.yaml
"""

DEEPER = """
Resources:
  Queue:
    Type: AWS::SQS::Queue
"""


def run(samconfig: str | None = None, **templates: str) -> dict[str, ConfigFacts]:
    files = {path.replace("__", "/").replace("_yaml", ".yaml"): textwrap.dedent(text).encode()
             for path, text in templates.items()}
    samconfigs = {"samconfig.toml": samconfig.encode()} if samconfig else {}
    return {f.path: f for f in extract_cloudformation(files, samconfigs)}


def test_a_nested_stack_inherits_the_region_and_takes_the_parameters_passed() -> None:
    facts = run('[default.deploy.parameters]\nregion = "eu-west-1"\n', template_yaml=PARENT,
                nested__storage_yaml=STORAGE, nested__deeper_yaml=DEEPER)
    storage = facts["nested/storage.yaml"]
    placements = {p.resource: p for p in storage.placements}
    files = placements["AWS::S3::Bucket.Storage/Files"]
    assert files.region == "eu-west-1"
    assert files.chain[0] == Step("samconfig.toml", 2, "samconfig [default] region = eu-west-1: AWS::Region")
    assert Step("template.yaml", 7, "Storage (AWS::CloudFormation::Stack) deploys nested/storage.yaml in the parent stack's region") in files.chain
    [source] = storage.sources
    assert source.name == "cloudformation:Storage/Indexer"
    assert source.applies_to == ["src/indexer"]
    bucket = next(b for b in source.bindings if b.key == "BUCKET")
    assert bucket.value == "acme-eu"  # the parent's value, not the child's default
    assert [s.line for s in bucket.chain] == [5, 12, 3]  # parent default -> passed -> child parameter
    region = next(b for b in source.bindings if b.key == "AWS_REGION")
    assert region.value == "eu-west-1"
    # two levels down, named by both stacks
    assert [p.resource for p in facts["nested/deeper.yaml"].placements] == ["AWS::SQS::Queue.Storage/Deeper/Queue"]
    assert facts["nested/deeper.yaml"].placements[0].region == "eu-west-1"
    assert any("nested stack Remote deploys https://s3.amazonaws.com/acme-templates/network.yaml, not a template "
               "of the scan" in note for note in facts["template.yaml"].notes)


def test_a_child_no_parent_deploys_is_its_own_stack() -> None:
    facts = run(nested__storage_yaml=STORAGE, nested__deeper_yaml=DEEPER)
    storage = facts["nested/storage.yaml"]
    assert {p.resource for p in storage.placements} == {"AWS::S3::Bucket.Files", "AWS::Lambda::Function.Indexer"}
    bucket = next(b for s in storage.sources for b in s.bindings if b.key == "BUCKET")
    assert bucket.value == "from-child"
    assert [p.resource for p in facts["nested/deeper.yaml"].placements] == ["AWS::SQS::Queue.Deeper/Queue"]


def test_a_template_that_nests_itself_stops() -> None:
    looping = "Resources:\n  Again:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./a.yaml\n" \
              "  Topic:\n    Type: AWS::SNS::Topic\n"
    other = "Resources:\n  Back:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./a.yaml\n"
    facts = run(a_yaml=looping, b_yaml=other)
    assert facts["a.yaml"].placements  # read at least once, and the loop ends
    assert any("nests too deep" in note for f in facts.values() for note in f.notes)
