#!/usr/bin/env python3
"""Generate the sample pilot ticket exports (SAMPLE DATA, entirely fictional).

Writes vendors/<id>/tickets.csv next to this script for the three vendors that
ran the Aug-Oct 2026 pilot. Deterministic: one random.Random(42) drives every
vendor in a fixed order, standard library only, so re-running it reproduces
the files byte for byte.

    python3 examples/gen_tickets.py

Columns (SPEC section 7):
    ticket_id,channel,created_at,first_response_at,resolved_at,csat,reopened,tier,priority
and, for northwind-cx, abandoned_at (SPEC section 12).

What the data is built to show, against each vendor's contract.toml:
- about 1 % of tickets never answered (empty first_response_at: a miss),
  about 3 % still open (empty resolved_at), about 30 % rated (csat 1-5);
- timestamps in RFC 3339 with mixed offsets (Z, +02:00, +08:00) and some in
  the `YYYY-MM-DD HH:MM:SS` (UTC) form;
- northwind-cx breaches its chat clause (80 % within 60 s) in 2026-09 only;
- aero-support breaches its tier-1 voice clause (80 % within 20 s) in 2026-08;
- mueller-fulfillment meets every clause in every month;
- about 6 % of northwind-cx's voice calls were abandoned in the queue (empty
  first_response_at, an abandoned_at after a wait of 1-180 s, a fifth of
  them under 5 s), for its voice clause's `abandons` and `short_abandon`.
  A second random.Random(7) picks them after the rows are drawn, so every
  other row is what it was before the column existed.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

START = dt.datetime(2026, 8, 1, tzinfo=dt.timezone.utc)
END = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)  # exclusive

CHANNELS = ("chat", "email", "voice", "social")
TIERS = (1, 2, 3)
TIER_WEIGHTS = (70, 22, 8)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_WEIGHTS = (20, 55, 18, 7)
# Created-at hour of day (UTC): quiet at night, busiest late morning and evening.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 8, 8, 8, 8, 9, 10, 10, 8, 5, 3, 2)

P_NEVER_ANSWERED = 0.01
P_OPEN = 0.03
P_RATED = 0.30
P_REOPENED = 0.06
CSAT_WEIGHTS = (5, 7, 13, 35, 40)  # scores 1..5

# (target seconds, within-target response (lo, hi, mode) seconds, miss range seconds)
RESPONSE = {
    "chat": (60, None, (61, 480)),  # chat mode is per vendor, see VENDORS
    "email": (24 * 3600, (300, 24 * 3600, 4 * 3600), (24 * 3600 + 1, 3 * 24 * 3600)),
    "voice": (20, (1, 20, 8), (21, 240)),
    "social": (20 * 60, (30, 20 * 60, 300), (20 * 60 + 1, 2 * 3600)),
}
# Urgent email is answered faster (mueller-fulfillment has a 4 h clause on it).
URGENT_EMAIL = ((120, 4 * 3600, 3600), (4 * 3600 + 1, 2 * 24 * 3600))

# Seconds from first response to resolution.
RESOLUTION = {
    "chat": (60, 1800),
    "email": (3600, 3 * 24 * 3600),
    "voice": (30, 900),
    "social": (600, 2 * 24 * 3600),
}

VENDORS = [
    {
        "id": "northwind-cx",
        "prefix": "NW",
        "rows": 3000,
        "channel_weights": (40, 30, 20, 10),
        "chat_mode": 22,
        # probability a response lands within the channel target, per month
        "p_within": {
            "chat": {"2026-08": 0.87, "2026-09": 0.71, "2026-10": 0.88},
            "email": 0.96,
            "voice": 0.87,
            "social": 0.91,
        },
        "p_urgent_email": 0.95,
        "p_abandoned": 0.06,
    },
    {
        "id": "mueller-fulfillment",
        "prefix": "MF",
        "rows": 2000,
        "channel_weights": (35, 40, 20, 5),
        "chat_mode": 30,
        "p_within": {"chat": 0.87, "email": 0.985, "voice": 0.89, "social": 0.90},
        "p_urgent_email": 0.99,
    },
    {
        "id": "aero-support",
        "prefix": "AS",
        "rows": 2000,
        "channel_weights": (45, 30, 20, 5),
        "chat_mode": 50,
        "p_within": {
            "chat": 0.86,
            "email": 0.985,
            "voice": {"2026-08": 0.72, "2026-09": 0.88, "2026-10": 0.89},
            "social": 0.90,
        },
        "p_urgent_email": 0.95,
    },
]

# How each row writes its timestamps: (weight, formatter).
OFFSETS = {"Z": 0, "+02:00": 2, "+08:00": 8}
FORMATS = (("Z", 45), ("+02:00", 25), ("+08:00", 10), ("naive", 20))


def fmt_time(t: dt.datetime, style: str) -> str:
    """Render a UTC instant in one of the export's timestamp styles."""
    if style == "naive":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    local = t.astimezone(dt.timezone(dt.timedelta(hours=OFFSETS[style])))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    return text + ("Z" if style == "Z" else style)


