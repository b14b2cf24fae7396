"""One synth of the whole CDK app per session (synth is slow on 2 cores), shared by every test here.

The layers come from build/layers when scripts/build-layers has run; otherwise the fixture creates empty
placeholder layer directories, so the suite never downloads anything. Likewise the console's files come
from console/dist when it has been built, else from a placeholder (the suite never runs npm).
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

STAGE = "prod"  # the stage whose data-retention settings matter most


@dataclass
class Synthesized:
    outdir: Path
    templates: dict[str, dict]  # short stack name → CloudFormation template
    stacks: dict = field(default_factory=dict)  # short stack name → Stack
    synth_error: str | None = None

    def template(self, short_name: str):
        from aws_cdk.assertions import Template

        return Template.from_json(self.templates[short_name])

    def all_resources(self, resource_type: str) -> dict[str, dict]:
        return {
            f"{stack}/{logical_id}": resource
            for stack, template in self.templates.items()
            for logical_id, resource in template.get("Resources", {}).items()
            if resource["Type"] == resource_type
        }

    def validation_violations(self) -> list[dict]:
        report = self.outdir / "validation-report.json"
        if not report.exists():
            return []
        return [
            violation
            for plugin in json.loads(report.read_text())["pluginReports"]
            for violation in plugin["violations"]
        ]


def _layers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from infra.app import DEFAULT_LAYERS_DIR

    if all((DEFAULT_LAYERS_DIR / name / "python").is_dir() for name in ("deps", "core")):
        return DEFAULT_LAYERS_DIR
    placeholder = tmp_path_factory.mktemp("layers")
    for name in ("deps", "core"):
        (placeholder / name / "python").mkdir(parents=True)
    return placeholder


def _console_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from infra.app import DEFAULT_CONSOLE_DIST

    if (DEFAULT_CONSOLE_DIST / "index.html").is_file():
        return DEFAULT_CONSOLE_DIST
    placeholder = tmp_path_factory.mktemp("console-dist")
    (placeholder / "assets").mkdir()
    (placeholder / "assets" / "index-placeholder.js").write_text("export {};\n")
    (placeholder / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/index-placeholder.js"></script>\n'
    )
    return placeholder


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk import App

    from infra.app import build_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(outdir=str(outdir), context={"stage": STAGE})
    stacks = build_app(
        app, _layers_dir(tmp_path_factory), account="123456789012", console_dist=_console_dist(tmp_path_factory)
    )
    error = None
    try:
        app.synth()
    except RuntimeError as failure:  # cdk-nag findings fail the synth; the test on them reports which
        error = str(failure)
    templates = {
        short: json.loads((outdir / f"{stack.stack_name}.template.json").read_text())
        for short, stack in stacks.items()
        if (outdir / f"{stack.stack_name}.template.json").exists()
    }
    return Synthesized(outdir=outdir, templates=templates, stacks=stacks, synth_error=error)
