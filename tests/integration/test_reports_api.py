"""Reports through the API: records written through the API, the stream processed by the events function,
then the report routes answer from the rollups."""

import datetime as dt

import pytest
from ulid import ULID

from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - pytest fixture
from tests.integration.test_record_visibility import Firm

THIS_MONTH = dt.datetime.now(dt.UTC).strftime("%Y-%m")


def _process(stream) -> None:
    """Feeds every new stream record to the events function until the stream has nothing new."""
    while records := stream.new_records():
        assert run_events_function(records) == {"batchItemFailures": []}


def _opportunity(api, account_id: str, amount: str, **extra) -> dict:
    body = {
        "name": "年度審計",
        "account_id": account_id,
        "amount": {"amount": amount, "currency": "HKD"},
        "expected_close_date": "2027-06-30",
        **extra,
    }
    status, _, created = api.call("POST", "/v1/opportunities", body)
    assert status == 201, created
    return created


def _move(api, opportunity: dict, *stages: str, lost_reason: str | None = None) -> dict:
    for stage in stages:
        body = {"stage": stage} | ({"lost_reason": lost_reason} if stage == "lost" else {})
        status, _, opportunity = api.call(
            "POST",
            f"/v1/opportunities/{opportunity['id']}/stage",
            body,
            headers={"If-Match": f'"{opportunity["version"]}"'},
        )
        assert status == 200, opportunity
    return opportunity


@pytest.fixture
def sales_data(api, pipeline):  # noqa: F811
    """Two branches' accounts; four opportunities (won, lost, two open), three leads; the stream processed twice."""
    stream, _ = pipeline
    _, _, central = api.call("POST", "/v1/accounts", {"name": "中環會計", "branch": "Central"})
    _, _, kowloon = api.call("POST", "/v1/accounts", {"name": "九龍貿易", "branch": "Kowloon"})
    won = _move(api, _opportunity(api, central["id"], "100000", business_line="audit"), "qualified", "proposal", "won")
    _move(api, _opportunity(api, kowloon["id"], "5000", business_line="tax"), "qualified", "lost", lost_reason="價格")
    _move(api, _opportunity(api, kowloon["id"], "7000", business_line="tax"), "qualified")
    _opportunity(api, central["id"], "3000.50", business_line="audit")
    leads = []
    for region, branch in (("Hong Kong", "Central"), ("Hong Kong", None), ("Shenzhen", "Kowloon")):
        body = {"company_name": "深圳科技", "region": region} | ({"branch": branch} if branch else {})
        status, _, lead = api.call("POST", "/v1/leads", body)
        assert status == 201 and lead.get("branch") == branch, lead
        leads.append(lead)
    records = stream.new_records()
    # A redelivered batch and a late duplicate of the first records change nothing
    assert run_events_function(records) == {"batchItemFailures": []}
    assert run_events_function(records) == {"batchItemFailures": []}
    assert run_events_function(records[:5]) == {"batchItemFailures": []}
    _process(stream)
    return {"won": won, "leads": leads}


