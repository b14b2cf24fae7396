"""Record visibility over the whole API function: one firm, two teams (Audit, Tax), every role on
get / list / update of accounts, contacts, leads and opportunities."""

import email.utils
import uuid

import boto3
import pytest

from servicejob.config import get_settings
from servicejob.tenancy.context import system_context
from tests.integration.test_audit_trail import BusQueue, TableStream, run_events_function

TYPES = ["accounts", "contacts", "leads", "opportunities"]
RENAMES = {
    "accounts": {"name": "Renamed Ltd"},
    "contacts": {"name_en": "Renamed"},
    "leads": {"company_name": "Renamed Ltd"},
    "opportunities": {"name": "Renamed deal"},
}


class Firm:
    """One tenant's users, each able to call the API as the authorizer would let them (role and team
    from their user record)."""

    def __init__(self, api):
        self.api = api
        self.users: dict[str, dict] = {}

    def add(self, name: str, role: str, team: str | None) -> dict:
        from functions.api.wiring import dependencies

        user_id = str(uuid.uuid4())  # a Cognito sub
        fields = {"email": f"{name}-{user_id}@example.com".lower(), "name": name, "role": role}
        dependencies().users.add(
            system_context(self.api.tenant_id, "test"), user_id, fields | {"status": "active", "locale": "en"}
        )
        if team is not None:  # an owner puts them in their team through the API
            status, _, user = self.api.call(
                "PATCH", f"/v1/users/{user_id}", {"team": team}, headers={"If-Match": '"1"'}
            )
            assert status == 200 and user["team"] == team, user
        self.users[name] = {"id": user_id, "role": role, "team": team}
        return self.users[name]

    def call(self, name: str, method: str, path: str, body=None, headers=None, query=None):
        if name == "integration":
            authorizer = {
                "tenant_id": self.api.tenant_id,
                "principal_id": "key-1",
                "kind": "apikey",
                "scopes": "accounts:read,contacts:read,leads:read,opportunities:read",
            }
        else:
            user = self.users[name]
            authorizer = {"tenant_id": self.api.tenant_id, "principal_id": user["id"], "kind": "user"}
            authorizer |= {"role": user["role"]} | ({"team": user["team"]} if user["team"] else {})
        return self.api.call(method, path, body, headers=headers, query=query, authorizer=authorizer)

    def create_records(self, name: str) -> dict[str, dict]:
        """An account with a contact, a lead and an opportunity, made by `name` (who owns them)."""
        _, _, account = self.created(name, "/v1/accounts", {"name": f"{name} client"})
        _, _, contact = self.created(name, "/v1/contacts", {"account_id": account["id"], "name_en": f"{name} contact"})
        _, _, lead = self.created(name, "/v1/leads", {"company_name": f"{name} prospect"})
        _, _, opportunity = self.created(
            name,
            "/v1/opportunities",
            {
                "name": f"{name} deal",
                "account_id": account["id"],
                "amount": {"amount": "1000", "currency": "HKD"},
                "expected_close_date": "2027-03-31",
            },
        )
        return {"accounts": account, "contacts": contact, "leads": lead, "opportunities": opportunity}

    def created(self, name: str, path: str, body: dict):
        status, headers, record = self.call(name, "POST", path, body)
        assert status == 201, record
        return status, headers, record

    def listed_ids(self, name: str, path: str, query: dict | None = None) -> set[str]:
        status, _, page = self.call(name, "GET", path, query=query)
        assert status == 200, page
        return {record["id"] for record in page["items"]}


