"""CloudFormation / SAM templates: detection, intrinsics, samconfig deploy configs, contexts
(runtime region, Globals, which code each function runs) and placements."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.configfacts import CODE_OUTSIDE_TREE, ConfigFacts, EnvSource
from flowscan.extract.cloudformation import extract_cloudformation, is_template_json, is_template_yaml
from flowscan.extract.yamlnodes import load_documents


def _facts(template: str, samconfig: str | None = None, path: str = "template.yaml") -> ConfigFacts:
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    samconfigs = {f"{folder}samconfig.toml": textwrap.dedent(samconfig).encode()} if samconfig else {}
    facts = extract_cloudformation({path: textwrap.dedent(template).encode()}, samconfigs)
    return next(f for f in facts if f.path == path)


def _source(facts: ConfigFacts, name: str) -> EnvSource:
    return next(s for s in facts.sources if s.name == name)


def _env(source: EnvSource) -> dict[str, str | None]:
    return {b.key: b.value for b in source.bindings}


SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  ModelRegion:
    Type: String
    Default: us-east-1
  Stage:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Runtime: python3.12
    Environment:
      Variables:
        LOG_LEVEL: INFO
        TABLE: global-table
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/api/
      Handler: app.handler
      Layers: [!Ref Common]
      Environment:
        Variables:
          TABLE: !Sub "orders-${Stage}"
          BEDROCK_REGION: !Ref ModelRegion
          ENDPOINT: !Sub "https://bedrock-runtime.${AWS::Region}.amazonaws.com"
          TIER: !If [IsProd, gold, bronze]
          QUEUE_URL: !GetAtt Queue.QueueUrl
  Common:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/common/
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return 1"
      Handler: index.handler
  Queue:
    Type: AWS::SQS::Queue
  Role:
    Type: AWS::IAM::Role
"""


def test_templates_are_told_apart_from_compose_and_kubernetes() -> None:
    assert is_template_yaml(load_documents(SAM))
    assert is_template_yaml(load_documents("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"))
    assert not is_template_yaml(load_documents("services:\n  api:\n    image: x\n"))
    assert not is_template_yaml(load_documents("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"))
    assert not is_template_yaml(load_documents("Resources:\n  limits: {cpu: 1}\n"))  # not resource types
    assert is_template_json(json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}).encode())
    assert not is_template_json(b'{"name": "web", "dependencies": {"aws-sdk": "2"}}')


def test_short_form_intrinsics_parameters_and_samconfig_region() -> None:
    facts = _facts(SAM, """\
        version = 0.1
        [default.deploy.parameters]
        stack_name = "orders"
        region = "eu-west-1"
        parameter_overrides = "Stage=prod ModelRegion=eu-central-1"
        """)
    assert facts.parse_error is None
    env = _env(_source(facts, "cloudformation:Api"))
    assert env["TABLE"] == "orders-prod"  # !Sub with an overridden parameter; the function's own beats Globals
    assert env["LOG_LEVEL"] == "INFO"  # from Globals
    assert env["BEDROCK_REGION"] == "eu-central-1"
    assert env["ENDPOINT"] == "https://bedrock-runtime.eu-west-1.amazonaws.com"
    assert env["TIER"] == "gold"  # IsProd decided from the override
    assert env["QUEUE_URL"] is None  # known only after deployment
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    region = next(b for b in _source(facts, "cloudformation:Api").bindings if b.key == "AWS_REGION")
    assert (region.path, region.line) == ("samconfig.toml", 4)  # the line that fixes it
    bedrock = next(b for b in _source(facts, "cloudformation:Api").bindings if b.key == "BEDROCK_REGION")
    assert [(s.path, s.line) for s in bedrock.chain] == [("samconfig.toml", 5), ("template.yaml", 4)]


def test_parameter_defaults_without_samconfig_and_an_unknown_region_is_named() -> None:
    facts = _facts(SAM)
    source = _source(facts, "cloudformation:Api")
    env = _env(source)
    assert env["BEDROCK_REGION"] == "us-east-1" and env["TABLE"] == "orders-dev" and env["TIER"] == "bronze"
    assert env["ENDPOINT"] is None  # ${AWS::Region} is not known
    region = next(b for b in source.bindings if b.key == "AWS_REGION")
    assert region.value is None and "chosen at deploy time" in region.detail
    queue = next(p for p in facts.placements if p.resource == "AWS::SQS::Queue.Queue")
    assert queue.region is None and "chosen at deploy time" in queue.chain[0].detail


def test_each_samconfig_environment_is_a_deploy_config() -> None:
    facts = _facts(SAM, """\
        version = 0.1
        [default.deploy.parameters]
        region = "eu-west-1"
        [prod.deploy.parameters]
        region = "us-west-2"
        parameter_overrides = ["Stage=prod"]
        """)
    assert _env(_source(facts, "cloudformation:Api"))["AWS_REGION"] == "eu-west-1"
    prod = _env(_source(facts, "cloudformation:Api[prod]"))
    assert prod["AWS_REGION"] == "us-west-2" and prod["TABLE"] == "orders-prod"
    assert {(p.resource, p.region, p.context) for p in facts.placements if "Queue" in p.resource} == \
        {("AWS::SQS::Queue.Queue", "eu-west-1", "default"), ("AWS::SQS::Queue.Queue", "us-west-2", "prod")}


