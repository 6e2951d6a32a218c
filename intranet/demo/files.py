"""Shared files in the demo: a few posts with documents, so search finds text inside files."""

from __future__ import annotations

import io
from typing import Any

import docx

from intranet.actions.files import Upload, do_create_post_with_files
from intranet.models import Group, User

GUIDE = """# Guide de démarrage du Robot Chef 2

## Sécurité
Toujours verrouiller le couvercle avant de lancer un programme. Le capteur de sécurité coupe
le moteur si le bol n'est pas en place.

## Programmes
Pétrissage, cuisson vapeur, mijotage. Les recettes se synchronisent avec l'application mobile.
"""

FAQ = ("FAQ Cafetière Connect",
       "Q : La cafetière ne se connecte pas au Wi-Fi. R : Vérifier que le réseau est en 2,4 GHz.",
       "Q : Comment détartrer ? R : Lancer le programme de détartrage depuis l'application.",
       "Q: The app shows error E42. A: The water tank sensor needs cleaning.")


def _docx(*paragraphs: str) -> bytes:

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def share_demo_files(s: Any, people: dict[str, User], groups: dict[str, Group]) -> None:
    """Two posts with attachments: a private project's guide, and the support team's FAQ."""
    do_create_post_with_files(
        s, people["Pauline Mercier"], groups["robotchef"],
        "Voici le guide de démarrage du Robot Chef 2 pour la formation des équipes. #lancement",
        [Upload("guide-robot-chef-2.md", GUIDE.encode())])
    do_create_post_with_files(
        s, people["Nicolas Petit"], groups["dept:service"],
        "La FAQ Cafetière Connect mise à jour (Wi-Fi, détartrage, erreur E42). #support",
        [Upload("faq-cafetiere-connect.docx", _docx(*FAQ))])
