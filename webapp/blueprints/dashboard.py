"""The government dashboard: live figures drawn with ECharts (served from static/), each as CSV too."""

from __future__ import annotations

import datetime as dt
import functools

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from pydantic import ValidationInfo, field_validator
from sqlmodel import SQLModel

from models.accounts import Role
from models.common import Region, TechField
from webapp import db
from webapp.auth import reads_stamps, roles_required
from webapp.fragments import fragments
from webapp.i18n import label
from webapp.services import dashboard
from webapp.services.errors import ValidationError
from webapp.transfer.tables import write_csv
from webapp.validation import parse

bp = Blueprint("dashboard", __name__, url_prefix="/government/dashboard")
LABELLED = {"by_status": "status", "by_field": "field", "by_region": "region", "subsidies": "field",
            "registrations": "field"}


class DashboardQuery(SQLModel):
    """The dashboard's filters as the query string gives them."""

    start: dt.date | None = None
    end: dt.date | None = None
    field: TechField | None = None
    region: Region | None = None

    @field_validator("end")
    @classmethod
    def _period(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise ValueError("the end date must be after the start date")
        return value


def filters_from(args) -> tuple[dashboard.Filters, dict[str, str]]:
    """Filters from the query string, or none and the field errors."""
    values = {k: v for k, v in args.items() if v and k in DashboardQuery.model_fields}
    try:
        query = parse(DashboardQuery, values)
    except ValidationError as exc:
        return dashboard.Filters(), exc.fields
    return dashboard.Filters(query.start, query.end, query.field, query.region), {}


def shown(figure: dashboard.Figure) -> dict:
    """A figure with its first column in words, ready for the chart script."""
    table = LABELLED.get(figure.name)
    rows = [[_first(figure.name, table, r[0]), *r[1:]] for r in figure.rows]
    return {"name": figure.name, "chart": figure.chart, "columns": [column_label(c) for c in figure.columns],
            "rows": rows, "title": titles()[figure.name], "horizontal": figure.horizontal,
            "series": list(figure.series or range(1, len(figure.columns))), "secondary": figure.secondary}


def _first(name: str, table: str | None, value):
    """A row's first column in words: a code of a table, a field|region pair, or a measure's name."""
    if name == "gaps":
        field, _bar, region = str(value).partition("|")
        return f"{label('field', field)} · {label('region', region)}"
    return label(table, value) if table else _measure(name, value)


def _measure(name: str, value):
    return column_label(value) if name in ("summary", "durations", "funnel") else value


@bp.route("/")
@roles_required(Role.GOVERNMENT)
@reads_stamps(dashboard.STAMP)
def index():
    """All figures for the chosen filters."""
    filters, errors = filters_from(request.args)
    # With a filter in error no figures: unfiltered ones under a filter that looks applied would mislead.
    figures = [] if errors else [shown(f) for f in computed(filters)]
    return render_template("government/dashboard.html", figures=figures, values=request.args, errors=errors), \
        422 if errors else 200


@bp.route("/<name>.csv")
@roles_required(Role.GOVERNMENT)
@reads_stamps(dashboard.STAMP)
def download(name: str):
    """One figure as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese correctly)."""
    if name not in dashboard.FIGURES:
        abort(404)
    filters, errors = filters_from(request.args)
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    figure = next(f for f in computed(filters) if f.name == name)
    return Response("\ufeff" + write_csv(figure.columns, figure.rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=jiebang-{name}.csv"})


def computed(filters: dashboard.Filters) -> list[dashboard.Figure]:
    """Every figure for these filters, shared by this worker's requests until the data changes."""
    session = db.session()
    return fragments().value(("dashboard", filters, dashboard.stamp(session)),
                             lambda: dashboard.all_figures(session, filters))


def column_label(code: str) -> str:
    """A column or measure code in words."""
    return _column_labels(str(get_locale())).get(code, code)


@functools.cache
def _column_labels(_locale: str) -> dict[str, str]:
    """The labels in one language (built once per language: a dashboard looks up hundreds)."""
    return {
        "challenges": _("Challenges"), "status": _("Status"), "field": _("Field"), "region": _("Region"),
        "bids": _("Bids"), "measure": _("Measure"), "median_days": _("Median days"), "mean_days": _("Mean days"),
        "first_bid": _("Publication to first bid"), "award": _("Publication to award"),
        "manager": _("Technical manager"), "decisions": _("Decisions"), "acceptance_rate": _("Acceptance rate"),
        "commissioner": _("Commissioner"), "dispatches": _("Dispatches"), "capacity": _("Capacity"),
        "committed": _("Committed (yuan)"), "released": _("Released (yuan)"), "value": _("Value"),
        "enterprises_served": _("Enterprises served"), "awarded": _("Awarded"),
        "subsidy_committed": _("Subsidy committed (yuan)"), "subsidy_released": _("Subsidy released (yuan)"),
        "stage": _("Stage"), "count": _("Number"), "published": _("Published"),
        "contracted": _("Contract confirmed"),
        "completed": _("Contract completed"), "days_from_previous": _("Median days from the previous stage"),
        "registered": _("Registered contracts"), "contract_amount": _("Contract amount (yuan)"),
        "technology_income": _("Of which technology income (yuan)"),
        "field_region": _("Field · region"), "measured": _("Challenges measured"),
        "without_strong": _("Without a strong solver"),
        "without_in_region": _("Without a strong or fair solver in the region"),
        "median_strong": _("Median strong solvers"),
    }


def titles() -> dict[str, str]:
    """Each figure's title in the current language."""
    return _titles(str(get_locale()))


@functools.cache
def _titles(_locale: str) -> dict[str, str]:
    return {
        "summary": _("Headline figures"), "by_status": _("Challenges by status"),
        "by_field": _("Challenges by field"), "by_region": _("Challenges by region"),
        "bids_per_challenge": _("Bids per published challenge"), "durations": _("Days to first bid and to award"),
        "curation": _("Technical managers: curation volume and acceptance rate"),
        "commissioner_load": _("Science commissioners' load"), "subsidies": _("Subsidy committed and released"),
        "funnel": _("From publication to completed contract (value: rewards, then contract prices, in yuan)"),
        "registrations": _("Registered technology contracts by field (技术合同认定登记)"),
        "gaps": _("Capability gaps: published challenges that found no strong solver, or none in their region, by "
                  "field and region (定榜)"),
    }
