"""A reader cursor that sees only the rows of some channels and regions (a user's scope, data.access).

Every query of the metric layer runs on its own cursor (metrics.db.query). For a user whose scope
limits regions or channels, that cursor gets temporary views with the fact tables' own names, which
shadow the reader's views for that cursor only (DuckDB keeps TEMP objects per connection, and a
cursor is a connection): the lines, the rollups, the spend, costs, traffic and territories of the
scope's channels and regions, and the customers who bought inside the scope. The migrations'
macros (dataset_lines, selected_days, …) resolve their tables when a query calls them, so they read
the views too. Every query, dataset-wide models included, then computes on the user's rows alone,
and no query can forget the scope.

The scope's lists are bound as DuckDB variables (``SET VARIABLE … = $value``), never written into
SQL text; DuckDB folds them into constants, so the filters still reach each scan (zone maps, row
groups) as a sidebar filter does.

National amounts (marketing spend, channel costs, CRM programme spend) are prorated to the scope
(see below). The demo's planted truths are left whole (``WHOLE``); the UI keeps them away from a
row-scoped user (ui.cached.ROW_SCOPE_WHOLE).
"""

# ruff: noqa: S608 -- the SQL below is built from module constants only; the scope's values are bound
from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterator

import duckdb

# conditions over the bound variables scope_channels / scope_regions (no $ parameter in a view), with
# the migrations' is_selected (009: an empty list means all)
_IN_CHANNELS = "is_selected(getvariable('scope_channels'), {col})"
_IN_REGIONS = "is_selected(getvariable('scope_regions'), {col})"
_BOTH = _IN_CHANNELS.format(col="channel") + " AND " + _IN_REGIONS.format(col="region")

# The customers with at least one line inside the scope (customer_days is the scoped view below).
_CUSTOMERS_IN_SCOPE = (
    "SELECT DISTINCT f.dataset, f.customer_id FROM {catalog}.main.customer_firsts f "
    "SEMI JOIN customer_days d ON d.dataset = f.dataset AND d.customer_key = f.customer_key"
)

# National amounts per channel (marketing spend per week, channel costs per month) have no region:
# for a scope that limits regions they are prorated by the scope's share of that channel's net
# revenue in the same week or month (in the channel's whole history when that week or month has no
# sales; clamped to 0..1), so a region's plan is charged its part of the spend, not all of it.
_SHARE = (
    "greatest(0, least(1, coalesce(sum(net_revenue) FILTER (WHERE " + _IN_REGIONS.format(col="region") + "), 0) "
    "/ nullif(sum(net_revenue), 0))) AS share"
)


def _prorated(table: str, unit: str, column: str) -> str:
    """The SELECT of a national per-channel table cut to the scope's channels and prorated (above)."""
    return (
        "SELECT t.* REPLACE (t.amount * CASE WHEN len(getvariable('scope_regions')) = 0 THEN 1 "
        f"ELSE coalesce(p.share, a.share, 0) END AS amount) FROM {{catalog}}.main.{table} t "
        f"LEFT JOIN (SELECT dataset, channel, date_trunc('{unit}', order_date) AS period, {_SHARE} "
        "FROM {catalog}.main.daily_sales GROUP BY ALL) p "
        f"ON p.dataset = t.dataset AND p.channel = t.channel AND p.period = date_trunc('{unit}', t.{column}) "
        f"LEFT JOIN (SELECT dataset, channel, {_SHARE} FROM {{catalog}}.main.daily_sales GROUP BY ALL) a "
        "ON a.dataset = t.dataset AND a.channel = t.channel "
        f"WHERE {_IN_CHANNELS.format(col='t.channel')}"
    )


