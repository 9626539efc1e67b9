#!/usr/bin/env python3
"""Generate a valid vendorscore workspace of vendors with contracts, for the
`check` benchmark.

    python3 bench/gen_contracts.py OUT_DIR [--vendors N] [--seed S]

Writes (SPEC sections 1, 3 and 4):

  OUT_DIR/vendorscore.toml               [workspace] naming every built-in policy
  OUT_DIR/vendors/<id>/vendor.toml       N vendors (default 10000), no answers
  OUT_DIR/vendors/<id>/contract.toml     a contract for each

The contracts vary the way real proposals do: every typed table, each term
present with its usual value most of the time, sometimes weaker, sometimes
not stated; 1-5 SLA clauses over chat, email, voice, social and any, with
first-response, resolution, csat and reopen-rate metrics, monthly or weekly;
processing in EEA, adequate and third countries with or without a transfer
mechanism; and [extra] terms read by the shipped policies (processing
annex, sub-processor terms, channels in scope, ISO 27001 expiry, and for
some vendors card data (PCI DSS) or CCPA). So every rule of every shipped
policy passes, fails, goes missing or is skipped somewhere in the set.
The workspace validates with zero errors and zero warnings.

The output depends only on the seed and N: one random.Random(seed) drives
everything, in a fixed order. Python 3 standard library only.
"""

import argparse
import datetime
import os
import random

POLICIES = [
    "gdpr-processor", "security-baseline", "cx-sla-minimums", "contract-hygiene",
    "pci-dss-service-provider", "ccpa-service-provider",
]
COUNTRIES = ["PL", "DE", "PT", "DK", "RO", "IE", "ES", "CZ", "PH", "IN", "ZA", "JP", "GB", "CA", "US", "MX"]
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "GBP", "PLN"]
CERTS = ["iso27001", "iso27001", "soc2_type2", "soc2_type2", "soc2_type1", "pci_dss_saq_d", "pci_dss_roc", "iso9001"]
CHANNELS = ["chat", "email", "voice", "social"]
AS_OF = datetime.date(2026, 11, 21)


def day(rng, earliest_days_ago, latest_days_ago):
    return AS_OF - datetime.timedelta(days=rng.randint(latest_days_ago, earliest_days_ago))


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def table(name, entries, array=False):
    head = f"[[{name}]]" if array else f"[{name}]"
    lines = [head] + [f"{k} = {toml_value(v)}" for k, v in entries if v is not None]
    return "\n".join(lines) + "\n"


def usually(rng, value, weaker, p_weaker=0.12, p_absent=0.06):
    """The usual value, sometimes a weaker one, sometimes not stated (None)."""
    r = rng.random()
    if r < p_absent:
        return None
    if r < p_absent + p_weaker:
        return weaker
    return value


def sla_clauses(rng, channels, fee):
    clauses, used = [], set()
    for channel in channels + (["any"] if rng.random() < 0.05 else []):
        metric = rng.choices(["first_response", "resolution", "csat", "reopen_rate"], [80, 8, 8, 4])[0]
        if metric == "first_response":
            target = {"chat": rng.choice(["30s", "45s", "60s", "60s", "90s", "120s"]),
                      "voice": rng.choice(["15s", "20s", "20s", "30s", "45s"]),
                      "email": rng.choice(["1h", "4h", "8h", "24h", "24h", "48h"]),
                      "social": rng.choice(["15m", "20m", "30m", "60m"]),
                      "any": rng.choice(["1h", "4h", "24h"])}[channel]
            attainment = rng.choice([70, 80, 80, 85, 90, 95] if channel != "email" else [85, 90, 95, 95])
        elif metric == "resolution":
            target, attainment = rng.choice(["24h", "48h", "72h", "5d"]), rng.choice([80, 85, 90])
        elif metric == "csat":
            target, attainment = rng.choice([4.0, 4.2, 4.5]), 100
        else:
            target, attainment = rng.choice([5.0, 8.0, 10.0]), 100
        clause_id = f"{channel}-{metric.replace('_', '-')}"
        if clause_id in used:
            continue
        used.add(clause_id)
        period = "week" if rng.random() < 0.1 else "month"
        credit = rng.choice([None, 1, 2, 3, 4, 5]) if fee is not None else None
        entries = [("id", clause_id), ("metric", metric), ("channel", channel)]
        if rng.random() < 0.1:
            entries.append(("tier", rng.choice([1, 2])))
        if rng.random() < 0.08:
            entries.append(("priority", "urgent"))
        entries += [("target", target), ("attainment", attainment), ("period", period), ("credit_pct", credit)]
        clauses.append(table("sla", entries, array=True))
    return clauses


