#!/usr/bin/env python3
"""Generate a valid vendorscore workspace for scoring and report benchmarks.

    python3 bench/gen_workspace.py OUT_DIR [--vendors N] [--criteria M] [--seed S]

Writes (SPEC sections 1-3):

  OUT_DIR/vendorscore.toml                     [workspace] naming the rubric below
  OUT_DIR/rubrics/bench.toml                   one rubric of M criteria (default 60)
  OUT_DIR/vendors/<id>/vendor.toml             N vendors (default 2000)
  OUT_DIR/vendors/<id>/evidence/*.txt          2-4 evidence files per vendor
  OUT_DIR/vendors/<id>/evaluations/<who>.toml  2-3 panel evaluations per vendor

The rubric spreads its criteria over 8 categories and uses every criterion
kind: scale (a few of them `source = "panel"`), boolean (two are knockout
gates), number (linear worst/best and bands), set (with and without a cap)
and price (one: a rubric may have only one); about a quarter of the
vendor-answered criteria take optional evidence and a few require it. Each
vendor answers ~90% of the criteria it may answer (gated ones ~98%), as bare
values or { value, evidence, note } tables; answers to criteria that require
evidence always cite an existing file. Every panel criterion gets a score
from each evaluator. The workspace validates with zero errors and zero
warnings under `vendorscore validate`.

The output depends only on the seed, N and M: one random.Random(seed) drives
everything, in a fixed order. Python 3 standard library only.
"""

import argparse
import os
import random
import sys

CATEGORIES = [
    ("platform", "Platform experience", 10), ("peak", "Peak-season capacity", 15),
    ("security", "Security and data protection", 20), ("sla", "SLAs and service quality", 20),
    ("integration", "Systems integration", 5), ("communication", "Communication and culture", 10),
    ("people", "People and retention", 10), ("commercial", "Commercial terms", 10),
]

SCALE_LEVELS = [
    [("None", "No evidence of this capability"), ("Basic", "Some experience, no references"),
     ("Proven", "Two or more reference clients"), ("Leading", "Recognised specialist with certified staff")],
    [("Poor", "No credible answer"), ("Weak", "A claim without dates or figures"),
     ("Adequate", "Dated plan with gaps"), ("Strong", "Documented and evidenced"),
     ("Excellent", "As Strong, delivered before at a comparable client")],
    [("A2", "Below the hiring range for BPO work"), ("B1", "Low end of the B1-B2 range"),
     ("B2", "Fluent interaction with native speakers"), ("C1", "Level asked for team leads"),
     ("C2", "Highest CEFR level")],
    [("Manual", "Copied data or screenshots"), ("Batch", "Scheduled file exchange"),
     ("Read API", "Live read access via API"), ("Bidirectional", "Live API and webhooks both ways")],
]
PANEL_LEVELS = SCALE_LEVELS[1]  # scores 1..5

NUMBER_SHAPES = [
    # unit, worst, best
    ("% per year", 45, 30), ("x baseline", 1.5, 4.0), ("weeks", 16, 2), ("% of contacts", 60, 85),
    ("% top-2-box", 70, 90), ("% of calls", 70, 90), ("hours", 24, 4), ("months", 18, 3),
    ("hours per day", 0, 4), ("% of lines", 98.0, 99.9), ("% of invoice", 0, 10),
]
SET_OPTIONS = [
    ["soc2_type2", "iso27001", "pci_dss_roc", "soc2_type1", "iso9001", "iso22301"],
    ["zendesk", "gorgias", "freshdesk", "service_cloud", "intercom"],
    ["de", "en", "fr", "nl", "pl", "es", "pt", "da"],
    ["voice", "chat", "email", "social", "whatsapp"],
    ["dhl", "ups", "dpd", "gls", "inpost"],
]
TOPICS = [
    "tooling", "coverage", "staffing", "training", "reporting", "escalation", "continuity", "quality",
    "forecasting", "security", "onboarding", "governance", "analytics", "automation", "knowledge",
    "retention", "pricing", "invoicing", "integration", "languages",
]
REFERENCES = [
    "Buyer judgement; no published benchmark.", "ISO/IEC 27001:2022 Annex A", "GDPR Art. 28(3)",
    "PCI DSS v4.0.1", "SQM Group 2022 benchmark", "Internal procurement policy 4.2",
]
NAME_PARTS = [  # (name, its ASCII slug for the id)
    ("Northwind", "northwind"), ("Ærø", "aero"), ("Müller", "mueller"), ("Łódź", "lodz"),
    ("Atlântico", "atlantico"), ("Bayanihan", "bayanihan"), ("Contoso", "contoso"), ("Fabrikam", "fabrikam"),
    ("Żagiel", "zagiel"), ("Nordlys", "nordlys"), ("Sørensen", "soerensen"), ("Čapek", "capek"),
    ("Ibérica", "iberica"), ("Helvetia", "helvetia"), ("Baltic", "baltic"), ("Adriatic", "adriatic"),
    ("Danube", "danube"), ("Tatra", "tatra"),
]
NAME_SUFFIXES = ["CX Sp. z o.o.", "Support ApS", "Fulfillment GmbH", "Contact Solutions, Inc.",
                 "Digital Commerce, Lda.", "Services s.r.o.", "Outsourcing AB", "BPO S.A."]