# In dependency order: customer_days first (the customer views read it).
VIEWS: dict[str, str] = {
    "order_lines": f"SELECT * FROM {{catalog}}.main.order_lines WHERE {_BOTH}",
    "daily_sales": f"SELECT * FROM {{catalog}}.main.daily_sales WHERE {_BOTH}",
    "customer_days": f"SELECT * FROM {{catalog}}.main.customer_days WHERE {_BOTH}",
    "channel_territories": f"SELECT * FROM {{catalog}}.main.channel_territories WHERE {_BOTH}",
    "marketing_weekly": _prorated("marketing_weekly", "week", "week"),
    "channel_costs": _prorated("channel_costs", "month", "month"),
    "traffic": f"SELECT * FROM {{catalog}}.main.traffic WHERE {_IN_CHANNELS.format(col='channel')}",
    "feedback": f"SELECT * FROM {{catalog}}.main.feedback WHERE {_IN_CHANNELS.format(col='channel')}",
    # a lift test of a channel outside the scope is another channel's number; CRM programmes stay
    "experiments": f"SELECT * FROM {{catalog}}.main.experiments WHERE {_IN_CHANNELS.format(col='lever')} "
    "OR lever NOT IN (SELECT DISTINCT channel FROM {catalog}.main.daily_sales WHERE channel IS NOT NULL)",
}
CUSTOMER_VIEWS = ("customer_firsts", "customers", "interactions")
# CRM contacts are randomised groups (contacted / held back): cutting them by purchases made after
# the contact would bias the holdout comparison, so they are cut by where each customer was won
# (the first order's channel and region, customer_firsts), which the contact cannot change.
_WON_IN_SCOPE = _IN_CHANNELS.format(col="f.first_channel") + " AND " + _IN_REGIONS.format(col="f.first_region")
_CONTACTS_IN_SCOPE = "SELECT f.dataset, f.customer_id FROM {catalog}.main.customer_firsts f WHERE " + _WON_IN_SCOPE
# CRM programme spend has no channel or region: prorated by the scope's share of the programme's
# contacts (customers won inside the scope, as the contacts above), else of all customers.
_CRM_SPEND = (
    "SELECT t.* REPLACE (t.amount * coalesce(c.share, k.share, 0) AS amount) FROM {catalog}.main.crm_spend t "
    "LEFT JOIN (SELECT c.dataset, c.programme, "
    f"count(*) FILTER (WHERE {_WON_IN_SCOPE}) / count(*) AS share "
    "FROM {catalog}.main.crm_contacts c LEFT JOIN {catalog}.main.customer_firsts f "
    "ON f.dataset = c.dataset AND f.customer_id = c.customer_id GROUP BY ALL) c "
    "ON c.dataset = t.dataset AND c.programme = t.programme "
    f"LEFT JOIN (SELECT f.dataset, count(*) FILTER (WHERE {_WON_IN_SCOPE}) / count(*) AS share "
    "FROM {catalog}.main.customer_firsts f GROUP BY ALL) k ON k.dataset = t.dataset"
)

WHOLE = {
    "dataset_truths": "the demo's planted truths describe the whole dataset (ui.cached refuses them)",
}


def scoped_cursor(
    con: duckdb.DuckDBPyConnection, channels: tuple[str, ...], regions: tuple[str, ...]
) -> duckdb.DuckDBPyConnection:
    """A new cursor of ``con`` on which the fact tables hold only these channels' and regions' rows
    (an empty tuple means all). Other cursors of ``con`` are unaffected."""
    cur = con.cursor()
    catalog = cur.execute("SELECT current_database()").fetchall()[0][0]
    catalog = '"' + str(catalog).replace('"', '""') + '"'
    cur.execute("SET VARIABLE scope_channels = $v", {"v": list(channels)})
    cur.execute("SET VARIABLE scope_regions = $v", {"v": list(regions)})
    present = {
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
    }
    for table, select in VIEWS.items():
        if table in present:
            cur.execute(f"CREATE TEMP VIEW {table} AS {select.format(catalog=catalog)}")  # module constants
    if "customer_firsts" in present:
        ids = _CUSTOMERS_IN_SCOPE.format(catalog=catalog)
        for table in CUSTOMER_VIEWS:
            if table in present:
                cur.execute(
                    f"CREATE TEMP VIEW {table} AS SELECT t.* FROM {catalog}.main.{table} t "
                    f"SEMI JOIN ({ids}) s ON s.dataset = t.dataset AND s.customer_id = t.customer_id"
                )
        if "crm_contacts" in present:
            won = _CONTACTS_IN_SCOPE.format(catalog=catalog)
            cur.execute(
                f"CREATE TEMP VIEW crm_contacts AS SELECT t.* FROM {catalog}.main.crm_contacts t "
                f"SEMI JOIN ({won}) s ON s.dataset = t.dataset AND s.customer_id = t.customer_id"
            )
            if "crm_spend" in present:
                cur.execute(f"CREATE TEMP VIEW crm_spend AS {_CRM_SPEND.format(catalog=catalog)}")
    return cur


# Making a scoped cursor binds a dozen views (~20 ms); a page runs tens of queries. Scoped cursors are
# kept per (reader, scope) and reused, one query at a time each: a few readers and scopes, a few
# cursors each (the pool holds its readers, so an old reader lives until its entry is dropped).
POOL_KEYS = 16
PER_KEY = 4
_POOL: OrderedDict[tuple, tuple[duckdb.DuckDBPyConnection, list[duckdb.DuckDBPyConnection]]] = OrderedDict()
_POOL_LOCK = threading.Lock()


@contextlib.contextmanager
def scoped(
    con: duckdb.DuckDBPyConnection, channels: tuple[str, ...], regions: tuple[str, ...]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A scoped cursor of ``con`` (:func:`scoped_cursor`) for one query, taken from the pool and
    given back after."""
    key = (id(con), tuple(channels), tuple(regions))
    cur = None
    with _POOL_LOCK:
        entry = _POOL.get(key)
        if entry is not None and entry[0] is con and entry[1]:
            cur = entry[1].pop()
            _POOL.move_to_end(key)
    if cur is None:
        cur = scoped_cursor(con, channels, regions)
    try:
        yield cur
    finally:
        with _POOL_LOCK:
            entry = _POOL.get(key)
            if entry is None or entry[0] is not con:
                entry = _POOL[key] = (con, [])
            if len(entry[1]) < PER_KEY:
                entry[1].append(cur)
            _POOL.move_to_end(key)
            while len(_POOL) > POOL_KEYS:
                _POOL.popitem(last=False)
