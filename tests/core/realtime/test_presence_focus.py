"""The presence registry's focus index: who is looking at a conversation, read on every send."""

from __future__ import annotations

from intranet.platform.presence import AWAY, Registry


def test_focus_moves_with_the_page_and_ends_with_the_socket() -> None:
    reg = Registry()
    reg.connected("s1", 1)
    reg.connected("s2", 2)
    reg.connected("s3", 1)  # a second tab of person 1
    reg.set_focus("s1", 10)
    reg.set_focus("s2", 10)
    assert reg.focused_on(10) == {1, 2}
    reg.set_focus("s1", 11)  # person 1 opened another conversation in that tab
    assert reg.focused_on(10) == {2}
    assert reg.focused_on(11) == {1}
    reg.set_state("s2", AWAY)  # the page is hidden: not looking
    assert reg.focused_on(10) == set()
    reg.disconnected("s1")
    assert reg.focused_on(11) == set()
    reg.set_focus("s3", None)
    reg.set_focus("gone", 10)  # an unknown socket changes nothing
    assert reg.focused_on(10) == set()
    assert reg.by_focus == {10: {"s2"}}  # emptied keys are dropped, the away socket stays indexed
