"""Outcome measures through the API: every SWEMWBS raw score against the published conversion
table, the ONS4 band edges, answers checked item by item (count, range, type), and the change
from baseline to the latest measure."""

from datetime import timedelta

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    OutcomeMeasure,
)
from wellbeing.referrals.casework import today
from wellbeing.referrals.measures import ons4_band
from wellbeing.referrals.workflow import transition

# The published SWEMWBS conversion table (raw score -> metric score), as the issue gives it:
# written out here rather than read from the code, so a typo there is caught.
PUBLISHED_SWEMWBS = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip


@pytest.fixture
def case(api_headers, make_referral):
    """(url of the referral's measures, a link worker's headers): a case in progress, made a
    week ago so that measures may be dated since then."""
    link_worker, headers = api_headers("link_worker")
    referral = make_referral()
    referral.created_at = utcnow() - timedelta(days=7)
    for to in ("accepted", "in_progress"):
        transition(referral, to, link_worker)
    db.session.commit()
    return f"/api/referrals/{referral.id}/measures", headers


def swemwbs_answers(raw: int) -> list[int]:
    """Seven answers from 1 to 5 that add up to ``raw`` (7 to 35), filled from the first item."""
    answers, extra = [1] * 7, raw - 7
    for index in range(7):
        step = min(4, extra)
        answers[index] += step
        extra -= step
    assert sum(answers) == raw and extra == 0
    return answers


def record(client, case, instrument: str, answers: object, stage: str = "review", **more):
    url, headers = case
    body = {"instrument": instrument, "stage": stage, "answers": answers, **more}
    return client.post(url, json=body, headers=headers)


@pytest.mark.parametrize("raw", sorted(PUBLISHED_SWEMWBS))
def test_every_swemwbs_raw_score_gets_its_published_metric_score(client, case, raw) -> None:
    response = record(client, case, "swemwbs", swemwbs_answers(raw))
    assert response.status_code == 201, response.get_json()
    measure = response.get_json()
    assert measure["raw_score"] == raw
    assert measure["metric_score"] == PUBLISHED_SWEMWBS[raw]
    assert measure["bands"] is None
    assert measure["answers"] == swemwbs_answers(raw)
    assert measure["instrument"] == "swemwbs" and measure["stage"] == "review"


ONS4_EDGES = [
    (0, "low"),
    (4, "low"),
    (5, "medium"),
    (6, "medium"),
    (7, "high"),
    (8, "high"),
    (9, "very high"),
    (10, "very high"),
]
ANXIETY_EDGES = [
    (0, "very low"),
    (1, "very low"),
    (2, "low"),
    (3, "low"),
    (4, "medium"),
    (5, "medium"),
    (6, "high"),
    (10, "high"),
]


@pytest.mark.parametrize(
    ("score", "band", "anxiety", "anxiety_band"),
    [(*positive, *anxious) for positive, anxious in zip(ONS4_EDGES, ANXIETY_EDGES, strict=True)],
)
def test_ons4_bands_at_their_edges(client, case, score, band, anxiety, anxiety_band) -> None:
    response = record(client, case, "ons4", [score, score, score, anxiety])
    assert response.status_code == 201, response.get_json()
    measure = response.get_json()
    assert measure["bands"] == [band, band, band, anxiety_band]
    assert measure["raw_score"] == 3 * score + anxiety
    assert measure["metric_score"] is None


def test_the_band_function_agrees_at_every_score() -> None:
    expected = dict(ONS4_EDGES) | {1: "low", 2: "low", 3: "low"}
    for score, band in expected.items():
        assert ons4_band("life_satisfaction", score) == band
    anxious = dict(ANXIETY_EDGES) | {7: "high", 8: "high", 9: "high"}
    for score, band in anxious.items():
        assert ons4_band("anxious_yesterday", score) == band


def error_fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    return response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [
        ("ons4", []),
        ("ons4", [5, 5, 5]),
        ("ons4", [5, 5, 5, 5, 5]),
        ("swemwbs", [3] * 6),
        ("swemwbs", [3] * 8),
        ("swemwbs", [3] * 100_000),
    ],
)
def test_a_wrong_number_of_answers_is_422_at_answers(client, case, instrument, answers) -> None:
    message = error_fields(record(client, case, instrument, answers))["answers"]
    assert f"give {4 if instrument == 'ons4' else 7} answers" in message
    assert len(message) < 200  # the answers are not sent back


@pytest.mark.parametrize(
    ("instrument", "answers", "item"),
    [
        ("ons4", [11, 5, 5, 5], 0),
        ("ons4", [-1, 5, 5, 5], 0),
        ("ons4", [5, 5, 5, 11], 3),
        ("swemwbs", [3, 3, 0, 3, 3, 3, 3], 2),
        ("swemwbs", [3, 3, 3, 3, 3, 3, 6], 6),
        ("swemwbs", [3, 3, 3, 10**400, 3, 3, 3], 3),
        ("ons4", [5, -(10**400), 5, 5], 1),
    ],
)
def test_an_answer_out_of_range_is_422_naming_the_item(client, case, instrument, answers, item):
    fields = error_fields(record(client, case, instrument, answers))
    low, high = (0, 10) if instrument == "ons4" else (1, 5)
    assert list(fields) == [f"answers[{item}]"]
    assert f"Answer {item + 1} " in fields[f"answers[{item}]"]
    assert f"from {low} to {high}" in fields[f"answers[{item}]"]


