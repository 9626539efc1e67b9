#!/usr/bin/env python3
"""Make the sample's filled workbook the way a bidder makes one.

    vendorscore --workspace examples questionnaire export --vendor aero-support --out /tmp/q.xlsx
    python3 examples/questionnaires/fill_workbook.py /tmp/q.xlsx \
        examples/questionnaires/aero-support-answers.json examples/questionnaires/aero-support-filled.xlsx

It opens the exported workbook with openpyxl (a second xlsx implementation,
as Excel or LibreOffice would be), types the answers of the saved form
(`aero-support-answers.json`) into the white cells, and saves. `vendorscore
demo` imports the result, so the demo shows the round trip. Re-run it when
the rubric changes: the workbook carries the rubric's SHA-256 and an import
of a stale one is refused (VS0701).
"""

import json
import sys

import openpyxl


def main(exported, answers_path, out):
    answers = json.load(open(answers_path, encoding="utf-8"))
    book = openpyxl.load_workbook(exported)

    vendor = book["Vendor"]
    for row in vendor.iter_rows(min_row=2):
        field = row[0].value
        if field in answers["vendor"]:
            row[1].value = answers["vendor"][field]

    sheet = book["Questionnaire"]
    header = [cell.value for cell in sheet[1]]
    col = {name: header.index(name) + 1 for name in ("ID", "Answer", "Evidence", "Note")}
    rows = {sheet.cell(r, col["ID"]).value: r for r in range(2, sheet.max_row + 1)}
    for criterion, answer in answers["answers"].items():
        row = rows[criterion]
        value = answer.get("value")
        if isinstance(value, list):
            # A set: its own row takes evidence and note, each option row Yes/No.
            for option_id, option_row in rows.items():
                if option_id.startswith(criterion + "["):
                    option = option_id[len(criterion) + 1 : -1]
                    sheet.cell(option_row, col["Answer"]).value = "Yes" if option in value else "No"
        elif isinstance(value, str) and value.endswith("%"):
            # Typed as a percentage, as Excel users do: the cell holds 0.91.
            cell = sheet.cell(row, col["Answer"])
            cell.value = float(value.rstrip(" %")) / 100
            cell.number_format = "0%"
        elif value is not None:
            sheet.cell(row, col["Answer"]).value = value
        if answer.get("evidence"):
            sheet.cell(row, col["Evidence"]).value = "; ".join(answer["evidence"])
        if answer.get("note"):
            sheet.cell(row, col["Note"]).value = answer["note"]
    book.save(out)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
