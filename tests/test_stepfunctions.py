"""Step Functions Task states that call AWS services directly become endpoints of those services in
the state machine's region, with the state's line: CloudFormation/SAM and Terraform definitions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.configfacts import ConfigFacts
from flowscan.extract.cloudformation import extract_cloudformation
from flowscan.extract.stepfunctions import bundled_stepfunctions_rules
from flowscan.extract.terraform import extract_terraform
from flowscan.model import Step

from .conftest import FIXTURES


def test_integrations_map_to_boto3_clients_and_their_botocore_hosts() -> None:
    rules = bundled_stepfunctions_rules()
    assert rules.integration("bedrock", "invokeModel").client == "bedrock-runtime"
    assert rules.integration("bedrock", "createModelCustomizationJob").client == "bedrock"
    assert rules.integration("states", "startExecution").client == "stepfunctions"
    assert rules.integration("apigateway", "invoke").url_parameter == "ApiEndpoint"
    assert rules.integration("kinesis", "putRecord") is None
    assert rules.sdk_client("bedrockagentruntime") == "bedrock-agent-runtime"
    assert rules.sdk_client("acmpca") == "acm-pca"
    assert rules.sdk_client("sfn") == "stepfunctions"
    assert rules.sdk_client("notaservice") is None
    assert rules.url("stepfunctions", "eu-west-1") == "https://states.eu-west-1.amazonaws.com"
    assert rules.url("s3", "us-east-1") == "https://s3.amazonaws.com"  # botocore's per-region override
    assert rules.url("bedrock-runtime", "cn-north-1") == "https://bedrock-runtime.cn-north-1.amazonaws.com.cn"


def cloudformation(template: str, samconfig: str | None = None, definitions: dict[str, str] | None = None) -> ConfigFacts:
    samconfigs = {"samconfig.toml": samconfig.encode()} if samconfig else {}
    [facts] = extract_cloudformation({"template.yaml": textwrap.dedent(template).encode()}, samconfigs,
                                     definitions={k: v.encode() for k, v in (definitions or {}).items()})
    return facts


DEFINITION_STRING = """
Resources:
  Pipeline:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions:
        TopicArn: arn:aws:sns:eu-west-1:111122223333:done
      DefinitionString: !Sub |
        {
          "StartAt": "Fan",
          "States": {
            "Fan": {
              "Type": "Parallel",
              "Branches": [{
                "StartAt": "Embed",
                "States": {
                  "Embed": {"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::bedrock:invokeModel", "End": true}
                }
              }],
              "Next": "Each"
            },
            "Each": {
              "Type": "Map",
              "ItemProcessor": {
                "StartAt": "Put",
                "States": {"Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject", "End": true}}
              },
              "Next": "Wait"
            },
            "Wait": {"Type": "Task", "Resource": "arn:aws:states:eu-west-1:111122223333:activity:approve", "Next": "Tell"},
            "Tell": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:nosuchthing:doIt", "End": true}
          }
        }
