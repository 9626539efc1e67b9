#!/usr/bin/env python3
"""Generate a realistic ticket export (SPEC section 7) for benchmarks.

    python3 bench/gen_tickets.py ROWS OUT.csv [--seed N] [--start 2026-01-01] [--days 365]
        [--local ZONE] [--renamed]

Deterministic for a given seed (standard library only): the same arguments
give the same file byte for byte. Tickets are created in time order over
`--days` days from `--start`, like a help desk's export, with:

- channels chat / email / voice / social (40/30/20/10 %), tiers 1-3
  (70/22/8 %), priorities low / normal / high / urgent (20/55/18/7 %);
- first-response and resolution times drawn per channel (seconds for voice,
  about a minute for chat, hours for email), with a long tail of misses;
- about 1 % of tickets never answered (empty first_response_at), about 3 %
  still open (empty resolved_at), about 30 % rated (csat 1-5), about 6 % of
  resolved tickets reopened;
- about 6 % of voice calls abandoned in the queue (empty first_response_at,
  `abandoned_at` after a lognormal wait, median 40 s, a fifth of them under
  5 s), drawn from a second stream seeded from --seed so that every other
  column is what it was before the column existed;
- timestamps in the forms real exports use: RFC 3339 in UTC (`Z`), RFC 3339
  with an offset (`+02:00`, `-05:00`; local time, so some tickets fall in a
  different UTC month than their local date says) and `YYYY-MM-DD HH:MM:SS`
  (UTC). One ticket uses one form for all its timestamps.

`--local Europe/Berlin` writes the same tickets with every timestamp as the
local wall-clock time in that zone without an offset (`YYYY-MM-DD
HH:MM:SS`), as a helpdesk set to the account's zone exports them: a time in
the autumn's repeated hour reads back as its first occurrence, so a few
tickets there come out an hour earlier (and some of them answered "before"
they were created). `--renamed` writes a header of helpdesk-style names
(RENAMED) instead of the canonical ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys

HEADER = "ticket_id,vendor,channel,created_at,first_response_at,resolved_at,csat,reopened,tier,priority,abandoned_at\n"
# --renamed: the canonical name -> the header written.
RENAMED = {
    "ticket_id": "Ticket ID",
    "created_at": "Created at",
    "first_response_at": "First reply at",
    "resolved_at": "Solved at",
    "priority": "Priority",
}

CHANNELS = ("chat", "email", "voice", "social")
CHANNEL_WEIGHTS = (40, 30, 20, 10)
TIERS = ("1", "2", "3")
TIER_WEIGHTS = (70, 22, 8)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_WEIGHTS = (20, 55, 18, 7)
VENDORS = ("northwind-cx", "aero-support", "mueller-fulfillment")

# Timestamp forms: (offset seconds or None for the space form, suffix), weights.
FORMS = ((0, "Z"), (7200, "+02:00"), (-18000, "-05:00"), (None, ""))
FORM_WEIGHTS = (55, 25, 10, 10)

P_UNANSWERED = 0.01
P_OPEN = 0.03
P_RATED = 0.30
P_REOPENED = 0.06
CSAT = ("1", "2", "3", "4", "5")
CSAT_WEIGHTS = (5, 7, 13, 35, 40)
P_ABANDONED = 0.06
ABANDON_WAIT = (40, 1.2, 1800)

# First response: lognormal (median seconds, sigma), per channel; capped.
FIRST_RESPONSE = {
    "chat": (35, 0.9, 4 * 3600),
    "email": (4 * 3600, 1.1, 5 * 86400),
    "voice": (9, 0.8, 1800),
    "social": (6 * 60, 1.0, 2 * 86400),
}
# Resolution after first response: lognormal (median seconds, sigma), capped.
RESOLUTION = {
    "chat": (10 * 60, 0.8, 2 * 86400),
    "email": (8 * 3600, 1.0, 10 * 86400),
    "voice": (5 * 60, 0.7, 86400),
    "social": (3 * 3600, 1.0, 7 * 86400),
}


def offsets(name: str):
    """The UTC offset (seconds) of the zone `name` at an instant, from its
    transitions of 1990-2100 found hour by hour with zoneinfo."""
    import bisect
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(name)

    def at(t: int) -> int:
        return int(dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds())

    t = int(dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    end = int(dt.datetime(2101, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    starts, values = [-(1 << 62)], [at(t)]
    while t < end:
        if at(t + 3600) != at(t):
            lo, hi = t, t + 3600
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if at(mid) == at(t) else (lo, mid)
            starts.append(hi)
            values.append(at(hi))
        t += 3600
    return lambda seconds: values[bisect.bisect_right(starts, seconds) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int, help="number of tickets")
    parser.add_argument("out", help="CSV file to write")
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--start", default="2026-01-01", help="first day (UTC)")
    parser.add_argument("--days", type=int, default=365, help="days the tickets span")
    parser.add_argument("--local", metavar="ZONE", help="write local times in this IANA zone, without offsets")
    parser.add_argument("--renamed", action="store_true", help="write helpdesk-style column names")
    args = parser.parse_args()
    if args.rows < 0 or args.days < 1:
        parser.error("rows must be >= 0 and days >= 1")

    rng = random.Random(args.seed)
    abandons = random.Random(args.seed + 1)
    start = int(dt.datetime.fromisoformat(args.start).replace(tzinfo=dt.timezone.utc).timestamp())
    span = args.days * 86400
    step = span / max(args.rows, 1)

    # Draw categorical columns in blocks (random.choices is much faster per call
    # for many values than one call per row).
    block = 65536
    days: dict[int, str] = {}

    local_offset = offsets(args.local) if args.local else None

    def stamp(seconds: int, form: tuple) -> str:
        offset, suffix = (None, "") if local_offset else form
        local = seconds + (local_offset(seconds) if local_offset else offset or 0)
        day, rest = divmod(local, 86400)
        date = days.get(day)
        if date is None:
            date = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
            days[day] = date
        h, rest = divmod(rest, 3600)
        m, s = divmod(rest, 60)
        sep = " " if offset is None else "T"
        return f"{date}{sep}{h:02d}:{m:02d}:{s:02d}{suffix}"

    def draw(params: tuple) -> int:
        median, sigma, cap = params
        return min(cap, max(0, int(rng.lognormvariate(math.log(median), sigma))))

    with open(args.out, "w", encoding="utf-8", newline="") as out:
        header = HEADER
        if args.renamed:
            header = ",".join(RENAMED.get(name, name) for name in HEADER.rstrip("\n").split(",")) + "\n"
        out.write(header)
        done = 0
        while done < args.rows:
            n = min(block, args.rows - done)
            channels = rng.choices(CHANNELS, CHANNEL_WEIGHTS, k=n)
            tiers = rng.choices(TIERS, TIER_WEIGHTS, k=n)
            priorities = rng.choices(PRIORITIES, PRIORITY_WEIGHTS, k=n)
            forms = rng.choices(FORMS, FORM_WEIGHTS, k=n)
            vendors = rng.choices(VENDORS, k=n)
            lines = []
            for j in range(n):
                i = done + j
                channel = channels[j]
                form = forms[j]
                created = start + int(i * step + rng.random() * step)
                created_at = stamp(created, form)
                if rng.random() < P_UNANSWERED:
                    first = ""
                    responded = created
                else:
                    responded = created + draw(FIRST_RESPONSE[channel])
                    first = stamp(responded, form)
                if rng.random() < P_OPEN:
                    resolved = ""
                    reopened = "false"
                else:
                    resolved = stamp(responded + draw(RESOLUTION[channel]), form)
                    reopened = "true" if rng.random() < P_REOPENED else "false"
                csat = rng.choices(CSAT, CSAT_WEIGHTS)[0] if rng.random() < P_RATED else ""
                abandoned = ""
                if channel == "voice" and abandons.random() < P_ABANDONED:
                    median, sigma, cap = ABANDON_WAIT
                    wait = min(cap, max(0, int(abandons.lognormvariate(math.log(median), sigma))))
                    first, abandoned = "", stamp(created + wait, form)
                lines.append(
                    f"T{i + 1:09d},{vendors[j]},{channel},{created_at},{first},{resolved},"
                    f"{csat},{reopened},{tiers[j]},{priorities[j]},{abandoned}\n"
                )
            out.write("".join(lines))
            done += n
    return 0


if __name__ == "__main__":
    sys.exit(main())
