"""How the case record reads on a page: notes with their corrections, measures as scores and
charts, the next contact, and a first draft of the outcome summary for the link worker to edit.

Presentation only: no database writes and no rules (those are casework's and outcomes')."""

from dataclasses import dataclass, field
from datetime import date

from wellbeing.referrals import measures as m
from wellbeing.referrals.case_models import (
    CaseNote,
    Instrument,
    OutcomeMeasure,
)
from wellbeing.referrals.casework import today
from wellbeing.referrals.models import (
    Referral,
)
from wellbeing.referrals.outcomes import MeasureSummary, measure_summaries


def long_date(value: date) -> str:
    """'Tuesday 3 March 2026'."""
    return value.strftime("%A %-d %B %Y")


def short_date(value: date) -> str:
    """'3 Mar 2026'."""
    return value.strftime("%-d %b %Y")


def spaced_nhs_number(number: str | None) -> str | None:
    """'9434765919' -> '943 476 5919', as it is read out and printed."""
    return f"{number[:3]} {number[3:6]} {number[6:]}" if number else None


def item_name(key: str) -> str:
    """'life_satisfaction' -> 'Life satisfaction'."""
    return key.replace("_", " ").capitalize()


@dataclass
class NoteThread:
    """A note and the corrections made to it (and to them), oldest correction first."""

    note: CaseNote
    corrections: list[CaseNote] = field(default_factory=list)


def note_threads(notes: list[CaseNote]) -> list[NoteThread]:
    """Notes newest first, each with its corrections beneath it."""
    by_id = {note.id: note for note in notes}

    def root(note: CaseNote) -> CaseNote:
        seen = set()
        while note.corrects_id in by_id and note.id not in seen:
            seen.add(note.id)
            note = by_id[note.corrects_id]
        return note

    threads: dict[int, NoteThread] = {}
    for note in sorted(notes, key=lambda n: (n.at, n.id)):
        first = root(note)
        thread = threads.setdefault(first.id, NoteThread(first))
        if note is not first:
            thread.corrections.append(note)
    return sorted(threads.values(), key=lambda t: (t.note.at, t.note.id), reverse=True)


@dataclass(frozen=True)
class NextContact:
    on: date
    overdue: bool
    is_today: bool

    @property
    def text(self) -> str:
        return long_date(self.on)


def next_contact(referral: Referral) -> NextContact | None:
    if referral.next_contact_on is None:
        return None
    now = today()
    return NextContact(
        referral.next_contact_on, referral.next_contact_on < now, referral.next_contact_on == now
    )


# Scores as text --------------------------------------------------------------------------------


def score_lines(measure: OutcomeMeasure, answers: bool = True) -> list[str]:
    """'Metric score 23.21 (raw 27)', or an ONS4 line per item: 'Life satisfaction: 7 (high)'.

    An ONS4 item's score is the person's answer: without ``answers`` (for a referrer) each item
    says only its band, 'Life satisfaction: high'."""
    if measure.instrument is Instrument.SWEMWBS:
        return [f"Metric score {measure.metric_score:.2f} (raw {measure.raw_score})"]
    items = m.INSTRUMENTS[Instrument.ONS4].items
    return [
        f"{item_name(item.key)}: " + (f"{value} ({band})" if answers else band)
        for item, value in zip(items, measure.answers, strict=True)
        for band in [m.ons4_band(item.key, value)]
    ]


def signed(value: float, places: int = 0) -> str:
    """'+5', '-2', '0'; with places, '+5.78'."""
    text = f"{abs(value):.{places}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "\N{MINUS SIGN}") + text


# The change from baseline to latest, as a chart and a table ------------------------------------

CHART_WIDTH = 320
LABEL_WIDTH = 56  # "Before" and "After", left of the bars
BAR_END = 276  # the longest bar ends here; its value is written after it
BAR_HEIGHT = 16
ROW_GAP = 4
HEADING_HEIGHT = 22
GROUP_GAP = 14


@dataclass(frozen=True)
class Bar:
    label: str  # Before, After
    value_text: str
    y: float
    width: float
    latest: bool


@dataclass(frozen=True)
class BarGroup:
    heading: str
    heading_y: float
    bars: tuple[Bar, Bar]


@dataclass(frozen=True)
class ChangeRow:
    """One line of the change table, and of the chart: before, after and the difference."""

    name: str
    before: str
    after: str
    change: str
    note: str = ""


@dataclass(frozen=True)
class ChangeView:
    """An instrument's baseline against its latest measure, as a chart and as a table."""

    key: str
    title: str
    before: OutcomeMeasure
    after: OutcomeMeasure
    rows: list[ChangeRow]
    groups: list[BarGroup]
    height: float
    description: str

    width = CHART_WIDTH
    label_width = LABEL_WIDTH
    bar_height = BAR_HEIGHT

    @property
    def period(self) -> str:
        """'baseline (3 Jan 2026) to review (1 Mar 2026)'."""
        return (
            f"{self.before.stage.label.lower()} ({short_date(self.before.taken_on)}) to "
            f"{self.after.stage.label.lower()} ({short_date(self.after.taken_on)})"
        )