def test_reports_show_the_processed_stream(api, pipeline, sales_data):  # noqa: F811
    query = {"from": THIS_MONTH, "to": THIS_MONTH}
    # Funnel: counts and amounts by stage, conversion from the stage histories, where and why lost
    status, _, report = api.call("GET", "/v1/reports/funnel", query=query)
    assert status == 200, report
    assert report["from"] == THIS_MONTH and report["opportunities"] == 4
    stages = {stage["key"]: stage for stage in report["stages"]}
    assert list(stages) == ["lead-in", "qualified", "proposal", "negotiation", "won", "lost"]
    assert stages["lead-in"]["count"] == 1 and stages["lead-in"]["amounts"] == [
        {"amount": "3000.50", "currency": "HKD"}
    ]
    assert stages["qualified"]["count"] == 1 and stages["won"]["count"] == 1 and stages["lost"]["count"] == 1
    assert stages["won"]["amounts"] == [{"amount": "100000.00", "currency": "HKD"}]
    assert [stages[key]["reached"] for key in ("lead-in", "qualified", "proposal", "won")] == [4, 3, 1, 1]
    assert stages["lead-in"]["conversion_to_next"] == 0.75
    assert stages["qualified"]["conversion_to_next"] == round(1 / 3, 4)
    assert stages["qualified"]["lost_here"] == 1
    assert report["lost_reasons"] == [{"reason": "價格", "count": 1}]
    assert stages["lead-in"]["names"]["zh-Hant"] == "潛在商機"

    # Filters: each reads its own rollup partition; one at a time
    _, _, tax = api.call("GET", "/v1/reports/funnel", query=query | {"business_line": "tax"})
    assert tax["opportunities"] == 2 and tax["filter"]["business_line"] == "tax"
    _, _, central = api.call("GET", "/v1/reports/funnel", query=query | {"branch": "Central"})
    assert central["opportunities"] == 2
    status, _, body = api.call("GET", "/v1/reports/funnel", query=query | {"branch": "Central", "business_line": "tax"})
    assert status == 422 and body["errors"][0]["field"] == "branch"
    _, _, last_year = api.call("GET", "/v1/reports/funnel", query={"from": "2020-01", "to": "2020-12"})
    assert last_year["opportunities"] == 0

    # Lead conversion by region
    _, _, conversion = api.call("GET", "/v1/reports/lead-conversion", query=query)
    regions = {row["region"]: row for row in conversion["by_region"]}
    assert regions["Hong Kong"]["leads"] == 2 and regions["Shenzhen"]["leads"] == 1
    assert regions["Hong Kong"]["converted"] == 0 and regions["Hong Kong"]["conversion_rate"] == 0.0
    assert {row["period"] for row in conversion["by_month"]} == {THIS_MONTH}

    # Sales cycle by business line and owner
    _, _, cycle = api.call("GET", "/v1/reports/sales-cycle", query=query)
    assert cycle["overall"]["won"] == 1 and cycle["overall"]["average_days"] >= 0
    assert [(row["business_line"], row["won"]) for row in cycle["by_business_line"]] == [("audit", 1)]
    assert [(row["owner_user_id"], row["won"]) for row in cycle["by_owner"]] == [(api.principal_id, 1)]

    # Branches: this period vs the same months a year earlier
    _, _, branches = api.call("GET", "/v1/reports/branches", query=query)
    rows = {row["branch"]: row for row in branches["branches"]}
    assert rows["Central"]["current"]["won_count"] == 1
    assert rows["Central"]["current"]["won_amounts"] == [{"amount": "100000.00", "currency": "HKD"}]
    assert rows["Central"]["previous_year"] == {"won_count": 0, "won_amounts": [], "new_leads": 0}
    # New leads per branch: their own branch; a lead without one stays under "no branch"
    assert [rows[branch]["current"]["new_leads"] for branch in ("Central", "Kowloon", None)] == [1, 1, 1]
    assert branches["previous_from"] == f"{int(THIS_MONTH[:4]) - 1}{THIS_MONTH[4:]}"

    # CSV download
    status, headers, text = _raw(api, "/v1/reports/funnel", query | {"format": "csv"})
    assert status == 200 and headers["Content-Type"][0].startswith("text/csv")
    assert headers["Content-Disposition"] == [f'attachment; filename="funnel-{THIS_MONTH}-{THIS_MONTH}.csv"']
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "section,key,name,kind,count,amounts,reached,conversion_to_next,lost_here"
    assert "stage,won,Won,won,1,100000.00 HKD,1,,0" in lines and "lost_reason,價格,,,1,,,," in lines

    # Reopening the won opportunity and deleting a lead move the figures back
    stream, _ = pipeline
    won = sales_data["won"]
    status, _, reopened = api.call(
        "POST",
        f"/v1/opportunities/{won['id']}/stage",
        {"stage": "negotiation", "reopen": True},
        headers={"If-Match": f'"{won["version"]}"'},
    )
    assert status == 200, reopened
    _process(stream)
    _, _, cycle = api.call("GET", "/v1/reports/sales-cycle", query=query)
    assert cycle["overall"] == {"won": 0, "average_days": None}
    _, _, report = api.call("GET", "/v1/reports/funnel", query=query)
    stages = {stage["key"]: stage for stage in report["stages"]}
    assert stages["won"]["count"] == 0 and stages["negotiation"]["count"] == 1 and stages["won"]["reached"] == 1


def test_sales_see_their_own_figures_only(api, sales_data):
    query = {"from": THIS_MONTH, "to": THIS_MONTH}
    # The owner of the four opportunities, as a sales user, sees their four
    status, _, own = api.call("GET", "/v1/reports/funnel", query=query, role="sales")
    assert status == 200 and own["opportunities"] == 4 and own["filter"]["owner_user_id"] == api.principal_id
    # Another sales user sees their own (none), and may not ask for someone else's or a branch's
    other = {"tenant_id": api.tenant_id, "principal_id": str(ULID()), "kind": "user", "role": "sales"}
    status, _, theirs = api.call("GET", "/v1/reports/funnel", query=query, authorizer=other)
    assert status == 200 and theirs["opportunities"] == 0
    owner_query = query | {"owner_user_id": api.principal_id}
    assert api.call("GET", "/v1/reports/funnel", query=owner_query, authorizer=other)[0] == 403
    assert api.call("GET", "/v1/reports/branches", query=query | {"branch": "Central"}, authorizer=other)[0] == 403
    # Staff have no reports; finance read the firm's
    assert api.call("GET", "/v1/reports/funnel", query=query, role="staff")[0] == 403
    status, _, finance = api.call("GET", "/v1/reports/funnel", query=query, role="finance")
    assert status == 200 and finance["opportunities"] == 4


