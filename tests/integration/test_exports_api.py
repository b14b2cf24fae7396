"""Export jobs end to end over in-process moto: POST /v1/exports → the ExportJob state machine pages through the
list as the requester and writes one multipart CSV → GET the job until it succeeded → download the file."""

import codecs
import csv
import io

import moto.s3.models
import pytest
import requests

from functions.workflows import wiring as workflow_wiring
from tests.integration.conftest import ApiClient, WorkflowRuns
from tests.integration.state_machines import wait_for_job


class Exporter:
    def __init__(self, api: ApiClient, principal_id: str | None = None, role: str = "owner", team: str | None = None):
        self.api = api
        self.authorizer = {
            "tenant_id": api.tenant_id,
            "principal_id": principal_id or api.principal_id,
            "kind": "user",
            "role": role,
            **({"team": team} if team else {}),
        }

    def call(self, method: str, path: str, body=None, **kwargs):
        return self.api.call(method, path, body, authorizer=self.authorizer, **kwargs)

    def start(self, entity: str, **filters) -> dict:
        status, headers, job = self.call("POST", "/v1/exports", {"entity": entity, "filters": filters})
        assert status == 202, job
        assert headers["Location"] == f"/v1/exports/{job['id']}"
        assert job["status"] == "queued" and job["entity"] == entity and job["download"] is None
        return job

    def wait_for(self, job_id: str, *statuses: str, timeout: float = 60.0) -> dict:
        return wait_for_job(self.call, f"/v1/exports/{job_id}", *statuses, timeout=timeout)

    def export(self, entity: str, **filters) -> tuple[dict, list[dict]]:
        job = self.wait_for(self.start(entity, **filters)["id"], "succeeded", "failed")
        assert job["status"] == "succeeded", job
        download = requests.get(job["download"]["url"], timeout=10)
        assert download.status_code == 200
        assert download.content.startswith(codecs.BOM_UTF8)
        return job, list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))


@pytest.fixture
def owner(workflow_runs: WorkflowRuns) -> Exporter:
    return Exporter(workflow_runs.api)


def _create(exporter: Exporter, path: str, body: dict) -> dict:
    status, _, created = exporter.call("POST", path, body)
    assert status == 201, created
    return created.get("account", created)


def test_an_export_job_writes_the_filtered_list_as_a_utf8_bom_csv_behind_a_short_lived_link(owner: Exporter):
    # Given accounts with Chinese names, three of which match a name prefix
    for name in ("香港會計師事務所有限公司", "香港貿易有限公司", "九龍貿易有限公司"):
        _create(owner, "/v1/accounts", {"name": name})
    tagged = _create(owner, "/v1/accounts", {"name": "香港稅務顧問", "tags": ["vip", "稅務"]})
    finance = Exporter(owner.api, principal_id="finance-1", role="finance")

    # When finance (who may read accounts) exports the list filtered by name
    job, rows = finance.export("accounts", q="香港")

    # Then the job succeeded with every row, and links to a file under its tenant's prefix
    assert job["rows_done"] == 3 and job["filters"]["q"] == "香港"
    assert job["download"]["file_name"].startswith("accounts-") and job["download"]["expires_in_seconds"] <= 300
    assert f"/{owner.api.tenant_id}/exports/{job['id']}.csv" in job["download"]["url"]
    # And the file holds one row per matching account, in the model's columns, lists joined
    assert sorted(row["name"] for row in rows) == sorted(
        ["香港貿易有限公司", "香港會計師事務所有限公司", "香港稅務顧問"]
    )
    assert next(row for row in rows if row["id"] == tagged["id"])["tags"] == "vip; 稅務"
    assert "billing_address.city" in rows[0] and "scorecard.tier" in rows[0]
    # And it is in finance's own exports, not in the owner's
    status, _, page = finance.call("GET", "/v1/exports")
    assert status == 200 and [item["id"] for item in page["items"]] == [job["id"]]
    assert owner.call("GET", "/v1/exports")[2]["items"] == []
    assert owner.call("GET", f"/v1/exports/{job['id']}")[0] == 404