def test_code_uri_and_layers_decide_which_code_a_function_runs() -> None:
    facts = _facts(SAM, path="infra/template.yaml")
    assert _source(facts, "cloudformation:Api").applies_to == ["infra/src/api", "infra/layers/common"]
    assert _source(facts, "cloudformation:Inline").applies_to == [CODE_OUTSIDE_TREE]
    assert any("Inline runs inline code" in n for n in facts.notes)


def test_global_resources_have_no_placement() -> None:
    facts = _facts(SAM, "[default.deploy.parameters]\nregion = \"eu-west-1\"\n")
    placed = {p.resource for p in facts.placements}
    assert "AWS::IAM::Role.Role" not in placed and "AWS::Serverless::LayerVersion.Common" not in placed
    assert {"AWS::Serverless::Function.Api", "AWS::SQS::Queue.Queue"} <= placed


def test_ecs_task_environment_and_global_table_replicas() -> None:
    facts = _facts("""\
        Resources:
          Task:
            Type: AWS::ECS::TaskDefinition
            Properties:
              ContainerDefinitions:
                - Name: web
                  Image: web:1
                  Environment:
                    - Name: OPENAI_BASE_URL
                      Value: https://api.openai.com/v1
          Table:
            Type: AWS::DynamoDB::GlobalTable
            Properties:
              Replicas:
                - Region: eu-west-1
                - Region: us-east-1
        """, "[default.deploy.parameters]\nregion = \"eu-west-1\"\n")
    env = _env(_source(facts, "cloudformation:Task"))
    assert env == {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "OPENAI_BASE_URL": "https://api.openai.com/v1"}
    assert _source(facts, "cloudformation:Task").applies_to == []  # an image: not narrowed
    assert {(p.resource, p.region) for p in facts.placements if "Table" in p.resource} == \
        {("AWS::DynamoDB::GlobalTable.Table", "eu-west-1"), ("AWS::DynamoDB::GlobalTable.Table[us-east-1]", "us-east-1")}


def test_json_templates_and_long_form_functions() -> None:
    template = {"Parameters": {"Region": {"Type": "String", "Default": "eu-central-1"}},
                "Mappings": {"Models": {"eu-west-1": {"Region": "eu-central-1"}}},
                "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                    "Code": "./handler", "Handler": "app.handler",
                    "Environment": {"Variables": {
                        "A": {"Fn::Join": ["-", ["x", {"Ref": "Region"}]]},
                        "B": {"Fn::FindInMap": ["Models", {"Ref": "AWS::Region"}, "Region"]},
                        "C": {"Fn::Select": [1, ["p", "q"]]}}}}}}}
    facts = extract_cloudformation({"stack.template.json": json.dumps(template, indent=2).encode()},
                                   {"samconfig.toml": b'[default.deploy.parameters]\nregion = "eu-west-1"\n'})
    source = facts[-1].sources[0]
    assert _env(source)["A"] == "x-eu-central-1" and _env(source)["B"] == "eu-central-1" and _env(source)["C"] == "q"
    assert source.applies_to == ["handler"]
    assert next(b for b in source.bindings if b.key == "A").line == 23  # JSON keeps lines too


def test_a_broken_template_is_a_parse_error() -> None:
    facts = _facts("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: {Type: AWS::S3::Bucket\n")
    assert facts.parse_error is not None and not facts.placements


