#!/usr/bin/env python3
"""The reference for `vendorscore sla`: every clause and period, and the
credits, computed by DuckDB (the counting) and Python's fractions and
zoneinfo (the decisions, money and time zones) from the same export.

    python3 bench/sla_duckdb.py TICKETS.csv CONTRACT.toml --as-of 2026-11-21 [--threads 2]
        [--settings vendorscore.toml]

Prints JSON shaped like `vendorscore sla --format json` ("rows", "results",
"credits"), written from the definitions in docs/sla.md, not from
vendorscore's code:

- timestamps to whole seconds; without an offset they are local time in
  `[tickets] timezone` of --settings (default UTC): a time in a
  spring-forward gap moves forward by the gap, an ambiguous one takes its
  first occurrence (Python's fold=0). `[tickets.columns]` renames are read
  from --settings too. A row whose response, resolution or abandon comes
  before its creation is rejected and counted in rows.rejected;
- periods by created_at in `[contract] timezone` (months and ISO weeks),
  open tickets misses once their period has ended by --as-of;
- business clocks: the open time of the clause's `[[calendar]]` between two
  instants (its open intervals of 2000-2100 listed with Python's zoneinfo,
  then DuckDB ASOF joins give the open time before each instant);
- abandoned contacts per `abandons` and `short_abandon`, `[[exclusion]]`
  windows, `min_volume`, forecasts (`excusal = "waive"` and `"cap"`, the cap
  keeping the first contacts by created_at, ties by ticket_id, which the
  bench generator writes in file order), `minimum`, `kind`;
- credits (fixed, allocation, shortfall), chronic failure, earn-back, and
  per period gross, earned back, net and total after the period and
  contract-year caps, exact fractions rounded half to even to the cent.

Metrics: first_response, resolution, abandon_rate and asa. Percentiles are
nearest rank (`quantile_disc`). One scan of the file, with the timestamps
typed by DuckDB's CSV reader; the clauses are a small table joined to every row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import sys
import tomllib
from fractions import Fraction
from zoneinfo import ZoneInfo

import duckdb

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
BIG = 1 << 62


def duration(text: str) -> int:
    return int(text[:-1]) * SECONDS[text[-1]]


def exact(value) -> Fraction:
    """A TOML number as the decimal the user wrote (the shortest that reads back)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def cents(value: Fraction) -> str:
    """Money rounded half to even to the cent."""
    c = round(value * 100)  # Fraction.__round__ rounds half to even
    return f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"


def half_up(value: Fraction) -> Fraction:
    """To two decimals, halves rounded up, as vendorscore shows attainment."""
    return Fraction(int(value * 100 + Fraction(1, 2)), 100)