COUNTRIES = ["PL", "DK", "DE", "PT", "PH", "CZ", "SE", "ES", "RO", "BG", "IE", "NL", "FR", "IN"]
EVALUATORS = ["a.kowalska", "j.schneider", "m.lindqvist", "p.novak", "s.oconnor"]
NOTES = [
    "Figure from the last 12 months' client report", "Confirmed at the site visit",
    "Reference client: a DACH fashion retailer", "See the attached certificate",
    "Only for the Warsaw site", "Includes the December peak", "Bridge letter attached",
]


def q(text):
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(value):
    """A TOML number: integers without a fraction, floats with at most 2 decimals."""
    if float(value).is_integer():
        return str(int(value))
    return repr(round(value, 2))


# --- the rubric ---------------------------------------------------------------

def kinds_for(count):
    """The kind (and flavour) of each of `count` criteria, in a fixed mix."""
    # Per 60: 4 panel scale and 1 price; the other 55 walk a mix of 10 scale, 14 boolean,
    # 10 number (linear), 10 number (bands) and 10 set.
    prices = 1  # a rubric may have only one price criterion
    panel = max(1, round(count * 4 / 60))
    rest = count - prices - panel
    mix = ["scale"] * 10 + ["boolean"] * 14 + ["linear"] * 10 + ["bands"] * 10 + ["set"] * 10
    kinds = [mix[(i * 7) % len(mix)] for i in range(rest)]  # a spread-out walk over the mix
    return kinds + ["panel"] * panel + ["price"] * prices


def criterion(rng, kind, cid, number_in_rubric):
    """(lines of a [[category.criterion]], facts the vendor generator needs)."""
    topic = cid.split("_")[0]
    name = f"{topic.capitalize()} {kind} criterion {number_in_rubric}"
    lines = [f"id = {q(cid)}", f"name = {q(name)}", f"weight = {rng.randint(1, 5)}"]
    facts = {"id": cid, "kind": kind, "evidence": "none", "gate": None}
    if kind == "panel":
        lines += ['kind = "scale"', 'source = "panel"', "levels = ["]
        lines += [f"  {{ score = {i + 1}, label = {q(label)}, description = {q(desc)} }},"
                  for i, (label, desc) in enumerate(PANEL_LEVELS)]
        lines.append("]")
        lines.append(f"guidance = {q('Judge the presentation and the written answers.')}")
        return lines, facts
    if kind != "price":
        roll = rng.random()
        facts["evidence"] = "required" if roll < 0.1 else "optional" if roll < 0.35 else "none"
        if facts["evidence"] != "none":
            lines.append(f"evidence = {q(facts['evidence'])}")
    if rng.random() < 0.4:
        lines.append(f"reference = {q(rng.choice(REFERENCES))}")
    if kind == "scale":
        levels = rng.choice(SCALE_LEVELS)
        start = rng.choice([0, 1])
        facts["levels"] = [(start + i, label) for i, (label, _) in enumerate(levels)]
        lines += ['kind = "scale"', "levels = ["]
        lines += [f"  {{ score = {s}, label = {q(label)}, description = {q(desc)} }},"
                  for (s, label), (_, desc) in zip(facts["levels"], levels)]
        lines.append("]")
    elif kind == "boolean":
        lines.append('kind = "boolean"')
    elif kind in ("linear", "bands"):
        unit, worst, best = rng.choice(NUMBER_SHAPES)
        facts["span"] = (worst, best)
        lines += ['kind = "number"', f"unit = {q(unit)}"]
        if kind == "linear":
            lines += [f"worst = {num(worst)}", f"best = {num(best)}"]
        else:
            lo, hi = min(worst, best), max(worst, best)
            count = rng.randint(2, 3)
            step = (hi - lo) / (count + 1)
            cuts = [round(lo + step * (i + 1), 2) for i in range(count)]  # ascending, distinct
            scores = sorted((round(rng.uniform(0.2, 0.9), 1) for _ in range(count)), reverse=True)
            scores[0] = 1.0
            if best > worst:  # higher is better: at_least, thresholds descending
                bands = [("at_least", t, s) for t, s in zip(reversed(cuts), scores)]
            else:             # lower is better: at_most, thresholds ascending
                bands = [("at_most", t, s) for t, s in zip(cuts, scores)]
            lines.append("bands = [" + ", ".join(
                f"{{ {key} = {num(t)}, score = {num(s)} }}" for key, t, s in bands) + "]")
    elif kind == "set":
        options = rng.sample(rng.choice(SET_OPTIONS), 4)
        points = [rng.randint(1, 3) for _ in options]
        facts["options"] = options
        lines.append('kind = "set"')
        if rng.random() < 0.5:
            lines.append(f"cap = {rng.randint(max(1, sum(points) // 2), sum(points))}")
        lines.append("options = [" + ", ".join(
            f"{{ value = {q(v)}, points = {p} }}" for v, p in zip(options, points)) + "]")
    elif kind == "price":
        lines += ['kind = "price"', 'unit = "EUR per month"', "abnormally_low_pct = 30"]
    return lines, facts


