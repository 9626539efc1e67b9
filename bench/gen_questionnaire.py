"""Helpers of bench/questionnaire.sh.

  gen_questionnaire.py rubric N          a rubric of N vendor questions, on stdout
  gen_questionnaire.py fill IN OUT       answer every question of an exported workbook
  gen_questionnaire.py rows IN           the cells of a workbook as JSON (for `write`)
  gen_questionnaire.py write ROWS OUT    openpyxl writes the same workbook: sheets, cells,
                                         validations, unlocked cells, protection, hidden _meta
  gen_questionnaire.py read IN           openpyxl reads what an import reads: every cell of
                                         _meta, Vendor and Questionnaire, with number formats
"""
import json, sys

def rubric(n):
    out = ['[rubric]\nid = "bench"\nname = "Bench rubric"\nversion = "1.0.0"\n']
    per = 25
    for c in range((n + per - 1) // per):
        out.append(f'[[category]]\nid = "c{c}"\nname = "Category {c}"\nweight = 1\n')
        for k in range(min(per, n - c * per)):
            i = c * per + k
            out.append(f'[[category.criterion]]\nid = "q{i}"\nname = "Question {i}: how well do you do thing {i}?"\nweight = 1\n'
                       f'guidance = "Look for evidence of thing {i} in the last 12 months."\n')
            kind = "price" if i == 0 else ["scale", "boolean", "number", "number"][i % 4]
            out.append(f'kind = "{kind}"\n')
            if kind == "scale":
                out.append('levels = [{ score = 0, label = "None" }, { score = 1, label = "Basic" }, { score = 2, label = "Good" }, { score = 3, label = "Excellent" }]\n')
            elif kind == "number":
                out.append('unit = "% of cases"\nworst = 0\nbest = 100\n' if i % 8 == 2 else 'unit = "hours"\nworst = 48\nbest = 1\n')
            elif kind == "price":
                out.append('unit = "EUR per month"\n')
    return "".join(out)

def fill(src, dst):
    import openpyxl
    wb = openpyxl.load_workbook(src)
    q = wb["Questionnaire"]
    for row in q.iter_rows(min_row=2):
        fmt = row[4].value or ""
        cell = row[5]
        if fmt.startswith("One of"):
            cell.value = "good"
        elif fmt.startswith("Yes"):
            cell.value = "Yes"
        elif "from 0 to 100" in fmt:
            cell.value = 0.875; cell.number_format = "0.0%"
        elif fmt.startswith("A price"):
            cell.value = 42000
        else:
            cell.value = "12,5 hours"
        row[6].value = "evidence/report.pdf"
        row[7].value = "As reported"
    wb["Vendor"]["B3"] = "Bench Vendor"
    wb.save(dst)

def rows(src):
    import openpyxl
    wb = openpyxl.load_workbook(src)
    out = {}
    for ws in wb:
        out[ws.title] = [[c.value for c in r] for r in ws.iter_rows()]
    dvs = [(str(v.sqref), v.type, v.operator, v.formula1, v.formula2, v.prompt) for v in wb["Questionnaire"].data_validations.dataValidation]
    print(json.dumps({"sheets": out, "validations": dvs}))

def write(rows_json, dst):
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation
    data = json.load(open(rows_json))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, cells in data["sheets"].items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(cells, 1):
            for c, value in enumerate(row, 1):
                cell = ws.cell(r, c)
                if value is not None:
                    cell.value = value
                    cell.data_type = "s"
                cell.alignment = wrap
                if r == 1:
                    cell.font = Font(bold=True)
                    cell.fill = PatternFill("solid", fgColor="D9D9D9")
                elif title in ("Questionnaire", "Vendor") and c >= (6 if title == "Questionnaire" else 2):
                    cell.protection = Protection(locked=False)
        ws.protection.sheet = True
        ws.freeze_panes = "A2"
        if title == "_meta":
            ws.sheet_state = "hidden"
    q = wb["Questionnaire"]
    for sqref, kind, operator, f1, f2, prompt in data["validations"]:
        dv = DataValidation(type=kind, operator=operator, formula1=f1, formula2=f2, prompt=prompt,
                            error="Not allowed here", errorStyle="stop", showInputMessage=True, showErrorMessage=True)
        dv.add(sqref)
        q.add_data_validation(dv)
    wb.save(dst)

def read(src):
    import openpyxl
    wb = openpyxl.load_workbook(src)
    seen = 0
    for title in ("_meta", "Vendor", "Questionnaire"):
        for row in wb[title].iter_rows():
            for cell in row:
                if cell.value is not None:
                    seen += 1
                    _ = cell.number_format
    print(seen)

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "rubric": sys.stdout.write(rubric(int(sys.argv[2])))
    elif cmd == "fill": fill(sys.argv[2], sys.argv[3])
    elif cmd == "rows": rows(sys.argv[2])
    elif cmd == "write": write(sys.argv[2], sys.argv[3])
    elif cmd == "read": read(sys.argv[2])
