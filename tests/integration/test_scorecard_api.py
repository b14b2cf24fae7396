"""Customer value scorecard over the whole API function and the events function, on in-process moto."""

from tests.integration.test_audit_trail import pipeline, run_events_function  # noqa: F401 - pytest fixture


def factor(key, weight):
    return {"key": key, "label_en": key, "label_zh_hant": key, "label_zh_hans": key, "weight": weight}


TIERS = {"A": "80", "B": "60", "C": "40"}


def scored_account(api, name, scores):
    status, _, account = api.call("POST", "/v1/accounts", {"name": name})
    assert status == 201
    status, headers, scored = api.call(
        "PUT", f"/v1/accounts/{account['id']}/scorecard", {"scores": scores}, headers={"If-Match": '"1"'}
    )
    assert status == 200, scored
    return scored


def listed(api, **query):
    status, _, page = api.call("GET", "/v1/accounts", query=query)
    assert status == 200, page
    return [(account["name"], account["scorecard"]["score"], account["scorecard"]["tier"]) for account in page["items"]]


def test_settings_default_then_refuse_weights_not_summing_to_100(api):
    status, headers, settings = api.call("GET", "/v1/sales-settings/scorecard")
    assert status == 200 and headers["ETag"] == '"1"'
    assert sum(f["weight"] for f in settings["factors"]) == 100 and settings["tiers"] == {
        "A": "80",
        "B": "60",
        "C": "40",
    }
    assert settings["factors"][0]["label_zh_hant"] == "收入潛力"
    body = {"factors": [factor("size", 50), factor("fit", 40)], "tiers": TIERS}
    status, _, problem = api.call("PUT", "/v1/sales-settings/scorecard", body, headers={"If-Match": '"1"'})
    assert status == 422 and [e["field"] for e in problem["errors"]] == ["factors"]
    assert "sum to 90" in problem["errors"][0]["message"]
    # Nothing changed
    assert api.call("GET", "/v1/sales-settings/scorecard")[1]["ETag"] == '"1"'
    # Sales staff may read the scorecard but not change it
    assert (
        api.call(
            "PUT",
            "/v1/sales-settings/scorecard",
            body | {"factors": [factor("x", 100)]},
            headers={"If-Match": '"1"'},
            role="sales",
        )[0]
        == 403
    )


def test_scores_give_score_and_tier_and_lists_sort_and_filter_by_them(api):
    api.call("GET", "/v1/sales-settings/scorecard")  # the defaults: revenue_potential 40, relationship 30, fit 30
    high = scored_account(api, "High", {"revenue_potential": "9", "relationship": "8", "strategic_fit": "9.5"})
    assert high["scorecard"]["score"] == "88.5" and high["scorecard"]["tier"] == "A" and high["version"] == 2
    scored_account(api, "Middle", {"revenue_potential": "7", "relationship": "6"})  # 28 + 18 = 46 → C
    scored_account(api, "Upper", {"revenue_potential": "8", "relationship": "8", "strategic_fit": "6"})  # 74 → B
    scored_account(api, "Low", {"relationship": "2.5"})  # 7.5 → D
    api.call("POST", "/v1/accounts", {"name": "Unscored"})
    # Sorted by score, highest first, and back; unscored accounts are not on the score ordering
    by_score = [("High", "88.5", "A"), ("Upper", "74.0", "B"), ("Middle", "46.0", "C"), ("Low", "7.5", "D")]
    assert listed(api, sort="-score") == by_score
    assert listed(api, sort="score") == by_score[::-1]
    # Filtered by tier; paged with a cursor
    assert listed(api, tier="B") == [("Upper", "74.0", "B")]
    status, _, first = api.call("GET", "/v1/accounts", query={"sort": "-score", "limit": "2"})
    _, _, second = api.call(
        "GET", "/v1/accounts", query={"sort": "-score", "limit": "2", "cursor": first["next_cursor"]}
    )
    assert [a["name"] for a in first["items"] + second["items"]] == ["High", "Upper", "Middle", "Low"]
    # A name search does not combine with the score ordering
    status, _, problem = api.call("GET", "/v1/accounts", query={"sort": "-score", "q": "Hi"})
    assert status == 422 and problem["errors"][0]["field"] == "q"


def test_bad_scores_name_the_field_and_change_nothing(api):
    status, _, account = api.call("POST", "/v1/accounts", {"name": "Scored"})
    for scores, field in (({"unknown_factor": "5"}, "scores.unknown_factor"), ({"relationship": "11"}, "scores")):
        status, _, problem = api.call(
            "PUT", f"/v1/accounts/{account['id']}/scorecard", {"scores": scores}, headers={"If-Match": '"1"'}
        )
        assert status == 422, problem
        assert any(e["field"].startswith(field) for e in problem["errors"]), problem
    assert api.call("GET", f"/v1/accounts/{account['id']}")[2]["version"] == 1
    stale = api.call(
        "PUT", f"/v1/accounts/{account['id']}/scorecard", {"scores": {"relationship": "5"}}, headers={"If-Match": '"7"'}
    )
    assert stale[0] == 412


def test_changing_the_settings_rescores_every_account_in_the_background(api, pipeline):  # noqa: F811
    stream, _ = pipeline
    api.call("GET", "/v1/sales-settings/scorecard")
    scored_account(api, "Big", {"revenue_potential": "10"})  # 40 → D
    scored_account(api, "Close", {"relationship": "10", "strategic_fit": "10"})  # 60 → B
    run_events_function(stream.new_records())
    # When revenue potential becomes almost everything
    body = {"factors": [factor("revenue_potential", 90), factor("relationship", 10)], "tiers": TIERS}
    status, _, replaced = api.call("PUT", "/v1/sales-settings/scorecard", body, headers={"If-Match": '"1"'})
    assert status == 200 and replaced["version"] == 2
    # Then the request did not re-score (accounts unchanged so far) ...
    assert listed(api, sort="-score") == [("Close", "60.0", "B"), ("Big", "40.0", "C")]
    # ... the events function does, page by page, and the settings show its progress
    for _ in range(10):
        run_events_function(stream.new_records())
        progress = api.call("GET", "/v1/sales-settings/scorecard")[2]["recalculation"]
        if progress and progress["status"] == "done":
            break
    assert progress["settings_version"] == 2 and progress["status"] == "done"
    assert (progress["accounts_processed"], progress["accounts_changed"]) == (2, 2)
    assert listed(api, sort="-score") == [("Big", "90.0", "A"), ("Close", "10.0", "D")]
