"""CSV import end to end over in-process moto: create the job → PUT the file to the presigned URL → dry run
(the ImportJob state machine, tasks dispatched in-process) → report → commit → the records exist; a retried
commit writes nothing twice; a chunk that cannot be written leaves nothing half-imported."""

from dataclasses import dataclass

import pytest
import requests
from ulid import ULID

from tests.integration.conftest import WorkflowRuns
from tests.integration.state_machines import wait_for_job

HUBSPOT_CONTACTS_HEADER = "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name\n"


@dataclass
class ImportEnv:
    region: str
    state_machine_arn: str
    api: object  # tests.integration.conftest.ApiClient

    def call(self, *args, **kwargs):
        return self.api.call(*args, **kwargs)

    def wait_for(self, job_id: str, *statuses: str, timeout: float = 60.0) -> dict:
        return wait_for_job(self.call, f"/v1/imports/{job_id}", *statuses, timeout=timeout)

    def upload(self, entity: str, mapping: str, data: bytes, **extra) -> dict:
        status, headers, created = self.call(
            "POST", "/v1/imports", {"entity": entity, "mapping": mapping, "file_name": "export.csv", **extra}
        )
        assert status == 201, created
        assert headers["Location"] == f"/v1/imports/{created['job']['id']}"
        assert created["job"]["status"] == "awaiting_upload"
        upload = created["upload"]
        assert upload["method"] == "PUT" and f"{self.api.tenant_id}/imports/" in upload["url"]
        response = requests.put(upload["url"], data=data, timeout=10)
        assert response.status_code == 200, response.text
        return created["job"]

    def dry_run(self, job_id: str) -> dict:
        status, _, started = self.call("POST", f"/v1/imports/{job_id}/dry-run")
        assert status == 202, started
        return self.wait_for(job_id, "validated", "failed")

    def commit(self, job_id: str) -> dict:
        status, _, started = self.call("POST", f"/v1/imports/{job_id}/commit")
        assert status == 202, started
        return self.wait_for(job_id, "committed", "failed")


@pytest.fixture
def imports(workflow_runs: WorkflowRuns) -> ImportEnv:
    return ImportEnv(workflow_runs.region, workflow_runs.arns["ImportJob"], workflow_runs.api)


def _account(env: ImportEnv, name: str) -> str:
    status, _, account = env.call("POST", "/v1/accounts", {"name": name})
    assert status == 201, account
    return account["id"]


def _contacts_of(env: ImportEnv, account_id: str) -> list[dict]:
    status, _, page = env.call("GET", f"/v1/accounts/{account_id}/contacts", query={"limit": "200"})
    assert status == 200, page
    return page["items"]


def test_a_hubspot_export_with_chinese_names_is_dry_run_reported_and_committed(imports: ImportEnv):
    # Given two accounts, and a HubSpot contacts export in Big5 with Chinese names and one bad row
    kowloon = _account(imports, "九龍貿易有限公司")
    _account(imports, "Harbour Audit Ltd")
    csv_text = (
        HUBSPOT_CONTACTS_HEADER
        + "101,大文,陳,david@kowloon.example,+852 2111 2222,財務總監,九龍貿易有限公司\n"
        + "102,Mary,Wong,mary@harbour.example,+852 3111 2222,CFO,Harbour Audit Ltd\n"
        + "103,小明,李,not-an-email,+852 2111 3333,會計,九龍貿易有限公司\n"
        + "104,Peter,Chan,peter@nowhere.example,,Partner,No Such Company Ltd\n"
        + "105,嘉欣,張,,+852 9123 4567,,九龍貿易有限公司\n"
    )
    job = imports.upload("contacts", "hubspot", csv_text.encode("big5hkscs"))

    # When it is dry run
    report = imports.dry_run(job["id"])

    # Then the report counts the rows, found the encoding, and names each bad row's line, field and column
    assert report["status"] == "validated", report
    assert report["encoding"] == "big5-hkscs"
    assert (report["rows_total"], report["rows_valid"], report["error_rows"]) == (5, 3, 2)
    assert report["duplicates"] == [] and report["duplicate_rows"] == 0  # contacts have no match keys
    status, _, errors = imports.call("GET", f"/v1/imports/{job['id']}/errors")
    assert status == 200
    by_line = {row["line"]: row["errors"] for row in errors["items"]}
    assert set(by_line) == {4, 5}
    assert by_line[4][0]["field"] == "email" and by_line[4][0]["column"] == "Email"
    assert by_line[5][0]["field"] == "account_name" and by_line[5][0]["column"] == "Company Name"
    # each with a stable code for the console to translate, beside the English message
    assert (by_line[4][0]["code"], by_line[5][0]["code"]) == ("invalid_email", "unknown_account")
    assert "No Such Company Ltd" in by_line[5][0]["message"]
    # And nothing is written yet
    assert _contacts_of(imports, kowloon) == []

    # When it is committed
    committed = imports.commit(job["id"])

    # Then the valid rows exist as contacts, Chinese names family name first, under their accounts
    assert committed["status"] == "committed" and committed["rows_committed"] == 3
    names = sorted(contact["display_name"] for contact in _contacts_of(imports, kowloon))
    assert names == ["張嘉欣", "陳大文"]
    chan = next(contact for contact in _contacts_of(imports, kowloon) if contact["name_zh"] == "陳大文")
    assert chan["title"] == "財務總監" and chan["phones"] == [{"kind": "office", "number": "+852 2111 2222"}]
    assert chan["created_by"] == f"user:{imports.api.principal_id}"

    # And committing again is refused and writes nothing more
    status, _, problem = imports.call("POST", f"/v1/imports/{job['id']}/commit")
    assert status == 409, problem
    assert len(_contacts_of(imports, kowloon)) == 2


