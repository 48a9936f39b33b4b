"""DuckDB SQL of ``metrics/sql`` → Spark SQL: sqlglot plus the fix-ups this project's queries need.

The DuckDB files stay the one source. :func:`to_spark` parses a query with sqlglot (read="duckdb"),
expands the table macros of migration 009 (Spark has no table macros) from their definition in that
file, refuses every construct it cannot port faithfully (:class:`Unportable`), repairs what plain
sqlglot gets wrong, and writes Spark SQL with ``:name`` parameter markers. Each rule was found by
running the translation on both engines (research: /work/research/spark/FINDINGS.md):

==============================================  ==========================================================
DuckDB                                          Spark
==============================================  ==========================================================
``selected_lines(...)``, ``dataset_lines(ds)``  the macro's SELECT as a subquery, arguments substituted
``is_selected(list, v)``                        ``size(list) = 0 OR array_contains(list, v)`` (the macro)
``len(list)``                                   ``size(list)`` (sqlglot writes LENGTH, a string function)
``len([])``, ``list_contains([], v)``           ``0``, ``FALSE`` (an empty literal has no element type)
``WITH x AS [NOT] MATERIALIZED``                ``WITH x AS`` (a planner hint Spark cannot parse)
``quantile_cont(x, p | [p, ...])``              ``percentile(x, p | array)``: exact, linear interpolation
``datediff('month' | 'year', a, b)``            boundaries crossed, as DuckDB counts (Spark counts whole
                                                months elapsed: 2024-01-31 → 2024-02-01 is 0, DuckDB 1)
``date - date``                                 ``datediff(a, b)`` (Spark gives an INTERVAL DAY)
``to_months(k)``                                ``make_ym_interval(0, k)``
``unnest(generate_series(a, b))``               ``explode`` of an inclusive range that is empty when
                                                b < a (Spark's ``sequence(3, 1)`` counts down)
``$name``                                       ``CAST(:name AS <type of the bound value>)``; lists bare
==============================================  ==========================================================

Refused, because sqlglot would translate them silently wrong or Spark has no equivalent: HUGEINT
(no 128-bit integer), ``quantile``/``quantile_disc`` (sqlglot makes the discrete quantile a
continuous one), ``percentile_* WITHIN GROUP`` (sqlglot writes PERCENTILE_APPROX), ``x = ANY(list)``
(sqlglot's lambda can capture a column), ``datediff`` in other units, ``range()`` and other table
functions, write statements, and any function sqlglot does not know (it would pass it through
unchecked). A refused query needs a portable variant in ``metrics/sql/spark/`` (README "Scale out").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from data.warehouse import MIGRATIONS

MACRO_GLOB = "*.sql"  # every migration's macros (009 selected_lines, 011 customer_scope, 013 the rollups)
TABLE_MARK = "__saleslens_table_{}__"  # a snapshot table in the output, replaced by its view's name
# Functions sqlglot leaves as Anonymous that mean the same in Spark (checked by the conformance tests).
SAME_IN_SPARK = frozenset({"last_day", "day", "make_date", "greatest", "least"})


class Unportable(ValueError):
    """The query uses something that does not translate to Spark faithfully."""


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: exp.Expression  # a SELECT for a table macro, an expression for a scalar one
    table: bool


@functools.cache
def macros() -> dict[str, Macro]:
    """The macros of the migrations (009, 011, 013, ...), parsed from their one definition."""
    code = "\n".join(
        re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8")) for path in sorted(MIGRATIONS.glob(MACRO_GLOB))
    )
    found = {}
    pattern = r"create\s+macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+(table\s+)?(.*?);"
    for name, params, table, body in re.findall(pattern, code, flags=re.IGNORECASE | re.DOTALL):
        parsed = sqlglot.parse_one(body if table else f"SELECT {body}", read="duckdb")
        found[name.lower()] = Macro(
            name.lower(),
            tuple(p.strip().lower() for p in params.split(",")),
            parsed if table else parsed.expressions[0],
            bool(table),
        )
    return found


def _substitute(macro: Macro, args: list[exp.Expression]) -> exp.Expression:
    if len(args) != len(macro.params):
        raise Unportable(f"{macro.name}() takes {len(macro.params)} arguments, got {len(args)}")
    bound = dict(zip(macro.params, args, strict=True))
    body = macro.body.copy()

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.lower() in bound:
            return bound[node.name.lower()].copy()
        return node

    return body.transform(swap)


def _expand_macros(tree: exp.Expression) -> exp.Expression:
    """Replace macro calls by their bodies until none is left (selected_lines calls dataset_lines)."""
    table_macros = {m.name: m for m in macros().values() if m.table}
    scalar_macros = {m.name: m for m in macros().values() if not m.table}
    for _ in range(10):
        changed = False
        for table in list(tree.find_all(exp.Table)):
            call = table.this
            if isinstance(call, exp.Anonymous) and call.name.lower() in table_macros:
                body = _substitute(table_macros[call.name.lower()], list(call.expressions))
                alias = table.alias or call.name.lower()
                table.replace(exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(alias))))
                changed = True
        for call in list(tree.find_all(exp.Anonymous)):
            if call.name.lower() in scalar_macros:
                call.replace(exp.Paren(this=_substitute(scalar_macros[call.name.lower()], list(call.expressions))))
                changed = True
        if not changed:
            return tree
    raise Unportable("macros nest too deeply")


def _refuse(tree: exp.Expression) -> None:
    if not isinstance(tree, exp.Query):
        raise Unportable("a write statement (only SELECT queries run on Spark)")
    for node in tree.walk():
        if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.INT128, exp.DataType.Type.UINT128):
            raise Unportable("HUGEINT: Spark has no 128-bit integer")
        if isinstance(node, exp.GenerateSeries) and not isinstance(node.parent, (exp.Unnest, exp.Explode)):
            raise Unportable("range()/generate_series() as a table: use unnest(generate_series(a, b)) in a SELECT list")
        if isinstance(node, exp.GenerateSeries) and (node.args.get("step") or node.args.get("is_end_exclusive")):
            raise Unportable("range()/generate_series() with a step or an exclusive end")
        if isinstance(node, (exp.Quantile, exp.PercentileDisc)):
            raise Unportable("quantile()/quantile_disc(): sqlglot makes the discrete quantile a continuous one")
        if isinstance(node, exp.WithinGroup):
            raise Unportable("percentile_* WITHIN GROUP: sqlglot writes PERCENTILE_APPROX")
        if isinstance(node, exp.Any):
            raise Unportable("= ANY(list): sqlglot's lambda can capture a column; use is_selected(list, value)")
        if isinstance(node, exp.DateDiff) and (node.text("unit") or "DAY").upper() not in ("DAY", "MONTH", "YEAR"):
            raise Unportable(f"datediff('{node.text('unit')}'): only day, month and year are ported")
        if isinstance(node, exp.Anonymous) and node.name.lower() not in SAME_IN_SPARK | {"to_months"}:
            raise Unportable(f"{node.name}(): a function sqlglot does not know would pass to Spark unchecked")
        if isinstance(node, exp.Table) and isinstance(node.this, (exp.Anonymous, exp.Func)):
            raise Unportable(f"table function {node.this.sql('duckdb')}")
        if isinstance(node, exp.Join) and str(node.args.get("method") or "").upper() == "ASOF":
            raise Unportable("ASOF join: Spark has none (sqlglot would pass it through); use a range join")


def _type_of(value: object) -> str | None:
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, dt.datetime):
        return "TIMESTAMP"
    if isinstance(value, dt.date):
        return "DATE"
    if isinstance(value, int):
        return "INT" if -(2**31) <= value < 2**31 else "BIGINT"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "VARCHAR"
    return None  # lists stay bare: Spark binds them as array literals


def signature(params: dict[str, object]) -> tuple[tuple[str, str | None], ...]:
    """What a translation depends on besides the SQL: each parameter's name and SQL type (None: a list)."""
    return tuple(sorted((name, _type_of(value)) for name, value in params.items()))


