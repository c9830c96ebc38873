"""The JSON Schemas of the case record's bodies (``api_casework``, ``api_outcomes``), the
person's corrections and the message back, for the OpenAPI document; bounds from ``models``
and ``measures``, as the API checks them."""

from wellbeing.referrals.api_schemas import (
    PERSON_IN,
    Schema,
    choice,
    date_in,
    ids_in,
    out,
    ref,
    required_object,
    text_in,
    version_in,
)
from wellbeing.referrals.case_models import (
    ConnectionOutcome,
    GoalStatus,
    Instrument,
    MeasureStage,
)
from wellbeing.referrals.measures import INSTRUMENTS
from wellbeing.referrals.models import (
    ID_LENGTH,
)

GOAL_STATUSES = [status.value for status in GoalStatus]
CONNECTION_OUTCOMES = [outcome.value for outcome in ConnectionOutcome]
STAGES = [stage.value for stage in MeasureStage]
WHEN = {"type": "string", "format": "date-time"}
MAYBE_WHEN = {"type": ["string", "null"], "format": "date-time"}
DATE = {"type": "string", "format": "date"}
MAYBE_DATE = {"type": ["string", "null"], "format": "date"}


def _body(required: list[str], properties: dict[str, Schema]) -> Schema:
    return {"type": "object", "required": required, "properties": properties}


NOTE_IN = _body(
    ["text"],
    {
        "text": text_in("case_note", "The note.", nullable=False),
        "corrects": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "To correct a note (once it can no longer be edited): its id.",
        },
    },
)
NOTE_EDIT_IN = _body(["text"], {"text": text_in("case_note", "The note's new words.", False)})
NOTE = required_object(
    {
        "id": {"type": "integer"},
        "text": out("string"),
        "author": out("string"),
        "at": WHEN,
        "edited_at": MAYBE_WHEN,
        "corrects": out("integer", nullable=True),
    }
)

GOAL_IN = _body(
    ["text"],
    {
        "text": text_in("goal", "The goal, in the person's words.", nullable=False),
        "target_date": date_in("Today or later, within 2 years."),
    },
)
GOAL_UPDATE_IN = _body(
    ["status"],
    {
        "status": choice(GOAL_STATUSES, "Where the goal stands."),
        "text": text_in("goal", "New words for the goal, if they changed."),
        "target_date": date_in("A new target date: today or later, within 2 years."),
    },
)
GOAL = required_object(
    {
        "id": {"type": "integer"},
        "text": out("string"),
        "target_date": MAYBE_DATE,
        "status": {"enum": GOAL_STATUSES},
        "created_at": WHEN,
        "updated_at": WHEN,
    }
)

CONNECTION_IN = _body(
    ["service_id"],
    {
        "service_id": {
            "type": "string",
            "maxLength": ID_LENGTH,
            "description": "A directory service that is running now (status active).",
        },
        "note": text_in("connection_note", "What was arranged."),
    },
)
CONNECTION_OUTCOME_IN = _body(
    ["outcome"],
    {
        "outcome": choice(CONNECTION_OUTCOMES, "What came of the connection."),
        "reason": text_in("outcome_reason", "Why: above all when they stopped or did not start."),
    },
)
CONNECTION = required_object(
    {
        "id": {"type": "integer"},
        "service_id": out("string", nullable=True),
        "service_name": out("string"),
        "note": out("string", nullable=True),
        "outcome": {"enum": [*CONNECTION_OUTCOMES, None]},
        "reason": out("string", nullable=True),
        "created_at": WHEN,
        "outcome_at": MAYBE_WHEN,
    }
)


def _answers(instrument: Instrument) -> Schema:
    spec = INSTRUMENTS[instrument]
    low, high = spec.items[0].low, spec.items[0].high
    count = len(spec.items)
    return {
        "type": "object",
        "required": ["instrument"],
        "properties": {
            "instrument": {"const": instrument.value},
            "answers": {
                "type": "array",
                "minItems": count,
                "maxItems": count,
                "items": {"type": "integer", "minimum": low, "maximum": high},
                "description": f"{spec.title}: {count} answers, {low} to {high}, in item order "
                f"({', '.join(item.key for item in spec.items)}).",
            },
        },
    }


