"""Demo group covers, drawn here (no picture files in the repository) and set by each group's
lead through the real action; and the members' last visits, so the side rail shows a few recent
posts as new rather than the whole demo history."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import func, select, update

from intranet.actions.group_page import do_set_group_cover
from intranet.models import Group, Membership, Post, User

PALETTES = (  # (top-left, bottom-right, shapes): one per group, by its position
    ((48, 86, 211), (15, 109, 135), (255, 176, 32)), ((31, 122, 77), (15, 109, 135), (255, 255, 255)),
    ((156, 47, 124), (91, 69, 184), (255, 210, 122)), ((138, 90, 0), (198, 47, 60), (255, 244, 217)),
    ((15, 109, 135), (48, 86, 211), (228, 245, 236)), ((91, 69, 184), (156, 47, 124), (125, 155, 255)),
)


def _cover(rng: random.Random, palette: tuple[tuple[int, int, int], ...]) -> bytes:
    """A 1200 x 400 gradient with a few soft circles: enough to tell groups apart at a glance."""
    start, end, accent = palette
    image = Image.new("RGB", (1200, 400))
    draw = ImageDraw.Draw(image)
    for x in range(1200):
        t = x / 1199
        colour = tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x, 399)], fill=colour)
    for _ in range(6):
        r, cx, cy = rng.randint(40, 160), rng.randint(0, 1200), rng.randint(0, 400)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=accent, width=rng.randint(3, 10))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def set_demo_covers(s: Any, groups: dict[str, Group], leads: dict[str, User], seed: int) -> None:
    """Every project and community group gets a cover from its lead (departments keep none)."""
    rng = random.Random(seed)
    for n, (key, group) in enumerate(sorted(groups.items())):
        if key.startswith("dept:"):
            continue
        do_set_group_cover(s, leads[key], group, _cover(rng, PALETTES[n % len(PALETTES)]))


def mark_demo_visits(s: Any, now: datetime) -> None:
    """Everyone last opened their groups a day and a half ago: newer posts show as new."""
    cut = now - timedelta(hours=36)
    seen = (select(func.max(Post.id)).where(Post.group_id == Membership.group_id, Post.created_at < cut)
            .scalar_subquery())
    s.execute(update(Membership).values(last_seen_post_id=func.coalesce(seen, 0))
              .execution_options(synchronize_session=False))
