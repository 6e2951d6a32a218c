"""Photos in the demo, drawn with Pillow on the spot (nothing downloaded, nothing in git):
landscapes, a sunset over the Rhône, a cake, through the same upload path as a person's."""

from __future__ import annotations

import io
import random
from typing import Any

from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import select

from intranet.actions.files import (
    Upload,
    do_add_comment_with_files,
    do_create_post_with_files,
    do_send_message_with_files,
)
from intranet.actions.message_social import do_add_message_reaction, do_reply
from intranet.models import Conversation, Group, Message, User
from intranet.platform import db

SIZE = (1600, 1067)


def landscape(seed: int, sky: tuple[tuple[int, int, int], tuple[int, int, int]],
              ground: tuple[int, int, int], *, sun: bool = True) -> bytes:
    """A sky gradient, a sun, three ridges of hills and a lake: a plausible holiday photo."""
    rng = random.Random(seed)
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(*sky, strict=True)))
    if sun:
        x, y, r = rng.randint(300, 1300), rng.randint(180, 420), rng.randint(60, 110)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 236, 170))
    for ridge in range(3):
        base = 560 + ridge * 130
        points = [(0, height)] + [(x, base - rng.randint(0, 160 - ridge * 40))
                                  for x in range(0, width + 100, 100)] + [(width, height)]
        shade = tuple(max(0, c - 35 * (2 - ridge)) for c in ground)
        draw.polygon(points, fill=shade)
    draw.rectangle([0, 960, width, height], fill=(70, 110, 160))
    return _jpeg(image.filter(ImageFilter.GaussianBlur(1.2)))


def cake() -> bytes:
    """A layered cake on a table, from above-ish."""
    image = Image.new("RGB", SIZE, (232, 220, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse([300, 650, 1300, 1000], fill=(250, 250, 250))  # the plate
    for layer, colour in enumerate([(120, 70, 40), (245, 225, 190), (120, 70, 40), (245, 225, 190)]):
        top = 620 - layer * 90
        draw.rectangle([450, top, 1150, top + 90], fill=colour)
    draw.ellipse([450, 220, 1150, 340], fill=(200, 40, 60))  # raspberry glaze
    for x in range(500, 1120, 90):
        draw.ellipse([x, 240, x + 50, 290], fill=(150, 20, 40))
    return _jpeg(image.filter(ImageFilter.GaussianBlur(1.5)))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def share_demo_photos(s: Any, people: dict[str, User], groups: dict[str, Group]) -> None:
    """Photo & vidéo: a three-photo post with comments (one with a photo); the running club
    and the café: one photo each."""
    lead = people["Thomas Girard"]
    alps = do_create_post_with_files(
        s, lead, groups["photo"],
        "Week-end dans le Vercors : lever de soleil, crêtes et lac. Vos avis sur les cadrages ? "
        "#photo",
        [Upload("vercors-aube.jpg", landscape(1, ((250, 170, 120), (120, 150, 210)), (70, 100, 70))),
         Upload("vercors-cretes.jpg", landscape(2, ((150, 190, 240), (220, 235, 250)), (90, 120, 80))),
         Upload("lac-du-vercors.jpg", landscape(3, ((120, 160, 220), (200, 220, 240)), (60, 90, 60),
                                                sun=False))])
    do_add_comment_with_files(s, people["Inès Moreau"], alps,
                              "Superbe la deuxième ! Voici la mienne depuis le Mont Aiguille.",
                              [Upload("mont-aiguille.jpg",
                                      landscape(4, ((200, 140, 180), (250, 200, 150)), (80, 80, 90)))])
    do_add_comment_with_files(s, people["Maxime Henry"], alps,
                              "La lumière du matin est parfaite sur la première.", [])
    do_create_post_with_files(
        s, people["Maxime Henry"], groups["running"],
        "Sortie de mardi midi : coucher de soleil sur le Rhône en rentrant. #running",
        [Upload("rhone-coucher.jpg", landscape(5, ((250, 120, 80), (250, 200, 120)), (50, 60, 80)))])
    do_create_post_with_files(
        s, people["Inès Moreau"], groups["cafe"],
        "Gâteau framboise pour les 10 ans de l'équipe Qualité, en salle 2 à 16 h ! #pause",
        [Upload("gateau-framboise.jpg", cake())])


def banner() -> bytes:
    """A draft summer banner: a sunny gradient with a wave."""
    image = Image.new("RGB", (1600, 600))
    draw = ImageDraw.Draw(image)
    for x in range(1600):
        draw.line([(x, 0), (x, 600)], fill=(250, 180 - x // 20, 60 + x // 16))
    draw.ellipse([1150, 80, 1450, 380], fill=(255, 240, 150))
    draw.polygon([(0, 600), *((x, 430 + (60 if (x // 200) % 2 else 0)) for x in range(0, 1700, 100)),
                  (1600, 600)], fill=(40, 120, 190))
    return _jpeg(image)


def enrich_conversations(people: dict[str, User]) -> None:
    """The summer launch conversation: reactions, a thread under the planning, a banner photo."""
    with db.transaction() as s:
        conversation = s.scalar(select(Conversation).where(Conversation.title == "Lancement été"))
        if conversation is None:
            return
        messages = list(s.scalars(select(Message).where(Message.conversation_id == conversation.id)
                                  .order_by(Message.id)))
        planning = next(m for m in messages if "rétroplanning" in m.body_md)
        for name, kind in (("Julien Roux", "like"), ("Sarah Lambert", "like"), ("Emma Wilson", "thanks")):
            do_add_message_reaction(s, s.get(User, people[name].id), planning, kind)
        do_add_message_reaction(s, s.get(User, people["Nicolas Petit"].id), messages[2], "love")
        do_reply(s, s.get(User, people["Sarah Lambert"].id), conversation, planning.id,
                 "La FAQ peut-elle passer en S-3 bis ? On attend les photos produit.")
        do_reply(s, s.get(User, people["Nicolas Petit"].id), conversation, planning.id,
                 "Oui, je décale. Merci Sarah !")
        do_send_message_with_files(s, s.get(User, people["Nicolas Petit"].id), conversation,
                                   "La première version de la bannière, vos avis ?",
                                   [Upload("banniere-ete-v1.jpg", banner())])