def _bars(
    heading: str, before: float, after: float, texts: tuple[str, str], top: float, high: float
) -> BarGroup:
    scale = (BAR_END - LABEL_WIDTH) / high
    first = top + HEADING_HEIGHT
    return BarGroup(
        heading,
        top + HEADING_HEIGHT - 7,
        (
            Bar("Before", texts[0], first, max(before * scale, 2), False),
            Bar("After", texts[1], first + BAR_HEIGHT + ROW_GAP, max(after * scale, 2), True),
        ),
    )


def _rows(
    summary: MeasureSummary, answers: bool = True
) -> list[tuple[str, float, float, str, str, str]]:
    """(name, before, after, before text, after text, note) for each line of the change;
    without ``answers``, an ONS4 item's texts are its bands only."""
    change = summary.change
    assert change is not None
    if summary.instrument is Instrument.SWEMWBS:
        before, after = change.baseline.metric_score or 0, change.latest.metric_score or 0
        return [("Metric score (7 to 35)", before, after, f"{before:.2f}", f"{after:.2f}", "")]
    rows: list[tuple[str, float, float, str, str, str]] = []
    items = m.INSTRUMENTS[Instrument.ONS4].items
    pairs = zip(items, change.baseline.answers, change.latest.answers, strict=True)
    for item, before, after in pairs:
        note = "lower is better" if item.key == m.ANXIETY else ""
        rows.append(
            (
                item_name(item.key),
                before,
                after,
                f"{before} ({m.ons4_band(item.key, before)})"
                if answers
                else m.ons4_band(item.key, before),
                f"{after} ({m.ons4_band(item.key, after)})"
                if answers
                else m.ons4_band(item.key, after),
                note,
            )
        )
    return rows


def change_view(summary: MeasureSummary, answers: bool = True) -> ChangeView | None:
    """The change as a chart and a table. Without ``answers`` (for a referrer) ONS4 is told in
    bands and by how much each item moved, with no chart: its bars would be the answers."""
    change = summary.change
    if change is None:
        return None
    high = 35 if summary.instrument is Instrument.SWEMWBS else 10
    places = 2 if summary.instrument is Instrument.SWEMWBS else 0
    groups, rows, top = [], [], 0.0
    charted = answers or summary.instrument is not Instrument.ONS4
    for name, before, after, before_text, after_text, note in _rows(summary, answers):
        numbers = (f"{before:.{places}f}", f"{after:.{places}f}")
        if charted:
            groups.append(_bars(name, before, after, numbers, top, high))
        rows.append(ChangeRow(name, before_text, after_text, signed(after - before, places), note))
        top += HEADING_HEIGHT + 2 * BAR_HEIGHT + ROW_GAP + GROUP_GAP
    when = (
        f"before is the {change.baseline.stage.label.lower()} on "
        f"{short_date(change.baseline.taken_on)}, after the {change.latest.stage.label.lower()} "
        f"on {short_date(change.latest.taken_on)}"
    )
    said = "; ".join(f"{r.name}: {r.before} to {r.after} ({r.change})" for r in rows)
    return ChangeView(
        summary.instrument.value,
        m.INSTRUMENTS[summary.instrument].name,
        change.baseline,
        change.latest,
        rows,
        groups,
        top - GROUP_GAP + 2,
        f"Bar chart: {when}. {said}.",
    )


@dataclass(frozen=True)
class MeasuresView:
    measures: list[OutcomeMeasure]
    changes: list[ChangeView]


def measures_view(referral: Referral) -> MeasuresView:
    changes = [change_view(summary) for summary in measure_summaries(referral)]
    return MeasuresView(
        sorted(referral.measures, key=lambda x: (x.taken_on, x.recorded_at, x.id), reverse=True),
        [view for view in changes if view is not None],
    )


# A first draft of the outcome summary ----------------------------------------------------------


def _measure_lines(referral: Referral) -> list[str]:
    lines = []
    for summary in measure_summaries(referral):
        view = change_view(summary)
        name = m.INSTRUMENTS[summary.instrument].name
        if view is None:
            only = summary.latest or summary.baseline
            if only is not None:
                lines.append(
                    f"- {name} ({only.stage.label.lower()}): " + "; ".join(score_lines(only))
                )
            continue
        changes = "; ".join(f"{r.name.lower()} {r.before} to {r.after}" for r in view.rows)
        lines.append(
            f"- {name}, {view.before.stage.label.lower()} to {view.after.stage.label.lower()}: "
            + changes
        )
    return lines


def draft_summary(referral: Referral) -> str:
    """What the link worker can edit rather than type: connections, goals and measures."""
    parts = [
        f"{referral.given_name} was referred on {short_date(referral.created_at.date())} for "
        + (", ".join(term.name.lower() for term in referral.needs) or "support")
        + ". We talked about what matters to them and agreed a plan."
    ]
    if referral.connections:
        parts.append(
            "Connections made:\n"
            + "\n".join(
                f"- {c.service_name}: "
                + (c.outcome.label.lower() if c.outcome else "outcome not known yet")
                for c in referral.connections
            )
        )
    if referral.goals:
        parts.append(
            "Goals:\n" + "\n".join(f"- {g.text} ({g.status.label.lower()})" for g in referral.goals)
        )
    measure_lines = _measure_lines(referral)
    if measure_lines:
        parts.append("Wellbeing measures, before and after:\n" + "\n".join(measure_lines))
    parts.append("What changed for them, in their words: ")
    return "\n\n".join(parts)