def rubric(rng, count):
    """The rubric's TOML text and, per category, the facts of its criteria."""
    kinds = kinds_for(count)
    # Deal the kinds round-robin over the categories, so each gets a mix; prices
    # go to `commercial`, panel criteria to the categories a panel judges.
    slots = {c[0]: [] for c in CATEGORIES}
    order = [c[0] for c in CATEGORIES]
    panel_homes = ["peak", "integration", "communication", "security"]
    i = 0
    for kind in kinds:
        if kind == "price":
            home = "commercial"
        elif kind == "panel":
            home = panel_homes[sum(len([k for k in v if k == "panel"]) for v in slots.values()) % len(panel_homes)]
        else:
            home = order[i % len(order)]
            i += 1
        slots[home].append(kind)
    out = [
        "[rubric]", 'id = "bench"', 'name = "Benchmark rubric (generated)"', 'version = "1.0.0"',
        f"description = {q(f'{count} criteria over {len(CATEGORIES)} categories, every kind.')}",
        "pass_mark = 60", 'missing = "zero"', "", "[rubric.panel]", 'aggregate = "median"', "max_spread = 2",
    ]
    facts = {}
    n = 0
    gates = 0
    for cat_id, cat_name, weight in CATEGORIES:
        out += ["", "[[category]]", f"id = {q(cat_id)}", f"name = {q(cat_name)}", f"weight = {weight}"]
        facts[cat_id] = []
        for j, kind in enumerate(slots[cat_id]):
            n += 1
            cid = f"{TOPICS[(n * 3 + j) % len(TOPICS)]}_{n:02d}"
            lines, f = criterion(rng, kind, cid, n)
            if kind == "boolean" and gates < 2 and cat_id == "security":
                lines.append("gate = true")
                f["gate"] = True
                gates += 1
            out += ["", "[[category.criterion]]"] + lines
            facts[cat_id].append(f)
    if gates == 0:
        sys.exit("no boolean criterion in `security` to gate; use more criteria")
    return "\n".join(out) + "\n", facts


# --- vendors ------------------------------------------------------------------

def answer_value(rng, f):
    kind = f["kind"]
    if kind == "scale":
        score, label = rng.choice(f["levels"])
        return str(score) if rng.random() < 0.5 else q(label)
    if kind == "boolean":
        return "true" if rng.random() < (0.97 if f["gate"] else 0.7) else "false"
    if kind in ("linear", "bands"):
        worst, best = f["span"]
        lo, hi = min(worst, best), max(worst, best)
        pad = (hi - lo) * 0.2
        return num(round(rng.uniform(lo - pad if lo - pad >= 0 else 0, hi + pad), 1))
    if kind == "set":
        chosen = rng.sample(f["options"], rng.randint(0, len(f["options"])))
        return "[" + ", ".join(q(v) for v in chosen) + "]"
    if kind == "price":
        return str(rng.randrange(25000, 60000, 100))
    raise ValueError(kind)


