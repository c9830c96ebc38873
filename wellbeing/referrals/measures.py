"""The outcome measures a link worker takes with the person: their items, bounds and scores.

- **ONS4**, the Office for National Statistics' four personal wellbeing questions, each 0 to 10,
  reported item by item in the ONS bands (no total: the items measure different things).
- **SWEMWBS**, the Short Warwick-Edinburgh Mental Wellbeing Scale: seven items 1 to 5 whose sum
  (7 to 35) is converted to a metric score with the published conversion table, the figure to
  compare and to report. (SWEMWBS is © University of Warwick and NHS Health Scotland; it is free
  to use but its questions are licensed: the item wording shown here is a short label.)

``score`` checks answers item by item and works the scores out; ``change`` compares the latest
measure of an instrument with its baseline. Pure functions: no database here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wellbeing.referrals.case_models import (
    Instrument,
    MeasureStage,
    OutcomeMeasure,
)


@dataclass(frozen=True)
class Item:
    key: str
    label: str  # the question, short
    low: int
    high: int
    low_text: str  # what the lowest answer means
    high_text: str


@dataclass(frozen=True)
class InstrumentSpec:
    name: str
    title: str
    items: tuple[Item, ...]


def _ons4(key: str, label: str, low_text: str, high_text: str) -> Item:
    return Item(key, label, 0, 10, low_text, high_text)


def _swemwbs(key: str, label: str) -> Item:
    return Item(key, label, 1, 5, "None of the time", "All of the time")


INSTRUMENTS: dict[Instrument, InstrumentSpec] = {
    Instrument.ONS4: InstrumentSpec(
        "ONS4",
        "ONS personal wellbeing (ONS4)",
        (
            _ons4(
                "life_satisfaction",
                "Overall, how satisfied are you with your life nowadays?",
                "Not at all",
                "Completely",
            ),
            _ons4(
                "worthwhile",
                "Overall, to what extent do you feel the things you do in your life are "
                "worthwhile?",
                "Not at all",
                "Completely",
            ),
            _ons4(
                "happy_yesterday",
                "Overall, how happy did you feel yesterday?",
                "Not at all",
                "Completely",
            ),
            _ons4(
                "anxious_yesterday",
                "Overall, how anxious did you feel yesterday?",
                "Not at all",
                "Completely",
            ),
        ),
    ),
    Instrument.SWEMWBS: InstrumentSpec(
        "SWEMWBS",
        "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
        (
            _swemwbs("optimistic", "Feeling optimistic about the future"),
            _swemwbs("useful", "Feeling useful"),
            _swemwbs("relaxed", "Feeling relaxed"),
            _swemwbs("problems", "Dealing with problems well"),
            _swemwbs("thinking", "Thinking clearly"),
            _swemwbs("close", "Feeling close to other people"),
            _swemwbs("mind", "Able to make up my own mind about things"),
        ),
    ),
}

# SWEMWBS raw score (sum of the seven items) -> metric score: the published conversion table.
SWEMWBS_METRIC: dict[int, float] = {
    7: 7.00,
    8: 9.51,
    9: 11.25,
    10: 12.40,
    11: 13.33,
    12: 14.08,
    13: 14.75,
    14: 15.32,
    15: 15.84,
    16: 16.36,
    17: 16.88,
    18: 17.43,
    19: 17.98,
    20: 18.59,
    21: 19.25,
    22: 19.98,
    23: 20.73,
    24: 21.54,
    25: 22.35,
    26: 23.21,
    27: 24.11,
    28: 25.03,
    29: 26.02,
    30: 27.03,
    31: 28.13,
    32: 29.31,
    33: 30.70,
    34: 32.55,
    35: 35.00,
}

# ONS thresholds: (highest score in the band, band). Life satisfaction, worthwhile and happiness
# are better high; anxiety is better low, so its bands run the other way.
ONS4_BANDS = ((4, "low"), (6, "medium"), (8, "high"), (10, "very high"))
ONS4_ANXIETY_BANDS = ((1, "very low"), (3, "low"), (5, "medium"), (10, "high"))
ANXIETY = "anxious_yesterday"


class MeasureInvalid(ValueError):
    """Answers that cannot be scored; ``field`` names the item (``answers[2]``) or the list."""

    def __init__(self, message: str, field: str = "answers") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Score:
    raw_score: int
    metric_score: float | None  # SWEMWBS only
    bands: list[str] | None  # ONS4 only: one per item


def ons4_band(item_key: str, value: int) -> str:
    bands = ONS4_ANXIETY_BANDS if item_key == ANXIETY else ONS4_BANDS
    return next(band for highest, band in bands if value <= highest)


def parse_instrument(value: object) -> Instrument:
    try:
        return Instrument(str(value))
    except ValueError:
        raise MeasureInvalid("Choose ONS4 or SWEMWBS", field="instrument") from None


def parse_stage(value: object) -> MeasureStage:
    try:
        return MeasureStage(str(value))
    except ValueError:
        raise MeasureInvalid("Choose baseline, review or follow-up", field="stage") from None


def check_answers(instrument: Instrument, answers: Sequence[Any]) -> list[int]:
    """The answers as whole numbers, each within its item's range; else MeasureInvalid naming
    the first item that is wrong (``answers[0]`` is the first)."""
    spec = INSTRUMENTS[instrument]
    count = len(spec.items)
    if len(answers) != count:
        raise MeasureInvalid(
            f"{spec.name} has {count} questions: give {count} answers, in order "
            f"(got {len(answers)})"
        )
    checked = []
    for index, (item, answer) in enumerate(zip(spec.items, answers, strict=True)):
        # bool is an int in Python, but "true" is not an answer to any of these questions.
        if type(answer) is not int or not item.low <= answer <= item.high:
            raise MeasureInvalid(
                f"Answer {index + 1} ({item.label}) must be a whole number from "
                f"{item.low} to {item.high}",
                field=f"answers[{index}]",
            )
        checked.append(answer)
    return checked


def score(instrument: Instrument, answers: Sequence[Any]) -> Score:
    checked = check_answers(instrument, answers)
    raw = sum(checked)
    if instrument is Instrument.SWEMWBS:
        return Score(raw, SWEMWBS_METRIC[raw], None)
    items = INSTRUMENTS[instrument].items
    return Score(
        raw, None, [ons4_band(item.key, value) for item, value in zip(items, checked, strict=True)]
    )


def bands(measure: OutcomeMeasure) -> list[str] | None:
    if measure.instrument is not Instrument.ONS4:
        return None
    items = INSTRUMENTS[Instrument.ONS4].items
    return [ons4_band(item.key, value) for item, value in zip(items, measure.answers, strict=True)]


@dataclass(frozen=True)
class Change:
    """The latest measure of one instrument against its baseline. ``value`` is the metric score
    change for SWEMWBS; ``items`` the per-item change for ONS4 (by item key)."""

    instrument: Instrument
    baseline: OutcomeMeasure
    latest: OutcomeMeasure
    value: float | None
    items: dict[str, int] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument.value,
            "from_stage": self.baseline.stage.value,
            "to_stage": self.latest.stage.value,
            "from_taken_on": self.baseline.taken_on.isoformat(),
            "to_taken_on": self.latest.taken_on.isoformat(),
            "metric_score": self.value,
            "items": self.items,
        }


def _ordered(measures: Sequence[OutcomeMeasure]) -> list[OutcomeMeasure]:
    return sorted(measures, key=lambda m: (m.taken_on, m.recorded_at, m.id or 0))


def change(measures: Sequence[OutcomeMeasure], instrument: Instrument) -> Change | None:
    """Latest minus baseline for ``instrument``, once a baseline and a later measure exist."""
    mine = _ordered([m for m in measures if m.instrument is instrument])
    baseline = next((m for m in mine if m.stage is MeasureStage.BASELINE), None)
    later = [m for m in mine if m is not baseline and m.stage is not MeasureStage.BASELINE]
    if baseline is None or not later:
        return None
    latest = later[-1]
    if instrument is Instrument.SWEMWBS:
        assert latest.metric_score is not None and baseline.metric_score is not None
        return Change(
            instrument,
            baseline,
            latest,
            round(latest.metric_score - baseline.metric_score, 2),
            None,
        )
    items = INSTRUMENTS[instrument].items
    return Change(
        instrument,
        baseline,
        latest,
        None,
        {
            item.key: after - before
            for item, before, after in zip(items, baseline.answers, latest.answers, strict=True)
        },
    )


def changes(measures: Sequence[OutcomeMeasure]) -> dict[Instrument, Change]:
    found = {instrument: change(measures, instrument) for instrument in Instrument}
    return {instrument: c for instrument, c in found.items() if c is not None}
