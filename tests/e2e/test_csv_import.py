"""A CSV import on the running product, as the console does it: the browser PUTs the file straight to the
presigned S3 URL (moto locally, with CORS), then dry run, report and commit through the API."""

import requests

from tests.running_product import wait_for


def _job(owner, job_id: str, *statuses: str) -> dict:
    def reached() -> dict | None:
        job = owner.call("GET", f"/v1/imports/{job_id}").json()
        return job if job["status"] in statuses else None

    return wait_for(reached, 120, f"import {job_id} to reach {statuses}")


def test_a_hubspot_contacts_export_is_uploaded_from_the_browser_checked_and_committed(product):
    # Given a firm with an account
    owner = product.new_tenant_owner(locale="zh-Hant")
    account = owner.call("POST", "/v1/accounts", json={"name": "九龍貿易有限公司"}).json()
    # When it starts a HubSpot contacts import
    created = owner.call(
        "POST", "/v1/imports", json={"entity": "contacts", "mapping": "hubspot", "file_name": "contacts.csv"}
    )
    assert created.status_code == 201, created.text
    job_id, upload_url = created.json()["job"]["id"], created.json()["upload"]["url"]
    # Then the upload URL reaches S3 (moto) from the console's origin: the preflight allows the PUT
    origin = product.base_url
    preflight = requests.options(
        upload_url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert preflight.status_code == 200
    assert preflight.headers.get("Access-Control-Allow-Origin") in (origin, "*")
    # When the browser PUTs the file (UTF-8 with BOM, as Excel saves it)
    csv_text = (
        "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name\n"
        "1,大文,陳,david@kowloon.example,+852 2111 2222,財務總監,九龍貿易有限公司\n"
        "2,小明,李,not-an-email,,會計,九龍貿易有限公司\n"
    )
    put = requests.put(
        upload_url,
        data=("\ufeff" + csv_text).encode("utf-8"),
        headers={"Origin": origin, "Content-Type": "text/csv"},
        timeout=10,
    )
    assert put.status_code == 200, put.text
    assert put.headers.get("Access-Control-Allow-Origin") in (origin, "*")
    # And runs the dry run
    assert owner.call("POST", f"/v1/imports/{job_id}/dry-run").status_code == 202
    report = _job(owner, job_id, "validated", "failed")
    # Then the report shows one valid row and names the bad one's line and column
    assert (report["status"], report["rows_valid"], report["error_rows"]) == ("validated", 1, 1)
    [bad] = owner.call("GET", f"/v1/imports/{job_id}/errors").json()["items"]
    assert bad["line"] == 3 and bad["errors"][0]["column"] == "Email"
    # When it commits
    assert owner.call("POST", f"/v1/imports/{job_id}/commit").status_code == 202
    assert _job(owner, job_id, "committed", "failed")["status"] == "committed"
    # Then the contact exists under the account, and the audit trail names the owner as its creator
    [contact] = owner.call("GET", f"/v1/accounts/{account['id']}/contacts").json()["items"]
    assert contact["display_name"] == "陳大文"

    def audited() -> list | None:
        return owner.call("GET", "/v1/audit", params={"entity": f"contacts/{contact['id']}"}).json()["items"] or None

    [entry] = wait_for(audited, 30, "the contact's audit entry")
    assert entry["action"] == "created" and entry["actor"] == contact["created_by"]