def contract(rng, vendor_id, country):
    status = rng.choices(["draft", "signed", "terminated"], [70, 27, 3])[0]
    start = AS_OF + datetime.timedelta(days=rng.randint(-400, 120))
    signed = start - datetime.timedelta(days=rng.randint(7, 60)) if status != "draft" else None
    fee = None if rng.random() < 0.02 else rng.randrange(8000, 90000, 500)
    parts = [table("contract", [
        ("vendor", vendor_id), ("title", rng.choice(["Customer service MSA", "Contact centre services",
                                                     "Fulfilment and customer care agreement"])),
        ("status", status), ("signed", signed), ("start", start),
        ("term_months", rng.choice([12, 24, 24, 36, 48])), ("currency", rng.choice(CURRENCIES)),
        ("monthly_fee", fee),
        ("termination_notice_days", usually(rng, rng.choice([90, 90, 120, 180]), rng.choice([30, 60, 270]))),
        ("liability_cap_months", usually(rng, rng.choice([12, 12, 18, 24]), rng.choice([3, 6]))),
        ("governing_law", rng.choice(["DE", "PL", "IE", "NL", country])),
    ])]
    locations = sorted({country} | set(rng.sample(COUNTRIES, rng.choice([0, 0, 1, 2]))))
    third = [c for c in locations if c in ("PH", "IN", "ZA", "US", "MX")]
    mechanism = rng.choice(["scc", "scc", "bcr", "none"]) if third else rng.choice(["none", "none", "adequacy"])
    personal = rng.random() < 0.96
    parts.append(table("data_protection", [
        ("personal_data", personal if rng.random() > 0.01 else None),
        ("dpa_signed", usually(rng, True, False, 0.05, 0.02)),
        ("processes_on_instructions", usually(rng, True, False, 0.03)),
        ("staff_confidentiality", usually(rng, True, False, 0.03)),
        ("security_measures_annex", usually(rng, True, False, 0.08)),
        ("subprocessor_authorisation", usually(rng, rng.choice(["specific", "general"]), "none", 0.05)),
        ("assists_data_subject_rights", usually(rng, True, False, 0.04)),
        ("assists_security_and_dpia", usually(rng, True, False, 0.05)),
        ("deletion_days", usually(rng, rng.choice([14, 30, 30, 60, 90]), None, 0.0, 0.08)),
        ("audit_rights", usually(rng, True, False, 0.08)),
        ("breach_notification_hours", usually(rng, rng.choice([12, 24, 24, 36, 48]), rng.choice([72, 96]))),
        ("processing_locations", locations),
        ("transfer_mechanism", mechanism),
    ]))
    certs = sorted(set(rng.sample(CERTS, rng.choice([0, 1, 1, 2, 2, 3]))))
    parts.append(table("security", [
        ("certifications", certs if rng.random() > 0.03 else None),
        ("soc2_period_end", day(rng, 540, 20) if "soc2_type2" in certs else None),
        ("pentest_date", usually(rng, day(rng, 330, 10), day(rng, 800, 380), 0.15)),
        ("mfa", usually(rng, True, False, 0.05)),
        ("encryption_at_rest", usually(rng, True, False, 0.05)),
        ("encryption_in_transit", usually(rng, True, False, 0.03)),
        ("background_checks", usually(rng, True, False, 0.06)),
    ]))
    if rng.random() < 0.92:
        blackout = None
        if rng.random() < 0.7:
            blackout = sorted(rng.sample([datetime.date(2026, 11, 27), datetime.date(2026, 11, 30),
                                          datetime.date(2026, 12, 24), datetime.date(2026, 12, 31)],
                                         rng.choice([0, 1, 2])))
        parts.append(table("capacity", [
            ("peak_multiplier", usually(rng, rng.choice([1.5, 2.0, 2.5, 3.0]), 1.2)),
            ("ramp_days", rng.choice([14, 21, 28, 42, 56])),
            ("surge_pricing_pct", usually(rng, rng.choice([0, 5, 10, 15, 20]), None, 0.0, 0.15)),
            ("blackout_dates", blackout),
        ]))
    channels = sorted(rng.sample(CHANNELS, rng.choice([1, 2, 2, 3, 3, 4])))
    parts.extend(sla_clauses(rng, channels, fee))
    if rng.random() < 0.9:
        parts.append(table("service_credits", [("cap_pct", rng.choice([5, 8, 10, 10, 12, 12, 15]))]))
    extra = [
        ("site", f"{rng.choice(['North', 'Harbour', 'Central', 'Riverside'])} site, {country}"),
        ("cx_channels", channels if rng.random() < 0.8 else None),
        ("processing_details_annex", usually(rng, True, False, 0.08)),
        ("notifies_infringing_instructions", usually(rng, True, False, 0.05)),
        ("subprocessor_change_notice", usually(rng, True, False, 0.1)),
        ("subprocessor_list", usually(rng, True, False, 0.1)),
        ("subprocessor_flowdown", usually(rng, True, False, 0.08)),
        ("iso27001_valid_until", AS_OF + datetime.timedelta(days=rng.randint(-60, 1000))
         if "iso27001" in certs and rng.random() < 0.7 else None),
    ]
    if rng.random() < 0.2:
        extra += [
            ("handles_card_data", True),
            ("pci_written_acknowledgement", usually(rng, True, False)),
            ("pci_tpsp_acknowledgement", usually(rng, True, False)),
            ("pci_aoc_date", usually(rng, day(rng, 350, 10), day(rng, 700, 380))),
            ("pci_validation", usually(rng, rng.choice(["saq_d_sp", "roc"]), "saq_a")),
            ("pci_dss_version", usually(rng, "4.0.1", "4.0")),
            ("pci_responsibility_matrix", usually(rng, True, False)),
        ]
    if rng.random() < 0.15:
        extra.append(("ccpa_applies", True))
        for term in ["no_sale_or_sharing", "business_purpose_only", "purposes_specified",
                     "no_use_outside_relationship", "no_combining", "same_protection",
                     "cooperates_consumer_requests", "notify_if_cannot_comply", "remediation_rights",
                     "subcontractor_notice", "subcontractor_flowdown", "compliance_monitoring"]:
            extra.append((f"ccpa_{term}", usually(rng, True, False, 0.08, 0.05)))
    parts.append(table("extra", extra))
    return "# Generated for the vendorscore check benchmark (fictional).\n\n" + "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--vendors", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "vendors"), exist_ok=True)
    with open(os.path.join(args.out, "vendorscore.toml"), "w", encoding="utf-8") as f:
        listed = ",\n".join(f'  "builtin:{p}"' for p in POLICIES)
        f.write(f'[workspace]\nname = "check benchmark"\npolicies = [\n{listed},\n]\n')
    width = len(str(args.vendors))
    for i in range(args.vendors):
        vendor_id = f"vendor-{i:0{width}d}"
        country = rng.choice(COUNTRIES)
        folder = os.path.join(args.out, "vendors", vendor_id)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "vendor.toml"), "w", encoding="utf-8") as f:
            f.write(table("vendor", [("id", vendor_id), ("name", f"Vendor {i} Ltd."), ("country", country),
                                     ("submitted", day(rng, 90, 30))]))
        with open(os.path.join(folder, "contract.toml"), "w", encoding="utf-8") as f:
            f.write(contract(rng, vendor_id, country))


if __name__ == "__main__":
    main()
