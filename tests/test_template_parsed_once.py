"""A CloudFormation template that only its ``Resources`` give away (no ``AWSTemplateFormatVersion``,
no SAM ``Transform``: litellm 1.55.0's ``enterprise/cloudformation_stack/litellm.yaml``) is found
by the scan's YAML parse, and the template decoder builds its data from that parse's composed
node: the file is parsed once, and decoded as if its text were parsed again."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.extract.cloudformation.cfnyaml import load_template
from flowscan.extract.cloudformation.decode import decode_node
from flowscan.extract.yamlnodes import parse_yaml
from tests.test_cloudformation_decoder import _shape  # a decoded node as comparable data (kinds, lines, content)

# The shape of litellm's template: Resources first, short-form intrinsics, a region in a property.
RESOURCES_ONLY = textwrap.dedent("""\
    Resources:
      LiteLLMServer:
        Type: AWS::EC2::Instance
        Properties:
          AvailabilityZone: us-east-1a
          ImageId: ami-0f403e3180720dd7e
          InstanceType: t2.micro

      LiteLLMServerAutoScalingGroup:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties:
          AvailabilityZones:
            - us-east-1a
          LaunchConfigurationName: !Ref LiteLLMServerLaunchConfig
          MinSize: 1
          MaxSize: 3

      LiteLLMDB:
        Type: AWS::RDS::DBInstance
        Properties:
          Engine: postgres
          MasterUsername: !Sub "${AWS::StackName}-admin"
          Tags: [{Key: a, Value: !GetAtt LiteLLMServer.PublicIp}]

    Outputs:
      Anchored: &shared {Value: x}
      Again: *shared
    """)


def test_a_resources_only_template_is_parsed_once(tmp_path: Path) -> None:
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "litellm.yaml").write_text(RESOURCES_ONLY)
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: python:3.11\n")
    result = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None))
    assert result.stats.parse_counts == {"stack/litellm.yaml": 1, "compose.yaml": 1}
    resources = {(r.address, str(r.location)) for r in result.report.resources}
    assert resources == {("AWS::EC2::Instance.LiteLLMServer", "stack/litellm.yaml:2"),
                         ("AWS::AutoScaling::AutoScalingGroup.LiteLLMServerAutoScalingGroup", "stack/litellm.yaml:9"),
                         ("AWS::RDS::DBInstance.LiteLLMDB", "stack/litellm.yaml:18")}
    assert "stack/litellm.yaml" in result.report.coverage.files_analyzed


def test_the_kept_node_decodes_as_the_text_does() -> None:
    parsed = parse_yaml(RESOURCES_ONLY.encode(), keep_node=True)
    assert parsed.node is not None
    decoded = decode_node(parsed.node, RESOURCES_ONLY.encode())
    assert decoded is not None and decoded.error is None
    assert _shape(decoded.template) == _shape(load_template(RESOURCES_ONLY))


@pytest.mark.parametrize("text", [
    "Base: &b {Type: AWS::S3::Bucket}\nResources:\n  A:\n    <<: *b\n",  # a merge key changes the nodes
    "a: 1\n---\nResources:\n  A: {Type: AWS::S3::Bucket}\n",  # two documents: not one template
])
def test_no_node_is_kept_where_it_would_not_be_the_text(text: str) -> None:
    assert parse_yaml(text.encode(), keep_node=True).node is None


def test_no_node_is_kept_unless_asked() -> None:
    assert parse_yaml(RESOURCES_ONLY.encode()).node is None
