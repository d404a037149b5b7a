"""The CloudFormation decoder (``cloudformation/cfnyaml.py``) gives what cfn-lint's
``decode_str`` gives: the same values, node types and lines, and the same defaults from
``get``; and it hands every template it does not read exactly to cfn-lint."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from flowscan.extract.cloudformation.cfnyaml import Unsupported, load_template
from flowscan.extract.cloudformation.decode import decode_template

ROOT = Path(__file__).resolve().parent.parent

TEMPLATES = {
    "intrinsics": """\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Stage: {Type: String, Default: prod, AllowedValues: [dev, prod]}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
        Mappings:
          Regions: {eu-west-1: {Ami: ami-1}}
        Globals:
          Function:
            Environment:
              Variables: {TABLE: !Ref Table, URL: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com"}
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Condition: IsProd
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Environment:
                Variables:
                  ARN: !GetAtt Table.Arn
                  ARN2: !GetAtt [Table, StreamArn]
                  JOINED: !Join ["", ["a", !Ref "AWS::AccountId", 'b']]
                  PICK: !Select [0, !GetAZs ""]
                  MAPPED: !FindInMap [Regions, !Ref "AWS::Region", Ami]
                  CHOSEN: !If [IsProd, x, !Ref "AWS::NoValue"]
                  SUBBED: !Sub ["${A}-x", {A: !Ref Stage}]
                  IMPORTED: !ImportValue shared-url
                  NUMBER: 42
                  FLAG: true
                  NOTHING: null
                  DATE: 2010-09-09
        Outputs:
          Url: {Value: !Base64 {"Fn::Sub": "x"}}
        """,
    "json": """\
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Resources": {"Docs": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "d-${AWS::Region}"}}}}
        }
        """,
    "anchors": """\
        Resources:
          A: &bucket
            Type: AWS::S3::Bucket
            Properties: {Tags: [{Key: a, Value: "x & y"}]}
          B: *bucket
        """,
    "empty": "",
    "a list": "- a\n- b\n",
}

# cfn-lint reads these (or fails on them) its own way: the decoder hands them over.
HANDED_OVER = {
    "duplicate key": "Resources:\n  A: {Type: x}\n  A: {Type: y}\n",
    "null key": "Resources:\n  ~: {Type: x}\n",
    "merge key": "Base: &b {Type: x}\nResources:\n  A:\n    <<: *b\n",
    "getatt mapping": "Resources:\n  A:\n    Properties:\n      X: !GetAtt {a: b}\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "broken": "Resources: [\n",
}


def _shape(node: Any) -> Any:
    """A node as comparable data: its kind, its line (when it has one) and its content."""
    mark = getattr(node, "start_mark", None)
    line = mark.line if mark is not None else None
    if isinstance(node, dict):
        return ("dict", line, [(_shape(k), _shape(v)) for k, v in node.items()])
    if isinstance(node, list):
        return ("list", line, [_shape(v) for v in node])
    if isinstance(node, str):
        return ("str", line, str(node))
    return (type(node).__name__, line, node)


def _cfn_lint(text: str) -> Any:
    from cfnlint.decode import decode_str

    template, matches = decode_str(text)
    assert not matches, matches
    return template


def _fixture_templates() -> list[Path]:
    return sorted(p for p in (ROOT / "fixtures").rglob("*.yaml") if b"AWSTemplateFormatVersion" in p.read_bytes()
                  or b"AWS::Serverless" in p.read_bytes())


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_decoder_gives_what_cfn_lint_gives(name: str) -> None:
    text = textwrap.dedent(TEMPLATES[name])
    assert _shape(load_template(text)) == _shape(_cfn_lint(text))


def test_fixture_templates_decode_as_cfn_lint_decodes_them() -> None:
    paths = _fixture_templates()
    assert paths  # the fixtures hold templates
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert _shape(load_template(text)) == _shape(_cfn_lint(text)), path


def test_get_with_a_mapping_default_carries_the_mapping_lines() -> None:
    """cfn-lint's mappings give a dict default their own marks (``resource.get("Properties", {})``
    is placed on the resource's line); the evaluator's lines depend on it."""
    text = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n"
    ours, theirs = load_template(text)["Resources"]["A"], _cfn_lint(text)["Resources"]["A"]
    assert _shape(ours.get("Properties", {})) == _shape(theirs.get("Properties", {})) == ("dict", 2, [])
    assert ours.get("Missing") is None and ours.get("Missing", "x") == "x"


@pytest.mark.parametrize("name", sorted(HANDED_OVER))
def test_what_the_decoder_does_not_read_goes_to_cfn_lint(name: str) -> None:
    with pytest.raises((Unsupported, yaml.YAMLError)):
        load_template(HANDED_OVER[name])
    from cfnlint.decode import decode_str

    template, matches = decode_str(HANDED_OVER[name])
    decoded = decode_template("template.yaml", HANDED_OVER[name].encode())
    if matches:
        assert decoded.template is None and decoded.error is not None
        assert decoded.error[1] == str(matches[0].message).splitlines()[0]
    else:
        assert _shape(decoded.template) == _shape(template)


def test_aliases_that_expand_past_cfn_lints_bound_go_to_cfn_lint() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}]" for i in range(1, 6)]
    with pytest.raises(Unsupported):
        load_template("\n".join(lines) + "\n")
