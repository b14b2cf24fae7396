"""Two colleagues working on one deal in the console, in Debian's Chromium against the started local runtime.

A salesperson follows their opportunity → the firm's owner comments "@<salesperson> please call the client"
on it, picking the name from the @mention list → the salesperson sees the notification in the bell, opens
it, lands on the opportunity and reads the comment with the mention highlighted; the mention e-mail is in
the local mailbox → they unfollow → the owner assigns them the account with "Assign…", and they are told.
Each step leaves a screenshot under test-artifacts/browser/<test>/.
"""

from playwright.sync_api import Page, expect
from ulid import ULID

from tests.browser.console_session import sign_in
from tests.browser.test_first_session import choose
from tests.running_product import RunningProduct, wait_for

SALES_NAME = "Mary Lam"  # a space in the name: the mention is more than one word
OWNER_NAME = "陳大文"  # RunningProduct.sign_up's owner
OPPORTUNITY_NAME = "2027 年度審計"
ACCOUNT_NAME = "新界物流有限公司"


def test_a_mention_reaches_a_colleague_who_follows_the_deal(
    page: Page, new_context, faults, product: RunningProduct, screenshots
):
    # Given a firm with a salesperson who owns an opportunity
    firm = f"陳氏會計師事務所 {str(ULID().milliseconds)[-6:]}"
    owner = product.sign_in_first_time(product.sign_up(firm=firm).email)
    sales_email = f"sales-{owner.email}"
    invited = owner.call(
        "POST", "/v1/users", json={"email": sales_email, "name": SALES_NAME, "role": "sales", "locale": "en"}
    )
    assert invited.status_code == 201, invited.text
    sales = product.sign_in_first_time(sales_email)
    account = owner.call("POST", "/v1/accounts", json={"name": ACCOUNT_NAME}).json()
    opportunity = owner.call(
        "POST",
        "/v1/opportunities",
        json={
            "name": OPPORTUNITY_NAME,
            "account_id": account["id"],
            "amount": {"amount": "120000", "currency": "HKD"},
            "expected_close_date": "2027-03-31",
            "owner_user_id": invited.json()["id"],
        },
    )
    assert opportunity.status_code == 201, opportunity.text
    opportunity_path = f"/opportunities/{opportunity.json()['id']}"
    following_path = f"/v1{opportunity_path}/followers/me"

    # When the salesperson follows it (in their own browser; `page` is the owner's)
    colleague = faults.watch(new_context()).new_page()
    sign_in(colleague, sales.email, sales.password)
    colleague.goto(opportunity_path)
    discussion = colleague.get_by_test_id("discussion")
    expect(discussion.get_by_text("No comments yet.")).to_be_visible()
    discussion.get_by_role("button", name="Follow", exact=True).click()
    expect(discussion.get_by_role("button", name="Following", exact=True)).to_have_attribute("aria-pressed", "true")
    assert sales.call("GET", following_path).json() == {"following": True}
    screenshots.take(colleague, "following the opportunity")

    # And the owner mentions them in a comment, picking the name from the list
    sign_in(page, owner.email, owner.password)
    page.goto(opportunity_path)
    composer = page.get_by_role("textbox", name="Comment")
    composer.press_sequentially("@Mary")
    page.get_by_role("menuitem", name=SALES_NAME).click()
    composer.press_sequentially("please call the client")
    expect(page.get_by_test_id("comment-mentions")).to_have_text(f"@{SALES_NAME}")
    page.get_by_role("button", name="Post comment").click()
    posted = page.get_by_test_id("comment")
    expect(posted).to_contain_text("please call the client")
    expect(posted.get_by_test_id("mention")).to_have_text(f"@{SALES_NAME}")
    expect(composer).to_have_value("")
    screenshots.take(page, "the comment with its mention")

    # Then the salesperson's bell has the mention, and opening it leads to the opportunity and the comment
    colleague.goto("/accounts")
    bell = colleague.get_by_test_id("notification-bell")
    expect(bell).to_have_accessible_name("Notifications, 1 unread")
    bell.click()
    notice = colleague.get_by_role("button", name=f"{OWNER_NAME} mentioned you on {OPPORTUNITY_NAME}")
    screenshots.take(colleague, "the mention in the bell")
    notice.click()
    expect(colleague).to_have_url(f"{product.base_url}{opportunity_path}")
    expect(colleague.get_by_role("heading", level=1, name=OPPORTUNITY_NAME)).to_be_visible()
    comment = colleague.get_by_test_id("comment")
    expect(comment).to_contain_text(OWNER_NAME)
    expect(comment).to_contain_text("please call the client")
    expect(comment.get_by_test_id("mention")).to_have_text(f"@{SALES_NAME}")
    expect(bell).to_have_accessible_name("Notifications, 0 unread")
    screenshots.take(colleague, "the comment the notification led to")

    # And the mention was e-mailed to them, with the comment's words
    subject = f"{OWNER_NAME} mentioned you on {OPPORTUNITY_NAME}"
    mail = wait_for(
        lambda: next(
            (m for m in product.mailbox() if sales.email in str(m.get("to")) and m.get("subject") == subject), None
        ),
        30,
        f"the mention e-mail to {sales.email}",
    )
    assert "please call the client" in mail["text"]

    # When they unfollow / Then the record says so, and so does the API
    discussion = colleague.get_by_test_id("discussion")
    discussion.get_by_role("button", name="Following", exact=True).click()
    expect(discussion.get_by_role("button", name="Follow", exact=True)).to_have_attribute("aria-pressed", "false")
    assert sales.call("GET", following_path).json() == {"following": False}
    screenshots.take(colleague, "no longer following")

    # When the owner gives them the account from its page, in one dialog
    page.goto(f"/accounts/{account['id']}")
    page.get_by_role("button", name="Assign…").click()
    assign = page.get_by_role("dialog", name=f"Assign {ACCOUNT_NAME}")
    choose(page, assign.get_by_role("combobox", name="Assign to"), SALES_NAME)
    assign.get_by_role("button", name="Assign", exact=True).click()
    expect(assign).to_be_hidden()
    expect(page.get_by_test_id("account-responsible")).to_have_text(SALES_NAME)
    screenshots.take(page, "the account assigned")

    # Then they are told it is theirs (from the table stream, a moment later), in the bell
    wait_for(
        lambda: any(n["kind"] == "record.assigned" for n in sales.call("GET", "/v1/notifications").json()["items"]),
        30,
        "the assignment notification",
    )
    colleague.reload()
    colleague.get_by_test_id("notification-bell").click()
    colleague.get_by_role("button", name=f"Assigned to you: {ACCOUNT_NAME}").click()
    expect(colleague).to_have_url(f"{product.base_url}/accounts/{account['id']}")