def _month_index(e: exp.Expression) -> exp.Expression:
    year = exp.Anonymous(this="YEAR", expressions=[e.copy()])
    month = exp.Anonymous(this="MONTH", expressions=[e.copy()])
    return exp.Paren(this=exp.Add(this=exp.Mul(this=year, expression=exp.Literal.number(12)), expression=month))


def _is_date(e: exp.Expression) -> bool:
    return e.type is not None and e.type.this == exp.DataType.Type.DATE


def _is_array_literal(e: exp.Expression, empty: bool = False) -> bool:
    return isinstance(e, exp.Array) and (not empty or not e.expressions)


def _inclusive_range(start: exp.Expression, end: exp.Expression) -> exp.Expression:
    """sequence(a, greatest(a, b)) without the values past b: empty when b < a, as DuckDB's."""
    seq = exp.Anonymous(
        this="SEQUENCE", expressions=[start.copy(), exp.Greatest(this=start.copy(), expressions=[end.copy()])]
    )
    var = exp.to_identifier("_saleslens_k")
    keep = exp.Lambda(this=exp.LTE(this=exp.Column(this=var.copy()), expression=end.copy()), expressions=[var])
    return exp.Anonymous(this="FILTER", expressions=[seq, keep])


def _fix(tree: exp.Expression) -> exp.Expression:
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)
    for node in list(tree.find_all(exp.Length)):
        inner = node.this.this if isinstance(node.this, exp.Cast) else node.this
        if _is_array_literal(inner, empty=True):
            node.replace(exp.Literal.number(0))
        elif isinstance(inner, exp.Placeholder) or _is_array_literal(inner):
            node.replace(exp.ArraySize(this=inner.copy()))
        elif inner.type is None or not inner.type.is_type(exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):
            raise Unportable(f"len({inner.sql('duckdb')}) of a value that is neither a list parameter nor text")
    for node in list(tree.find_all(exp.ArrayContains)):
        if _is_array_literal(node.this, empty=True):
            node.replace(exp.false())
    for node in list(tree.find_all(exp.PercentileCont)):
        if node.this.type is not None and node.this.type.this == exp.DataType.Type.DECIMAL:
            raise Unportable(
                "quantile_cont() of a DECIMAL: DuckDB rounds it to the input's scale, Spark does not; "
                "cast the argument to DOUBLE"
            )
        node.replace(exp.Anonymous(this="PERCENTILE", expressions=[node.this.copy(), node.expression.copy()]))
    for node in list(tree.find_all(exp.DateDiff)):
        unit = (node.text("unit") or "DAY").upper()
        end, start = node.this, node.expression
        if unit == "MONTH":
            node.replace(exp.Paren(this=exp.Sub(this=_month_index(end), expression=_month_index(start))))
        elif unit == "YEAR":
            node.replace(
                exp.Paren(
                    this=exp.Sub(
                        this=exp.Anonymous(this="YEAR", expressions=[end.copy()]),
                        expression=exp.Anonymous(this="YEAR", expressions=[start.copy()]),
                    )
                )
            )
        else:
            node.replace(exp.Anonymous(this="DATEDIFF", expressions=[end.copy(), start.copy()]))
    for node in list(tree.find_all(exp.Sub)):
        if _is_date(node.left) and _is_date(node.right):
            node.replace(exp.Anonymous(this="DATEDIFF", expressions=[node.left.copy(), node.right.copy()]))
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.lower() == "to_months":
            node.replace(
                exp.Anonymous(
                    this="MAKE_YM_INTERVAL", expressions=[exp.Literal.number(0), *[e.copy() for e in node.expressions]]
                )
            )
    for node in list(tree.find_all(exp.GenerateSeries)):
        node.parent.replace(exp.Explode(this=_inclusive_range(node.args["start"], node.args["end"])))
    return tree


