"""Reach and learning reports: for a session, and for an organisation over dates; as
pages with charts and tables, as CSV, and certificates for learners to print."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from courses.people import facilitation, live_grid, report_queries, reports
from courses.people.models import AGE_BANDS, SEXES
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.platform.locale import current_language
from courses.web.access import RUNS_SESSIONS, roles, session_or_404
from courses.web.charts import bar_chart
from courses.web.converters import PUBLIC_ID_RULE
from courses.web.csv_export import csv_response

bp = Blueprint("reports", __name__)
SESSION_URL = f"/sessions/<{PUBLIC_ID_RULE}:session_id>"
GROUPS = [(s, b) for s in SEXES for b in AGE_BANDS]


@bp.get(SESSION_URL + "/report")
@roles(*RUNS_SESSIONS)
def session_report(session_id: str) -> str:
    """Show a session's reach, completions, scores and knowledge gain."""
    class_session = session_or_404(session_id)
    (report,) = reports.session_reports(get_session(), [class_session], get_catalog())
    return render_template(
        "reports/session.html",
        class_session=class_session,
        report=report,
        device=reports.device_names(get_session(), [class_session]).get(
            class_session.id
        ),
        gain_chart=_gain_chart(report.gain),
        sexes=SEXES,
        bands=AGE_BANDS,
    )


@bp.get(SESSION_URL + "/report.csv")
@roles(*RUNS_SESSIONS)
def session_csv(session_id: str) -> Response:
    """Download one row per learner: each module's state and score, pre and post."""
    class_session = session_or_404(session_id)
    catalog, db = get_catalog(), get_session()
    modules = facilitation.covered_modules(class_session, catalog)
    grid = live_grid.build_grid(db, class_session, modules)
    tests = report_queries.test_scores(db, [row.user.id for row in grid.rows], catalog)
    tested = {c.slug: c for c, _m in modules if c.pre_test and c.post_test}.values()
    language = current_language()
    header = [_("Learner"), _("Joined")]
    header += [m.version(language).title for _c, m in modules]
    for course in tested:
        title = course.text(language).title
        header += [
            _("%(course)s: pre-test %%", course=title),
            _("%(course)s: post-test %%", course=title),
        ]
    rows = []
    for row in grid.rows:
        cells = [row.user.display_name, row.membership.joined_at.date().isoformat()]
        cells += [_cell_text(cell) for cell in row.cells]
        for course in tested:
            before = tests.get((row.user.id, course.slug, course.pre_test or ""))
            after = tests.get((row.user.id, course.slug, course.post_test or ""))
            cells += [before[0] if before else "", after[-1] if after else ""]
        rows.append(cells)
    return csv_response(f"session-{class_session.join_code}.csv", header, rows)


def _cell_text(cell: live_grid.Cell) -> str:
    names = {
        live_grid.PASSED: _("Passed"),
        live_grid.DONE: _("Done"),
        live_grid.NOT_YET_PASSED: _("Not yet passed"),
        live_grid.READING: _("Reading"),
        live_grid.NOT_STARTED: _("Not started"),
    }
    score = f" {cell.percent}%" if cell.percent is not None else ""
    return names[cell.state] + score


@bp.get("/reports")
@roles(*RUNS_SESSIONS)
def organisation() -> tuple[str, int]:
    """Show reach and results over a date range: the organisation's for an admin,
    a facilitator's own sessions otherwise."""
    start, end, error = _date_range()
    found = _reports(start, end)
    whole = reports.total(found)
    page = render_template(
        "reports/organisation.html",
        start=start,
        end=end,
        error=error,
        reports=found,
        devices=reports.device_names(get_session(), [r.session for r in found]),
        whole=whole,
        by_kind=reports.breakdown(found, "kind"),
        by_province=reports.breakdown(found, "province"),
        by_district=reports.breakdown(found, "district"),
        by_month=(months := reports.breakdown(found, "month")),
        month_chart=bar_chart(
            _("People reached by month"), [(m, b.people) for m, b in months]
        ),
        gain_chart=_gain_chart(whole.gain),
        sexes=SEXES,
        bands=AGE_BANDS,
    )
    return page, 400 if error else 200


