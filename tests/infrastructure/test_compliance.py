"""cdk-nag AwsSolutions and cfn-lint over every synthesized stack."""

import json

from cfnlint.api import ManualArgs, lint

from infra.app import DEFAULT_REGION


def test_every_stack_synthesizes_without_unacknowledged_aws_solutions_findings(synthesized):
    # Given the whole app synthesized with the AwsSolutions pack as a validation plugin
    # When the validation report is read
    violations = [
        f"{violation['ruleName']} at {construct['constructPath']}"
        for violation in synthesized.validation_violations()
        for construct in violation["violatingConstructs"]
    ]
    # Then nothing is left unacknowledged and every stack was written
    assert violations == []
    assert synthesized.synth_error is None
    assert set(synthesized.templates) == {"data", "auth", "events", "workflows", "api", "observability", "console"}


def test_every_acknowledgment_names_one_rule_and_gives_its_own_reason(synthesized):
    # Given every acknowledgment recorded in the stacks' construct metadata
    acknowledged: dict[str, str] = {}
    for metadata_file in synthesized.outdir.glob("*.metadata.json"):
        for path, entries in json.loads(metadata_file.read_text()).items():
            for entry in entries:
                if entry["type"] == "aws:cdk:acknowledged-rules":
                    acknowledged.update({f"{path} {rule}": reason for rule, reason in entry["data"].items()})
    # Then there are some, each reason is a real sentence, and no AwsSolutions rule is acknowledged stack-wide
    assert acknowledged
    assert all(len(reason) >= 40 for reason in acknowledged.values()), acknowledged
    stack_paths = {f"/{stack.stack_name}" for stack in synthesized.stacks.values()}
    assert not [key for key in acknowledged if key.split(" ")[0] in stack_paths]


def test_cfn_lint_finds_no_errors_in_any_template(synthesized):
    errors = []
    for name, template in synthesized.templates.items():
        # When cfn-lint checks each template for the deployment region
        matches = lint(json.dumps(template), config=ManualArgs(regions=[DEFAULT_REGION]))
        errors += [f"{name}: {match}" for match in matches if match.rule.id.startswith("E")]
    # Then there is no error (warnings such as W3005 on CDK's explicit DependsOn are tolerated)
    assert errors == []
