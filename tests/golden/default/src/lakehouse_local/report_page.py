"""`make report`: one static HTML page from the local run history and the contracts.

Charts are Plotly figures with plotly.js embedded once in the page, so the file opens offline
(no CDN, nothing fetched). Every chart has a title, axis labels and a sentence saying how to
read it; the latest run and the masks of each column are plain tables.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lakehouse_domain import domain
from lakehouse_domain.contract import Contract
from lakehouse_domain.naming import LAYERS
from lakehouse_domain.run_history import FAILED, NOT_RUN, SUCCEEDED

STATUS_COLOURS = {SUCCEEDED: "#2e7d32", FAILED: "#c62828", NOT_RUN: "#9e9e9e"}
# What an analyst sees instead of the value (members of the PII readers group see it clear).
MASK_EFFECTS = {
    "hash_sha256": "a SHA-256 hash of the value",
    "email_partial": "first letter and domain only (j***@example.com)",
    "last4": "the last four characters, the rest as *",
    "char_mask": "letters as X/x, digits as n",
    "redact": "***REDACTED***",
    "null": "NULL",
    "year_only": "the year only (yyyy-01-01)",
}


@dataclass(frozen=True)
class Run:
    """One run of the history, summed over its rows."""

    run_id: str
    started_at: datetime
    status: str
    seconds: float
    errors: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}"


def runs_of(rows: list[dict]) -> list[Run]:
    """The runs in ``rows``, oldest first; a run failed when any of its rows failed."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["run_id"]].append(row)
    runs = []
    for run_id, members in grouped.items():
        failed = [r for r in members if r["status"] == FAILED]
        errors = tuple(dict.fromkeys(r["error"] for r in failed if r["error"]))
        runs.append(
            Run(
                run_id,
                members[0]["run_started_at"],
                FAILED if failed else SUCCEEDED,
                round(sum(r["seconds"] for r in members), 3),
                errors,
            )
        )
    return sorted(runs, key=lambda run: run.started_at)


def _series_name(dataset: str, part: str, datasets: set[str]) -> str:
    """``part`` alone for a single-dataset domain, else prefixed with its dataset."""
    return part if len(datasets) == 1 else f"{dataset}: {part}"


def _layout(title: str, x_title: str, y_title: str, **extra) -> dict:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}, "type": "category"},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "template": "plotly_white",
        "height": 380,
        "margin": {"t": 60, "b": 70, "l": 70, "r": 20},
        "legend": {"orientation": "h", "y": -0.25},
        **extra,
    }


def runs_figure(runs: list[Run]):
    import plotly.graph_objects as go

    figure = go.Figure()
    for status in (SUCCEEDED, FAILED):
        chosen = [run for run in runs if run.status == status]
        if not chosen:
            continue
        figure.add_bar(
            name=status,
            x=[run.label for run in chosen],
            y=[run.seconds for run in chosen],
            marker_color=STATUS_COLOURS[status],
            customdata=[("<br>".join(run.errors) or "no error") for run in chosen],
            hovertemplate="%{x}<br>%{y:.1f} s<br>%{customdata}<extra>" + status + "</extra>",
        )
    figure.update_layout(
        **_layout("Runs over time", "Run started (UTC)", "Duration (seconds)"),
        barmode="overlay",
        showlegend=True,  # the colours mean succeeded or failed, even with one of them
    )
    figure.update_xaxes(categoryorder="array", categoryarray=[run.label for run in runs])
    return figure


def rows_figure(rows: list[dict], runs: list[Run]):
    import plotly.graph_objects as go

    labels = {run.run_id: run.label for run in runs}
    datasets = {row["dataset"] for row in rows}
    written: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for row in rows:
        series = (row["dataset"], LAYERS.index(row["layer"]))
        label = labels[row["run_id"]]
        written[series][label] = written[series].get(label, 0) + row["rows_written"]
    figure = go.Figure()
    for dataset, layer in sorted(written):
        values = written[dataset, layer]
        name = _series_name(dataset, LAYERS[layer], datasets)
        figure.add_bar(name=name, x=list(values), y=list(values.values()))
    figure.update_layout(
        **_layout("Rows written per layer", "Run started (UTC)", "Rows written"),
        barmode="group",
    )
    figure.update_xaxes(categoryorder="array", categoryarray=[run.label for run in runs])
    return figure


