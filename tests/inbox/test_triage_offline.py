"""Triage runs with the network cut: no lexicon or model is fetched at run time.

A child Python process installs an audit hook that refuses every socket connection, name lookup
and URL open BEFORE importing anything of ours, checks that the network really is cut, then
imports triage and evaluates comments in both languages (VADER's lexicon, langdetect's profiles,
our lexicons, the evaluation with its service suggestion). A lazy download anywhere would raise.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = r'''
import socket, sys

def cut(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
                 "urllib.Request", "http.client.connect"):
        raise OSError(f"network cut: {event}")

sys.addaudithook(cut)
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    sys.exit("the network was not cut")
except OSError as exc:
    assert "network cut" in str(exc), exc

from pathlib import Path
from flask import Flask
from flask_babel import Babel
from intranet.inbox.rules.evaluation import predictions, read_rows, score
from intranet.inbox.rules.triage import triage

sauce = triage("Le Robot Chef Acme a brûlé ma sauce", handles=frozenset({"acme"}))
assert (sauce.lang, sauce.urgency, sauce.needs_response) == ("fr", "critical", True), sauce
refund = triage("thanks for nothing, still waiting on my refund")
assert (refund.lang, refund.sentiment) == ("en", "negative"), refund
app = Flask("offline")
Babel(app)
data = Path(sys.argv[1])
with app.test_request_context():
    lines = list(predictions(read_rows(data / "tune.jsonl")[:40], read_rows(data / "history.jsonl")))
figures = score(lines)
assert len(lines) == 40 and all(line["service"] for line in lines)
print("offline ok", round(figures["sentiment"].accuracy, 2))
'''


def test_triage_and_evaluation_run_with_the_network_cut():
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "tests" / "inbox" / "data" / "triage")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "offline ok" in done.stdout
