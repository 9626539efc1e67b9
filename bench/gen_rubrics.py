#!/usr/bin/env python3
"""Generate valid, varied vendorscore rubric files for benchmarks.

    python3 bench/gen_rubrics.py OUT_DIR [COUNT] [--seed N]

Writes COUNT (default 10000) files OUT_DIR/r00000.toml, r00001.toml, ...
Each file is a rubric (SPEC section 2) of about 60 lines: a [rubric] header,
3-4 categories and criteria of every kind (scale, boolean with `gate = true`,
number with worst/best or bands, set with options, and at most one price).
Each file's `[rubric] id` equals its file stem, and every file validates with
zero errors and zero warnings under `vendorscore validate`.

The output depends only on the seed and the count: one `random.Random(seed)`
drives everything, in file order. Python 3 standard library only.
"""

import argparse
import os
import random
import sys

# --- vocabulary --------------------------------------------------------------

RUBRIC_NAMES = [
    "Customer-service BPO", "E-commerce fulfilment partner", "Development agency",
    "Marketing agency", "Freelance developer", "Third-party logistics provider",
    "Back-office outsourcing", "Technical support desk", "Content moderation vendor",
    "Returns handling partner", "Data annotation vendor", "Payroll outsourcing",
]
TENDERS = ["Q1 2027 tender", "Q4 2026 tender", "EU expansion", "peak season 2026",
           "nearshore pilot", "framework renewal", "DACH launch", "Nordics rollout"]

CATEGORIES = [
    ("platform", "Platform experience"), ("peak", "Peak-season capacity"),
    ("security", "Security and data protection"), ("sla", "SLAs and service quality"),
    ("integration", "Systems integration"), ("communication", "Communication and culture"),
    ("people", "People and retention"), ("commercial", "Commercial terms"),
    ("quality", "Quality assurance"), ("compliance", "Regulatory compliance"),
    ("logistics", "Warehousing and logistics"), ("delivery", "Delivery practice"),
    ("governance", "Account governance"), ("continuity", "Business continuity"),
]

