"""Readable heads for query result columns.

Canned queries name their columns for the machine (``clause_markdown`` tells datasette-render-markdown to
render a cell; ``snippet_markdown``, ``act_markdown``). The site's ``templates/query.html`` heads each column
by ``column_label(name)``: the label metadata.yml gives it under ``plugins: taraza-column-labels``, else the
name itself; the fields of a canned query's parameters likewise (``taraza-param-labels``). JSON, CSV and
URLs keep the names, so links and scripts built on them do not change.
"""
from __future__ import annotations

from datasette import hookimpl


@hookimpl
def extra_template_vars(datasette):
    labels = datasette.plugin_config("taraza-column-labels") or {}
    params = datasette.plugin_config("taraza-param-labels") or {}

    def column_label(column) -> str:
        return str(labels.get(column, column))

    def param_label(name) -> str:
        return str(params.get(name, name))

    return {"column_label": column_label, "param_label": param_label}
