"""Demo conversations: a few direct and group conversations among the showcase people, sent
through the real actions (so unread counts, read positions and notifications are real), then
backdated over the last two days. Julien Roux (the showcase employee) finds some unread."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from intranet.actions.files import Upload, do_send_message_with_files
from intranet.actions.messaging import do_mark_read, do_send_message, do_start_conversation
from intranet.models import Conversation, Message, Notification, User
from intranet.platform import db

# (title or None for a direct conversation, people (first one starts it), [(speaker index, text)],
#  index of a person who has not read the last messages, or None); ATTACHED: files sent with a line
# (conversation title, line text) -> (file name, content)
CONVERSATIONS: tuple[tuple[str | None, tuple[str, ...], list[tuple[int, str]], int | None], ...] = (
    (None, ("Camille Dupont", "Julien Roux"), [
        (0, "Salut Julien, tu as pu regarder les **chiffres de la campagne** ?"),
        (1, "Oui, le taux de clic est à 3,2 %. Je t'envoie le détail cet après-midi."),
        (0, "Parfait, merci ! On en parle au point de jeudi."),
        (0, "Au fait, @julien.roux : tu peux ajouter la comparaison avec l'an dernier ?"),
    ], 1),
    ("Lancement été", ("Nicolas Petit", "Julien Roux", "Sarah Lambert", "Emma Wilson"), [
        (0, "Bonjour à tous, je lance ce fil pour coordonner le lancement de la collection d'été."),
        (2, "Côté service client, on prépare une FAQ. Des questions qui reviennent déjà ?"),
        (3, "I can draft the English version of the FAQ by Friday."),
        (0, "Voici le rétroplanning du lancement (dates de la campagne en pièce jointe)."),
        (1, "Je m'occupe des visuels. Liste des tâches :\n\n- bannières\n- e-mailing\n- réseaux sociaux"),
        (0, "Merci ! Point d'étape lundi 10 h."),
    ], 1),
    (None, ("Sarah Lambert", "Nicolas Petit"), [
        (0, "Nicolas, un client signale un souci de livraison sur la commande 4411."),
        (1, "Je regarde avec la logistique et je reviens vers toi."),
    ], None),
)

PLANNING = """Rétroplanning lancement été
semaine,tâche,responsable
S-4,bannières et visuels,Julien
S-3,FAQ service client (FR/EN),Sarah et Emma
S-2,e-mailing clients fidèles,Nicolas
S-1,publications réseaux sociaux,Julien
"""
ATTACHED = {("Lancement été", "Voici le rétroplanning du lancement (dates de la campagne en pièce jointe)."):
            ("retroplanning-ete.csv", PLANNING.encode())}


def _send(s: Any, author: User, conversation: Conversation, text: str) -> Message:
    """Through the real actions: with files when the line has some (search finds their text)."""
    attached = ATTACHED.get((conversation.title, text))
    if attached is None:
        return do_send_message(s, author, conversation, text)
    return do_send_message_with_files(s, author, conversation, text, [Upload(*attached)])


def load_conversations(people: dict[str, User], now: datetime) -> int:
    """Create the demo conversations; returns how many messages were sent."""
    sent = 0
    for title, names, lines, unread_by in CONVERSATIONS:
        with db.transaction() as s:
            members = [s.get(User, people[n].id) for n in names]
            conversation, _new = do_start_conversation(s, members[0], [u.id for u in members[1:]], title)
            ids = [_send(s, members[who], conversation, text).id for who, text in lines]
            _read_all_but(s, conversation, members, ids, unread_by)
            _backdate(s, conversation, ids, now)
            sent += len(ids)
    return sent


def _read_all_but(s: Any, conversation: Conversation, members: list[User], ids: list[int],
                  unread_by: int | None) -> None:
    """Everyone has read everything, except one person who missed the last two messages."""
    for index, user in enumerate(members):
        position = ids[-3] if index == unread_by and len(ids) > 2 else ids[-1]
        do_mark_read(s, user, conversation, position)


def _backdate(s: Any, conversation: Conversation, ids: list[int], now: datetime) -> None:
    """Spread the messages over the last two days, a few minutes apart, the newest first."""
    start = now - timedelta(hours=6 * conversation.id)
    for n, mid in enumerate(ids):
        at = start + timedelta(minutes=7 * n)
        s.execute(update(Message).where(Message.id == mid).values(created_at=at))
        s.execute(update(Notification).where(Notification.conversation_id == conversation.id)
                  .values(created_at=at))
    conversation.last_activity = start + timedelta(minutes=7 * (len(ids) - 1))