SCALE_CRITERIA = [
    ("shopify", "Shopify partner tier"), ("adobe_commerce", "Adobe Commerce certification"),
    ("english_cefr", "English level of frontline agents (CEFR)"), ("api_depth", "Depth of order-system integration"),
    ("qa_programme", "Maturity of the QA programme"), ("peak_plan", "Credibility of the peak staffing plan"),
    ("clarity", "Communication clarity in the presentation"), ("demo", "Integration walk-through"),
    ("code_review", "Code review practice"), ("bcp_maturity", "Business continuity plan maturity"),
    ("training", "Agent onboarding and training"), ("reporting_depth", "Depth of management reporting"),
]
SCALE_LEVELS = [
    [("None", "No evidence of this capability"), ("Basic", "Some experience, no references"),
     ("Proven", "Two or more reference clients"), ("Leading", "Recognised specialist with certified staff")],
    [("Poor", "No credible answer"), ("Weak", "A claim without dates or figures"),
     ("Adequate", "Dated plan with gaps"), ("Strong", "Documented and evidenced"),
     ("Excellent", "As Strong, delivered before at a comparable client")],
    [("A2", "Below the hiring range for BPO work"), ("B1", "Low end of the B1-B2 range"),
     ("B2", "Fluent interaction with native speakers"), ("C1", "Level asked for team leads")],
    [("Manual", "Copied data or screenshots"), ("Batch", "Scheduled file exchange"),
     ("Read API", "Live read access via API"), ("Bidirectional", "Live API and webhooks both ways")],
]
BOOLEAN_CRITERIA = [
    ("dpa_signed", "Art. 28 data processing agreement signed"), ("mfa", "MFA on all agent and admin access"),
    ("tls", "TLS 1.2 or 1.3 only in transit"), ("background_screening", "Pre-hire background screening"),
    ("clean_desk", "Clean-desk floor"), ("sso", "Agents sign in through the buyer's IdP"),
    ("monthly_reporting", "Monthly SLA report with raw export"), ("card_descoping", "Card data kept out of agents' hands"),
    ("insurance", "Professional liability insurance in force"), ("escrow", "Source code escrow offered"),
]
NUMBER_CRITERIA = [
    # id, name, unit, (worst, best) for linear scoring, "hi"/"lo" for bands
    ("attrition_pct", "Annual agent attrition", "% per year", (45, 30), "lo"),
    ("peak_multiplier", "Peak volume multiplier absorbed", "x baseline", (1.5, 4.0), "hi"),
    ("ramp_weeks", "Lead time to add trained agents", "weeks", (16, 2), "lo"),
    ("fcr", "First-contact resolution", "% of contacts", (60, 85), "hi"),
    ("csat", "Customer satisfaction", "% top-2-box", (70, 90), "hi"),
    ("voice_service_level", "Calls answered within 20 s", "% of calls", (70, 90), "hi"),
    ("email_first_response", "Average email first response", "hours", (24, 4), "lo"),
    ("pentest_months", "Months since the last penetration test", "months", (18, 3), "lo"),
    ("overlap_hours", "Working-hours overlap with the buyer", "hours per day", (0, 4), "hi"),
    ("pick_accuracy", "Order picking accuracy", "% of lines", (98.0, 99.9), "hi"),
    ("at_risk_pct", "Service credits at risk", "% of invoice", (0, 10), "hi"),
]
SET_CRITERIA = [
    ("certifications", "Security certifications", [
        ("soc2_type2", "SOC 2 Type II"), ("iso27001", "ISO/IEC 27001:2022"), ("pci_dss_roc", "PCI DSS ROC"),
        ("soc2_type1", "SOC 2 Type I"), ("iso9001", "ISO 9001")]),
    ("helpdesk", "Helpdesk tools in live use", [
        ("zendesk", "Zendesk"), ("gorgias", "Gorgias"), ("freshdesk", "Freshdesk"),
        ("service_cloud", "Salesforce Service Cloud"), ("intercom", "Intercom")]),
    ("languages", "Customer languages served", [
        ("de", "German"), ("en", "English"), ("fr", "French"), ("nl", "Dutch"), ("pl", "Polish"), ("es", "Spanish")]),
    ("channels", "Channels staffed", [
        ("voice", "Voice"), ("chat", "Chat"), ("email", "Email"), ("social", "Social"), ("whatsapp", "WhatsApp")]),
    ("carriers", "Carrier integrations", [
        ("dhl", "DHL"), ("ups", "UPS"), ("dpd", "DPD"), ("gls", "GLS"), ("inpost", "InPost")]),
]
PRICE_CRITERIA = [
    ("monthly_price", "Monthly fee for the baseline scope", "EUR per month"),
    ("hourly_rate", "Blended hourly rate", "EUR per hour"),
    ("cost_per_order", "Fulfilment cost per order", "EUR per order"),
]
REFERENCES = [
    "Buyer judgement; no published benchmark.", "ISO/IEC 27001:2022 Annex A",
    "GDPR Art. 28(3)", "PCI DSS v4.0.1", "SQM Group 2022 benchmark", "Call Centre Helper survey",
    "Internal procurement policy 4.2",
]
GUIDANCE = [
    "Ask for the report behind the figure.", "Check against the reference client's account.",
    "Confirm at the site visit.", "Count only what is live today.", "Compare like with like across bidders.",
]


def q(text):
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(value):
    """A TOML number: integers without a fraction, floats with at most 2 decimals."""
    if float(value).is_integer():
        return str(int(value))
    return repr(round(value, 2))


# --- criteria ----------------------------------------------------------------

def optional_lines(rng, lines, source_vendor=True):
    if source_vendor and rng.random() < 0.3:
        lines.append("evidence = " + q(rng.choice(["optional", "required"])))
    if rng.random() < 0.2:
        lines.append("reference = " + q(rng.choice(REFERENCES)))
    if rng.random() < 0.1:
        lines.append("guidance = " + q(rng.choice(GUIDANCE)))


