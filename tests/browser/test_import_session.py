"""Importing a CRM export in the console, in Debian's Chromium against the started local runtime.

A HubSpot companies export with Chinese names (one company already on record in traditional characters,
written in simplified ones; one row without a name) → the import wizard uploads it through the presigned
URL → the dry-run report shows the bad row's line and column and the likely duplicate with a link → commit
→ the accounts are listed → the duplicate is merged from the account page and its contacts move → the
same pages in 简体中文. Each page leaves a screenshot under test-artifacts/browser/<test>/.
"""

import re
from pathlib import Path

import requests
from playwright.sync_api import Page, expect
from ulid import ULID

from tests.browser.console_session import LANGUAGE_NAMES, ConsoleText, sign_in
from tests.browser.test_first_session import assert_no_english, choose
from tests.running_product import RunningProduct, SignedIn, wait_for

ON_RECORD = "九龍貿易有限公司"
IMPORTED_DUPLICATE = "九龙贸易有限公司"
HUBSPOT_COMPANIES = (
    "Company name,Phone Number,City,Industry\n"
    f"{IMPORTED_DUPLICATE},+852 2111 2222,香港,貿易\n"
    "新界物流有限公司,+852 2333 4444,香港,物流\n"
    ",+852 2999 0000,香港,\n"  # line 4: no name
    "港島顧問有限公司,,香港,顧問\n"
)


def import_file(owner: SignedIn, entity: str, mapping: str, file_name: str, data: bytes) -> dict:
    """Through the API, as the wizard does: create the job, PUT the file, dry run; the validated job."""
    created = owner.call("POST", "/v1/imports", json={"entity": entity, "mapping": mapping, "file_name": file_name})
    assert created.status_code == 201, created.text
    job_id = created.json()["job"]["id"]
    uploaded = requests.put(created.json()["upload"]["url"], data=data, timeout=10)
    assert uploaded.status_code == 200, uploaded.text
    assert owner.call("POST", f"/v1/imports/{job_id}/dry-run").status_code == 202

    def validated() -> dict | None:
        job = owner.call("GET", f"/v1/imports/{job_id}").json()
        return job if job["status"] in ("validated", "failed") else None

    return wait_for(validated, 60, "the import's dry run")