def shown(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


# --- time zones ----------------------------------------------------------------


@functools.cache
def transitions(zone: ZoneInfo) -> list[tuple[int, int]]:
    """(instant, offset from then on) of every change of `zone`'s UTC offset
    between 1990 and 2101, after the offset of 1990: found hour by hour, then
    to the second."""
    def offset(t: int) -> int:
        return int(dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds())

    start = int(dt.datetime(1990, 1, 1, tzinfo=UTC).timestamp())
    end = int(dt.datetime(2101, 1, 1, tzinfo=UTC).timestamp())
    out = [(-BIG, offset(start))]
    t = start
    while t < end:
        if offset(t + 3600) != offset(t):
            lo, hi = t, t + 3600
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == offset(t) else (lo, mid)
            out.append((hi, offset(hi)))
        t += 3600
    return out


def case_by(x: str, bounds: list[int], values: list[int]) -> str:
    """SQL for values[i] where bounds[i] <= x < bounds[i+1], as nested CASEs
    (a binary search: a few comparisons a row)."""
    if len(values) == 1:
        return str(values[0])
    mid = len(values) // 2
    return f"(CASE WHEN {x} < {bounds[mid]} THEN {case_by(x, bounds[:mid], values[:mid])} " \
           f"ELSE {case_by(x, bounds[mid:], values[mid:])} END)"


def offset_of_instant(zone: ZoneInfo, x: str) -> str:
    """SQL: the UTC offset of `zone` at the instant `x` (seconds)."""
    changes = transitions(zone)
    return case_by(x, [t for t, _ in changes], [o for _, o in changes])


def instant_of_local(zone: ZoneInfo, x: str) -> str:
    """SQL: the instant of the local wall-clock time `x` (seconds as if UTC):
    the offset before a transition holds until the local time reaches
    transition + the larger offset, which moves a time in a gap forward by the
    gap and takes an ambiguous time's first occurrence."""
    changes = transitions(zone)
    bounds = [-BIG] + [t + max(changes[i - 1][1], o) for i, (t, o) in enumerate(changes) if i > 0]
    return f"({x} - {case_by(x, bounds, [o for _, o in changes])})"


# --- calendars -----------------------------------------------------------------


def clock(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def open_intervals(spec: dict) -> list[tuple[int, int, int]]:
    """(start, end, open seconds before) of every open interval of 2000-2100."""
    zone = ZoneInfo(spec["timezone"])
    week = [[tuple(map(clock, i.split("-"))) for i in spec["hours"].get(d, [])] for d in DAYS]
    holidays = set()
    for h in spec.get("holidays", []):
        if isinstance(h, dict):
            d = h["from"]
            while d <= h["to"]:
                holidays.add(d)
                d += dt.timedelta(days=1)
        else:
            holidays.add(h)
    exceptions = {e["date"]: [tuple(map(clock, i.split("-"))) for i in e["hours"]] for e in spec.get("exceptions", [])}

    def at(day: dt.date, seconds: int) -> int:
        day, seconds = (day + dt.timedelta(days=1), 0) if seconds == 86400 else (day, seconds)
        local = dt.datetime(day.year, day.month, day.day, seconds // 3600, seconds // 60 % 60, tzinfo=zone, fold=0)
        return int(local.timestamp())

    out, total, day = [], 0, dt.date(2000, 1, 1)
    while day <= dt.date(2100, 12, 31):
        hours = exceptions.get(day, [] if day in holidays else week[day.weekday()])
        for start, end in sorted(hours):
            a, b = at(day, start), at(day, end)
            if a < b:
                out.append((a, b, total))
                total += b - a
        day += dt.timedelta(days=1)
    return out


# --- periods -------------------------------------------------------------------


def period_start(label: str) -> dt.date:
    if "-W" in label:
        year, week = label.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    year, month = map(int, label.split("-"))
    return dt.date(year, month, 1)


def period_index(label: str) -> int:
    """Months since year 0, or weeks since an ISO Monday."""
    if "-W" in label:
        return period_start(label).toordinal() // 7
    year, month = map(int, label.split("-"))
    return year * 12 + month - 1


def period_end(label: str) -> dt.date:
    """The day after a period's last day."""
    start = period_start(label)
    if "-W" in label:
        return start + dt.timedelta(days=7)
    return dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def label_of(index: int, weekly: bool) -> str:
    if weekly:
        year, week, _ = dt.date.fromordinal(index * 7 + 1).isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def contract_year(start: dt.date, day: dt.date) -> int:
    def anniversary(year: int) -> dt.date:
        last = (dt.date(year + (start.month == 12), start.month % 12 + 1, 1) - dt.timedelta(days=1)).day
        return dt.date(year, start.month, min(start.day, last))

    k = day.year - start.year
    return k - 1 if day < anniversary(day.year) else k


# --- counting ------------------------------------------------------------------


def count(args, contract: dict, settings: dict):
    clauses = contract["sla"]
    tickets_zone = settings.get("tickets", {}).get("timezone", "UTC")
    renames = settings.get("tickets", {}).get("columns", {})
    contract_zone = contract["contract"].get("timezone", "UTC")
    forecasts = {(f["period"], f["channel"]): f["volume"] for f in contract.get("forecast", [])}

    with open(args.tickets, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split(",")
    name = {canonical: renames.get(canonical, canonical) for canonical in
            ("ticket_id", "channel", "created_at", "first_response_at", "resolved_at", "abandoned_at", "tier",
             "priority")}
    local = tickets_zone != "UTC"
    stamp_type = "TIMESTAMP" if local else "TIMESTAMPTZ"
    types = {name[c]: stamp_type for c in ("created_at", "first_response_at", "resolved_at", "abandoned_at")}
    types[name["tier"]] = "BIGINT"
    columns = "{" + ", ".join(f"'{h}': '{types.get(h, 'VARCHAR')}'" for h in header) + "}"

    def instant(canonical: str) -> str:
        if name[canonical] not in header:
            return "NULL::BIGINT"
        seconds = f'epoch("{name[canonical]}")::BIGINT'
        return instant_of_local(ZoneInfo(tickets_zone), seconds) if local else seconds

    rows, calendars = [], {}
    for order, c in enumerate(clauses):
        if c["metric"] not in ("first_response", "resolution", "abandon_rate", "asa"):
            sys.exit(f"clause {c['id']}: only first_response, resolution, abandon_rate and asa are compared")
        threshold = 0 if c["metric"] == "abandon_rate" else duration(c["target"])
        short = duration(c["short_abandon"]) if "short_abandon" in c else 0
        calendar = c["calendar"] if c.get("clock") == "business" else None
        if calendar:
            calendars.setdefault(calendar, len(calendars))
        rows.append((order, c["metric"], c["channel"], c.get("tier"), c.get("priority"), threshold, c["period"],
                     short, c.get("boundary") == "lt", calendars.get(calendar, -1),
                     c.get("excusal", "waive") == "cap" and "volume_tolerance_pct" in c))
    windows = [(int(e["from"].timestamp()), int(e["to"].timestamp()), e.get("channels"))
               for e in contract.get("exclusion", [])]
    caps = []
    for order, c in enumerate(clauses):
        if rows[order][-1]:
            for (period, channel), volume in forecasts.items():
                if channel == c["channel"]:
                    tolerance = exact(c["volume_tolerance_pct"])
                    caps.append((order, period, int(volume * (1 + tolerance / 100))))

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET threads = {args.threads}")
    try:  # DuckDB may take an ASOF join with a small-looking left side as a nested loop (slow here)
        con.execute("SET asof_loop_join_threshold = 0")
    except duckdb.Error:
        pass
    con.execute("CREATE TEMP TABLE clauses (ord INTEGER, metric VARCHAR, channel VARCHAR, tier BIGINT, "
                "priority VARCHAR, threshold BIGINT, period VARCHAR, short BIGINT, strict BOOLEAN, cal INTEGER, "
                "cap BOOLEAN)")
    con.executemany("INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TEMP TABLE windows (f BIGINT, t BIGINT, channels VARCHAR[])")
    if windows:
        con.executemany("INSERT INTO windows VALUES (?, ?, ?)", windows)
    con.execute("CREATE TEMP TABLE caps (ord INTEGER, period VARCHAR, lim BIGINT)")
    if caps:
        con.executemany("INSERT INTO caps VALUES (?, ?, ?)", caps)
    specs = {c["id"]: c for c in contract.get("calendar", [])}
    for calendar, index in calendars.items():
        starts, ends, before = zip(*open_intervals(specs[calendar]))
        con.execute(f"CREATE TEMP TABLE opens{index} AS SELECT unnest(?::BIGINT[]) AS s, unnest(?::BIGINT[]) AS e, "
                    "unnest(?::BIGINT[]) AS before", [list(starts), list(ends), list(before)])

    # Open time before each instant, per calendar (an ASOF join per column).
    joins, open_before = [], {}
    for index in calendars.values():
        for col in ("c", "f", "r", "a"):
            o = f"o{index}{col}"
            joins.append(f"ASOF LEFT JOIN opens{index} {o} ON t.{col} >= {o}.s")
            open_before[(index, col)] = (f"CASE WHEN t.{col} IS NULL THEN NULL WHEN {o}.s IS NULL THEN 0 "
                                         f"ELSE {o}.before + least(t.{col}, {o}.e) - {o}.s END")
    business = "".join(
        f", {open_before[(i, col)]} - {open_before[(i, 'c')]} AS b{i}{col}" for i in calendars.values()
        for col in ("f", "r", "a"))
    local_created = f"t.c + {offset_of_instant(ZoneInfo(contract_zone), 't.c')}" if contract_zone != "UTC" else "t.c"

    def clocked(col: str) -> str:
        """SQL: the clause's time from creation to `col`, on its clock."""
        cases = " ".join(f"WHEN k.cal = {i} THEN x.b{i}{col}" for i in calendars.values())
        wall = f"x.{col} - x.c"
        return f"CASE {cases} ELSE {wall} END" if cases else wall

    # Rows read and rejected (a time before created_at) need a scan of their
    # own; only a local-time export can have such rows here.
    ok = "coalesce(f >= c, true) AND coalesce(r >= c, true) AND coalesce(a >= c, true)"
    source = f"read_csv(?, header = true, auto_detect = false, columns = {columns})"
    stamps = (f"{instant('created_at')} AS c, {instant('first_response_at')} AS f, "
              f"{instant('resolved_at')} AS r, {instant('abandoned_at')} AS a")
    rows_read = None
    if local:
        read, kept = con.execute(f"SELECT count(*), count(*) FILTER (WHERE {ok}) FROM (SELECT {stamps} FROM {source})",
                                 [args.tickets]).fetchone()
        rows_read = {"read": read, "rejected": read - kept}
    rank = ("row_number() OVER (PARTITION BY v.ord, v.period, v.cap AND NOT v.out AND NOT v.s ORDER BY v.c, v.tid)"
            if caps else "NULL::BIGINT")
    counted = ("NOT r.out AND NOT r.s AND (caps.lim IS NULL OR r.rn <= caps.lim) AS counted, "
               "NOT r.out AND NOT r.s AND caps.lim IS NOT NULL AND r.rn > caps.lim AS over "
               "FROM ranked r LEFT JOIN caps ON caps.ord = r.ord AND caps.period = r.period AND r.cap"
               if caps else "NOT r.out AND NOT r.s AS counted, false AS over FROM ranked r")
    query = f"""
    WITH t AS (
        SELECT "{name['channel']}" AS channel,
               {'"' + name['tier'] + '"' if name['tier'] in header else 'NULL::BIGINT'} AS tier,
               {'"' + name['priority'] + '"' if name['priority'] in header else 'NULL::VARCHAR'} AS priority,
               "{name['ticket_id']}" AS tid, {stamps}
        FROM {source}
    ), e AS (
        SELECT t.*, EXISTS (SELECT 1 FROM windows w WHERE t.c >= w.f AND t.c < w.t
                            AND (w.channels IS NULL OR list_contains(w.channels, t.channel))) AS out
        FROM t WHERE {ok}
    ), x AS (
        SELECT t.*, {local_created} AS local_c {business}
        FROM e t {' '.join(joins)}
    ), v AS (
        SELECT k.ord, k.threshold, k.strict, k.cap, x.out, x.c, x.tid,
               CASE k.period WHEN 'month' THEN strftime(to_timestamp(x.local_c), '%Y-%m')
                             ELSE strftime(to_timestamp(x.local_c), '%G-W%V') END AS period,
               CASE k.metric WHEN 'resolution' THEN {clocked('r')} ELSE {clocked('f')} END AS value,
               CASE WHEN k.metric <> 'resolution' AND x.f IS NULL THEN {clocked('a')} END AS wait,
               coalesce(k.metric <> 'resolution' AND x.f IS NULL AND x.a - x.c < k.short, false) AS s
        FROM x JOIN clauses k
          ON (k.channel = 'any' OR k.channel = x.channel)
         AND (k.tier IS NULL OR k.tier = x.tier)
         AND (k.priority IS NULL OR k.priority = x.priority)
    ), ranked AS (
        SELECT v.*, {rank} AS rn FROM v
    ), w AS (
        SELECT r.*, {counted}
    )
    SELECT ord, period,
           count(value) FILTER (WHERE counted) AS measured,
           count(*) FILTER (WHERE counted AND value IS NULL AND wait IS NULL) AS missing,
           count(*) FILTER (WHERE counted AND (CASE WHEN strict THEN value < threshold ELSE value <= threshold END)) AS within,
           count(*) FILTER (WHERE counted AND wait IS NOT NULL) AS abandoned,
           count(*) FILTER (WHERE counted AND (CASE WHEN strict THEN wait < threshold ELSE wait <= threshold END)) AS abandoned_within,
           count(*) FILTER (WHERE NOT out AND s) AS short_abandoned,
           count(*) FILTER (WHERE out) AS excluded,
           count(*) FILTER (WHERE over) AS over_forecast,
           coalesce(sum(value) FILTER (WHERE counted), 0) AS wait_sum,
           quantile_disc(value, [0.5, 0.9, 0.95]) FILTER (WHERE counted) AS p
    FROM w GROUP BY ord, period
    """
    groups = con.execute(query, [args.tickets]).fetchall()
    return groups, rows_read, contract_zone, forecasts


# --- deciding ------------------------------------------------------------------


def decide(args, contract: dict, groups, forecasts: dict) -> tuple[list[dict], list[dict]]:
    as_of = dt.date.fromisoformat(args.as_of)
    clauses = contract["sla"]
    head = contract["contract"]
    fee = exact(head["monthly_fee"]) if "monthly_fee" in head else None
    service = contract.get("service_credits", {})
    results = []
    for (order, period, measured, missing, within, abandoned, abandoned_within, short, excluded, over, wait_sum,
         p) in groups:
        c = clauses[order]
        metric = c["metric"]
        ended = period_end(period) <= as_of
        mode = c.get("abandons", "miss")
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
            target = duration(c["target"])
            attainment, required = half_up(Fraction(wait_sum, in_scope)), Fraction(target)
            breached = wait_sum > target * in_scope
        else:
            required = 100 - exact(c["target"]) if metric == "abandon_rate" else exact(c["attainment"])
            attainment = half_up(Fraction(met * 100, in_scope))
            breached = Fraction(met * 100, in_scope) < required
        measured_enough = in_scope >= c.get("min_volume", 0)
        breached = breached and measured_enough
        forecast = forecasts.get((period, c["channel"])) if "volume_tolerance_pct" in c else None
        waive = forecast is not None and c.get("excusal", "waive") == "waive" \
            and in_scope > forecast * (1 + exact(c["volume_tolerance_pct"]) / 100)
        if not measured_enough:
            status = "not_measured"
        elif not breached:
            status = "met"
        elif waive:
            status = "excused"
        elif "minimum" in c and attainment >= exact(c["minimum"]) and metric != "asa":
            status = "below_target"
        else:
            status = "breached"
        credit = Fraction(0)
        if status == "breached" and c.get("kind", "critical") == "critical" and fee is not None:
            model = c.get("credit", {"model": "fixed", "pct": c.get("credit_pct", 0)})
            if model["model"] == "fixed":
                credit = exact(model["pct"]) * fee / 100
            elif model["model"] == "allocation":
                credit = exact(service["at_risk_pct"]) * fee / 100 * exact(model["pct"]) / 100
            else:
                credit = (required - attainment) * exact(model["per_point_pct"]) * fee / 100
        p50, p90, p95 = p if p is not None and metric != "abandon_rate" else (None, None, None)
        answering = metric != "resolution"
        results.append({
            "clause": c["id"], "period": period, "in_scope": in_scope, "met": met,
            "attainment": shown(attainment), "required": shown(required), "breached": breached,
            "p50": p50, "p90": p90, "p95": p95, "status": status,
            "answered": measured if answering else 0, "abandoned": abandoned if answering else 0,
            "short_abandoned": short if answering else 0, "excluded": excluded, "over_forecast": over,
            "excused": "volume" if status == "excused" else None, "forecast": forecast,
            "_order": (period_start(period), "-W" in period, order), "_credit": credit, "_attainment": attainment,
        })
    results.sort(key=lambda r: r["_order"])
    at = {(r["_order"][2], r["period"]): r for r in results}

    # Chronic failure, then earn-back, per clause.
    for r in results:
        order = r["_order"][2]
        c = clauses[order]
        weekly = "-W" in r["period"]
        index = period_index(r["period"])
        r["chronic"] = False
        if "chronic" in c:
            n, span = c["chronic"]["breaches"], c["chronic"]["periods"]
            earlier = [r2 for (o2, p2), r2 in at.items() if o2 == order and r2.get("chronic")
                       and period_index(p2) < index]
            window = [at.get((order, label_of(index - back, weekly))) for back in range(span)]
            r["chronic"] = bool(earlier) or sum(1 for w in window if w and w["status"] == "breached") >= n
        r["earned_back"] = None
        r["_net"] = r["_credit"]
        if "earn_back" in c and r["_credit"] != 0:
            decided = True
            for ahead in range(1, c["earn_back"]["periods"] + 1):
                label = label_of(index + ahead, weekly)
                nxt = at.get((order, label))
                attains = nxt is not None and nxt["status"] != "not_measured" \
                    and nxt["_attainment"] >= exact(c["earn_back"]["attainment"])
                if period_end(label) > as_of:
                    decided = None
                    continue
                if not attains:
                    decided = False
                    break
            r["earned_back"] = decided
            if decided:
                r["_net"] = Fraction(0)

    # Credits per period: gross, earned back, net, then the caps.
    credits = []
    for r in results:
        if not credits or credits[-1]["period"] != r["period"]:
            credits.append({"period": r["period"], "_gross": Fraction(0), "_back": Fraction(0)})
        credits[-1]["_gross"] += r["_credit"]
        credits[-1]["_back"] += r["_credit"] - r["_net"]
    cap = exact(service["cap_pct"]) * fee / 100 if "cap_pct" in service and fee is not None else None
    annual = exact(service["annual_cap_pct"]) * 12 * fee / 100 \
        if "annual_cap_pct" in service and fee is not None and "start" in head else None
    owed: dict[int, Fraction] = {}
    for credit in credits:
        total = credit["_gross"] - credit["_back"]
        credit["capped"] = credit["annual_capped"] = False
        if cap is not None and total > cap:
            total, credit["capped"] = cap, True
        if annual is not None:
            year = contract_year(head["start"], period_start(credit["period"]))
            left = max(annual - owed.get(year, Fraction(0)), Fraction(0))
            if total > left:
                total, credit["annual_capped"] = left, True
            owed[year] = owed.get(year, Fraction(0)) + total
        credit.update({"gross": cents(credit["_gross"]), "earned_back": cents(credit["_back"]),
                       "net": cents(credit["_gross"] - credit["_back"]), "total": cents(total)})
    for r in results:
        r["credit"] = r["accrued"] = cents(r["_credit"])
        r["net"] = cents(r["_net"])
    strip = lambda d: {k: v for k, v in d.items() if not k.startswith("_")}  # noqa: E731
    return [strip(r) for r in results], [strip(c) for c in credits]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tickets")
    parser.add_argument("contract")
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--settings", help="a workspace vendorscore.toml with [tickets] timezone and columns")
    args = parser.parse_args()
    with open(args.contract, "rb") as f:
        contract = tomllib.load(f)
    settings = {}
    if args.settings:
        with open(args.settings, "rb") as f:
            settings = tomllib.load(f)
    groups, rows, zone, forecasts = count(args, contract, settings)
    results, credits = decide(args, contract, groups, forecasts)
    json.dump({"tickets": args.tickets, "timezone": zone, "rows": rows, "results": results, "credits": credits},
              sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