"""


def test_definition_string_states_nested_in_parallel_and_map_with_an_unknown_region() -> None:
    facts = cloudformation(DEFINITION_STRING)
    by_state = {e.sdk.split(" state ")[1].split(":")[0]: e for e in facts.endpoints}
    assert set(by_state) == {"Embed", "Put"}
    embed, put = by_state["Embed"], by_state["Put"]
    # the stack region is chosen at deploy time: the host keeps a hole that says so
    assert embed.url.startswith("https://bedrock-runtime.{unknown:the state machine's region: AWS::Region")
    assert put.url.startswith("https://s3.{unknown:")
    assert (embed.path, embed.line) == ("template.yaml", 17)  # the state's own line in the block scalar
    assert embed.context_free
    notes = "\n".join(facts.notes)
    assert "state Wait: Resource arn:aws:states:eu-west-1:111122223333:activity:approve is not a service integration" in notes
    assert "state Tell: AWS SDK service 'nosuchthing' is not in the endpoint table; not placed" in notes


def test_an_unknown_state_machine_region_is_a_region_unknown_finding(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(textwrap.dedent(DEFINITION_STRING))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    [embed] = [e for e in report.endpoints if e.host and e.host.startswith("bedrock-runtime")]
    assert embed.placement.region is None and embed.context == "default"
    assert any(label.startswith("the state machine's region: AWS::Region") for label in embed.unresolved)
    assert ("template.yaml", 17, "residency/region-unknown") in {(f.path, f.line, f.rule) for f in report.findings}


def test_a_sam_definition_file_with_substitutions_and_the_samconfig_region() -> None:
    definition = json.dumps({"StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "${AskResource}", "Next": "Call"},
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                 "Parameters": {"ApiEndpoint": "https://api.eu.example.com/v1/claims", "Method": "POST"}, "End": True},
    }}, indent=2)
    facts = cloudformation("""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Flow:
        Type: AWS::Serverless::StateMachine
        Properties:
          DefinitionUri: flows/claims.asl.json
          DefinitionSubstitutions:
            AskResource: arn:aws:states:::aws-sdk:bedrockruntime:converse
      Archived:
        Type: AWS::Serverless::StateMachine
        Properties:
          DefinitionUri: {Bucket: acme-flows, Key: archived.asl.json}
    """, '[default.deploy.parameters]\nregion = "eu-north-1"\n', {"flows/claims.asl.json": definition})
    urls = {e.url: e for e in facts.endpoints}
    assert set(urls) == {"https://bedrock-runtime.eu-north-1.amazonaws.com", "https://api.eu.example.com/v1/claims"}
    ask = urls["https://bedrock-runtime.eu-north-1.amazonaws.com"]
    assert (ask.path, ask.line) == ("flows/claims.asl.json", 6)
    assert ask.chain[0] == Step("samconfig.toml", 2, "samconfig [default] region = eu-north-1: AWS::Region")
    assert "Archived: the definition is in S3; its states are not placed" in "\n".join(facts.notes)


def terraform(files: dict[str, str], definitions: dict[str, str] | None = None) -> list[ConfigFacts]:
    return extract_terraform(Path("/nonexistent"), {p: textwrap.dedent(t).lstrip("\n").encode() for p, t in files.items()},
                             definitions={k: v.encode() for k, v in (definitions or {}).items()})


def test_terraform_jsonencode_file_and_templatefile_definitions_in_the_provider_region() -> None:
    flow = json.dumps({"StartAt": "Send", "States": {
        "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": True}}}, indent=2)
    facts = terraform({"infra/main.tf": """
    provider "aws" {
      region = "eu-west-3"
    }
    resource "aws_sfn_state_machine" "inline" {
      name = "inline"
      definition = jsonencode({
        StartAt = "Put"
        States = {
          Put = {
            Type     = "Task"
            Resource = "arn:aws:states:::dynamodb:putItem"
            End      = true
          }
        }
      })
    }
    resource "aws_sfn_state_machine" "from_file" {
      name       = "from-file"
      definition = file("${path.module}/flows/send.asl.json")
    }
    resource "aws_sfn_state_machine" "from_template" {
      name       = "from-template"
      definition = templatefile("flows/send.asl.json", { queue = "q" })
    }
    resource "aws_sfn_state_machine" "elsewhere" {
      name       = "elsewhere"
      definition = data.http.flow.response_body
    }
    """}, {"infra/flows/send.asl.json": flow})
    endpoints = [e for f in facts for e in f.endpoints]
    assert sorted((e.url, e.path, e.line) for e in endpoints) == [
        ("https://dynamodb.eu-west-3.amazonaws.com", "infra/main.tf", 11),
        ("https://sqs.eu-west-3.amazonaws.com", "infra/flows/send.asl.json", 6),
        ("https://sqs.eu-west-3.amazonaws.com", "infra/flows/send.asl.json", 6),
    ]
    inline = next(e for e in endpoints if e.path == "infra/main.tf")
    assert Step("infra/main.tf", 2, 'provider aws: region = "eu-west-3"') in inline.chain
    assert "aws_sfn_state_machine.inline state Put" in inline.sdk
    notes = "\n".join(n for f in facts for n in f.notes)
    assert "aws_sfn_state_machine.elsewhere (line 25): its definition is not read statically" in notes


def test_fixture_state_machine_calls_stay_out_of_the_function_contexts() -> None:
    """The stack region's samconfig line is also where the StartFunction context's AWS_REGION is
    bound; the state machine's calls still belong to no context: they run in AWS, not in that code."""
    report = scan(FIXTURES / "sam-stepfunctions-app", ScanOptions(jobs=1, cache_dir=None)).report
    machine = [e for e in report.endpoints if any(loc.path != "functions/start/app.py" for loc in e.locations)]
    assert len(machine) == 5
    assert {e.context for e in machine} == {"default"}
    summarise = next(e for e in machine if e.host == "bedrock-runtime.eu-central-1.amazonaws.com")
    assert [(loc.path, loc.line) for loc in summarise.locations] == [("statemachine/claims.asl.json", 17)]


def test_cdk_task_constructs_call_their_services_in_the_stack_region() -> None:
    from flowscan.extract.cdk import extract_cdk

    app = textwrap.dedent("""\
    import aws_cdk as cdk
    from aws_cdk import Stack, aws_stepfunctions_tasks as tasks


    class Flow(Stack):
        def __init__(self, scope, construct_id, **kwargs):
            super().__init__(scope, construct_id, **kwargs)
            tasks.BedrockInvokeModel(self, "Ask", model=None, body=None)
            tasks.CallAwsService(self, "Detect", service="comprehend", action="detectPiiEntities", iam_resources=["*"])
            tasks.CallAwsService(self, "Odd", service=self.node.try_get_context("svc"), action="go", iam_resources=["*"])


    app = cdk.App()
    Flow(app, "FlowEu", env=cdk.Environment(region="eu-south-1"))
    """)
    facts = extract_cdk({"cdk.json": b'{"app": "python3 app.py"}'}, {"app.py": app.encode()})
    endpoints = [e for f in facts for e in f.endpoints]
    assert sorted((e.url, e.line) for e in endpoints) == [
        ("https://bedrock-runtime.eu-south-1.amazonaws.com", 8),
        ("https://comprehend.eu-south-1.amazonaws.com", 9),
    ]
    assert endpoints[0].chain[0].line == 14  # the stack's env=Environment(region=...)
    assert "app.py:10: stack FlowEu state Odd: its Resource is not known statically" in "\n".join(n for f in facts for n in f.notes)
