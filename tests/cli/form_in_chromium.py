"""Drive headless Chromium over the DevTools protocol (--remote-debugging-pipe,
standard library only): open the questionnaire form from disk, fill every
kind of answer, press "Save answers", and report what happened as JSON.

usage: form_in_chromium.py FORM.html DOWNLOAD_DIR SCREENSHOT.png
"""
import base64, json, os, pathlib, shutil, subprocess, sys, tempfile, time

form, downloads, screenshot = sys.argv[1:4]
browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if not browser:
    print(json.dumps({"skipped": "no chromium"}))
    sys.exit(0)

to_child_r, to_child_w = os.pipe()
from_child_r, from_child_w = os.pipe()
def fds():
    # Chromium reads commands on fd 3 and writes replies on fd 4; copies first,
    # since a pipe may already be fd 3 or 4 (dup2 onto itself keeps close-on-exec).
    read, write = os.dup(to_child_r), os.dup(from_child_w)
    os.dup2(read, 3)
    os.dup2(write, 4)
profile = tempfile.mkdtemp()
proc = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=900,1200", "about:blank"],
    preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_child_r); os.close(from_child_w)
out = os.fdopen(to_child_w, "wb", buffering=0)
inp = os.fdopen(from_child_r, "rb", buffering=0)
buffer = b""
events = []
next_id = 0

def send(method, params=None, session=None):
    global next_id, buffer
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    out.write(json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in buffer:
            chunk = inp.read(65536)
            if not chunk:
                raise SystemExit("chromium closed the pipe")
            buffer += chunk
        raw, buffer = buffer.split(b"\0", 1)
        reply = json.loads(raw)
        if reply.get("id") == next_id:
            if "error" in reply:
                raise SystemExit(f"{method}: {reply['error']}")
            return reply.get("result", {})
        events.append(reply)

def wait_event(name, timeout=15):
    global buffer
    end = time.time() + timeout
    while time.time() < end:
        for e in events:
            if e.get("method") == name:
                events.remove(e)
                return e
        send("Target.getTargets")  # pumps the pipe
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + name)

try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": os.path.abspath(downloads), "eventsEnabled": True})
    send("Page.enable", session=session)
    send("Network.enable", session=session)
    send("Page.navigate", {"url": pathlib.Path(form).resolve().as_uri()}, session=session)
    wait_event("Page.loadEventFired")

    def js(expression):
        result = send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=session)
        if "exceptionDetails" in result:
            raise SystemExit("javascript: " + json.dumps(result["exceptionDetails"]))
        return result["result"].get("value")

    # Accessibility: every control has a label tied to it.
    unlabelled = js("""[...document.querySelectorAll('input, select, textarea')]
        .filter(el => !document.querySelector('label[for="' + el.id + '"]')).map(el => el.id || el.outerHTML)""")

    # Keyboard: Tab moves focus from the first field on, and the focused field shows an outline.
    js("document.getElementById('vendor-id').focus()")
    send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}, session=session)
    send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}, session=session)
    focused = js("document.activeElement.id")
    outline = js("getComputedStyle(document.activeElement).outlineStyle")
    # Type the vendor name with the keyboard.
    send("Input.insertText", {"text": "Zephyr CX sp. z o.o."}, session=session)

    js("""(() => {
      const set = (id, v) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); };
      set('vendor-id', 'zephyr-cx'); set('vendor-country', 'PL');
      set('platform-shopify', 'Plus');
      document.getElementById('peak-surge-pricing-declared-yes').click();
      set('peak-peak-multiplier', '2.5');
      set('commercial-monthly-price', '45000');
      set('sla-voice-service-level', '91.5');
      document.getElementById('security-certifications-iso27001').click();
      document.getElementById('security-certifications-soc2-type2').click();
      set('security-certifications-evidence', 'evidence/iso.txt; evidence/soc2.txt');
      set('security-certifications-note', 'Both current');
      document.getElementById('platform-salesforce-none').click();
      document.getElementById('security-mfa-no').click();
    })()""")
    # An out-of-range percentage is refused before saving.
    js("document.getElementById('sla-voice-service-level').value = '120'")
    js("document.getElementById('save').click()")
    refused = js("document.getElementById('status').textContent")
    js("document.getElementById('sla-voice-service-level').value = '91.5'")
    js("document.getElementById('save').click()")
    saved = None
    end = time.time() + 15
    while time.time() < end and not saved:
        done = [f for f in os.listdir(downloads) if f.endswith(".json")]
        saved = done[0] if done else None
        time.sleep(0.1)
    shot = send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}, session=session)
    pathlib.Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
    requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    external = [u for u in requests if not u.startswith(("file:", "blob:", "data:", "about:"))]
    print(json.dumps({"unlabelled": unlabelled, "focused": focused, "outline": outline, "refused": refused,
                      "saved": saved, "external_requests": external}))
finally:
    try:
        send("Browser.close")
    except BaseException:
        pass
    proc.wait(timeout=10)
    shutil.rmtree(profile, ignore_errors=True)
