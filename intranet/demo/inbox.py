"""The demo inbox: sources, watch rules, three services with routing, SLA targets, canned
replies and agents, then ~60 public comments sent through the real ingest pipeline at the time
they were "received" (so cases have realistic ages, due dates and breaches).

Logins to try: sarah.lambert@acme.example (agent, Service client), nicolas.petit@acme.example
(lead, Service client), camille.dupont@acme.example (lead, Marketing).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.demo.inbox_texts import COMMENTS, FORWARDED
from intranet.inbox.actions.forward import do_forward
from intranet.inbox.actions.incidents import do_record_incident_breaches
from intranet.inbox.actions.ingest import do_ingest, do_record_breaches
from intranet.inbox.actions.routing import do_save_service_profile
from intranet.inbox.actions.settings import (
    do_add_agent,
    do_save_canned_reply,
    do_save_routing_rule,
    do_save_service_settings,
    do_save_source,
    do_save_watch_rule,
)
from intranet.inbox.connectors.items import parse_item
from intranet.inbox.queries.rules import load_pipeline
from intranet.models import Department, User

SOURCES = {  # key -> (name, network, connector, feed_url, active)
    "x": ("X (mentions)", "x", "webhook", "", True),
    "facebook": ("Facebook page", "facebook", "webhook", "", True),
    "instagram": ("Instagram", "instagram", "webhook", "", True),
    "google": ("Google reviews", "google_reviews", "feed", "https://reviews.example/acme.rss", False),
    "trustpilot": ("Trustpilot", "trustpilot", "import", "", True),
    "forum": ("Acme community forum", "forum", "feed", "https://forum.example/acme.atom", False),
}
BRAND = 'acme OR acmecuisine OR "robot chef" OR "cafetière connect"'
COMPETITORS = {"Kitcheo": "kitcheo", "Brewmatic": "brewmatic"}
# service key -> (lead, first response minutes, resolution minutes, agents)
SERVICES = {
    "service": ("Nicolas Petit", 4 * 60, 3 * 24 * 60,
                ("Sarah Lambert", "Mehdi Haddad", "Manon Garnier", "Daniel Murphy")),
    "marketing": ("Camille Dupont", 8 * 60, 5 * 24 * 60, ("Inès Moreau",)),
    "produit": ("Pauline Mercier", 4 * 60, 3 * 24 * 60, ("Antoine Blanc",)),
}
ROUTES = (  # service, name, position, query, conditions
    ("produit", "Pannes, bugs et sécurité", 5,
     'panne OR bug* OR plante OR crash* OR fuit OR surchauff* OR fumée OR down OR firmware OR sparks '
     'OR hazard OR "not working" OR "mise à jour"', {}),
    ("marketing", "Image de marque et campagnes", 20,
     "campagne OR pub OR publicité OR partenariat OR campaign OR ad", {}),
    ("service", "Questions et réclamations", 30, "", {"needs_response": True}),
    ("service", "Avis négatifs", 40, "", {"sentiment": ["negative"]}),
)
CANNED = {
    "service": (("Excuses et prise en charge", "fr", "Bonjour, nous sommes désolés pour ce désagrément. "
                 "Pouvez-vous nous écrire en message privé avec votre numéro de commande ? Nous nous en "
                 "occupons tout de suite."),
                ("Apology, we are on it", "en", "Hello, we are sorry about this. Could you send us your "
                 "order number in a private message? We will look into it right away."),
                ("Erreur E42", "fr", "L'erreur E42 se corrige en redémarrant le Robot Chef 10 secondes "
                 "débranché, puis en relançant la mise à jour depuis l'appli.")),
    "marketing": (("Merci pour votre message", "fr", "Merci beaucoup pour votre retour, toute l'équipe "
                   "Acme est ravie !"),),
}


# service key -> (description, example comments): routing's cold start, written by each lead
PROFILES = {
    "service": ("Commandes, livraisons, remboursements, garantie, SAV et questions d'utilisation.",
                ("Où est mon colis ?", "J'attends mon remboursement depuis deux semaines",
                 "How do I reset the Wi-Fi on my coffee maker?")),
    "marketing": ("Image de marque, campagnes, publicités, partenariats, influenceurs, comparaisons "
                  "avec les concurrents.", ("Votre nouvelle pub est géniale",
                                            "Kitcheo est bien mieux que vous",
                                            "Influencer here, can we collaborate?")),
    "produit": ("Pannes, bugs de l'appli, défauts de fabrication, mises à jour, sécurité des appareils.",
                ("Le robot plante depuis la mise à jour", "My coffee maker leaks and smells burnt")),
}


def load_inbox(s: Session, now: datetime, people: dict[str, User], admin: User,
               departments: dict[str, Department]) -> str:
    """Configure the inbox and feed it; returns a one-line summary."""
    sources = {key: do_save_source(s, admin, None, name=name, network=network, connector=connector,
                                   feed_url=url, active=active)
               for key, (name, network, connector, url, active) in SOURCES.items()}
    do_save_watch_rule(s, admin, None, name="Acme (brand)", query=BRAND, kind="brand")
    for name, query in COMPETITORS.items():
        do_save_watch_rule(s, people["Camille Dupont"], None, name=name, query=query, kind="competitor")
    _services(s, people, departments)
    s.flush()
    pipeline = load_pipeline(s)
    for key, author, followers, lang, hours, text in sorted(COMMENTS, key=lambda c: -c[4]):
        at = now - timedelta(hours=hours)
        item = parse_item({"external_id": f"demo-{key}-{hours}", "author": author, "followers": followers,
                           "lang": lang, "text": text, "posted_at": at.isoformat(),
                           "url": f"https://{key}.example/acme/{hours}"})
        do_ingest(s, sources[key], [item], pipeline=pipeline, now=at + timedelta(minutes=3))
    for name, url, author, text in FORWARDED:
        do_forward(s, people[name], url, text, author)
    breaches = do_record_breaches(s, now)
    do_record_incident_breaches(s, now)
    return (f"Inbox: {len(COMMENTS) + len(FORWARDED)} public comments, {len(sources)} sources, "
            f"{len(breaches)} SLA breaches recorded.")


def _services(s: Session, people: dict[str, User], departments: dict[str, Department]) -> None:
    for key, (lead, first, resolution, agents) in SERVICES.items():
        department, lead_user = departments[key], people[lead]
        do_save_service_settings(s, lead_user, department, first_response_minutes=first,
                                 resolution_minutes=resolution, require_approval=key == "marketing")
        for agent in agents:
            do_add_agent(s, lead_user, department, people[agent])
        description, examples = PROFILES[key]
        do_save_service_profile(s, lead_user, department, description=description, examples=list(examples))
        for title, lang, body in CANNED.get(key, ()):
            do_save_canned_reply(s, lead_user, department, None, title=title, body=body, lang=lang)
    for key, name, position, query, conditions in ROUTES:
        lead = people[SERVICES[key][0]]
        do_save_routing_rule(s, lead, departments[key], None, name=name, query=query,
                             conditions=conditions, position=position)


def demo_departments(s: Session, names: dict[str, str]) -> dict[str, Any]:

    return {key: s.scalar(select(Department).where(Department.name == name)) for key, name in names.items()}
