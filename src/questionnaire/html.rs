//! The questionnaire as one self-contained HTML form (SPEC section 10): no
//! external scripts, fonts or requests, so it works opened from disk with
//! no network. Labels are tied to their inputs, everything works from the
//! keyboard, focus is visible, the layout fits a phone and prints. "Save
//! answers" downloads the answers JSON (`vendorscore-answers/1`).

use super::{AnswerKind, Question, RubricStamp, VENDOR_FIELDS};

/// Everything the form shows.
pub struct FormContent<'a> {
    pub title: &'a str,
    pub instructions: &'a [String],
    pub stamp: &'a RubricStamp,
    pub vendor: &'a [(String, String)],
    pub rows: &'a [Question],
}

/// Text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An id safe for `id=""` and `for=""`.
fn dom_id(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

const STYLE: &str = r#"
:root { font-family: system-ui, sans-serif; line-height: 1.45; color: #1a1a1a; background: #fff; }
body { margin: 0 auto; max-width: 52rem; padding: 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #999; }
fieldset.q { border: 1px solid #bbb; border-radius: 4px; margin: 1rem 0; padding: .75rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.guidance, .format { color: #444; font-size: .92rem; margin: .25rem 0; }
label { display: block; margin-top: .5rem; }
input[type=text], input[type=number], input[type=email], input[type=url], select, textarea {
  width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; border: 1px solid #777; border-radius: 3px; }
.choice { display: inline-flex; align-items: center; gap: .35rem; margin-right: 1.25rem; }
.choice label { display: inline; margin: 0; }
input[type=radio], input[type=checkbox] { width: 1.2rem; height: 1.2rem; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
button { font: inherit; padding: .6rem 1.2rem; border: 2px solid #0b57d0; background: #0b57d0; color: #fff; border-radius: 4px; cursor: pointer; }
#status { margin-left: 1rem; }
@media print { button, #status { display: none; } fieldset.q { break-inside: avoid; } body { max-width: none; } }
"#;

const SCRIPT: &str = r#"
(function () {
  var form = document.getElementById('questionnaire');
  function val(el) { return el ? el.value.trim() : ''; }
  function answers() {
    var out = {};
    form.querySelectorAll('fieldset.q').forEach(function (q) {
      var id = q.dataset.id, kind = q.dataset.kind, value = null;
      if (kind === 'scale') { value = val(q.querySelector('select')) || null; }
      else if (kind === 'boolean') { var r = q.querySelector('input[type=radio]:checked'); value = r ? r.value === 'yes' : null; }
      else if (kind === 'number' || kind === 'price') { var n = val(q.querySelector('input[type=number]')); value = n === '' ? null : Number(n); }
      else if (kind === 'set') {
        var boxes = q.querySelectorAll('input[type=checkbox]:not([data-answered])'), any = q.querySelector('input[data-answered]');
        value = []; boxes.forEach(function (b) { if (b.checked) value.push(b.value); });
        if (value.length === 0 && !(any && any.checked)) value = null;
      }
      var evidence = val(q.querySelector('textarea[data-field=evidence]')).split(/[;\n]/).map(function (s) { return s.trim(); }).filter(Boolean);
      var note = val(q.querySelector('textarea[data-field=note]'));
      if (value === null) return;
      var entry = { value: value };
      if (evidence.length) entry.evidence = evidence;
      if (note) entry.note = note;
      out[id] = entry;
    });
    return out;
  }
  document.getElementById('save').addEventListener('click', function () {
    var status = document.getElementById('status');
    if (!form.reportValidity()) { status.textContent = 'Some answers need fixing first.'; return; }
    var vendor = {};
    form.querySelectorAll('[data-vendor]').forEach(function (el) { if (val(el)) vendor[el.dataset.vendor] = val(el); });
    var data = { format: 'vendorscore-answers/1',
      rubric: { id: form.dataset.rubric, version: form.dataset.version, sha256: form.dataset.sha256 },
      vendor: vendor, answers: answers() };
    var blob = new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = (vendor.id || form.dataset.rubric) + '-answers.json';
    document.body.appendChild(a); a.click(); a.remove();
    status.textContent = 'Saved ' + a.download + '.';
  });
})();
"#;

/// The form's HTML.
pub fn form(content: &FormContent) -> String {
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'; connect-src 'none'\">\n");
    html.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", esc(content.title)));
    html.push_str(&format!("<h1>{}</h1>\n", esc(content.title)));
    for line in content.instructions.iter().skip(1).filter(|l| !l.is_empty()) {
        html.push_str(&format!("<p>{}</p>\n", esc(line)));
    }
    let stamp = content.stamp;
    html.push_str(&format!(
        "<form id=\"questionnaire\" data-rubric=\"{}\" data-version=\"{}\" data-sha256=\"{}\">\n",
        esc(&stamp.id),
        esc(&stamp.version),
        esc(&stamp.sha256)
    ));
    html.push_str("<h2>Vendor</h2>\n");
    for field in VENDOR_FIELDS {
        let value = content.vendor.iter().find(|(k, _)| k == field).map(|(_, v)| v.as_str()).unwrap_or("");
        let required = if matches!(field, "id" | "name") { " required" } else { "" };
        let extra = match field {
            "id" => " pattern=\"[a-z0-9][a-z0-9-]*\" title=\"lowercase letters, digits and -\"",
            "country" => " pattern=\"[A-Z]{2}\" title=\"two capital letters (ISO 3166-1), e.g. PL\"",
            _ => "",
        };
        html.push_str(&format!(
            "<label for=\"vendor-{field}\">{field}</label>\n<input type=\"text\" id=\"vendor-{field}\" data-vendor=\"{field}\" value=\"{}\"{required}{extra}>\n",
            esc(value)
        ));
    }
    let mut category = "";
    let mut i = 0;
    while i < content.rows.len() {
        let q = &content.rows[i];
        if q.category != category {
            category = &q.category;
            html.push_str(&format!("<h2>{}</h2>\n", esc(category)));
        }
        let id = dom_id(&q.id);
        let kind = match q.kind {
            AnswerKind::Scale { .. } => "scale",
            AnswerKind::Boolean => "boolean",
            AnswerKind::Number { .. } => "number",
            AnswerKind::Price => "price",
            AnswerKind::SetHeader | AnswerKind::SetOption { .. } => "set",
        };
        html.push_str(&format!(
            "<fieldset class=\"q\" data-id=\"{}\" data-kind=\"{kind}\">\n<legend id=\"{id}-legend\">{}</legend>\n",
            esc(&q.id),
            esc(&q.question)
        ));
        if !q.guidance.is_empty() {
            html.push_str(&format!("<p class=\"guidance\">{}</p>\n", esc(&q.guidance)));
        }
        match &q.kind {
            AnswerKind::Scale { labels, .. } => {
                html.push_str(&format!("<label for=\"{id}\">{}</label>\n<select id=\"{id}\">\n<option value=\"\">(not answered)</option>\n", esc(&q.format)));
                for label in labels {
                    html.push_str(&format!("<option>{}</option>\n", esc(label)));
                }
                html.push_str("</select>\n");
            }
            AnswerKind::Boolean => {
                html.push_str(&format!("<p class=\"format\">{}</p>\n", esc(&q.format)));
                for (value, label) in [("yes", "Yes"), ("no", "No")] {
                    html.push_str(&format!(
                        "<span class=\"choice\"><input type=\"radio\" name=\"{id}\" id=\"{id}-{value}\" value=\"{value}\"><label for=\"{id}-{value}\">{label}</label></span>\n"
                    ));
                }
            }
            AnswerKind::Number { range } => {
                let bounds = range.map(|(lo, hi)| format!(" min=\"{lo}\" max=\"{hi}\"")).unwrap_or_default();
                html.push_str(&format!(
                    "<label for=\"{id}\">{}</label>\n<input type=\"number\" step=\"any\" id=\"{id}\" inputmode=\"decimal\"{bounds}>\n",
                    esc(&q.format)
                ));
            }
            AnswerKind::Price => {
                html.push_str(&format!(
                    "<label for=\"{id}\">{}</label>\n<input type=\"number\" step=\"any\" min=\"0.01\" id=\"{id}\" inputmode=\"decimal\">\n",
                    esc(&q.format)
                ));
            }
            AnswerKind::SetHeader | AnswerKind::SetOption { .. } => {
                html.push_str("<p class=\"format\">Tick every option that applies.</p>\n");
                while i + 1 < content.rows.len() {
                    let AnswerKind::SetOption { option } = &content.rows[i + 1].kind else { break };
                    let label = content.rows[i + 1].question.split_once(": ").map_or(option.as_str(), |(_, l)| l);
                    let box_id = format!("{id}-{}", dom_id(option));
                    html.push_str(&format!(
                        "<span class=\"choice\"><input type=\"checkbox\" id=\"{box_id}\" value=\"{}\"><label for=\"{box_id}\">{}</label></span>\n",
                        esc(option),
                        esc(label)
                    ));
                    i += 1;
                }
                html.push_str(&format!(
                    "<span class=\"choice\"><input type=\"checkbox\" id=\"{id}-none\" data-answered><label for=\"{id}-none\">None of these (answered)</label></span>\n"
                ));
            }
        }
        html.push_str(&format!(
            "<label for=\"{id}-evidence\">Evidence (file paths, separated by ; or lines)</label>\n<textarea id=\"{id}-evidence\" data-field=\"evidence\" rows=\"1\"></textarea>\n<label for=\"{id}-note\">Note</label>\n<textarea id=\"{id}-note\" data-field=\"note\" rows=\"2\"></textarea>\n</fieldset>\n"
        ));
        i += 1;
    }
    html.push_str("<p><button type=\"button\" id=\"save\">Save answers</button><span id=\"status\" role=\"status\" aria-live=\"polite\"></span></p>\n</form>\n");
    html.push_str(&format!("<script>{SCRIPT}</script>\n</body>\n</html>\n"));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_ids_are_safe() {
        assert_eq!(esc("<b a=\"1\">&'"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
        assert_eq!(dom_id("security.certifications[iso27001]"), "security-certifications-iso27001-");
    }
}