def test_a_sales_users_export_has_only_their_teams_records(owner: Exporter):
    # Given leads of two teams
    audit = Exporter(owner.api, principal_id="sales-audit-1", role="sales", team="Audit")
    teammate = Exporter(owner.api, principal_id="sales-audit-2", role="sales", team="Audit")
    tax = Exporter(owner.api, principal_id="sales-tax-1", role="sales", team="Tax")
    for exporter, company in ((audit, "Audit One Ltd"), (teammate, "Audit Two Ltd"), (tax, "Tax Only Ltd")):
        _create(exporter, "/v1/leads", {"company_name": company, "source": "web"})

    # When a sales user of the audit team exports the leads
    job, rows = audit.export("leads")

    # Then the file has their team's leads, not the other team's
    assert sorted(row["company_name"] for row in rows) == ["Audit One Ltd", "Audit Two Ltd"]
    assert job["rows_done"] == 2
    # And the owner's export has them all
    assert len(owner.export("leads")[1]) == 3


def test_filters_the_list_does_not_take_are_refused_naming_them(owner: Exporter):
    account = _create(owner, "/v1/accounts", {"name": "Harbour Audit Ltd"})
    refusals = [
        ({"entity": "leads", "filters": {"account_id": account["id"]}}, "filters.account_id"),
        ({"entity": "opportunities", "filters": {"q": "Harbour"}}, "filters.q"),
        ({"entity": "contacts", "filters": {"tier": "A"}}, "filters.tier"),
        ({"entity": "accounts", "filters": {"q": "Harbour", "sort": "-score"}}, "q"),
        ({"entity": "accounts", "filters": {"tier": "E"}}, "filters.tier"),
        ({"entity": "contacts", "filters": {"account_id": "01J00000000000000000000000"}}, "filters.account_id"),
        ({"entity": "invoices"}, "entity"),
    ]
    for body, field in refusals:
        status, _, problem = owner.call("POST", "/v1/exports", body)
        assert status == 422, (body, problem)
        assert field in [error["field"] for error in problem["errors"]], (body, problem)
    # Nothing was started
    assert owner.call("GET", "/v1/exports")[2]["items"] == []


def test_another_tenants_export_answers_404_and_an_api_key_exports_only_what_its_scopes_read(owner: Exporter):
    _create(owner, "/v1/accounts", {"name": "Harbour Audit Ltd"})
    # An API key that reads accounts exports them, the job running with its scopes
    key = Exporter(owner.api, principal_id="bi-key")
    key.authorizer = {**key.authorizer, "kind": "apikey", "role": "", "scopes": "accounts:read"}
    job, rows = key.export("accounts", sort="-score")
    assert job["created_by"] == "apikey:bi-key" and job["rows_done"] == len(rows) == 0  # none is scored yet
    job, rows = key.export("accounts")
    assert [row["name"] for row in rows] == ["Harbour Audit Ltd"]
    # But not opportunities
    assert key.call("POST", "/v1/exports", {"entity": "opportunities"})[0] == 403
    # And in another tenant its export id is no export
    other_tenant = Exporter(ApiClient(principal_id="bi-key"))
    other_tenant.authorizer = {**key.authorizer, "tenant_id": other_tenant.api.tenant_id}
    assert other_tenant.call("GET", f"/v1/exports/{job['id']}")[0] == 404
    assert other_tenant.call("GET", "/v1/exports")[2]["items"] == []


def test_a_long_list_is_written_in_parts_and_a_retried_task_writes_no_row_twice(
    owner: Exporter, monkeypatch: pytest.MonkeyPatch
):
    # Given 23 contacts, pages of 2 rows and parts of about 1 KB (S3's 5 MiB minimum lowered in moto)
    account = _create(owner, "/v1/accounts", {"name": "Kowloon Trading Ltd"})
    for number in range(23):
        _create(owner, "/v1/contacts", {"account_id": account["id"], "name_en": f"Person {number:02d}"})
    services = workflow_wiring.dependencies().exports
    monkeypatch.setattr(services, "page_rows", 2)
    monkeypatch.setattr(services, "part_bytes", 1024)
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)
    # And storage that fails once right after uploading the second part, before the job records it
    real_upload = services.files.upload_part
    uploads: list[int] = []

    def upload_then_fail_once(ctx, key, upload_id, number, body):
        etag = real_upload(ctx, key, upload_id, number, body)
        uploads.append(number)
        if uploads == [1, 2]:
            raise RuntimeError("the task died after the upload")
        return etag

    monkeypatch.setattr(services.files, "upload_part", upload_then_fail_once)

    # When the account's contacts are exported
    job, rows = owner.export("contacts", account_id=account["id"])

    # Then the retried task uploaded part 2 again, and the file has every contact exactly once
    assert uploads[:3] == [1, 2, 2] and len(uploads) > 3
    assert sorted(row["name_en"] for row in rows) == [f"Person {number:02d}" for number in range(23)]
    assert job["rows_done"] == 23
