"""User text: Markdown to safe HTML, mentions and topics found from the same parse."""

from __future__ import annotations

import re

import pytest

from intranet.platform.sanitize import clean_html, plain_text, render, scan

PEOPLE = {"bob": ("/people/2", "mention")}


def html(text: str) -> str:
    return render(text, PEOPLE.get, lambda t: f"/topics/{t}").html


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "hi <script src=//evil.example/x.js></script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=http://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "<div style='position:fixed'>overlay</div>",
])
def test_raw_html_is_escaped_never_interpreted(text):
    out = html(text)
    assert "<script" not in out and "<img" not in out and "<iframe" not in out and "<div" not in out
    assert not re.search(r"<[^>]*(style|onerror|href)=", out)  # escaped text may say it, tags never do
    assert "&lt;" in out  # shown as text, as written


@pytest.mark.parametrize("text", [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox)",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
])
def test_dangerous_link_targets_are_dropped(text):
    out = html(text).lower()
    assert "<a" not in out  # left as text: no link at all
    assert "click" in out or "javascript" in out


def test_images_are_stripped():
    out = html("look ![cat](http://example.com/cat.png) here")
    assert "<img" not in out and "cat.png" not in out.replace("&lt;", "")
    assert out.startswith("<p>look ") and out.strip().endswith("here</p>")


def test_links_get_rel_nofollow_noopener():
    out = html("[docs](https://example.com/docs) and https://example.org/page")
    assert '<a href="https://example.com/docs" rel="nofollow noopener noreferrer">docs</a>' in out
    page = "https://example.org/page"
    assert f'<a href="{page}" rel="nofollow noopener noreferrer">{page}</a>' in out


@pytest.mark.parametrize("host", ["http://wiki.corp/x", "https://jira.intranet/browse/AP-1", "http://nas.lan/share",
                                  "http://printer.local/status", "https://git.internal/team/repo"])
def test_intranet_host_names_are_linkified(host):
    assert f'<a href="{host}" rel="nofollow noopener noreferrer">{host}</a>' in html(f"see {host} now")


def test_code_blocks_are_left_exactly_as_written():
    text = "```\n<b>bold?</b> a & b http://wiki.corp/x @bob #topic\n```\n\nand `<i>x</i> & y`"
    out = html(text)
    code = "&lt;b&gt;bold?&lt;/b&gt; a &amp; b http://wiki.corp/x @bob #topic\n"
    assert f"<pre><code>{code}</code></pre>" in out
    assert "<code>&lt;i&gt;x&lt;/i&gt; &amp; y</code>" in out
    assert "&amp;lt;" not in out and "&amp;amp;" not in out  # never escaped twice


def test_entities_in_text_and_link_labels_are_escaped_once():
    out = html("Tom & Jerry <3 [R&D](https://example.com/?a=1&b=2)")
    assert "Tom &amp; Jerry &lt;3" in out
    assert '<a href="https://example.com/?a=1&amp;b=2" rel="nofollow noopener noreferrer">R&amp;D</a>' in out
    assert "&amp;amp;" not in out


def test_markdown_formatting_survives():
    out = html("# Title\n\n**bold** *it* ~~old~~\n\n- one\n- two\n\n> quote\n\n"
               "| a | b |\n|---|--:|\n| 1 | 2 |")
    for tag in ("<strong>bold</strong>", "<em>it</em>", "<s>old</s>", "<li>one</li>", "<blockquote>",
                "<table>", "<td>2</td>"):
        assert tag in out
    assert "<h1>" not in out  # big headings are not allowed; their text stays
    assert "Title" in out and "style=" not in out


def test_mentions_and_topics_become_links_outside_code_and_links():
    r = render("@bob #Café `@bob #code` [@bob #x](http://a.example) mail bob@example.com, #1",
               PEOPLE.get, lambda t: f"/topics/{t}")
    assert r.mentions == {"bob"}
    assert r.topics == {"café", "1"}
    assert r.html.count('href="/people/2"') == 1
    assert '<a href="/topics/café" class="topic" rel="nofollow noopener noreferrer">#Café</a>' in r.html


def test_unknown_handles_stay_text():
    r = render("hello @nobody", PEOPLE.get, lambda t: f"/topics/{t}")
    assert r.mentions == {"nobody"} and "<a" not in r.html and "@nobody" in r.html


def test_a_topic_is_at_most_60_characters_as_stored_so_its_link_works():
    r = render("see #" + "a" * 61, PEOPLE.get, lambda t: f"/topics/{t}")
    assert r.topics == {"a" * 60} and 'href="/topics/' + "a" * 60 + '"' in r.html


def test_scan_finds_handles_case_insensitively_and_trims_punctuation():
    found = scan("Thanks @Bob.Durand, @lea! and #Budget-2025. (#Q3)")
    assert found.mentions == {"bob.durand", "lea"}
    assert found.topics == {"budget-2025", "q3"}


def test_clean_html_is_idempotent_on_its_own_output():
    once = html("a & b <x> [l](https://example.com) `c & d`")
    assert clean_html(once) == once


def test_plain_text_for_the_index_is_unescaped():
    assert plain_text(html("Tom & Jerry <3 **bold**\n\nnext `a<b`")) == "Tom & Jerry <3 bold next a<b"