def test_a_lead_moved_to_another_branch_moves_its_new_lead_figure(api, pipeline, sales_data):  # noqa: F811
    stream, _ = pipeline
    query = {"from": THIS_MONTH, "to": THIS_MONTH}
    lead = sales_data["leads"][1]  # no branch yet
    status, _, moved = api.call(
        "PATCH", f"/v1/leads/{lead['id']}", {"branch": "Central"}, headers={"If-Match": f'"{lead["version"]}"'}
    )
    assert status == 200 and moved["branch"] == "Central", moved
    _process(stream)
    _, _, branches = api.call("GET", "/v1/reports/branches", query=query)
    rows = {row["branch"]: row["current"]["new_leads"] for row in branches["branches"]}
    assert rows["Central"] == 2 and rows.get(None, 0) == 0


def test_managers_and_sales_see_their_team_figures(api, pipeline):  # noqa: F811
    stream, _ = pipeline
    firm = Firm(api)
    firm.add("alice", "sales", "Audit HK")
    firm.add("bob", "sales", "Audit HK")
    firm.add("mary", "manager", "audit hk")
    firm.add("tom", "manager", "Tax")
    firm.add("solo", "sales", None)
    for name, amount in (("alice", "1000"), ("bob", "2000"), ("solo", "500")):
        status, _, account = firm.call(name, "POST", "/v1/accounts", {"name": f"{name} 有限公司", "branch": "Central"})
        assert status == 201, account
        body = {"name": "審計", "account_id": account["id"], "amount": {"amount": amount, "currency": "HKD"}}
        status, _, created = firm.call(name, "POST", "/v1/opportunities", body | {"expected_close_date": "2027-06-30"})
        assert status == 201, created
    _process(stream)
    query = {"from": THIS_MONTH, "to": THIS_MONTH}

    def funnel(name: str, **extra: str) -> tuple[int, dict]:
        status, _, report = firm.call(name, "GET", "/v1/reports/funnel", query=query | extra)
        return status, report

    # The team's manager and members see the team's two, by default
    for name in ("mary", "alice"):
        status, report = funnel(name)
        assert status == 200 and report["opportunities"] == 2 and report["filter"]["team"], (name, report)
    status, report = funnel("bob", team="AUDIT HK")
    assert status == 200 and report["opportunities"] == 2
    # ...or their own only; never another team's, another owner's or a branch's
    status, report = funnel("alice", owner_user_id=firm.users["alice"]["id"])
    assert status == 200 and report["opportunities"] == 1
    assert funnel("tom")[1]["opportunities"] == 0
    assert funnel("tom", team="Audit HK")[0] == 403
    assert funnel("alice", owner_user_id=firm.users["bob"]["id"])[0] == 403
    assert funnel("mary", branch="Central")[0] == 403
    # Without a team, one's own
    status, report = funnel("solo")
    assert (
        status == 200 and report["opportunities"] == 1 and report["filter"]["owner_user_id"] == firm.users["solo"]["id"]
    )
    # Owners see everyone and filter by any team
    _, _, everyone = api.call("GET", "/v1/reports/funnel", query=query)
    assert everyone["opportunities"] == 3
    _, _, audit = api.call("GET", "/v1/reports/funnel", query=query | {"team": "Audit HK"})
    assert audit["opportunities"] == 2
    status, _, text = _raw(api, "/v1/reports/branches", query | {"team": "audit hk", "format": "csv"})
    assert status == 200 and text.lstrip("\ufeff").splitlines()[0].startswith("branch,won_count")


def _raw(api, path: str, query: dict):
    from functions.api.contexts.data import lambda_handler
    from tests.integration.conftest import LambdaContextStub, rest_event

    authorizer = {"tenant_id": api.tenant_id, "principal_id": api.principal_id, "kind": "user", "role": "owner"}
    response = lambda_handler(rest_event("GET", path, query=query, authorizer=authorizer), LambdaContextStub())
    return response["statusCode"], response["multiValueHeaders"], response["body"]