def quarantine_figure(rows: list[dict], runs: list[Run]):
    import plotly.graph_objects as go

    labels = {run.run_id: run.label for run in runs}
    datasets = {row["dataset"] for row in rows}
    failed: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        for rule, count in row["quarantine_by_rule"].items():
            name = _series_name(row["dataset"], rule, datasets)
            label = labels[row["run_id"]]
            failed[name][label] = failed[name].get(label, 0) + count
    figure = go.Figure()
    for name in sorted(failed):
        figure.add_bar(name=name, x=list(failed[name]), y=list(failed[name].values()))
    figure.update_layout(
        **_layout("Quarantined records by rule", "Run started (UTC)", "Records failing the rule"),
        barmode="stack",
    )
    figure.update_xaxes(categoryorder="array", categoryarray=[run.label for run in runs])
    return figure


def freshness_figure(rows: list[dict], runs: list[Run]):
    import plotly.graph_objects as go

    labels = {run.run_id: run.label for run in runs}
    lag: dict[str, dict[str, float]] = defaultdict(dict)
    sla: dict[str, float] = {}
    for row in rows:
        if row["freshness_lag_seconds"] is not None:
            lag[row["dataset"]][labels[row["run_id"]]] = row["freshness_lag_seconds"] / 3600
        if row["freshness_sla_seconds"] is not None:
            sla[row["dataset"]] = row["freshness_sla_seconds"] / 3600
    figure = go.Figure()
    all_labels = [run.label for run in runs]
    for dataset in sorted(lag):
        figure.add_scatter(
            name=f"{dataset}: hours since newest record",
            x=list(lag[dataset]),
            y=list(lag[dataset].values()),
            mode="lines+markers",
            hovertemplate="%{x}<br>%{y:.3f} h<extra>" + dataset + "</extra>",
        )
        if dataset in sla:
            figure.add_scatter(
                name=f"{dataset}: freshness SLA ({sla[dataset]:g} h)",
                x=all_labels,
                y=[sla[dataset]] * len(all_labels),
                mode="lines",
                line={"dash": "dash"},
            )
    figure.update_layout(**_layout("Freshness", "Run started (UTC)", "Hours"))
    figure.update_xaxes(categoryorder="array", categoryarray=all_labels)
    return figure


@dataclass(frozen=True)
class Chart:
    key: str
    explanation: str
    figure: object


def charts(rows: list[dict]) -> list[Chart]:
    runs = runs_of(rows)
    return [
        Chart(
            "runs",
            "Each bar is one run of the pipeline (make run): its height is the time it took "
            "over every dataset and layer; green runs succeeded, red runs failed (hover a bar "
            "for the error).",
            runs_figure(runs),
        ),
        Chart(
            "rows",
            "Rows each layer wrote in each run: bronze appends what the source delivered, "
            "silver inserts and updates checked, deduplicated records, gold rebuilds its "
            "features. A rerun without new data writes nothing.",
            rows_figure(rows, runs),
        ),
        Chart(
            "quarantine",
            "Records silver set aside because they broke a quality rule of the contract, per "
            "rule. They wait in the quarantine table with the rules they failed; the rest of "
            "the run goes on.",
            quarantine_figure(rows, runs),
        ),
        Chart(
            "freshness",
            "How old the newest record in bronze was when each run ended, in hours. Above its "
            "dashed SLA line a dataset is stale: its source delivered nothing new for longer "
            "than the contract allows.",
            freshness_figure(rows, runs),
        ),
    ]


def _table(headings: list[str], body: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    lines = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in line) + "</tr>"
        for line in body
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>'


