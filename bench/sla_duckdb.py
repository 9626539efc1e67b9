#!/usr/bin/env python3
"""The reference for `vendorscore sla`: the same per-clause, per-period
attainment and nearest-rank percentiles computed by DuckDB from the same CSV.

    python3 bench/sla_duckdb.py TICKETS.csv CONTRACT.toml --as-of 2026-11-21 [--threads 2]

Prints JSON shaped like `vendorscore sla --format json`'s "results" (clause,
period, in_scope, met, attainment, required, breached, p50, p90, p95), for
clauses of metric first_response or resolution, with the definitions of
docs/sla.md: timestamps to whole seconds in UTC, periods by created_at,
unanswered tickets in scope and misses, open tickets misses once their
period has ended by --as-of, percentiles over tickets with a value
(`quantile_disc`, which is nearest rank). One scan of the file, with the
timestamps typed in the CSV reader (faster than casting text); the clauses
are a small table joined to every row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tomllib
from fractions import Fraction

import duckdb

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> int:
    return int(text[:-1]) * SECONDS[text[-1]]


def period_end(label: str) -> dt.date:
    """The day after a period's last day."""
    if "-W" in label:
        year, week = label.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        return monday + dt.timedelta(days=7)
    year, month = map(int, label.split("-"))
    return dt.date(year + (month == 12), month % 12 + 1, 1)


def period_start(label: str) -> dt.date:
    if "-W" in label:
        year, week = label.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    year, month = map(int, label.split("-"))
    return dt.date(year, month, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tickets")
    parser.add_argument("contract")
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)

    with open(args.contract, "rb") as f:
        clauses = tomllib.load(f)["sla"]
    rows = []
    for order, c in enumerate(clauses):
        if c["metric"] not in ("first_response", "resolution"):
            sys.exit(f"clause {c['id']}: only first_response and resolution are compared")
        rows.append((order, c["id"], c["metric"], c["channel"], c.get("tier"), c.get("priority"),
                     duration(c["target"]), c["period"]))

    # Column types from the header: timestamps parsed by the CSV reader itself
    # (the fastest way DuckDB offers), everything else as text.
    with open(args.tickets, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
    types = {"created_at": "TIMESTAMPTZ", "first_response_at": "TIMESTAMPTZ", "resolved_at": "TIMESTAMPTZ",
             "tier": "BIGINT"}
    columns = "{" + ", ".join(f"'{name}': '{types.get(name, 'VARCHAR')}'" for name in header) + "}"

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET threads = {args.threads}")
    con.execute(
        "CREATE TEMP TABLE clauses (ord INTEGER, id VARCHAR, metric VARCHAR, channel VARCHAR, "
        "tier BIGINT, priority VARCHAR, threshold BIGINT, period VARCHAR)"
    )
    con.executemany("INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    query = f"""
    WITH t AS (
        SELECT channel, tier, priority,
               epoch(created_at)::BIGINT AS c,
               epoch(first_response_at)::BIGINT AS f,
               epoch(resolved_at)::BIGINT AS r
        FROM read_csv(?, header = true, auto_detect = false, columns = {columns})
    ), v AS (
        SELECT k.ord, k.id, k.threshold,
               CASE k.period WHEN 'month' THEN strftime(to_timestamp(t.c), '%Y-%m')
                             ELSE strftime(to_timestamp(t.c), '%G-W%V') END AS period,
               CASE k.metric WHEN 'first_response' THEN t.f - t.c ELSE t.r - t.c END AS value
        FROM t JOIN clauses k
          ON (k.channel = 'any' OR k.channel = t.channel)
         AND (k.tier IS NULL OR k.tier = t.tier)
         AND (k.priority IS NULL OR k.priority = t.priority)
    )
    SELECT ord, id, period,
           count(value) AS measured,
           count(*) - count(value) AS missing,
           count(*) FILTER (WHERE value <= threshold) AS within,
           quantile_disc(value, [0.5, 0.9, 0.95]) AS p
    FROM v GROUP BY ord, id, period
    """
    results = []
    for order, clause_id, period, measured, missing, within, p in con.execute(query, [args.tickets]).fetchall():
        clause = clauses[order]
        ended = period_end(period) <= as_of
        in_scope = measured + (missing if clause["metric"] == "first_response" or ended else 0)
        if in_scope == 0:
            continue
        required = Fraction(str(clause["attainment"]))
        p50, p90, p95 = p if p is not None else (None, None, None)
        results.append({
            "clause": clause_id,
            "period": period,
            "in_scope": in_scope,
            "met": within,
            "attainment": round(within * 100 / in_scope, 2),
            "required": clause["attainment"],
            "breached": Fraction(within * 100, in_scope) < required,
            "p50": p50, "p90": p90, "p95": p95,
            "_order": (period_start(period), "-W" in period, order),
        })
    results.sort(key=lambda r: r.pop("_order"))
    json.dump({"tickets": args.tickets, "results": results}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