def test_a_hubspot_export_is_checked_imported_and_its_duplicate_merged(
    page: Page, product: RunningProduct, screenshots, tmp_path: Path
):
    # Given a firm with an account (and its contact) on record
    firm = f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}"  # no Latin letters: the Chinese UI shows it
    owner = product.sign_in_first_time(product.sign_up(firm=firm).email)
    account = owner.call("POST", "/v1/accounts", json={"name": ON_RECORD, "phone": "+852 2111 2222"})
    assert account.status_code == 201, account.text
    on_record_id = account.json()["id"]
    contact = owner.call("POST", "/v1/contacts", json={"account_id": on_record_id, "name_zh": "陳大文"})
    assert contact.status_code == 201, contact.text
    # And a HubSpot companies export naming it again, in simplified characters, and one row without a name
    export = tmp_path / "hubspot-companies.csv"
    export.write_bytes(HUBSPOT_COMPANIES.encode("utf-8-sig"))
    sign_in(page, owner.email, owner.password)
    navigation = page.get_by_role("navigation")

    # When the owner imports it as accounts from HubSpot
    navigation.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1, name="Import from a CSV file")).to_be_visible()
    expect(page.get_by_role("combobox", name="Records")).to_be_visible()
    page.get_by_role("radio", name="HubSpot").check()
    page.get_by_label("CSV file").set_input_files(export)
    screenshots.take(page, "import wizard")
    page.get_by_role("button", name="Upload and check").click()

    # Then the check runs, and its report names the bad row's line, field and column, and the duplicate
    expect(page.get_by_role("heading", level=1, name="Import of hubspot-companies.csv")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Checked: ready to import")).to_be_visible(timeout=60_000)
    errors = page.get_by_role("region", name="Rows with errors (not imported)")
    error_row = errors.get_by_role("row", name=re.compile(r"^4 "))
    expect(error_row).to_contain_text("Company name")
    expect(error_row).to_contain_text("name")
    duplicates = page.get_by_role("region", name="Likely duplicates")
    duplicate_row = duplicates.get_by_role("row", name=re.compile(r"^2 "))
    expect(duplicate_row.get_by_role("link", name=ON_RECORD)).to_have_attribute("href", f"/accounts/{on_record_id}")
    expect(duplicate_row).to_contain_text("Name")
    expect(duplicate_row).to_contain_text("Phone")
    job_path = page.url.removeprefix(product.base_url)
    screenshots.take(page, "dry-run report")
    # And nothing is imported yet
    assert len(owner.call("GET", "/v1/accounts").json()["items"]) == 1

    # When the owner commits it
    page.get_by_role("button", name="Import 3 rows").click()
    # Then the three valid rows are imported and listed
    expect(page.get_by_text("3 rows imported.")).to_be_visible(timeout=60_000)
    screenshots.take(page, "import result")
    page.get_by_role("link", name="Open Accounts").click()
    expect(page.get_by_role("heading", level=1, name="Accounts")).to_be_visible()
    for name in (IMPORTED_DUPLICATE, "新界物流有限公司", "港島顧問有限公司", ON_RECORD):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshots.take(page, "accounts after import")
    # And "Export CSV" runs an export job, then downloads the list as a UTF-8 CSV holding them
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    for name in (IMPORTED_DUPLICATE, "新界物流有限公司", "港島顧問有限公司", ON_RECORD):
        assert name in exported, exported
    # And a link to the file stays beside the button
    expect(page.get_by_role("link", name=re.compile(r"^Download accounts-.*\.csv$"))).to_be_visible()

    # When the owner opens the account on record, sees the imported duplicate, and keeps the imported one
    page.get_by_role("link", name=ON_RECORD, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=ON_RECORD)).to_be_visible()
    page.get_by_role("button", name=f"Merge with {IMPORTED_DUPLICATE}…").click()
    dialog = page.get_by_role("dialog", name="Merge two accounts")
    dialog.get_by_role("radio", name=IMPORTED_DUPLICATE).check()
    expect(dialog).to_contain_text(f"The contacts, opportunities and activities of {ON_RECORD} move to")
    screenshots.take(page, "merge dialog")
    dialog.get_by_role("button", name="Merge").click()

    # Then the survivor's page opens with the contact moved to it, and the account on record is gone
    expect(page.get_by_role("heading", level=1, name=IMPORTED_DUPLICATE)).to_be_visible(timeout=30_000)
    expect(page.get_by_text(f"{ON_RECORD} merged: 1 contacts")).to_be_visible()
    page.get_by_role("tab", name="Contacts").click()
    expect(page.get_by_role("row", name=re.compile("陳大文"))).to_be_visible()
    assert owner.call("GET", f"/v1/accounts/{on_record_id}").status_code == 404
    # And its history shows the merge (written from the table's stream, a moment later)
    history = page.get_by_role("heading", name="History").locator("xpath=..")
    expect(history).to_contain_text(f"Merged into this account: {ON_RECORD}", timeout=30_000)
    survivor_path = page.url.removeprefix(product.base_url)
    screenshots.take(page, "merged")

    # When the owner creates an account for a company the import brought in
    navigation.get_by_role("link", name="Accounts").click()
    page.get_by_role("button", name="New account").click()
    page.get_by_role("textbox", name="Name").fill("新界物流")
    page.get_by_role("button", name="Save").click()
    # Then the new account's page names the likely duplicate
    expect(page.get_by_role("heading", level=1, name="新界物流")).to_be_visible()
    warning = page.get_by_role("alert").filter(has_text="This account may already exist")
    expect(warning.get_by_role("link", name="新界物流有限公司")).to_be_visible()
    screenshots.take(page, "possible duplicate after create")

    # When the owner switches the language to 简体中文
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hans"])
    zh = ConsoleText("zh-Hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    wait_for(lambda: owner.call("GET", "/v1/me").json()["locale"] == "zh-Hans", 15, "the language saved")
    # Then the wizard, the report and the account page are in Chinese
    page.goto("/imports/new")
    expect(page.get_by_role("heading", level=1, name=zh("Import from a CSV file"))).to_be_visible()
    assert_no_english(page, "import wizard")
    screenshots.take(page, "import wizard zh-hans")
    page.goto(job_path)
    expect(page.get_by_role("status").filter(has_text=zh("Imported"))).to_be_visible()
    errors = page.get_by_role("region", name=zh("Rows with errors (not imported)"))
    expect(errors).to_contain_text(zh("Line"))
    # (the row without a name says so in Chinese, by its error's code)
    expect(errors.get_by_role("row", name=re.compile(r"^4 "))).to_contain_text(zh.at("imports.errorCodes.missing"))
    screenshots.take(page, "import report zh-hans")
    page.goto(survivor_path)
    expect(page.get_by_role("heading", level=1, name=IMPORTED_DUPLICATE)).to_be_visible()
    expect(page.get_by_role("main").locator(".ant-skeleton")).to_have_count(0)
    merged_in = zh.at("accounts.mergedIn").replace("{{names}}", ON_RECORD)
    expect(page.get_by_role("heading", name=zh("History")).locator("xpath=..")).to_contain_text(merged_in)
    screenshots.take(page, "merged account zh-hans")


# An old system's leads, with its own (Chinese) headers: no built-in map knows them.
OLD_SYSTEM_LEADS = (
    "公司名稱,聯絡人,電郵,客戶來源,內部編號\n"
    "九龍貿易有限公司,陳大文,david@kowloon.example,Web Site,A-17\n"
    "新界物流有限公司,李小明,not-an-email,,A-18\n"
    "港島顧問有限公司,,,Referral,A-19\n"
)


def test_a_new_column_map_for_chinese_headers_is_saved_and_its_dry_run_speaks_traditional_chinese(
    page: Page, product: RunningProduct, screenshots, tmp_path: Path
):
    # Given an owner whose console is in 繁體中文, and a leads export with Chinese headers
    owner = product.sign_in_first_time(product.sign_up(firm=f"舊系統遷移 {str(ULID().milliseconds)[-6:]}").email)
    export = tmp_path / "old-system-leads.csv"
    export.write_bytes(OLD_SYSTEM_LEADS.encode("utf-8-sig"))
    sign_in(page, owner.email, owner.password)
    choose(page, page.get_by_role("banner").get_by_role("combobox", name="Language"), LANGUAGE_NAMES["zh-Hant"])
    zh = ConsoleText("zh-Hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")

    # When the owner starts an import of leads with a new column map and picks the file
    page.get_by_role("navigation").get_by_role("link", name=zh.at("nav.imports")).click()
    expect(page.get_by_role("heading", level=1, name=zh("Import from a CSV file"))).to_be_visible()
    choose(page, page.get_by_role("combobox", name=zh("Records")), zh.at("imports.entities.leads"))
    page.get_by_role("radio", name=zh("A new column map")).check()
    page.get_by_label(zh("CSV file")).set_input_files(export)
    # Then each header of the file is listed to map, and the field every row needs is named as not fed yet
    company = zh.at("imports.fields.company_name")
    needed = page.get_by_role("status").filter(has_text=company)
    expect(needed).to_be_visible()
    for header in ("公司名稱", "聯絡人", "電郵", "客戶來源", "內部編號"):
        expect(page.get_by_role("combobox", name=header)).to_be_visible()

    # When the owner maps four columns (leaving the internal number out) and names the map
    required = zh.at("imports.requiredField").replace("{{field}}", company)
    choose(page, page.get_by_role("combobox", name="公司名稱"), required)
    choose(page, page.get_by_role("combobox", name="聯絡人"), zh.at("imports.fields.contact_name"))
    choose(page, page.get_by_role("combobox", name="電郵"), zh.at("imports.fields.email"))
    choose(page, page.get_by_role("combobox", name="客戶來源"), zh.at("imports.fields.source"))
    expect(needed).to_have_count(0)
    page.get_by_label(zh.at("imports.mapName")).fill("舊系統線索")
    screenshots.take(page, "custom column map zh-hant")
    page.get_by_role("button", name=zh("Upload and check")).click()

    # Then the report counts the rows the map fed: three, one of them with a bad e-mail
    expect(page.get_by_role("status").filter(has_text=zh("Checked: ready to import"))).to_be_visible(timeout=60_000)
    job_id = page.url.rsplit("/", 1)[-1]
    job = owner.call("GET", f"/v1/imports/{job_id}").json()
    assert (job["rows_total"], job["rows_valid"], job["error_rows"]) == (3, 2, 1), job
    # And the bad row names its line, the file's column, the field, and says what is wrong in 繁體中文
    errors = page.get_by_role("region", name=zh("Rows with errors (not imported)"))
    error_row = errors.get_by_role("row", name=re.compile(r"^3 "))
    expect(error_row).to_contain_text("電郵")
    expect(error_row).to_contain_text("email")
    expect(error_row).to_contain_text(zh.at("imports.errorCodes.invalid_email"))
    expect(errors).not_to_contain_text("not a valid email")
    screenshots.take(page, "custom map report zh-hant")
    # And the map was saved for the tenant, as the wizard built it
    mappings = owner.call("GET", "/v1/import-mappings").json()["items"]
    assert [(mapping["name"], mapping["entity"]) for mapping in mappings] == [("舊系統線索", "leads")]
    assert {(column["column"], column["field"]) for column in mappings[0]["columns"]} == {
        ("公司名稱", "company_name"),
        ("聯絡人", "contact_name"),
        ("電郵", "email"),
        ("客戶來源", "source"),
    }
    assert job["mapping"] == mappings[0]["id"]

    # When the owner imports the valid rows
    page.get_by_role("button", name=zh.at("imports.commit").replace("{{rows}}", "2")).click()
    expect(page.get_by_text(zh.at("imports.committed").replace("{{rows}}", "2"))).to_be_visible(timeout=60_000)
    # Then the leads carry the mapped columns, the source read from the old system's wording
    leads = {lead["company_name"]: lead for lead in owner.call("GET", "/v1/leads").json()["items"]}
    assert set(leads) == {"九龍貿易有限公司", "港島顧問有限公司"}
    assert leads["九龍貿易有限公司"]["contact_name"] == "陳大文" and leads["九龍貿易有限公司"]["source"] == "web"
    assert leads["港島顧問有限公司"]["source"] == "referral"
