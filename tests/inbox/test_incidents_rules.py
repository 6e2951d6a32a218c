"""The pure grouping rule on the labelled stories (``tests/inbox/data/incident_stories.jsonl``): the
same story groups whatever the arrival order, different stories never mix; brand words, handles
and links do not count; a stray word of one member does not pull unrelated comments in."""

from __future__ import annotations

from collections import Counter

from bench.incident_grouping import load, run, score
from intranet.inbox.rules import incidents as rules


def test_labelled_stories_group_without_mixing():
    rows = load()
    for seed in range(5):
        precision, recall = score(rows, run(rows, seed))
        assert precision >= 0.95, (seed, precision)
        assert recall >= 0.75, (seed, recall)


def test_signature_leaves_out_brand_handles_links_and_fillers():
    words = rules.signature("@Acme encore une panne du site Acme https://t.co/x #panne depuis 9h", ["acme"])
    assert set(words.values()) == {"panne", "site", "9h"}


def test_a_member_stray_word_does_not_chain():
    centroid = Counter({"pann": 5, "sit": 5, "connect": 4, "pub": 1})
    assert rules.close_enough(*rules.cosine({"pann", "sit"}, centroid))
    assert not rules.close_enough(*rules.cosine({"pub", "sexist", "honteux"}, centroid))


def test_only_the_same_service_and_brand_meet():
    groups: list[rules.Group] = []
    same = {"pann", "sit", "connect"}
    decisions = rules.assign([(1, ("svc", 1), same), (2, ("other", 1), same), (3, ("svc", 2), same),
                              (4, ("svc", 1), same)], groups)
    assert [(d.case_id, d.group.case_ids) for d in decisions] == [(4, [1, 4])]