def scale(rng, cid, name):
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(1, 5)}", 'kind = "scale"']
    panel = rng.random() < 0.25
    if panel:
        lines.append('source = "panel"')
    optional_lines(rng, lines, source_vendor=not panel)
    levels = rng.choice(SCALE_LEVELS)
    levels = levels[: 3 if rng.random() < 0.75 else 4]
    start = rng.choice([0, 1])
    if rng.random() < 0.35:  # inline, labels only
        items = [f"{{ score = {start + i}, label = {q(label)} }}" for i, (label, _) in enumerate(levels)]
        lines.append("levels = [" + ", ".join(items) + "]")
    else:
        lines.append("levels = [")
        for i, (label, desc) in enumerate(levels):
            lines.append(f"  {{ score = {start + i}, label = {q(label)}, description = {q(desc)} }},")
        lines.append("]")
    if rng.random() < 0.2:
        lines.append(f"gate = {{ min = {start + rng.randint(1, len(levels) - 1)} }}")
    return lines


def boolean(rng, cid, name, gated):
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(1, 4)}", 'kind = "boolean"']
    optional_lines(rng, lines)
    if gated:
        lines.append("gate = true")
    return lines


def number(rng, cid, name, unit, span, direction):
    worst, best = span
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(1, 5)}", 'kind = "number"',
             f"unit = {q(unit)}"]
    optional_lines(rng, lines)
    if rng.random() < 0.5:
        lines += [f"worst = {num(worst)}", f"best = {num(best)}"]
    else:
        lo, hi = min(worst, best), max(worst, best)
        count = rng.randint(2, 3)
        step = (hi - lo) / (count + 1)
        cuts = [lo + step * (i + 1) for i in range(count)]  # ascending, distinct
        scores = sorted((round(rng.uniform(0.2, 1.0), 1) for _ in range(count)), reverse=True)
        scores[0] = 1.0
        if direction == "hi":   # higher is better: at_least, thresholds descending
            bands = [("at_least", t, s) for t, s in zip(reversed(cuts), scores)]
        else:                   # lower is better: at_most, thresholds ascending
            bands = [("at_most", t, s) for t, s in zip(cuts, scores)]
        items = [f"{{ {key} = {num(threshold)}, score = {num(score)} }}" for key, threshold, score in bands]
        if rng.random() < 0.6:
            lines.append("bands = [" + ", ".join(items) + "]")
        else:
            lines += ["bands = ["] + [f"  {item}," for item in items] + ["]"]
    if rng.random() < 0.15:
        bound = "min" if direction == "hi" else "max"
        lines.append(f"gate = {{ {bound} = {num(worst)} }}")
    return lines


def measured(rng, cid, name):
    stat = rng.choice(["attainment", "p50", "p90"])
    channel = rng.choice(["chat", "email", "voice", "any"])
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(1, 3)}", 'kind = "number"',
             'source = "measured"',
             f'measure = {{ metric = {q(rng.choice(["first_response", "resolution"]))}, '
             f'channel = {q(channel)}, stat = {q(stat)} }}']
    if stat == "attainment":
        lines += ['unit = "% within target"', f'target = {q(rng.choice(["60s", "2m", "4h", "1d"]))}',
                  "worst = 0", f"best = {rng.choice([80, 90, 95])}"]
    else:
        lines += ['unit = "seconds"', f"worst = {rng.choice([300, 600, 3600])}", f"best = {rng.choice([30, 40, 60])}"]
    return lines


def set_criterion(rng, cid, name, options):
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(1, 4)}", 'kind = "set"']
    optional_lines(rng, lines)
    chosen = rng.sample(options, 3 if rng.random() < 0.7 else 4)
    points = [rng.randint(1, 3) for _ in chosen]
    if rng.random() < 0.5:
        lines.append(f"cap = {rng.randint(max(1, sum(points) // 2), sum(points))}")
    if rng.random() < 0.8:  # inline, as in SPEC section 2
        items = [f"{{ value = {q(value)}, points = {p} }}" for (value, _), p in zip(chosen, points)]
        lines.append("options = [" + ", ".join(items) + "]")
    else:
        lines.append("options = [")
        for (value, label), p in zip(chosen, points):
            lines.append(f"  {{ value = {q(value)}, points = {p}, label = {q(label)} }},")
        lines.append("]")
    if rng.random() < 0.15:
        lines.append(f"gate = {{ includes = [{q(chosen[0][0])}] }}")
    return lines


