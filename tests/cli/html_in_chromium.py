"""Check an HTML report in headless Chromium for basic accessibility.

usage: html_in_chromium.py REPORT.html SCREENSHOT.png

Chromium lays the page out and runs a small audit script (added to a copy of
the page): for every element that shows text of its own, the computed text
colour and the first opaque background behind it. `--dump-dom` gives the
page back with the audit's result; Python then checks the markup (`lang`,
header/nav/main/footer landmarks, `scope` on every `th`, a name on every
`svg`, `img` and `role="img"`) and the WCAG 2 contrast ratio of every text
(4.5:1, or 3:1 for large text). Prints JSON: {"problems": [...], "texts": N,
"landmarks": [...]} or {"skipped": "no chromium"}.
"""
import html.parser, json, pathlib, re, shutil, subprocess, sys, tempfile

report, screenshot = sys.argv[1:3]
browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if not browser:
    print(json.dumps({"skipped": "no chromium"}))
    sys.exit(0)

AUDIT = r"""<script>
(function () {
  function rgba(text) {
    var m = text.match(/rgba?\(([^)]*)\)/);
    if (!m) return [0, 0, 0, 0];
    var p = m[1].split(',').map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function background(el) {
    for (; el; el = el.parentElement) {
      var c = rgba(getComputedStyle(el).backgroundColor);
      if (c[3] >= 0.99) return c;
    }
    return [255, 255, 255, 1];
  }
  var out = [];
  document.querySelectorAll('body *').forEach(function (el) {
    if (el.closest('svg') || el.tagName === 'SCRIPT' || el.tagName === 'STYLE') return;
    var own = Array.prototype.some.call(el.childNodes, function (n) {
      return n.nodeType === 3 && n.textContent.trim() !== '';
    });
    if (!own) return;
    var s = getComputedStyle(el);
    var r = el.getBoundingClientRect();
    if (s.visibility === 'hidden' || s.display === 'none' || r.width <= 1 || r.height <= 1) return;
    out.push({text: el.textContent.trim().slice(0, 60), tag: el.tagName.toLowerCase(),
              color: rgba(s.color), background: background(el),
              size: parseFloat(s.fontSize), weight: parseInt(s.fontWeight, 10)});
  });
  var pre = document.createElement('pre');
  pre.id = 'vendorscore-audit';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""

source = pathlib.Path(report).read_text(encoding="utf-8")
work = pathlib.Path(tempfile.mkdtemp())
page = work / "page.html"
page.write_text(source.replace("</body>", AUDIT + "\n</body>"), encoding="utf-8")
flags = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--user-data-dir=" + str(work / "profile"), "--window-size=1000,1400"]
dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
subprocess.run(flags + ["--screenshot=" + str(pathlib.Path(screenshot).resolve()), pathlib.Path(report).resolve().as_uri()],
               capture_output=True, timeout=120)


class Markup(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems, self.landmarks, self.lang, self.audit = [], set(), None, None
        self.stack = []  # open svg elements: [has a title child]
        self.in_audit = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.add(tag)
        if a.get("role") in ("banner", "navigation", "main", "contentinfo"):
            self.landmarks.add({"banner": "header", "navigation": "nav", "main": "main", "contentinfo": "footer"}[a["role"]])
        if tag == "th" and a.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
            self.problems.append(f"a <th> without scope: {self.getpos()}")
        if tag == "img" and not a.get("alt"):
            self.problems.append(f"an <img> without alt: {self.getpos()}")
        if a.get("role") == "img" and tag != "svg" and not a.get("aria-label"):
            self.problems.append(f"a role=img <{tag}> without aria-label: {self.getpos()}")
        if tag == "svg" and not (a.get("aria-label") or a.get("aria-labelledby")):
            self.problems.append(f"an <svg> without aria-label: {self.getpos()}")
        if tag == "pre" and a.get("id") == "vendorscore-audit":
            self.in_audit = True
            self.audit = ""

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_audit = False

    def handle_data(self, data):
        if self.in_audit:
            self.audit += data


def luminance(rgb):
    def channel(v):
        v = v / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def blend(fg, bg):
    alpha = fg[3]
    return [fg[i] * alpha + bg[i] * (1 - alpha) for i in range(3)]


markup = Markup()
markup.feed(dom)
problems = list(markup.problems)
if not markup.lang or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", markup.lang):
    problems.append(f"no usable lang on <html>: {markup.lang!r}")
for landmark in ("header", "nav", "main", "footer"):
    if landmark not in markup.landmarks:
        problems.append(f"no <{landmark}> landmark")
texts = json.loads(markup.audit or "[]")
if not texts:
    problems.append("the audit script found no text (did Chromium run it?)")
for t in texts:
    fg = blend(t["color"], t["background"])
    l1, l2 = luminance(fg), luminance(t["background"])
    ratio = (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05)
    large = t["size"] >= 24 or (t["size"] >= 18.66 and t["weight"] >= 700)
    if ratio < (3.0 if large else 4.5):
        problems.append(f"contrast {ratio:.2f}:1 for <{t['tag']}> {t['text']!r}: {t['color']} on {t['background']}")
print(json.dumps({"problems": problems, "texts": len(texts), "landmarks": sorted(markup.landmarks)}))
