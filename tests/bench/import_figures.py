"""The CSV import and export figures `scripts/bench` prints: rows per second of a 10,000-row HubSpot companies
export (Chinese names, UTF-8 with BOM), dry run and commit, and the DynamoDB calls the commit makes per 100
rows; then rows per second of exporting those 10,000 accounts again (the export job's task: 50 list pages,
one multipart upload).

Over in-process moto (so the seconds are moto's, not DynamoDB's: they compare runs of this code, not
deployments). The job is created through the API handler, the file PUT through its presigned URL, and the
dry run, commit and export are the workflow tasks' domain functions, called directly (the state machine only
sequences them). Timings are reported, never asserted.
"""

import json
import os
import sys
import time
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for source in (ROOT / "layers" / "core", ROOT):
    if str(source) not in sys.path:
        sys.path.insert(0, str(source))
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "ap-east-1",
    "AWS_REGION": "ap-east-1",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}
ROWS = 10_000


class _NoRuns:
    """Stands in for Step Functions: the bench calls the tasks itself."""

    def start(self, *_args) -> None:
        return None


def _integration_conftest():
    name = "integration_conftest"
    if name in sys.modules:
        return sys.modules[name]
    loader = SourceFileLoader(name, str(ROOT / "tests" / "integration" / "conftest.py"))
    module = module_from_spec(spec_from_loader(name, loader))
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def _csv() -> bytes:
    lines = ["Record ID,Company name,Phone Number,Industry,City,Country/Region"]
    lines += [f"{n},香港第{n}號會計師事務所有限公司,+852 2{n:07d},Accounting,香港,Hong Kong" for n in range(ROWS)]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def import_figures() -> dict:
    integration = _integration_conftest()
    import boto3
    import requests
    from moto import mock_aws

    from functions.api import wiring as api_wiring
    from functions.workflows import wiring as workflow_wiring
    from local import moto_transactions
    from servicejob.config import get_settings
    from servicejob.dal.table_spec import create_table_request
    from servicejob.domain import exports, imports
    from servicejob.tenancy.context import system_context

    counter = integration.DYNAMODB_CALLS
    # The commit writes its rows in transactions: like the local runtime, skip moto's copy of the table per item.
    moto_transactions.install()
    get_settings.cache_clear()
    with mock_aws():
        settings = get_settings()
        boto3.client("dynamodb", region_name=settings.region).create_table(**create_table_request(settings.table_name))
        boto3.client("s3", region_name=settings.region).create_bucket(
            Bucket=settings.documents_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region}
        )
        api_wiring.dependencies.cache_clear()
        workflow_wiring.dependencies.cache_clear()
        api_wiring.dependencies().import_runs = _NoRuns()
        api_wiring.dependencies().export_runs = _NoRuns()
        api = integration.ApiClient()
        status, _, created = api.call(
            "POST", "/v1/imports", {"entity": "accounts", "mapping": "hubspot", "file_name": "companies.csv"}
        )
        assert status == 201, created
        job_id = created["job"]["id"]
        data = _csv()
        assert requests.put(created["upload"]["url"], data=data, timeout=60).status_code == 200
        status, _, started = api.call("POST", f"/v1/imports/{job_id}/dry-run")
        assert status == 202, started

        services = workflow_wiring.dependencies().imports
        ctx = system_context(api.tenant_id, "imports")
        began = time.perf_counter()
        report = imports.run_dry_run(ctx, services, job_id)
        dry_run_seconds = time.perf_counter() - began
        assert report.rows_valid == ROWS, report

        status, _, started = api.call("POST", f"/v1/imports/{job_id}/commit")
        assert status == 202, started
        counter.reset()
        counter.active = True
        began = time.perf_counter()
        job, done = imports.run_commit(ctx, services, job_id)
        commit_seconds = time.perf_counter() - began
        counter.active = False
        assert done and job.rows_committed == ROWS, job
        calls = dict(counter.calls)

        status, _, export_job = api.call("POST", "/v1/exports", {"entity": "accounts"})
        assert status == 202, export_job
        counter.reset()
        counter.active = True
        began = time.perf_counter()
        exported, done = exports.run_export(
            system_context(api.tenant_id, "exports"), workflow_wiring.dependencies().exports, export_job["id"]
        )
        export_seconds = time.perf_counter() - began
        counter.active = False
        assert done and exported.rows_done == ROWS, exported
        export_calls = dict(counter.calls)
        api_wiring.dependencies.cache_clear()
        workflow_wiring.dependencies.cache_clear()
    get_settings.cache_clear()
    return {
        "import_rows": ROWS,
        "import_file_kb": round(len(data) / 1024),
        "import_dry_run_s": round(dry_run_seconds, 2),
        "import_dry_run_rows_per_s": round(ROWS / dry_run_seconds),
        "import_commit_s": round(commit_seconds, 2),
        "import_commit_rows_per_s": round(ROWS / commit_seconds),
        "import_rows_per_s": round(ROWS / (dry_run_seconds + commit_seconds)),
        "import_commit_dynamodb_calls_per_100_rows": round(sum(calls.values()) * 100 / ROWS, 1),
        "import_commit_dynamodb_operations": calls,
        "export_rows": ROWS,
        "export_s": round(export_seconds, 2),
        "export_rows_per_s": round(ROWS / export_seconds),
        "export_parts": len(exported.parts),
        "export_dynamodb_operations": export_calls,
        "over": "in-process moto",
    }


def main() -> None:
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    print(json.dumps(import_figures(), ensure_ascii=False, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