@pytest.fixture
def firm(api, monkeypatch) -> Firm:
    settings = get_settings()  # a reassignment e-mails the new owner
    monkeypatch.setenv("MOTO_ALLOW_NONEXISTENT_REGION", "true")  # moto lists no SES in ap-east-1
    ses = boto3.client("ses", region_name=settings.mail_region or settings.region)
    ses.verify_email_identity(EmailAddress=email.utils.parseaddr(settings.mail_from)[1])
    firm = Firm(api)
    firm.add("amy", "sales", "Audit HK")
    firm.add("ann", "sales", "Audit HK")
    firm.add("tom", "sales", "Tax")
    firm.add("max", "manager", "Audit HK")
    firm.add("sam", "staff", "Tax")
    firm.add("pat", "partner", None)
    firm.add("fay", "finance", None)
    firm.add("ada", "admin", None)
    firm.add("solo", "sales", None)
    return firm


# Who sees amy's (Audit HK) and tom's (Tax) records, and who may change them.
EXPECTED = {
    # name: (sees amy's, sees tom's, may write)
    "amy": (True, False, True),
    "ann": (True, False, True),
    "max": (True, False, True),
    "tom": (False, True, True),
    "sam": (False, True, False),
    "pat": (True, True, True),
    "fay": (True, True, False),
    "ada": (True, True, True),
    "solo": (False, False, True),
    "integration": (True, True, False),
}


@pytest.mark.parametrize("caller", list(EXPECTED))
def test_each_role_gets_lists_and_updates_exactly_the_records_of_its_scope(firm, caller):
    # Given records made by a sales user of Audit HK and by one of Tax
    records = {"amy": firm.create_records("amy"), "tom": firm.create_records("tom")}
    sees = dict(zip(("amy", "tom"), EXPECTED[caller][:2], strict=True))
    may_write = EXPECTED[caller][2]
    for record_type in TYPES:
        listed = firm.listed_ids(caller, f"/v1/{record_type}")
        for maker, visible in sees.items():
            record = records[maker][record_type]
            path = f"/v1/{record_type}/{record['id']}"
            # When the caller reads it / Then it is there, or it is 404 like another tenant's record
            status, _, body = firm.call(caller, "GET", path)
            assert status == (200 if visible else 404), (caller, path, body)
            # And the list holds it exactly when the record is visible
            assert (record["id"] in listed) is visible, (caller, record_type, maker)
            # And an update succeeds when visible to a role that writes; an invisible record is 404 to it.
            # A role (or key) that writes nothing is refused before any record is read: 403 says nothing.
            status, _, body = firm.call(
                caller, "PATCH", path, RENAMES[record_type], headers={"If-Match": f'"{record["version"]}"'}
            )
            expected = (200 if visible else 404) if may_write else 403
            assert status == expected, (caller, path, body)
            if status == 200:
                record["version"] = body["version"]


def test_a_team_scoped_search_and_an_accounts_children_show_only_the_callers_team(firm):
    amys, toms = firm.create_records("amy"), firm.create_records("tom")
    # Tom's opportunity on amy's account (he was asked to quote) stays out of amy's team's view
    status, _, tax_deal = firm.call(
        "ada",
        "POST",
        "/v1/opportunities",
        {
            "name": "tax deal",
            "account_id": amys["accounts"]["id"],
            "amount": {"amount": "5", "currency": "HKD"},
            "expected_close_date": "2027-03-31",
            "owner_user_id": firm.users["tom"]["id"],
        },
    )
    assert status == 201, tax_deal
    children = f"/v1/accounts/{amys['accounts']['id']}/opportunities"
    assert firm.listed_ids("ann", children) == {amys["opportunities"]["id"]}
    assert firm.listed_ids("ada", children) == {amys["opportunities"]["id"], tax_deal["id"]}
    # And a name search by a teammate finds amy's prospect and not tom's
    assert firm.listed_ids("ann", "/v1/leads", {"q": "amy"}) == {amys["leads"]["id"]}
    assert firm.listed_ids("ann", "/v1/leads", {"q": "tom"}) == set()
    assert firm.listed_ids("tom", "/v1/leads", {"q": "tom"}) == {toms["leads"]["id"]}
    # And tom cannot reach amy's account's children at all
    assert firm.call("tom", "GET", children)[0] == 404