def price(rng, cid, name, unit):
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(2, 4)}", 'kind = "price"',
             f"unit = {q(unit)}"]
    if rng.random() < 0.5:
        lines.append(f"abnormally_low_pct = {rng.choice([20, 25, 30, 35])}")
    return lines


# --- a rubric ----------------------------------------------------------------

def rubric(rng, rid):
    target = rng.randint(52, 64)  # lines this file aims for
    out = ["[rubric]", f"id = {q(rid)}",
           f"name = {q(rng.choice(RUBRIC_NAMES) + ' (' + rng.choice(TENDERS) + ')')}",
           f"version = {q(f'{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}')}"]
    if rng.random() < 0.5:
        out.append(f"description = {q('Scores bidders for the ' + rng.choice(TENDERS) + '.')}")
    out.append(f"pass_mark = {rng.choice([50, 55, 60, 65, 70])}")
    if rng.random() < 0.5:
        out.append(f"missing = {q(rng.choice(['zero', 'exclude']))}")
    if rng.random() < 0.3:
        out += ["", "[rubric.panel]", f"aggregate = {q(rng.choice(['median', 'mean']))}",
                f"max_spread = {rng.choice([1, 2, 3])}"]
    n_categories = 3 if rng.random() < 0.7 else 4
    categories = rng.sample(CATEGORIES, n_categories)
    category_lines = 5 * n_categories  # blank, [[category]], id, name, weight

    # One criterion of each kind (the boolean is a gate), a price in some
    # files, then extra criteria while the file is short of its target.
    scale_pool = rng.sample(SCALE_CRITERIA, len(SCALE_CRITERIA))
    bool_pool = rng.sample(BOOLEAN_CRITERIA, len(BOOLEAN_CRITERIA))
    number_pool = rng.sample(NUMBER_CRITERIA, len(NUMBER_CRITERIA))
    set_pool = rng.sample(SET_CRITERIA, len(SET_CRITERIA))
    criteria = [
        scale(rng, *scale_pool.pop()),
        boolean(rng, *bool_pool.pop(), gated=True),
        number(rng, *number_pool.pop()),
        set_criterion(rng, *set_pool.pop()),
    ]
    if rng.random() < 0.4:
        criteria.append(price(rng, *rng.choice(PRICE_CRITERIA)))
    if rng.random() < 0.1:
        criteria.append(measured(rng, "chat_first_response", "Chat first response (pilot, measured)"))

    def length():
        return len(out) + category_lines + sum(1 + len(c) for c in criteria)  # + [[category.criterion]]

    extras = [
        lambda: boolean(rng, *bool_pool.pop(), gated=rng.random() < 0.3),
        lambda: number(rng, *number_pool.pop()),
        lambda: scale(rng, *scale_pool.pop()),
        lambda: set_criterion(rng, *set_pool.pop()),
    ]
    while length() < target - 4:
        criteria.append(rng.choice(extras)())
    rng.shuffle(criteria)

    # Every category gets at least one criterion; the rest go anywhere.
    slots = list(range(n_categories)) + [rng.randrange(n_categories) for _ in range(len(criteria) - n_categories)]
    rng.shuffle(slots)
    for index, (cat_id, cat_name) in enumerate(categories):
        out += ["", "[[category]]", f"id = {q(cat_id)}", f"name = {q(cat_name)}",
                f"weight = {rng.choice([5, 10, 10, 15, 20, 25])}"]
        for lines, slot in zip(criteria, slots):
            if slot == index:
                out += ["[[category.criterion]]"] + lines
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="folder to write the files into (created if missing)")
    parser.add_argument("count", nargs="?", type=int, default=10000, help="number of files (default 10000)")
    parser.add_argument("--seed", type=int, default=20261121, help="random seed (default 20261121)")
    args = parser.parse_args(argv)
    if args.count < 0 or args.count > 99999:
        parser.error("count must be between 0 and 99999")

    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    total_lines = 0
    for i in range(args.count):
        rid = f"r{i:05d}"
        text = rubric(rng, rid)
        total_lines += text.count("\n")
        with open(os.path.join(args.out_dir, rid + ".toml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    mean = total_lines / args.count if args.count else 0
    print(f"wrote {args.count} rubric files to {args.out_dir} (seed {args.seed}, {mean:.1f} lines per file on average)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
