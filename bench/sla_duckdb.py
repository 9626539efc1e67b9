#!/usr/bin/env python3
"""The reference for `vendorscore sla`: the same per-clause, per-period
attainment and nearest-rank percentiles computed by DuckDB from the same CSV.

    python3 bench/sla_duckdb.py TICKETS.csv CONTRACT.toml --as-of 2026-11-21 [--threads 2]

Prints JSON shaped like `vendorscore sla --format json`'s "results" (clause,
period, in_scope, met, attainment, required, breached, p50, p90, p95,
answered, abandoned, short_abandoned, excluded), for clauses of metric
first_response, resolution, abandon_rate or asa, with the definitions of
docs/sla.md: timestamps to whole seconds in UTC, periods by created_at,
unanswered tickets in scope and misses, open tickets misses once their
period has ended by --as-of, abandoned contacts (`abandoned_at`) counted
per the clause's `abandons` and `short_abandon`, contacts created in an
`[[exclusion]]` window left out, `min_volume`, percentiles over tickets with
a value (`quantile_disc`, which is nearest rank). One scan of the file, with the
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


def half_up(value: Fraction) -> float:
    """To two decimals, halves rounded up, as vendorscore shows attainment."""
    hundredths = value * 100
    return float(Fraction(int(hundredths + Fraction(1, 2)), 100)) if value >= 0 else float(round(hundredths) / 100)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tickets")
    parser.add_argument("contract")
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)

    with open(args.contract, "rb") as f:
        contract = tomllib.load(f)
    clauses = contract["sla"]
    rows = []
    for order, c in enumerate(clauses):
        if c["metric"] not in ("first_response", "resolution", "abandon_rate", "asa"):
            sys.exit(f"clause {c['id']}: only first_response, resolution, abandon_rate and asa are compared")
        threshold = 0 if c["metric"] == "abandon_rate" else duration(c["target"])
        short = duration(c["short_abandon"]) if "short_abandon" in c else 0
        rows.append((order, c["id"], c["metric"], c["channel"], c.get("tier"), c.get("priority"),
                     threshold, c["period"], short))
    windows = [(int(e["from"].timestamp()), int(e["to"].timestamp()), e.get("channels"))
               for e in contract.get("exclusion", [])]

    # Column types from the header: timestamps parsed by the CSV reader itself
    # (the fastest way DuckDB offers), everything else as text.
    with open(args.tickets, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
    types = {"created_at": "TIMESTAMPTZ", "first_response_at": "TIMESTAMPTZ", "resolved_at": "TIMESTAMPTZ",
             "abandoned_at": "TIMESTAMPTZ", "tier": "BIGINT"}
    abandoned = "epoch(abandoned_at)::BIGINT" if "abandoned_at" in header else "NULL::BIGINT"
    columns = "{" + ", ".join(f"'{name}': '{types.get(name, 'VARCHAR')}'" for name in header) + "}"

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET threads = {args.threads}")
    con.execute(
        "CREATE TEMP TABLE clauses (ord INTEGER, id VARCHAR, metric VARCHAR, channel VARCHAR, "
        "tier BIGINT, priority VARCHAR, threshold BIGINT, period VARCHAR, short BIGINT)"
    )
    con.executemany("INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TEMP TABLE windows (f BIGINT, t BIGINT, channels VARCHAR[])")
    if windows:
        con.executemany("INSERT INTO windows VALUES (?, ?, ?)", windows)
    query = f"""
    WITH t AS (
        SELECT channel, tier, priority,
               epoch(created_at)::BIGINT AS c,
               epoch(first_response_at)::BIGINT AS f,
               epoch(resolved_at)::BIGINT AS r,
               {abandoned} AS a
        FROM read_csv(?, header = true, auto_detect = false, columns = {columns})
    ), x AS (
        SELECT t.*, EXISTS (SELECT 1 FROM windows w WHERE t.c >= w.f AND t.c < w.t
                            AND (w.channels IS NULL OR list_contains(w.channels, t.channel))) AS out
        FROM t
    ), v AS (
        SELECT k.ord, k.id, k.threshold, k.short, x.out,
               CASE k.period WHEN 'month' THEN strftime(to_timestamp(x.c), '%Y-%m')
                             ELSE strftime(to_timestamp(x.c), '%G-W%V') END AS period,
               CASE k.metric WHEN 'resolution' THEN x.r - x.c ELSE x.f - x.c END AS value,
               CASE WHEN k.metric <> 'resolution' AND x.f IS NULL THEN x.a - x.c END AS wait
        FROM x JOIN clauses k
          ON (k.channel = 'any' OR k.channel = x.channel)
         AND (k.tier IS NULL OR k.tier = x.tier)
         AND (k.priority IS NULL OR k.priority = x.priority)
    )
    SELECT ord, id, period,
           count(value) FILTER (WHERE NOT out) AS measured,
           count(*) FILTER (WHERE NOT out AND value IS NULL AND wait IS NULL) AS missing,
           count(*) FILTER (WHERE NOT out AND value <= threshold) AS within,
           count(*) FILTER (WHERE NOT out AND wait >= short) AS abandoned,
           count(*) FILTER (WHERE NOT out AND wait >= short AND wait <= threshold) AS abandoned_within,
           count(*) FILTER (WHERE NOT out AND wait < short) AS short_abandoned,
           count(*) FILTER (WHERE out) AS excluded,
           coalesce(sum(value) FILTER (WHERE NOT out), 0) AS wait_sum,
           quantile_disc(value, [0.5, 0.9, 0.95]) FILTER (WHERE NOT out) AS p
    FROM v GROUP BY ord, id, period
    """
    results = []
    for (order, clause_id, period, measured, missing, within, abandoned, abandoned_within, short, excluded,
         wait_sum, p) in con.execute(query, [args.tickets]).fetchall():
        clause = clauses[order]
        metric = clause["metric"]
        ended = period_end(period) <= as_of
        mode = clause.get("abandons", "miss")
        met = within
        if metric == "first_response":
            in_scope = measured + missing + {"miss": abandoned, "exclude": 0, "met_within_target": abandoned,
                                             "exclude_within_target": abandoned - abandoned_within}[mode]
            if mode == "met_within_target":
                met = within + abandoned_within
        elif metric == "resolution":
            in_scope = measured + (missing if ended else 0)
        elif metric == "abandon_rate":
            in_scope, met = measured + abandoned, measured
        else:  # asa
            in_scope = measured
        if in_scope == 0:
            continue
        if metric == "asa":
            target = duration(clause["target"])
            attainment, required = half_up(Fraction(wait_sum, in_scope)), target
            breached = wait_sum > target * in_scope
        else:
            required = 100 - clause["target"] if metric == "abandon_rate" else clause["attainment"]
            attainment = half_up(Fraction(met * 100, in_scope))
            breached = Fraction(met * 100, in_scope) < Fraction(str(required))
        if in_scope < clause.get("min_volume", 0):
            breached = False
        p50, p90, p95 = p if p is not None and metric != "abandon_rate" else (None, None, None)
        answering = metric != "resolution"
        results.append({
            "clause": clause_id,
            "period": period,
            "in_scope": in_scope,
            "met": met,
            "attainment": attainment,
            "required": required,
            "breached": breached,
            "p50": p50, "p90": p90, "p95": p95,
            "answered": measured if answering else 0,
            "abandoned": abandoned if answering else 0,
            "short_abandoned": short if answering else 0,
            "excluded": excluded,
            "_order": (period_start(period), "-W" in period, order),
        })
    results.sort(key=lambda r: r.pop("_order"))
    json.dump({"tickets": args.tickets, "results": results}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