def test_a_teams_list_pages_through_its_records_with_one_query_per_page(firm, dynamodb_calls):
    made = {firm.created("amy", "/v1/leads", {"company_name": f"lead {n}"})[2]["id"] for n in range(3)}
    firm.created("ann", "/v1/leads", {"company_name": "ann's"})
    firm.created("tom", "/v1/leads", {"company_name": "tom's"})
    seen: list[str] = []
    cursor = None
    dynamodb_calls.reset()
    pages = 0
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        status, _, page = firm.call("max", "GET", "/v1/leads", query=query)
        assert status == 200, page
        pages += 1
        seen += [lead["id"] for lead in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    # Then the manager walked exactly the four Audit HK leads, newest first, one Query per page
    assert len(seen) == len(set(seen)) == 4 and made <= set(seen)
    assert seen == sorted(seen, reverse=True)
    assert dynamodb_calls.calls["Query"] == pages and dynamodb_calls.calls["Scan"] == 0


def test_a_reassigned_record_moves_to_its_new_owners_team(firm):
    lead = firm.created("amy", "/v1/leads", {"company_name": "handover"})[2]
    # When amy hands her lead to tom of Tax
    status, _, moved = firm.call(
        "amy",
        "PATCH",
        f"/v1/leads/{lead['id']}",
        {"owner_user_id": firm.users["tom"]["id"]},
        headers={"If-Match": '"1"'},
    )
    assert status == 200, moved
    # Then Tax sees it and Audit HK no longer does, in gets and lists alike
    assert firm.call("tom", "GET", f"/v1/leads/{lead['id']}")[0] == 200
    assert firm.call("sam", "GET", f"/v1/leads/{lead['id']}")[0] == 200
    assert lead["id"] in firm.listed_ids("tom", "/v1/leads")
    assert firm.call("amy", "GET", f"/v1/leads/{lead['id']}")[0] == 404
    assert lead["id"] not in firm.listed_ids("ann", "/v1/leads")


def test_an_admin_assigning_an_account_to_a_tax_user_shows_it_to_tax_only(firm):
    account = firm.created("ada", "/v1/accounts", {"name": "Assigned", "responsible_user_id": firm.users["tom"]["id"]})[
        2
    ]
    assert firm.call("sam", "GET", f"/v1/accounts/{account['id']}")[0] == 200
    assert firm.call("amy", "GET", f"/v1/accounts/{account['id']}")[0] == 404
    # And amy cannot attach a contact to it: the account is not hers to see
    status, _, problem = firm.call("amy", "POST", "/v1/contacts", {"account_id": account["id"], "name_en": "X"})
    assert status in (404, 422) and status != 201, problem


@pytest.fixture
def table_stream(aws):
    """The table's stream, for the events function (rebuilt in this moto) to process."""
    from functions.events import handler as events_function

    events_function.dependencies.cache_clear()
    BusQueue()
    yield TableStream()
    events_function.dependencies.cache_clear()


def test_a_user_who_changes_team_takes_their_records_along(firm, table_stream):
    # Given amy's records, seen by her Audit HK team
    stream = table_stream
    amys = firm.create_records("amy")
    # When an owner moves amy to Tax, and the events function processes the table stream
    status, _, user = firm.api.call(
        "PATCH", f"/v1/users/{firm.users['amy']['id']}", {"team": "Tax"}, headers={"If-Match": '"2"'}
    )
    assert status == 200 and user["team"] == "Tax", user
    firm.users["amy"]["team"] = "Tax"  # as the authorizer reads it from her record
    assert run_events_function(stream.new_records()) == {"batchItemFailures": []}
    # Then Tax sees her records and Audit HK no longer does, and no record's version moved
    for record_type, record in amys.items():
        path = f"/v1/{record_type}/{record['id']}"
        status, _, seen = firm.call("sam", "GET", path)
        assert status == 200 and seen["version"] == record["version"], (record_type, seen)
        assert record["id"] in firm.listed_ids("tom", f"/v1/{record_type}")
        assert firm.call("amy", "GET", path)[0] == 200
        assert firm.call("ann", "GET", path)[0] == 404
        assert record["id"] not in firm.listed_ids("max", f"/v1/{record_type}")


def test_each_role_gets_lists_and_updates_exactly_the_activities_of_its_scope(firm):
    # Given a call amy (Audit HK) plans on her account and one tom (Tax) plans on his
    activities, timelines = {}, {}
    for maker in ("amy", "tom"):
        account = firm.created(maker, "/v1/accounts", {"name": f"{maker} client"})[2]
        body = {
            "kind": "call",
            "subject": f"{maker} calls",
            "due_at": "2027-01-04T02:00:00Z",
            "account_id": account["id"],
        }
        activities[maker] = firm.created(maker, "/v1/activities", body)[2]
        timelines[maker] = f"/v1/accounts/{account['id']}/activities"
    for caller, (sees_amys, sees_toms, may_write) in EXPECTED.items():
        if caller == "integration":
            continue  # its key holds no activities scope
        listed = firm.listed_ids(caller, "/v1/activities")
        for maker, visible in (("amy", sees_amys), ("tom", sees_toms)):
            activity = activities[maker]
            path = f"/v1/activities/{activity['id']}"
            # Then a get, the list and the account's timeline show it exactly when it is in scope
            assert firm.call(caller, "GET", path)[0] == (200 if visible else 404), (caller, maker)
            assert (activity["id"] in listed) is visible, (caller, maker)
            if visible:
                assert activity["id"] in firm.listed_ids(caller, timelines[maker]), (caller, maker)
            # And completing it is allowed in scope to roles that write, 404 out of scope, 403 without writes
            status, _, body = firm.call(
                caller, "PATCH", path, {"subject": "called back"}, headers={"If-Match": f'"{activity["version"]}"'}
            )
            assert status == ((200 if visible else 404) if may_write else 403), (caller, maker, body)
            if status == 200:
                activity["version"] = body["version"]


def test_converting_a_lead_into_another_teams_account_is_refused_like_a_missing_one(firm):
    amys, toms = firm.create_records("amy"), firm.create_records("tom")
    opportunity = {"name": "deal", "amount": {"amount": "1", "currency": "HKD"}, "expected_close_date": "2027-03-31"}
    # When amy converts her lead into tom's account, which she does not see
    status, _, problem = firm.call(
        "amy",
        "POST",
        f"/v1/leads/{amys['leads']['id']}/convert",
        {"account": {"account_id": toms["accounts"]["id"]}, "opportunity": opportunity},
    )
    # Then it is answered as for an account that does not exist, and nothing is written
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["account.account_id"], problem
    assert firm.call("amy", "GET", f"/v1/leads/{amys['leads']['id']}")[2]["version"] == 1
    assert firm.listed_ids("ada", f"/v1/accounts/{toms['accounts']['id']}/opportunities") == {
        toms["opportunities"]["id"]
    }


def test_the_transactions_own_account_check_refuses_an_account_out_of_the_callers_scope(firm):
    """The conversion reads the account first; the transaction checks again, so an account handed to
    another team between that read and the write still writes nothing."""
    from servicejob.auth.permissions import Role
    from servicejob.dal.accounts import ACCOUNT_KIND
    from servicejob.dal.entity_store import EntityStore
    from servicejob.dal.leads import LEAD_KIND
    from servicejob.dal.pagination import CursorCodec
    from servicejob.dal.tenant_access import TenantClients
    from servicejob.dal.unit_of_work import TransactionRefused, UnitOfWork
    from servicejob.tenancy.context import PrincipalKind, TenantContext

    toms = firm.create_records("tom")
    amy = firm.users["amy"]
    ctx = TenantContext(firm.api.tenant_id, amy["id"], PrincipalKind.USER, role=Role.SALES, team=amy["team"])
    settings = get_settings()
    clients, cursors = TenantClients(settings), CursorCodec(b"test")
    work = UnitOfWork(clients, ctx)
    work.require_exists(
        "account", EntityStore(clients, ACCOUNT_KIND, settings.table_name, cursors), toms["accounts"]["id"]
    )
    work.create(
        "lead",
        EntityStore(clients, LEAD_KIND, settings.table_name, cursors),
        "01" + "B" * 24,
        {"company_name": "never written", "source": "web", "status": "new"},
    )
    with pytest.raises(TransactionRefused) as refused:
        work.commit()
    assert list(refused.value.failed) == ["account"]
    assert firm.call("ada", "GET", f"/v1/leads/{'01' + 'B' * 24}")[0] == 404


def merge(firm, caller, survivor, duplicate):
    body = {"duplicate_id": duplicate["id"], "survivor_version": 1, "duplicate_version": 1}
    return firm.call(caller, "POST", f"/v1/accounts/{survivor['id']}/merge", body)


def test_a_team_scoped_merge_moves_every_child_and_each_stays_with_its_owners_team(firm):
    # Given two of amy's accounts; the duplicate also holds a contact and a deal that Tax (tom) owns
    survivor = firm.created("amy", "/v1/accounts", {"name": "Survivor Ltd"})[2]
    duplicate = firm.created("amy", "/v1/accounts", {"name": "Survivor Limited"})[2]
    amys_contact = firm.created("amy", "/v1/contacts", {"account_id": duplicate["id"], "name_en": "Amy's"})[2]
    toms_contact = firm.created(
        "ada",
        "/v1/contacts",
        {"account_id": duplicate["id"], "name_en": "Tom's", "responsible_user_id": firm.users["tom"]["id"]},
    )[2]
    toms_deal = firm.created(
        "ada",
        "/v1/opportunities",
        {
            "name": "tax deal",
            "account_id": duplicate["id"],
            "amount": {"amount": "5", "currency": "HKD"},
            "expected_close_date": "2027-03-31",
            "owner_user_id": firm.users["tom"]["id"],
        },
    )[2]
    # When amy merges the duplicate into the survivor
    status, _, result = merge(firm, "amy", survivor, duplicate)
    # Then every child moved, hers and Tax's alike, and nobody's view of a child changed
    assert status == 200, result
    assert result["moved"] == {"contact": 2, "opportunity": 1}
    contacts = f"/v1/accounts/{survivor['id']}/contacts"
    assert firm.listed_ids("amy", contacts) == {amys_contact["id"]}
    assert firm.listed_ids("ada", contacts) == {amys_contact["id"], toms_contact["id"]}
    status, _, deal = firm.call("tom", "GET", f"/v1/opportunities/{toms_deal['id']}")
    assert status == 200 and deal["account_id"] == survivor["id"]
    assert firm.call("amy", "GET", f"/v1/opportunities/{toms_deal['id']}")[0] == 404
    # And the merged-away account has left her team's list as well as the gets
    assert duplicate["id"] not in firm.listed_ids("ann", "/v1/accounts")
    assert firm.call("amy", "GET", f"/v1/accounts/{duplicate['id']}")[0] == 404


def test_a_merge_involving_an_account_out_of_the_callers_scope_writes_nothing(firm):
    amys, toms = firm.create_records("amy"), firm.create_records("tom")
    # Into tom's account: the survivor is not hers to see, 404
    status, _, problem = merge(firm, "amy", toms["accounts"], amys["accounts"])
    assert status == 404, problem
    # Tom's account into hers: the duplicate is answered as one that does not exist, 422 naming it
    status, _, problem = merge(firm, "amy", amys["accounts"], toms["accounts"])
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["duplicate_id"], problem
    # And both accounts are as they were
    for account in (amys["accounts"], toms["accounts"]):
        status, _, seen = firm.call("ada", "GET", f"/v1/accounts/{account['id']}")
        assert status == 200 and seen["version"] == 1 and seen.get("merging_into") is None, seen