def latest_run_section(rows: list[dict]) -> str:
    latest = runs_of(rows)[-1]
    members = sorted(
        (row for row in rows if row["run_id"] == latest.run_id),
        key=lambda r: (r["dataset"], LAYERS.index(r["layer"])),
    )
    body = [
        [
            row["dataset"],
            row["layer"],
            row["status"],
            row["rows_read"],
            row["rows_written"],
            row["rows_quarantined"],
            f"{row['seconds']:.1f}",
            row["error"] or "",
        ]
        for row in members
    ]
    headings = ["dataset", "layer", "status", "read", "written", "quarantined", "s", "error"]
    return (
        f"<h2>Latest run: {html.escape(latest.status)}</h2>"
        f"<p>Started {html.escape(latest.label)} UTC (run {html.escape(latest.run_id)}). One "
        "line per dataset and layer; a layer after a failed one is not run.</p>"
        + _table(headings, body)
    )


def masks_section(contracts: list[Contract]) -> str:
    body = []
    filters = []
    for contract in contracts:
        for column in contract.columns:
            if column.masking:
                strategy = column.masking
                effect = MASK_EFFECTS.get(strategy, strategy)
                body.append(
                    [contract.name, column.name, column.type, column.pii or "", strategy, effect]
                )
        if contract.row_filter:
            filters.append(
                f"<li>{html.escape(contract.name)}: rows filtered on "
                f"<code>{html.escape(contract.row_filter.column)}</code> by group</li>"
            )
    intro = (
        f"<p>What the contracts mask in silver, its quarantine and gold (where the column is "
        f"kept): analysts ({html.escape(domain.ANALYSTS_GROUP)}) see the masked form, members "
        f"of {html.escape(domain.PII_READERS_GROUP)} the value. <code>make governance</code> "
        "writes the SQL that applies them.</p>"
    )
    if not body:
        return "<h2>Masks per column</h2>" + intro + "<p>No column is masked.</p>"
    headings = ["dataset", "column", "type", "PII kind", "mask", "an analyst sees"]
    listed = f"<ul>{''.join(filters)}</ul>" if filters else ""
    return "<h2>Masks per column</h2>" + intro + _table(headings, body) + listed


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #1f2933; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #52606d; margin-top: 0; }
section { margin: 2rem 0; }
.explain { color: #3e4c59; margin: 0.2rem 0 0.5rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d9e2ec; padding: 0.3rem 0.5rem; text-align: left; }
th { background: #f0f4f8; }
.empty { background: #fff8e1; border: 1px solid #ffe082; padding: 1rem; }
"""


def render(rows: list[dict], contracts: list[Contract], source: str) -> str:
    """The report page; without rows, an explanation of how to get some instead of charts."""
    title = f"{domain.DOMAIN}: pipeline report"
    now = datetime.now(UTC)
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">Generated {now:%Y-%m-%d %H:%M} UTC from the run history in '
        f"<code>{html.escape(source)}</code>.</p>",
    ]
    if not rows:
        parts.append(
            '<p class="empty" id="no-runs">No runs recorded yet. Run <code>make run</code> '
            "(synthetic data through bronze, silver and gold), then <code>make report</code> "
            "again to see runs, rows, quarantine and freshness here.</p>"
        )
    else:
        runs = runs_of(rows)
        failed = sum(run.status == FAILED for run in runs)
        parts.append(
            f'<p class="meta">Runs recorded: {len(runs)}, failed: {failed}; datasets: '
            f"{html.escape(', '.join(sorted({row['dataset'] for row in rows})))}.</p>"
        )
        for index, chart in enumerate(charts(rows)):
            figure_html = chart.figure.to_html(
                full_html=False,
                include_plotlyjs=index == 0,  # plotly.js once, embedded: the page works offline
                div_id=f"chart-{chart.key}",
                config={"displaylogo": False, "responsive": True},
            )
            parts.append(
                f'<section><p class="explain">{html.escape(chart.explanation)}</p>'
                f"{figure_html}</section>"
            )
        parts.append(f"<section>{latest_run_section(rows)}</section>")
    parts.append(f"<section>{masks_section(contracts)}</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


def write_report_page(
    rows: list[dict], contracts: list[Contract], source: str, output: Path
) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(rows, contracts, source), encoding="utf-8")
    return output