@pytest.mark.parametrize("wrong", [2.5, 3.0, "3", None, [3], {"score": 3}, True, False])
def test_an_answer_that_is_not_a_whole_number_is_422_naming_the_item(client, case, wrong):
    fields = error_fields(record(client, case, "swemwbs", [3, wrong, 3, 3, 3, 3, 3]))
    assert "whole number" in fields["answers[1]"]


@pytest.mark.parametrize("answers", [None, "3,3,3,3", {"0": 3}, 4, True])
def test_answers_that_are_not_a_list_are_422(client, case, answers) -> None:
    assert "must be a list" in error_fields(record(client, case, "ons4", answers))["answers"]


@pytest.mark.parametrize(
    ("more", "field"),
    [
        ({"instrument": "phq9"}, "instrument"),
        ({"instrument": ["ons4"]}, "instrument"),
        ({"instrument": None}, "instrument"),
        ({"stage": "final"}, "stage"),
        ({"stage": 1}, "stage"),
        ({"taken_on": "27/03/2025"}, "taken_on"),
        ({"taken_on": 20250327}, "taken_on"),
        ({"taken_on": "2025-02-30"}, "taken_on"),
    ],
)
def test_instrument_stage_and_date_are_checked(client, case, more, field) -> None:
    url, headers = case
    body = {"instrument": "ons4", "stage": "review", "answers": [5, 5, 5, 5], **more}
    assert field in error_fields(client.post(url, json=body, headers=headers))
    assert db.session.execute(db.select(OutcomeMeasure.id)).first() is None


def test_the_date_taken_is_today_or_since_the_referral(client, case) -> None:
    later = (today() + timedelta(days=1)).isoformat()
    assert (
        "future" in error_fields(record(client, case, "ons4", [5] * 4, taken_on=later))["taken_on"]
    )
    before = (today() - timedelta(days=30)).isoformat()
    assert (
        "before the referral"
        in error_fields(record(client, case, "ons4", [5] * 4, taken_on=before))["taken_on"]
    )
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = record(client, case, "ons4", [5] * 4, taken_on=yesterday)
    assert response.status_code == 201 and response.get_json()["taken_on"] == yesterday


def test_one_baseline_per_instrument(client, case) -> None:
    assert record(client, case, "ons4", [5] * 4, "baseline").status_code == 201
    assert (
        "already recorded"
        in error_fields(record(client, case, "ons4", [6] * 4, "baseline"))["stage"]
    )
    assert record(client, case, "swemwbs", [3] * 7, "baseline").status_code == 201


def test_the_change_is_latest_minus_baseline_per_instrument(client, case) -> None:
    url, headers = case
    days_ago = [(today() - timedelta(days=n)).isoformat() for n in range(7)]

    def listed() -> dict:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response.get_json()

    assert listed() == {"items": [], "change": {}}
    record(client, case, "swemwbs", swemwbs_answers(14), "baseline", taken_on=days_ago[6])
    record(client, case, "ons4", [4, 5, 6, 7], "baseline", taken_on=days_ago[6])
    assert listed()["change"] == {}  # a baseline alone has nothing to compare with

    record(client, case, "swemwbs", swemwbs_answers(28), "follow_up", taken_on=days_ago[0])
    record(client, case, "ons4", [6, 5, 9, 3], "follow_up", taken_on=days_ago[1])
    # Recorded last, taken earlier: the latest is the one taken last, not the one typed last.
    record(client, case, "swemwbs", swemwbs_answers(21), "review", taken_on=days_ago[3])

    data = listed()
    assert [(m["instrument"], m["taken_on"]) for m in data["items"]] == [
        ("swemwbs", days_ago[6]),
        ("ons4", days_ago[6]),
        ("swemwbs", days_ago[3]),
        ("ons4", days_ago[1]),
        ("swemwbs", days_ago[0]),
    ]
    swemwbs, ons4 = data["change"]["swemwbs"], data["change"]["ons4"]
    assert swemwbs["metric_score"] == pytest.approx(25.03 - 15.32)
    assert (swemwbs["from_stage"], swemwbs["to_stage"]) == ("baseline", "follow_up")
    assert swemwbs["items"] is None
    assert ons4["items"] == {
        "life_satisfaction": 2,
        "worthwhile": 0,
        "happy_yesterday": 3,
        "anxious_yesterday": -4,
    }
    assert ons4["metric_score"] is None and ons4["to_taken_on"] == days_ago[1]


def test_a_closed_case_takes_only_a_follow_up(client, case, make_referral) -> None:
    url, headers = case
    referral_id = url.split("/")[3]
    response = client.post(
        f"/api/referrals/{referral_id}/transitions",
        json={"to": "completed", "summary": "Joined a walking group."},
        headers=headers,
    )
    assert response.status_code == 200
    assert "only a follow-up" in error_fields(record(client, case, "ons4", [5] * 4))["stage"]
    assert record(client, case, "ons4", [5] * 4, "follow_up").status_code == 201


@pytest.mark.parametrize("role", ["referrer", "resident"])
def test_referrers_and_residents_never_see_measures(client, api_headers, make_referral, role):
    owner, headers = api_headers(role, organisation="Kingsholm Surgery")
    referral = make_referral(actor=owner)
    link_worker = make_user(Role.LINK_WORKER)
    transition(referral, "accepted", link_worker)
    transition(referral, "in_progress", link_worker)
    db.session.commit()
    url = f"/api/referrals/{referral.id}/measures"
    body = {"instrument": "ons4", "stage": "baseline", "answers": [5] * 4}
    assert client.get(url, headers=headers).status_code == 403
    assert client.post(url, json=body, headers=headers).status_code == 403
    assert db.session.execute(db.select(OutcomeMeasure.id)).first() is None