def p_within(vendor: dict, channel: str, month: str) -> float:
    p = vendor["p_within"][channel]
    return p[month] if isinstance(p, dict) else p


def response_seconds(rng: random.Random, vendor: dict, channel: str, priority: str, month: str) -> int:
    target, within, miss = RESPONSE[channel]
    p = p_within(vendor, channel, month)
    if channel == "chat":
        within = (5, 60, vendor["chat_mode"])
    if channel == "email" and priority == "urgent":
        within, miss = URGENT_EMAIL
        p = vendor["p_urgent_email"]
    if rng.random() < p:
        lo, hi, mode = within
        return max(lo, min(hi, round(rng.triangular(lo, hi, mode))))
    return rng.randint(*miss)


def created_at(rng: random.Random) -> dt.datetime:
    days = (END - START).days
    day = START + dt.timedelta(days=rng.randrange(days))
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return day + dt.timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))


def generate(rng: random.Random, vendor: dict) -> list[list[str]]:
    tickets = []
    for _ in range(vendor["rows"]):
        created = created_at(rng)
        month = created.strftime("%Y-%m")
        channel = rng.choices(CHANNELS, weights=vendor["channel_weights"])[0]
        tier = rng.choices(TIERS, weights=TIER_WEIGHTS)[0]
        priority = rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0]
        style = rng.choices([f for f, _ in FORMATS], weights=[w for _, w in FORMATS])[0]

        first = resolved = None
        csat = reopened = ""
        if rng.random() >= P_NEVER_ANSWERED:
            first = created + dt.timedelta(seconds=response_seconds(rng, vendor, channel, priority, month))
            if rng.random() >= P_OPEN:
                resolved = first + dt.timedelta(seconds=rng.randint(*RESOLUTION[channel]))
                if rng.random() < P_RATED:
                    csat = str(rng.choices(range(1, 6), weights=CSAT_WEIGHTS)[0])
                reopened = "true" if rng.random() < P_REOPENED else "false"
        if not reopened:
            reopened = "false"
        tickets.append((created, channel, first, resolved, csat, reopened, tier, priority, style))

    tickets.sort(key=lambda t: t[0])
    rows = []
    for n, (created, channel, first, resolved, csat, reopened, tier, priority, style) in enumerate(tickets, 1):
        rows.append([
            f"{vendor['prefix']}-{n:06d}",
            channel,
            fmt_time(created, style),
            fmt_time(first, style) if first else "",
            fmt_time(resolved, style) if resolved else "",
            csat,
            reopened,
            str(tier),
            priority,
        ])
    return rows


def abandon(rng: random.Random, rows: list[list[str]], p: float) -> None:
    """Turn about `p` of the voice calls into calls abandoned in the queue: no
    answer, resolution or rating, and an abandoned_at column after a wait of
    1-4 s (a fifth), 5-20 s (a third) or 21-180 s (the rest)."""
    for row in rows:
        abandoned = ""
        if row[1] == "voice" and rng.random() < p:
            band = rng.random()
            wait = rng.randint(1, 4) if band < 0.2 else rng.randint(5, 20) if band < 0.53 else rng.randint(21, 180)
            created, style = parse_time(row[2])
            abandoned = fmt_time(created + dt.timedelta(seconds=wait), style)
            row[3:7] = ["", "", "", "false"]
        row.append(abandoned)


def parse_time(text: str) -> tuple[dt.datetime, str]:
    """A timestamp written by fmt_time, and its style."""
    if "T" not in text:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc), "naive"
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    style = "Z" if text.endswith("Z") else text[-6:]
    return t.astimezone(dt.timezone.utc), style


def main() -> None:
    rng = random.Random(42)
    abandons = random.Random(7)
    for vendor in VENDORS:
        header = ["ticket_id", "channel", "created_at", "first_response_at", "resolved_at",
                  "csat", "reopened", "tier", "priority"]
        rows = generate(rng, vendor)
        if "p_abandoned" in vendor:
            abandon(abandons, rows, vendor["p_abandoned"])
            header.append("abandoned_at")
        out = HERE / "vendors" / vendor["id"] / "tickets.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        print(f"{out.relative_to(HERE)}: {len(rows)} rows")


if __name__ == "__main__":
    main()
