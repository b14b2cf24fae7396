"""Accessibility of the console's main pages: axe-core finds no serious or critical violation, every form
field has a label (not just a placeholder), and Tab reaches each page's main actions.

axe-core is the npm package pinned in tests/browser/package-lock.json (installed with `npm ci`).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.console_session import sign_in
from tests.browser.test_import_session import import_file
from tests.running_product import RunningProduct, SignedIn

ACCOUNT_NAME = "香港會計師事務所有限公司"
LEAD_COMPANY = "新界物流有限公司"
OPPORTUNITY_NAME = "2027 年度審計"
OWNER_NAME = "陳大文"  # RunningProduct.sign_up's owner
COMMENT_TEXT = "請致電客戶確認審計範圍"
# The account again, as an import would bring it: simplified characters, no legal form.
DUPLICATE_NAME = "香港会计师事务所"
MAX_TABS = 80

_AXE_VIOLATIONS = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(violation => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map(node => node.target.join(' ') + ': ' + node.failureSummary),
  }));
}"""
# A field's label: aria-labelledby text, aria-label, or a <label> (for= or wrapping). A placeholder is not one.
_UNLABELLED_FIELDS = """() => {
  const selector = ['input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset])',
    'select', 'textarea', '[role=combobox]', '[role=checkbox]', '[role=radio]', '[role=switch]',
    '[role=searchbox]', '[role=textbox]', '[role=spinbutton]'].join(',');
  const text = element => (element ? element.textContent.trim() : '');
  const unlabelled = [];
  for (const field of document.querySelectorAll(selector)) {
    if (!field.checkVisibility()) continue;
    const labelledBy = (field.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => text(document.getElementById(id))).join(' ');
    const ariaLabel = (field.getAttribute('aria-label') || '').trim();
    const labels = Array.from(field.labels || []).map(text).join(' ');
    if (!labelledBy && !ariaLabel && !labels) unlabelled.push(field.outerHTML.slice(0, 200));
  }
  return unlabelled;
}"""
_FOCUSED_NAME = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return '';
  return (element.getAttribute('aria-label') || element.innerText || element.value || '').trim();
}"""


@dataclass(frozen=True)
class ConsolePage:
    path: str
    heading: str
    main_actions: tuple[str, ...]
    signed_in: bool = True
    # A dialog this page opens, checked as well: (the button that opens it, the dialog's name).
    dialog: tuple[str, str] | None = None
    # Texts of the state under test, awaited before anything is measured (not keyboard targets).
    shown: tuple[str, ...] = ()


PAGES = {
    "signup": ConsolePage("/signup", "Create your firm's workspace", ("Create workspace",), signed_in=False),
    "sign-in": ConsolePage("/signin", "Sign in", ("Sign in", "Forgot password?"), signed_in=False),
    "accounts": ConsolePage("/accounts", "Accounts", ("Search", "New account", ACCOUNT_NAME)),
    "account-form": ConsolePage("/accounts/new", "New account", ("Save", "Cancel")),
    "users": ConsolePage("/users", "Users", ("Invite user",), dialog=("Invite user", "Invite a user")),
    "api-keys": ConsolePage(
        "/api-keys", "API keys", ("Create API key",), dialog=("Create API key", "Create an API key")
    ),
    "leads": ConsolePage("/leads", "Leads", ("Search", "New lead", LEAD_COMPANY)),
    "lead": ConsolePage(
        "/leads/{lead}", LEAD_COMPANY, ("Convert", "Edit", "Delete"), dialog=("Convert", f"Convert {LEAD_COMPANY}")
    ),
    "lead-form": ConsolePage("/leads/new", "New lead", ("Save", "Cancel")),
    "contacts": ConsolePage("/contacts", "Contacts", ("Search", "New contact", "Peter Wong 黃大文")),
    "contact-form": ConsolePage("/contacts/{contact}/edit", "Edit contact", ("Add a phone", "Save", "Cancel")),
    "account-detail": ConsolePage("/accounts/{account}?tab=opportunities", ACCOUNT_NAME, ("Edit", "New opportunity")),
    "opportunities": ConsolePage("/opportunities", "Opportunities", ("Board by stage", "New opportunity")),
    "opportunity": ConsolePage(
        "/opportunities/{opportunity}",
        OPPORTUNITY_NAME,
        ("Move to Qualified", "Change stage", "Mark as lost"),
        dialog=("Mark as lost", "Change the stage"),
    ),
    "opportunity-discussion": ConsolePage(
        "/opportunities/{opportunity}",
        OPPORTUNITY_NAME,
        ("Follow", "Post comment"),
        shown=(f"@{OWNER_NAME}", COMMENT_TEXT),
    ),
    "opportunity-quotes": ConsolePage(
        "/opportunities/{opportunity}?tab=quotes",
        OPPORTUNITY_NAME,
        ("New version",),
        dialog=("New version", "Quote version 2"),
    ),
    "account-activities": ConsolePage(
        "/accounts/{account}?tab=activities",
        ACCOUNT_NAME,
        ("Plan an activity",),
        dialog=("Plan an activity", "Plan an activity"),
    ),
    "activities": ConsolePage("/activities", "Activities", ("Only mine",)),
    "opportunity-form": ConsolePage("/opportunities/new", "New opportunity", ("Save", "Cancel")),
    "pipeline": ConsolePage("/pipeline", "Pipeline", ("List", "New opportunity", OPPORTUNITY_NAME)),
    "sales-stages": ConsolePage("/settings/sales-stages", "Sales stages", ("Add a stage", "Save")),
    "assignment-rules": ConsolePage("/settings/assignment-rules", "Lead assignment", ("Add a rule", "Save")),
    "import-wizard": ConsolePage("/imports/new", "Import from a CSV file", ("Upload and check", "Cancel")),
    "import-report": ConsolePage("/imports/{import}", "Import of companies.csv", ("Import 2 rows", ACCOUNT_NAME)),
    "account-duplicates": ConsolePage(
        "/accounts/{account}",
        ACCOUNT_NAME,
        ("Edit", f"Merge with {DUPLICATE_NAME}…"),
        dialog=(f"Merge with {DUPLICATE_NAME}…", "Merge two accounts"),
    ),
    "funnel-report": ConsolePage("/reports/funnel", "Funnel by stage", ("Download CSV", "Show")),
    "lead-conversion-report": ConsolePage(
        "/reports/lead-conversion", "Lead conversion by region", ("Download CSV", "Show")
    ),
    "sales-cycle-report": ConsolePage("/reports/sales-cycle", "Sales cycle", ("Download CSV", "Show")),
    "branch-report": ConsolePage("/reports/branches", "Branch comparison", ("Download CSV", "Show")),
}
# The ids of the records the owner fixture creates, for the paths above.
RECORDS: dict[str, str] = {}


@pytest.fixture(scope="module")
def owner(product: RunningProduct) -> SignedIn:
    """A firm with one account, its contact and opportunity, and a lead, so that lists have rows to check."""
    signed_in = product.new_tenant_owner()

    def create(path: str, body: dict) -> str:
        created = signed_in.call("POST", path, json=body)
        assert created.status_code == 201, created.text
        return created.json()["id"]

    RECORDS["account"] = create("/v1/accounts", {"name": ACCOUNT_NAME, "email": "office@example.hk"})
    RECORDS["contact"] = create(
        "/v1/contacts",
        {
            "account_id": RECORDS["account"],
            "name_en": "Peter Wong",
            "name_zh": "黃大文",
            "is_primary": True,
            "roles": ["decision_maker"],
            "phones": [{"kind": "mobile", "number": "+852 9123 4567"}],
        },
    )
    RECORDS["opportunity"] = create(
        "/v1/opportunities",
        {
            "account_id": RECORDS["account"],
            "name": OPPORTUNITY_NAME,
            "amount": {"amount": "120000.50", "currency": "HKD"},
            "expected_close_date": "2027-03-31",
        },
    )
    create(
        f"/v1/opportunities/{RECORDS['opportunity']}/quotes",
        {"lines": [{"description": "2027 年度審計", "kind": "hours", "quantity": "40", "unit_rate": "1500"}]},
    )
    create(
        "/v1/activities",
        {
            "kind": "call",
            "subject": "報價跟進電話",
            "status": "planned",
            "due_at": "2030-01-15T02:00:00Z",
            "account_id": RECORDS["account"],
            "opportunity_id": RECORDS["opportunity"],
        },
    )
    me = signed_in.call("GET", "/v1/me").json()["user"]["id"]
    create(
        f"/v1/opportunities/{RECORDS['opportunity']}/comments",
        {"body": f"@{OWNER_NAME} {COMMENT_TEXT}", "mentions": [me]},
    )
    RECORDS["lead"] = create("/v1/leads", {"company_name": LEAD_COMPANY, "business_line": "audit"})
    RECORDS["duplicate"] = create("/v1/accounts", {"name": DUPLICATE_NAME})
    companies = f"Company name,Phone Number\n{ACCOUNT_NAME},\n,+852 2999 0000\n港島顧問有限公司,\n"
    RECORDS["import"] = import_file(signed_in, "accounts", "hubspot", "companies.csv", companies.encode())["id"]
    return signed_in


@pytest.fixture
def open_console_page(page: Page, owner: SignedIn) -> Callable[[ConsolePage], Page]:
    def open_page(target: ConsolePage) -> Page:
        if target.signed_in:
            sign_in(page, owner.email, owner.password)
        page.goto(target.path.format(**RECORDS))
        expect(page.get_by_role("heading", level=1, name=target.heading)).to_be_visible()
        for action in target.main_actions:  # rendered, data included, before anything is measured
            expect(page.get_by_text(action, exact=True).first).to_be_visible()
        for text in target.shown:
            expect(page.get_by_text(text, exact=True).first).to_be_visible()
        return page

    return open_page


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(name, open_console_page, axe_source, screenshots):
    # Given a main page of the console, rendered with data
    target = PAGES[name]
    page = open_console_page(target)
    page.add_script_tag(content=axe_source)
    screenshots.take(page, name)
    # When axe-core checks the page (and the dialog it opens)
    found = {target.path: _serious(page.evaluate(_AXE_VIOLATIONS))}
    if target.dialog:
        opener, dialog_name = target.dialog
        page.get_by_role("button", name=opener).click()
        expect(page.get_by_role("dialog", name=dialog_name)).to_be_visible()
        screenshots.take(page, f"{name} dialog")
        found[f"{target.path}: {dialog_name}"] = _serious(page.evaluate(_AXE_VIOLATIONS))
    # Then nothing serious or critical is found
    assert not any(found.values()), f"axe-core violations: {found}"


@pytest.mark.parametrize("name", PAGES)
def test_every_form_field_has_a_label(name, open_console_page):
    # Given a main page of the console (and the dialog it opens)
    target = PAGES[name]
    page = open_console_page(target)
    unlabelled = page.evaluate(_UNLABELLED_FIELDS)
    if target.dialog:
        opener, dialog_name = target.dialog
        page.get_by_role("button", name=opener).click()
        expect(page.get_by_role("dialog", name=dialog_name)).to_be_visible()
        unlabelled += page.evaluate(_UNLABELLED_FIELDS)
    # Then every field a person can fill in has a label
    assert not unlabelled, f"fields without a label on {target.path}: {unlabelled}"


@pytest.mark.parametrize("name", PAGES)
def test_tab_reaches_the_main_actions(name, open_console_page):
    # Given a main page of the console, focus at the start of the document
    target = PAGES[name]
    page = open_console_page(target)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    # When the user presses Tab through the page
    reached: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(_FOCUSED_NAME))
        if all(action in reached for action in target.main_actions):
            break
    # Then every main action got the keyboard focus
    missing = [action for action in target.main_actions if action not in reached]
    assert not missing, f"Tab never reached {missing} on {target.path}; focus went through {reached}"


def test_a_dialog_opens_and_closes_from_the_keyboard(open_console_page):
    # Given the users page, with "Invite user" focused by the keyboard
    page = open_console_page(PAGES["users"])
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(_FOCUSED_NAME) == "Invite user":
            break
    # When the user presses Enter, then Escape
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Invite a user")
    expect(dialog).to_be_visible()
    # Then the focus moved into the dialog, and Escape closes it
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null"), "focus stayed outside"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def _serious(violations: list[dict]) -> list[dict]:
    return [violation for violation in violations if violation["impact"] in ("serious", "critical")]
