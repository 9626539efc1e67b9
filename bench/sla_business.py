#!/usr/bin/env python3
"""The reference for business-hours clauses of `vendorscore sla` (SPEC 11):
the open time of a `[[calendar]]` between two instants, and periods in the
contract's time zone, computed with Python's own zoneinfo and datetime.

    python3 bench/sla_business.py TICKETS.csv CONTRACT.toml --as-of 2026-11-21

Prints JSON shaped like `vendorscore sla --format json`'s "results", for
first_response and resolution clauses with `clock = "business"` or the
wall clock, `boundary` le or lt. Written from the rule in docs/sla.md, not
from vendorscore's code: a local interval start or end is a wall-clock time
with fold=0, which PEP 495 maps to the first occurrence in a fold and moves
a time inside a gap forward by the gap (SPEC 11's rule); the open intervals
of the years the export needs are listed once, with running totals, and a
ticket's business time is the difference of two bisections.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import sys
import tomllib
from fractions import Fraction
from zoneinfo import ZoneInfo

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UTC = dt.timezone.utc


def duration(text: str) -> int:
    return int(text[:-1]) * SECONDS[text[-1]]


def instant(text: str) -> int | None:
    if not text:
        return None
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return int(t.timestamp())


def clock(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


class Calendar:
    def __init__(self, spec: dict, first: dt.date, last: dt.date):
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

        self.starts, self.ends, self.before = [], [], []
        total, day = 0, first
        while day <= last:
            hours = exceptions.get(day, [] if day in holidays else week[day.weekday()])
            for start, end in sorted(hours):
                a, b = at(day, start), at(day, end)
                if a < b:
                    self.starts.append(a)
                    self.ends.append(b)
                    self.before.append(total)
                    total += b - a
            day += dt.timedelta(days=1)

    def open_before(self, t: int) -> int:
        i = bisect.bisect_right(self.starts, t)
        if i == 0:
            return 0
        return self.before[i - 1] + min(t, self.ends[i - 1]) - self.starts[i - 1]

    def between(self, a: int, b: int) -> int:
        return 0 if b <= a else self.open_before(b) - self.open_before(a)


def nearest_rank(values: list[int], p: int) -> int | None:
    if not values:
        return None
    values.sort()
    return values[max(-(-p * len(values) // 100), 1) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tickets")
    parser.add_argument("contract")
    parser.add_argument("--as-of", required=True)
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    with open(args.contract, "rb") as f:
        contract = tomllib.load(f)
    zone = ZoneInfo(contract["contract"].get("timezone", "UTC"))
    clauses = contract["sla"]
    with open(args.tickets, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tickets = []
    for r in rows:
        c = instant(r["created_at"])
        local = dt.datetime.fromtimestamp(c, zone).date()
        tickets.append((r, c, instant(r["first_response_at"]), instant(r["resolved_at"]), local))
    days = [t[4] for t in tickets]
    first, last = min(days) - dt.timedelta(days=2), max(days) + dt.timedelta(days=400)
    calendars = {c["id"]: Calendar(c, first, last) for c in contract.get("calendar", [])}

    groups: dict[tuple[int, str], dict] = {}
    for order, k in enumerate(clauses):
        target = duration(k["target"])
        strict = k.get("boundary", "le") == "lt"
        cal = calendars[k["calendar"]] if k.get("clock") == "business" else None
        for r, c, f, res, local in tickets:
            if k["channel"] != "any" and r["channel"] != k["channel"]:
                continue
            if "tier" in k and r["tier"] != str(k["tier"]):
                continue
            if "priority" in k and r["priority"] != k["priority"]:
                continue
            label = local.strftime("%Y-%m") if k["period"] == "month" else "%d-W%02d" % local.isocalendar()[:2]
            g = groups.setdefault((order, label), {"values": [], "missing": 0, "within": 0})
            end = f if k["metric"] == "first_response" else res
            if end is None:
                g["missing"] += 1
                continue
            value = cal.between(c, end) if cal else max(end - c, 0)
            g["values"].append(value)
            g["within"] += value < target if strict else value <= target

    def period_end(label: str) -> dt.date:
        if "-W" in label:
            y, w = label.split("-W")
            return dt.date.fromisocalendar(int(y), int(w), 1) + dt.timedelta(days=7)
        y, m = map(int, label.split("-"))
        return dt.date(y + (m == 12), m % 12 + 1, 1)

    def period_start(label: str) -> dt.date:
        if "-W" in label:
            y, w = label.split("-W")
            return dt.date.fromisocalendar(int(y), int(w), 1)
        y, m = map(int, label.split("-"))
        return dt.date(y, m, 1)

    results = []
    for (order, label), g in groups.items():
        k = clauses[order]
        measured = len(g["values"])
        in_scope = measured + (g["missing"] if k["metric"] == "first_response" or period_end(label) <= as_of else 0)
        if in_scope == 0:
            continue
        values = g["values"]
        results.append({
            "clause": k["id"], "period": label, "in_scope": in_scope, "met": g["within"],
            "attainment": round(g["within"] * 100 / in_scope, 2), "required": k["attainment"],
            "breached": Fraction(g["within"] * 100, in_scope) < Fraction(str(k["attainment"])),
            "p50": nearest_rank(values, 50), "p90": nearest_rank(values, 90), "p95": nearest_rank(values, 95),
            "_order": (period_start(label), "-W" in label, order),
        })
    results.sort(key=lambda r: r.pop("_order"))
    json.dump({"tickets": args.tickets, "timezone": str(zone), "results": results}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