MEASURE_IN: Schema = {
    **_body(
        ["instrument", "stage", "answers"],
        {
            "instrument": choice([i.value for i in Instrument], "The questionnaire."),
            "stage": choice(STAGES, "One baseline per instrument; reviews and follow-ups."),
            "answers": {"type": "array", "items": {"type": "integer"}},
            "taken_on": date_in("When it was taken: today (default) or a day since the referral."),
        },
    ),
    "oneOf": [_answers(instrument) for instrument in Instrument],
    "description": "A wrong number of answers, or one out of range, is a 422 naming the item "
    "(answers[2] is the third).",
}
MEASURE = required_object(
    {
        "id": {"type": "integer"},
        "instrument": {"enum": [i.value for i in Instrument]},
        "stage": {"enum": STAGES},
        "answers": {"type": "array", "items": {"type": "integer"}},
        "taken_on": DATE,
        "raw_score": {"type": "integer", "description": "The sum of the answers."},
        "metric_score": {
            "type": ["number", "null"],
            "description": "SWEMWBS: the metric score from the conversion table; else null.",
        },
        "bands": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "ONS4: each item's ONS band (low, medium, high, very high; anxiety "
            "very low, low, medium, high); else null.",
        },
        "recorded_at": WHEN,
    }
)
CHANGE = required_object(
    {
        "instrument": {"enum": [i.value for i in Instrument]},
        "from_stage": {"enum": STAGES},
        "to_stage": {"enum": STAGES},
        "from_taken_on": DATE,
        "to_taken_on": DATE,
        "metric_score": {
            "type": ["number", "null"],
            "description": "SWEMWBS: latest minus baseline metric score.",
        },
        "items": {
            "type": ["object", "null"],
            "additionalProperties": {"type": "integer"},
            "description": "ONS4: latest minus baseline, item by item.",
        },
    }
)
MEASURE_LIST = required_object(
    {
        "items": {"type": "array", "items": ref("Measure")},
        "change": {
            "type": "object",
            "properties": {i.value: ref("Change") for i in Instrument},
            "description": "Per instrument, once it has a baseline and a later measure.",
        },
    }
)

PERSON_CORRECTION_IN: Schema = {
    "type": "object",
    "required": ["version"],
    "properties": {
        **{
            name: schema
            for name, schema in PERSON_IN["properties"].items()
            if name not in ("given_name", "family_name", "postcode", "date_of_birth")
        },
        "given_name": text_in("given_name", "First name.", nullable=False),
        "family_name": text_in("family_name", "Last name.", nullable=False),
        "postcode": text_in("postcode", "A full UK postcode.", nullable=False),
        "date_of_birth": date_in("In the past and within the last 120 years.", nullable=False),
        "version": version_in(nullable=False),
    },
    "description": "Any of the person's details, checked as when the referral was made; errors "
    "are named person.<name>, as at creation.",
}
NEXT_CONTACT_IN = _body(
    ["on"],
    {"on": date_in("Today or later, within 2 years; null clears it."), "version": version_in()},
)
WHAT_MATTERS_IN = _body(
    [],
    {
        "in_their_words": text_in("what_matters_to_me", "What matters to them, in their words."),
        "strengths": text_in("strengths", "Their strengths."),
        "barriers": text_in("barriers", "What stands in their way."),
        "need_ids": {
            **ids_in("need_ids", "Taxonomy term ids; when given, they replace the needs."),
            "minItems": 1,
        },
        "version": version_in(),
    },
)

_SCORES = {
    "type": ["object", "null"],
    "required": ["stage", "taken_on"],
    "properties": {
        "stage": {"enum": STAGES},
        "taken_on": DATE,
        "metric_score": {"type": "number"},
        "items": {"type": "object"},
    },
}
SUMMARY = required_object(
    {
        "reference": {"type": "string"},
        "completed_at": MAYBE_WHEN,
        "link_worker": out("string", nullable=True),
        "summary": out("string", nullable=True),
        "needs": {"type": "array", "items": {"type": "string"}},
        "goals": {
            "type": "array",
            "items": required_object({"text": out("string"), "status": {"enum": GOAL_STATUSES}}),
        },
        "connections": {
            "type": "array",
            "items": required_object(
                {
                    "service_id": out("string", nullable=True),
                    "service_name": out("string"),
                    "outcome": {"enum": [*CONNECTION_OUTCOMES, None]},
                }
            ),
        },
        "measures": {
            "type": "array",
            "items": required_object(
                {
                    "instrument": {"enum": [i.value for i in Instrument]},
                    "before": _SCORES,
                    "after": _SCORES,
                    "change": {"oneOf": [ref("Change"), {"type": "null"}]},
                }
            ),
        },
    }
)

SCHEMAS = {
    "NoteIn": NOTE_IN,
    "NoteEditIn": NOTE_EDIT_IN,
    "Note": NOTE,
    "GoalIn": GOAL_IN,
    "GoalUpdateIn": GOAL_UPDATE_IN,
    "Goal": GOAL,
    "ConnectionIn": CONNECTION_IN,
    "ConnectionOutcomeIn": CONNECTION_OUTCOME_IN,
    "Connection": CONNECTION,
    "MeasureIn": MEASURE_IN,
    "Measure": MEASURE,
    "Change": CHANGE,
    "PersonCorrectionIn": PERSON_CORRECTION_IN,
    "NextContactIn": NEXT_CONTACT_IN,
    "WhatMattersIn": WHAT_MATTERS_IN,
    "Summary": SUMMARY,
}