def _duplicates_of(env: ImportEnv, account_id: str) -> list[dict]:
    status, _, found = env.call("GET", f"/v1/accounts/{account_id}/duplicates")
    assert status == 200, found
    return found["items"]


def test_the_dry_run_reports_likely_duplicates_and_imported_accounts_get_their_match_keys(imports: ImportEnv):
    # Given an account on record in traditional characters
    status, _, kowloon = imports.call("POST", "/v1/accounts", {"name": "九龍貿易有限公司", "phone": "+852 2111 2222"})
    assert status == 201, kowloon
    # And a HubSpot companies export: the same company in simplified characters, a company twice, a bad row
    csv_text = (
        "Company name,Phone Number,Website URL\n"
        "九龙贸易有限公司,,\n"
        "Harbour Audit Ltd,+852 3111 2222,harbour.example\n"
        ",+852 3999 0000,\n"
        "Harbour Audit Limited,3111 2222,https://www.harbour.example\n"
        "南山顧問有限公司,,\n"
    )
    job = imports.upload("accounts", "hubspot", csv_text.encode("utf-8"))

    # When it is dry run
    report = imports.dry_run(job["id"])

    # Then the report names each row's likely duplicates: on record, and earlier in the same file, and why
    assert report["status"] == "validated" and (report["rows_valid"], report["error_rows"]) == (4, 1), report
    assert report["duplicate_rows"] == 2
    by_line = {found["line"]: found for found in report["duplicates"]}
    assert set(by_line) == {2, 5}
    assert by_line[2]["matches"] == [
        {"entity_type": "account", "entity_id": kowloon["id"], "name": "九龍貿易有限公司", "matched_on": ["name"]}
    ]
    assert by_line[2]["file_rows"] == []
    assert by_line[5]["matches"] == []
    assert by_line[5]["file_rows"] == [
        {"line": 3, "name": "Harbour Audit Ltd", "matched_on": ["name", "phone", "domain"]}
    ]

    # When it is committed
    assert imports.commit(job["id"])["status"] == "committed"

    # Then the imported accounts carry match keys like accounts created one by one
    status, _, page = imports.call("GET", "/v1/accounts", query={"limit": "200"})
    imported = {account["name"]: account["id"] for account in page["items"]}
    assert [match["entity_id"] for match in _duplicates_of(imports, kowloon["id"])] == [imported["九龙贸易有限公司"]]
    harbour = _duplicates_of(imports, imported["Harbour Audit Ltd"])
    assert [(match["entity_id"], match["matched_on"]) for match in harbour] == [
        (imported["Harbour Audit Limited"], ["name", "phone", "domain"])
    ]
    assert _duplicates_of(imports, imported["南山顧問有限公司"]) == []


