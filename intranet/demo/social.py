"""Polls, questions, scheduled announcements, saved posts and follows in the demo, made through the
real actions: a few of each, in French and English, so every new page has something to show."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from intranet.actions.comments import do_add_comment
from intranet.actions.keeping import do_bookmark, do_follow_person, do_follow_topic
from intranet.actions.poll_spec import PollSpec
from intranet.actions.polls import do_mark_answer, do_vote
from intranet.actions.posts import do_create_post
from intranet.actions.scheduling import do_schedule_post
from intranet.models import Group, Poll, PollOption, Post, Topic, User

POLLS = (  # (author, group key or None, text, options, multiple, votes shown, closes in hours or None)
    ("Inès Moreau", "cafe", "Quel gâteau pour le goûter de vendredi ? 🍰",
     ("Tarte aux pommes", "Fondant au chocolat", "Cookies", "Fruits frais"), False, True, 48),
    ("Emma Wilson", "english", "Which format for the next English corner session?",
     ("Lunch & talk", "Film club", "Quiz", "Book club"), True, True, None),
    ("Pauline Mercier", "robotchef", "Date du webinaire de lancement : laquelle vous arrange ?",
     ("Mardi 10 h", "Jeudi 14 h", "Vendredi 11 h"), False, False, 72),
    ("admin", None, "Télétravail : combien de jours par semaine souhaitez-vous ? (anonyme)",
     ("1 jour", "2 jours", "3 jours", "Plus"), False, False, -24),  # already closed
)
QUESTIONS = (  # (asker, group key or None, question, [(who answers, text)], index of best or None)
    ("Julien Roux", "dept:marketing", "Où trouve-t-on le logo Acme en haute définition (SVG) ?",
     (("Hugo Lefèvre", "Dans le drive Marketing > Charte > Logos, il y a le SVG et le PNG."),
      ("Julien Roux", "Merci Hugo, trouvé !")), 0),
    ("Sarah Lambert", "dept:service", "Un client demande si la Cafetière Connect marche en 5 GHz : "
     "quelqu'un sait ?", (("Nicolas Petit", "Non, 2,4 GHz uniquement (voir la FAQ, question 1)."),), 0),
    ("Emma Wilson", "english", "Any tips for a good Python course for beginners?", (), None),
    ("Léo Gauthier", "python", "Comment exporter une requête SQL en Excel sans copier-coller ?",
     (("Priya Shah", "pandas.read_sql puis to_excel, je peux montrer si tu veux."),), None),
)
SCHEDULED = (  # (author, group key or None, text, announcement, in days)
    ("Nicolas Petit", "dept:service", "📣 Rappel : le nouveau centre d'aide ouvre lundi. Merci de relire "
     "vos macros avant vendredi.", True, 1),
    ("admin", None, "📣 Séminaire annuel le mois prochain : le programme et les inscriptions arrivent. "
     "#seminaire", True, 7),
    ("Emma Wilson", "english", "Next week: quiz session! Bring a friend. #englishcorner", False, 3),
)


def load_social(s: Any, now: datetime, people: dict[str, User], groups: dict[str, Group],
                members: dict[str, list[User]], seed: int = 7) -> str:
    """Returns one line for the summary."""
    rng = random.Random(seed)
    polls = [_poll(s, rng, now, people, groups, members, *spec) for spec in POLLS]
    questions = [_question(s, people, groups, *spec) for spec in QUESTIONS]
    for author, key, text, announcement, days in SCHEDULED:
        do_schedule_post(s, people[author], groups.get(key) if key else None, text,
                         now + timedelta(days=days, hours=2), announcement=announcement)
    julien, sarah = people["Julien Roux"], people["Sarah Lambert"]
    for post in (polls[0], questions[0], questions[1]):
        do_bookmark(s, sarah, post, True)
    do_bookmark(s, julien, questions[0], True)
    do_follow_person(s, julien, people["Emma Wilson"], True)
    topic = s.scalar(select(Topic).where(Topic.name == "lancement"))
    if topic is not None:
        do_follow_topic(s, julien, topic, True)
    return (f"Social: {len(polls)} polls, {len(questions)} questions "
            f"({sum(q.answer_comment_id is not None for q in questions)} answered), "
            f"{len(SCHEDULED)} scheduled posts, bookmarks for Sarah and Julien.")


def _poll(s: Any, rng: random.Random, now: datetime, people: dict[str, User], groups: dict[str, Group],
          members: dict[str, list[User]], author: str, key: str | None, text: str, options: tuple[str, ...],
          multiple: bool, shown: bool, hours: int | None) -> Post:
    closes = now + timedelta(hours=hours) if hours and hours > 0 else None
    post = do_create_post(s, people[author], groups[key] if key else None, text,
                          poll=PollSpec(options, multiple=multiple, votes_shown=shown, closes_at=closes))
    ids = list(s.scalars(select(PollOption.id).where(PollOption.post_id == post.id)
                         .order_by(PollOption.position)))
    voters = [u for u in (members[key] if key else people.values()) if u.id != post.author_id]
    for user in rng.sample(voters, min(len(voters), rng.randint(5, 14))):
        do_vote(s, user, post, rng.sample(ids, rng.randint(1, 2)) if multiple else [rng.choice(ids)])
    if hours is not None and hours < 0:  # a poll that closed yesterday, with its results
        s.flush()
        s.get(Poll, post.id).closes_at = now + timedelta(hours=hours)
    post.created_at = now - timedelta(hours=rng.randint(2, 30))
    return post


def _question(s: Any, people: dict[str, User], groups: dict[str, Group], asker: str, key: str | None,
              text: str, answers: tuple[tuple[str, str], ...], best: int | None) -> Post:
    post = do_create_post(s, people[asker], groups[key] if key else None, text, kind="question")
    made = [do_add_comment(s, people[who], post, body) for who, body in answers]
    if best is not None:
        do_mark_answer(s, people[asker], post, made[best].id)
    return post