def vendor(rng, index, facts, out_dir):
    first, slug = NAME_PARTS[index % len(NAME_PARTS)]
    vid = f"v{index:05d}-{slug}"
    folder = os.path.join(out_dir, "vendors", vid)
    os.makedirs(os.path.join(folder, "evidence"))
    evidence = [f"evidence/doc-{k}.txt" for k in range(rng.randint(2, 4))]
    for path in evidence:
        body = "\n".join(
            f"{rng.choice(NOTES)} ({vid}, {path}, line {k})." for k in range(rng.randint(4, 30)))
        with open(os.path.join(folder, path), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(f"SAMPLE EVIDENCE for {vid}\n{body}\n")
    lines = [
        "[vendor]", f"id = {q(vid)}", f"name = {q(first + ' ' + rng.choice(NAME_SUFFIXES))}",
        f"country = {q(rng.choice(COUNTRIES))}", f"website = {q(f'https://{vid}.example')}",
        f"contact = {q(f'bids@{vid}.example')}", f"submitted = 2026-{rng.randint(9, 10):02d}-{rng.randint(1, 28):02d}",
    ]
    for cat_id, criteria in facts.items():
        body = []
        for f in criteria:
            if f["kind"] == "panel":
                continue
            if rng.random() >= (0.98 if f["gate"] else 0.9):
                continue
            value = answer_value(rng, f)
            cite = f["evidence"] == "required" or (f["evidence"] == "optional" and rng.random() < 0.3)
            note = rng.random() < 0.1
            if cite or note or rng.random() < 0.05:
                parts = [f"value = {value}"]
                if cite:
                    parts.append("evidence = [" + ", ".join(q(p) for p in rng.sample(evidence, rng.randint(1, 2))) + "]")
                if note:
                    parts.append(f"note = {q(rng.choice(NOTES))}")
                body.append(f"{f['id']} = {{ {', '.join(parts)} }}")
            else:
                body.append(f"{f['id']} = {value}")
        if body:
            lines += ["", f"[answers.{cat_id}]"] + body
    with open(os.path.join(folder, "vendor.toml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")

    panel = [(cat_id, f) for cat_id, criteria in facts.items() for f in criteria if f["kind"] == "panel"]
    if panel:
        os.makedirs(os.path.join(folder, "evaluations"))
        # Evaluators mostly agree: each scores the criterion's "true" level,
        # give or take one, so only some criteria are flagged panel-disagreement.
        truth = {f["id"]: rng.randint(2, 4) for _, f in panel}
        for who in rng.sample(EVALUATORS, rng.randint(2, 3)):
            ev = ["[evaluation]", f"evaluator = {q(who)}", "date = 2026-10-07", f"vendor = {q(vid)}"]
            by_category = {}
            for cat_id, f in panel:
                score = truth[f["id"]] + rng.choice([-1, 0, 0, 0, 1])
                cell = f"{{ value = {score}, note = {q(rng.choice(NOTES))} }}" if rng.random() < 0.2 else str(score)
                by_category.setdefault(cat_id, []).append(f"{f['id']} = {cell}")
            for cat_id, cells in by_category.items():
                ev += ["", f"[scores.{cat_id}]"] + cells
            with open(os.path.join(folder, "evaluations", f"{who}.toml"), "w", encoding="utf-8", newline="\n") as fh:
                fh.write("\n".join(ev) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="folder to create the workspace in (must not exist or be empty)")
    parser.add_argument("--vendors", type=int, default=2000, help="number of vendors (default 2000)")
    parser.add_argument("--criteria", type=int, default=60, help="criteria in the rubric (default 60, at least 16)")
    parser.add_argument("--seed", type=int, default=20261121, help="random seed (default 20261121)")
    args = parser.parse_args(argv)
    if not 1 <= args.vendors <= 99999:
        parser.error("--vendors must be between 1 and 99999")
    if not 16 <= args.criteria <= 99:
        parser.error("--criteria must be between 16 and 99")
    if os.path.exists(args.out_dir) and os.listdir(args.out_dir):
        parser.error(f"{args.out_dir} is not empty")

    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out_dir, "rubrics"), exist_ok=True)
    text, facts = rubric(rng, args.criteria)
    with open(os.path.join(args.out_dir, "rubrics", "bench.toml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    with open(os.path.join(args.out_dir, "vendorscore.toml"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("[workspace]\n"
                 f"name = {q(f'Benchmark tender ({args.vendors} vendors, {args.criteria} criteria)')}\n"
                 'organisation = "Example Retail GmbH"\n'
                 'rubric = "rubrics/bench.toml"\n')
    for i in range(args.vendors):
        vendor(rng, i, facts, args.out_dir)
    kinds = {}
    for criteria in facts.values():
        for f in criteria:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    print(f"wrote {args.out_dir}: rubric of {args.criteria} criteria ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), "
          f"{args.vendors} vendors (seed {args.seed})", file=sys.stderr)


if __name__ == "__main__":
    main()