def test_a_lead_import_reports_leads_and_accounts_it_likely_duplicates(imports: ImportEnv):
    status, _, account = imports.call("POST", "/v1/accounts", {"name": "Harbour Audit Limited"})
    assert status == 201, account
    status, _, lead = imports.call(
        "POST", "/v1/leads", {"company_name": "南山顧問有限公司", "email": "info@nanshan.example"}
    )
    assert status == 201, lead
    csv_text = (
        "Company Name,Email,First Name,Last Name\nHarbour Audit Ltd,,Mary,Wong\n南山顾问,sales@nanshan.example,,\n"
    )
    job = imports.upload("leads", "hubspot", csv_text.encode("utf-8"))

    report = imports.dry_run(job["id"])

    assert report["status"] == "validated", report
    matches = {found["line"]: found["matches"] for found in report["duplicates"]}
    assert matches == {
        2: [{"entity_type": "account", "entity_id": account["id"], "name": account["name"], "matched_on": ["name"]}],
        3: [
            {
                "entity_type": "lead",
                "entity_id": lead["id"],
                "name": "南山顧問有限公司",
                "matched_on": ["name", "domain"],
            }
        ],
    }


def test_an_interrupted_commit_resumes_and_writes_every_row_exactly_once(
    imports: ImportEnv, monkeypatch: pytest.MonkeyPatch
):
    # Given a validated import of 250 accounts (three chunks)
    rows = "".join(f"甲{line}有限公司,+852 2000 {line:04d}\n" for line in range(250))
    job = imports.upload("accounts", "hubspot", ("Company name,Phone Number\n" + rows).encode("utf-8-sig"))
    assert imports.dry_run(job["id"])["rows_valid"] == 250
    # And storage that fails from the second chunk on, after writing that chunk's records
    from functions.workflows.wiring import dependencies

    jobs = dependencies().imports.jobs
    real_write = jobs.write_records
    calls = []

    def write_then_fail(ctx, entity, records):
        calls.append(len(records))
        if len(calls) == 1:
            return real_write(ctx, entity, records)
        if len(calls) == 2:
            real_write(ctx, entity, records)
        raise RuntimeError("storage went away")

    monkeypatch.setattr(jobs, "write_records", write_then_fail)

    # When it is committed
    failed = imports.commit(job["id"])

    # Then the job failed, with the first chunk recorded as committed and the second written but not recorded
    assert failed["status"] == "failed" and failed["rows_committed"] == 100
    assert failed["failure"]["field"] == "job"
    status, _, page = imports.call("GET", "/v1/accounts", query={"limit": "200"})
    assert len(page["items"]) == 200

    # When storage is back and the user commits again
    monkeypatch.setattr(jobs, "write_records", real_write)
    resumed = imports.commit(job["id"])

    # Then every account exists exactly once
    assert resumed["status"] == "committed" and resumed["rows_committed"] == 250
    names: list[str] = []
    cursor = None
    while True:
        query = {"limit": "200"} | ({"cursor": cursor} if cursor else {})
        status, _, page = imports.call("GET", "/v1/accounts", query=query)
        names += [account["name"] for account in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert len(names) == 250 and len(set(names)) == 250


def test_limits_and_states_answer_clear_problems(imports: ImportEnv):
    # A dry run before the upload names the file
    status, _, created = imports.call(
        "POST", "/v1/imports", {"entity": "leads", "mapping": "suitecrm", "file_name": "leads.csv"}
    )
    assert status == 201
    status, _, problem = imports.call("POST", f"/v1/imports/{created['job']['id']}/dry-run")
    assert status == 422 and problem["errors"][0]["field"] == "file"
    # A commit before the dry run is a conflict
    status, _, problem = imports.call("POST", f"/v1/imports/{created['job']['id']}/commit")
    assert status == 409
    # An unknown mapping id and an unknown entity are refused naming the field
    status, _, problem = imports.call(
        "POST", "/v1/imports", {"entity": "leads", "mapping": str(ULID()), "file_name": "x.csv"}
    )
    assert status == 422 and problem["errors"][0]["field"] == "mapping"
    status, _, problem = imports.call(
        "POST", "/v1/imports", {"entity": "invoices", "mapping": "hubspot", "file_name": "x.csv"}
    )
    assert status == 422 and problem["errors"][0]["field"] == "entity"
    # Finance may not import accounts
    status, _, problem = imports.call(
        "POST", "/v1/imports", {"entity": "accounts", "mapping": "hubspot", "file_name": "x.csv"}, role="finance"
    )
    assert status == 403