def test_a_function_context_places_only_the_code_it_ships(tmp_path: Path) -> None:
    """Two functions in different regions' stacks (by parameter) with their own CodeUri: each
    client is placed by its own function, and code no function ships keeps the default context."""
    (tmp_path / "template.yaml").write_text(textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Ingest:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: ingest/
              Handler: app.handler
              Environment:
                Variables:
                  MODEL_REGION: us-east-1
          Report:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: report/
              Handler: app.handler
        """))
    (tmp_path / "samconfig.toml").write_text('[default.deploy.parameters]\nregion = "eu-west-1"\n')
    for folder, code in {"ingest": 'boto3.client("bedrock-runtime", region_name=os.environ["MODEL_REGION"])',
                         "report": 'boto3.client("s3")', "backfill": 'boto3.client("sqs")'}.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{folder}_main.py").write_text(f"import os\nimport boto3\n\nclient = {code}\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    got = {(e.context, e.host) for e in report.endpoints}
    assert ("cloudformation:Ingest", "bedrock-runtime.us-east-1.amazonaws.com") in got
    assert ("cloudformation:Report", "s3.eu-west-1.amazonaws.com") in got  # the runtime's AWS_REGION
    assert not any(c == "cloudformation:Report" and "bedrock" in (h or "") for c, h in got)
    assert not any(c == "cloudformation:Ingest" and h and h.startswith("s3.") for c, h in got)
    tools = [e for e in report.endpoints if any(loc.path.startswith("backfill/") for loc in e.locations)]
    assert tools and all(e.context == "default" for e in tools)  # backfill/ runs in no function
    assert tools[0].placement.region is None and tools[0].unresolved == ["env:AWS_REGION"]


def test_image_functions_s3_code_and_packaged_lambda_code() -> None:
    facts = _facts("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Image:
            Type: AWS::Serverless::Function
            Properties:
              PackageType: Image
            Metadata:
              Dockerfile: Dockerfile
              DockerContext: ./image_fn
          FromS3:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: {Bucket: artifacts, Key: fn.zip}
              Handler: app.handler
          Plain:
            Type: AWS::Lambda::Function
            Properties:
              Code: {S3Bucket: artifacts, S3Key: plain.zip}
              Handler: app.handler
        """, path="svc/template.yaml")
    assert _source(facts, "cloudformation:Image").applies_to == ["svc/image_fn"]
    assert _source(facts, "cloudformation:FromS3").applies_to == [CODE_OUTSIDE_TREE]
    assert _source(facts, "cloudformation:Plain").applies_to == [CODE_OUTSIDE_TREE]
    assert any("FromS3 runs code from outside the tree (Bucket, Key)" in n for n in facts.notes)


def test_cfn_lint_is_imported_only_for_a_template_that_does_not_read_cleanly(tmp_path: Path) -> None:
    """A clean template is read by flowscan's own decoder (``cfnyaml``); cfn-lint, whose import
    costs over a second, words the errors of the rest."""
    import subprocess
    import sys

    (tmp_path / "app.py").write_text('import boto3\nboto3.client("s3", region_name="eu-west-1")\n')
    (tmp_path / "docker-compose.yml").write_text("services:\n  api:\n    image: api\n")
    probe = ("import sys; from flowscan.api import scan, ScanOptions; "
             f"r = scan({str(tmp_path)!r}, ScanOptions(jobs=1, cache_dir=None)).report; "
             "print('cfnlint' in sys.modules, len(r.resources), len(r.coverage.parse_errors))")

    def run() -> str:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()

    without = run()
    (tmp_path / "template.yaml").write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    clean = run()
    (tmp_path / "template.yaml").write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n")
    duplicate = run()
    assert (without, clean, duplicate) == ("False 0 0", "False 1 0", "True 0 1")


def test_json_templates_are_found_by_name_and_content(tmp_path: Path) -> None:
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Docs": {"Type": "AWS::S3::Bucket"}}}
    (tmp_path / "storage.template.json").write_text(json.dumps(template, indent=2))
    (tmp_path / "stack-outputs.json").write_text('{"BucketName": "docs"}')  # a JSON named like one, but not a template
    (tmp_path / "samconfig.toml").write_text('[default.deploy.parameters]\nregion = "eu-north-1"\n')
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(r.address, r.placement.region) for r in report.resources] == [("AWS::S3::Bucket.Docs", "eu-north-1")]
    assert ("stack-outputs.json", "named like a CloudFormation template, but not one") in \
        {(s.path, s.reason) for s in report.coverage.files_skipped}


def test_samconfig_yaml_fixes_the_region_too(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    (tmp_path / "samconfig.yaml").write_text(
        "version: 0.1\ndefault:\n  deploy:\n    parameters:\n      region: eu-south-1\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    (queue,) = report.resources
    assert queue.placement.region == "eu-south-1"
    assert (queue.provenance[0].path, queue.provenance[0].line) == ("samconfig.yaml", 5)
    assert "samconfig.yaml" not in {s.path for s in report.coverage.files_skipped}


def test_intrinsics_nested_too_deep_are_a_parse_error_not_a_crash() -> None:
    for depth in (400, 5000):  # deeper than the evaluator goes, then deeper than the decoder goes
        value = '{"Fn::Join": ["", [' * depth + '"x"' + "]]}" * depth
        text = ('{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "src", '
                '"Environment": {"Variables": {"DEEP": ' + value + "}}}}}}")
        (facts,) = extract_cloudformation({"template.json": text.encode()}, {})
        assert facts.parse_error is not None and not facts.sources, depth


def test_a_function_of_another_language_runs_no_python_file() -> None:
    facts = _facts("""\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
        Resources:
          Web:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: .
              Handler: app.handler
              Runtime: nodejs20.x
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: worker/
              Handler: app.handler
        """)
    assert _source(facts, "cloudformation:Web").applies_to == [CODE_OUTSIDE_TREE]
    assert any("runs nodejs20.x, not Python" in n for n in facts.notes)
    assert _source(facts, "cloudformation:Worker").applies_to == ["worker"]  # python3.12 from Globals