@bp.get("/reports.csv")
@roles(*RUNS_SESSIONS)
def organisation_csv() -> Response:
    """Download one row per session over the date range."""
    start, end, _error = _date_range()
    header = [
        _("Date"), _("Kind"), _("Session"), _("School or village"), _("District"),
        _("Province"), _("Country"), _("Learners on devices"),
        *[_("Head count: %(group)s", group=f"{s} {b}") for s, b in GROUPS],
        _("People reached"), _("Modules completed"), _("Average score %"),
        _("Learners with pre- and post-test"), _("Pre-test average %"),
        _("Post-test average %"), _("Group answers right before %"),
        _("Group answers right after %"), _("From device"),
    ]  # fmt: skip
    found = _reports(start, end)
    names = reports.device_names(get_session(), [r.session for r in found])
    rows = [[*_session_row(r), names.get(r.session.id, "")] for r in found]
    return csv_response(f"reach-{start or 'start'}-{end or 'end'}.csv", header, rows)


def _session_row(report: reports.SessionReport) -> list[object]:
    item, reach, gain = report.session, report.reach, report.gain
    counted = [reach.counted.get((s, b), 0) for s in SEXES for b in AGE_BANDS]
    return [
        (item.held_on or item.created_at.date()).isoformat(), item.kind, item.title,
        item.place_name, item.district, item.province, item.country or "",
        reach.devices, *counted,
        reach.people, report.completed, _round(report.average_score), len(gain.pairs),
        _round(gain.before), _round(gain.after), _percent(gain.group_share_before),
        _percent(gain.group_share_after),
    ]  # fmt: skip


def _round(value: float | None) -> object:
    return "" if value is None else round(value)


def _percent(share: float | None) -> object:
    return "" if share is None else round(100 * share)


def _reports(start: date | None, end: date | None) -> list[reports.SessionReport]:
    db = get_session()
    visible = facilitation.visible_sessions(current_user)
    found = reports.sessions_between(db, visible, start, end)
    return reports.session_reports(db, found, get_catalog())


def _date_range() -> tuple[date | None, date | None, str | None]:
    """Read ?from= and ?to=; the default is this year until today."""
    today = date.today()
    values = []
    for name, default in (("from", date(today.year, 1, 1)), ("to", today)):
        raw = request.args.get(name)
        if raw is None:
            values.append(default)
            continue
        try:
            values.append(date.fromisoformat(raw) if raw else None)
        except ValueError:
            return (
                default,
                today,
                _("Give dates as year-month-day, such as 2026-12-31."),
            )
    start, end = values
    if start and end and start > end:
        return end, start, None
    return start, end, None


def _gain_chart(gain: reports.Gain) -> object:
    return bar_chart(
        _("Before and after (percent right)"),
        [
            (_("Learners, pre-test"), gain.before),
            (_("Learners, post-test"), gain.after),
            (_("Group answers, before"), _share(gain.group_share_before)),
            (_("Group answers, after"), _share(gain.group_share_after)),
        ],
        scale=100,
    )


def _share(value: float | None) -> float | None:
    return None if value is None else 100 * value


@bp.get(SESSION_URL + "/certificates")
@roles(*RUNS_SESSIONS)
def certificates(session_id: str) -> str:
    """Print a certificate for each learner and each course they completed, or
    (`?sheet=1`) one sheet listing the whole class."""
    class_session = session_or_404(session_id)
    earned = report_queries.completions(get_session(), class_session, get_catalog())
    template = (
        "reports/class_sheet.html"
        if request.args.get("sheet")
        else ("reports/certificates.html")
    )
    only = request.args.get("learner")
    if only:
        earned = [e for e in earned if e.membership.public_id == only]
    return render_template(template, class_session=class_session, earned=earned)