def _mark_tables(tree: exp.Expression, tables: frozenset[str]) -> None:
    """Name each snapshot table by a marker (not CTEs that happen to share a table's name)."""
    for scope in traverse_scope(tree):
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and not source.db and source.name.lower() in tables:
                alias = source.alias_or_name
                source.set("this", exp.to_identifier(TABLE_MARK.format(source.name.lower())))
                source.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))


def to_spark(sql: str, types: dict[str, str | None], schema: dict[str, dict[str, str]]) -> str:
    """Spark SQL for DuckDB ``sql`` whose parameters have these SQL ``types`` (None: a list).

    ``schema`` maps each table to its columns' DuckDB types. Snapshot tables come out as
    ``TABLE_MARK.format(name)``; the caller puts the name of the Spark view there.
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = _expand_macros(tree)
    _refuse(tree)
    for ph in list(tree.find_all(exp.Placeholder)):
        if ph.name not in types:
            raise KeyError(f"parameter ${ph.name} is not bound")
        if types[ph.name] is not None:
            ph.replace(exp.cast(ph.copy(), types[ph.name]))
    tree = qualify(tree, schema=schema, dialect="duckdb", validate_qualify_columns=False, quote_identifiers=False)
    tree = annotate_types(tree, schema=schema, dialect="duckdb")
    tree = _fix(tree)
    _mark_tables(tree, frozenset(schema))
    return tree.sql(dialect="spark", pretty=True)
