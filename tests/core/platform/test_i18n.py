"""French and English: the profile's language wins, then the browser's, then English.

Also guards the catalog itself: every string the code marks for translation must have a French
translation (no fuzzy or empty entries, placeholders kept), so a new untranslated string fails
the suite instead of showing up in English on a French page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from intranet.actions.comments import do_add_comment
from intranet.actions.posts import do_create_post
from intranet.models import User, utcnow
from intranet.platform import db
from intranet.platform.i18n import ago

ROOT = Path(__file__).resolve().parents[3]  # the repository
CATALOG = ROOT / "intranet" / "translations" / "fr" / "LC_MESSAGES"
NB = "\u00a0"  # French typography: a no-break space before : ; ! ? and inside « »
FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}
JSON = {"Accept": "application/json"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def speak(app, user, locale: str | None) -> None:
    """Set a profile language the way the profile form does (None: follow the browser)."""
    with app.app_context(), db.transaction() as s:
        s.get(User, user.id).locale = locale


def _catalog():
    with open(CATALOG / "messages.po", "rb") as f:
        return read_po(f)


def _strings(message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def _key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    context = message.context
    if isinstance(context, bytes):  # babel's read_mo leaves contexts undecoded
        context = context.decode("utf-8")
    return (context, msgid)


# ---- pages ------------------------------------------------------------------------------------

def test_home_is_in_french_for_a_french_profile(app, web, cast):
    speak(app, cast.alice, "fr")
    page = web.login(cast.alice).get("/", headers=EN).text  # the profile beats the browser
    assert '<html lang="fr">' in page
    for words in ("Accueil", "Groupes", "Annuaire", "Se déconnecter", "Rédiger une publication",
                  "Publier", "Fil de l'entreprise", "Dernières publications", "Mes groupes"):
        assert words in page, words
    assert "Log out" not in page and "Latest posts" not in page


def test_group_directory_in_french(app, web, cast):
    speak(app, cast.bob, "fr")
    page = web.login(cast.bob).get("/groups").text
    for words in ("Créer un groupe", "Trouver un groupe", "Visibilité", "Communauté", "Projet",
                  "Privé", "Public", "Service", "Responsable", "Demander à rejoindre", "Quitter"):
        assert words in page, words
    assert "Create a group" not in page and "Ask to join" not in page


def test_department_group_describes_itself_in_the_reader_language(app, make_web, cast):
    """The description is not stored in the language of whoever created the department."""
    speak(app, cast.alice, "fr")
    french = make_web().login(cast.alice).get(f"/groups/{cast.marketing_group.id}").text
    english = make_web().login(cast.bob).get(f"/groups/{cast.marketing_group.id}", headers=EN).text
    assert "Groupe du service Marketing" in french
    assert "Department group of Marketing" in english


def test_group_page_counts_members_with_french_plurals(app, web, cast):
    speak(app, cast.alice, "fr")
    page = web.login(cast.alice).get(f"/groups/{cast.apollo.id}").text
    assert "2 membres" in page and "Vous êtes membre" in page and "Quitter ce groupe" in page


def test_profiles_in_french(app, web, cast):
    with app.app_context(), db.transaction() as s:
        s.get(User, cast.alice.id).bio = "Je lance des campagnes."
    speak(app, cast.alice, "fr")
    web.login(cast.alice)
    public = web.get(f"/people/{cast.alice.id}").text
    assert "À propos" in public and "Groupes" in public and "Modifier mon profil" in public
    own = web.get("/profile").text
    for words in ("Mon profil", "Fonction", "Présentation", "Compétences", "Langue",
                  "Langue du navigateur", "Enregistrer", "Voir mon profil public"):
        assert words in own, words


def test_login_page_follows_the_browser_for_anonymous_visitors(web):
    french = web.get("/login", headers=FR).text
    assert '<html lang="fr">' in french
    for words in ("Se connecter", "Mot de passe", "Rester connecté sur cet appareil"):
        assert words in french, words
    english = web.get("/login", headers=EN).text
    assert '<html lang="en">' in english and "Remember me on this device" in english
    assert "Se connecter" not in english
    assert '<html lang="en">' in web.get("/login", headers={"Accept-Language": "de"}).text


def test_wrong_password_is_refused_in_french(web, cast):
    response = web.post("/login", data={"email": "alice@example.com", "password": "nope"}, headers=FR)
    assert response.status_code == 400 and "E-mail ou mot de passe incorrect." in response.text


def test_form_errors_are_in_french(app, web, cast):
    speak(app, cast.alice, "fr")
    web.login(cast.alice)
    empty_post = web.post("/posts", data={"body": "  ", "group_id": ""})
    assert empty_post.status_code == 400
    assert f"Le champ «{NB}Publication{NB}» ne peut pas être vide." in empty_post.text
    group = web.post("/groups/new", data={"name": "", "description": "", "kind": "project",
                                          "visibility": "public"})
    assert group.status_code == 400 and "Saisissez un nom." in group.text
    # WTForms' own messages come from its French catalog (Flask-WTF's i18n)
    long_name = web.post("/groups/new", data={"name": "x" * 121, "kind": "project", "visibility": "public"})
    assert long_name.status_code == 400
    assert "Le champ ne peut pas contenir plus de 120 caractères" in long_name.text


def test_flash_messages_are_in_french(app, web, cast):
    speak(app, cast.bob, "fr")
    web.login(cast.bob)
    web.post(f"/groups/{cast.apollo.id}/join", data={})
    page = web.get("/groups").text
    assert "Votre demande pour rejoindre Project Apollo a été envoyée à ses responsables." in page


def test_json_errors_are_in_french(app, web, cast):
    speak(app, cast.alice, "fr")
    web.login(cast.alice)
    missing = web.get("/api/v1/groups/999999")
    assert missing.status_code == 404
    assert missing.json["error"] == {"code": "not_found",
                                     "message": "Ce groupe n'existe pas ou ne vous est pas visible."}
    empty = web.post("/posts", json={"body": ""}, headers=JSON)
    assert empty.status_code == 400 and "ne peut pas être vide" in empty.json["error"]["message"]
    unknown = web.get("/api/v1/nowhere")
    assert unknown.json["error"]["message"] == "Cette page n'existe pas ou ne vous est pas visible."


def test_json_errors_follow_the_browser_without_a_profile_language(web, cast):
    web.login(cast.alice)
    assert web.get("/api/v1/groups/999999", headers=FR).json["error"]["message"].startswith("Ce groupe")
    english = web.get("/api/v1/groups/999999", headers=EN).json["error"]["message"]
    assert english == "This group does not exist or is not visible to you."


def test_english_browser_gets_english(web, cast):
    web.login(cast.alice)
    page = web.get("/", headers=EN).text
    assert '<html lang="en">' in page and "Latest posts" in page and "Company feed" in page
    assert "Accueil" not in page


def test_the_language_switcher_changes_the_next_page(app, web, cast):
    web.login(cast.alice)
    assert "Latest posts" in web.get("/", headers=EN).text
    switched = web.post("/language", data={"locale": "fr", "next": "/groups"}, headers=EN)
    assert switched.status_code == 302 and switched.headers["Location"] == "/groups"
    with app.app_context():
        assert db.session.get(User, cast.alice.id).locale == "fr"
    page = web.get("/groups", headers=EN).text
    assert '<html lang="fr">' in page and "Créer un groupe" in page
    web.post("/language", data={"locale": "en", "next": "/"}, headers=FR)
    assert "Latest posts" in web.get("/", headers=FR).text
    web.post("/language", data={"locale": "", "next": "/"})  # back to the browser's choice
    assert "Dernières publications" in web.get("/", headers=FR).text


def test_an_unknown_language_is_refused_in_the_current_language(app, web, cast):
    speak(app, cast.alice, "fr")
    response = web.login(cast.alice).post("/language", data={"locale": "de"}, headers=JSON)
    assert response.status_code == 400 and response.json["error"]["message"] == "Langue inconnue."


def test_plurals_and_relative_times_on_a_french_post_card(app, web, cast):
    with app.app_context(), db.transaction() as s:
        alice = s.get(User, cast.alice.id)
        post = do_create_post(s, alice, None, "Bonjour à tous")
        do_add_comment(s, s.get(User, cast.bob.id), post, "Merci !")
        do_add_comment(s, s.get(User, cast.lea.id), post, "Super")
        post.created_at = utcnow() - timedelta(minutes=5)
        post_id = post.id
    speak(app, cast.alice, "fr")
    card = web.login(cast.alice).get(f"/posts/{post_id}/card").text
    assert "il y a 5 minutes" in card
    assert re.search(r'data-one="commentaire" data-other="commentaires">commentaires<', card)
    assert ">J'aime<" in card  # the reaction's label for screen readers


def test_announcement_acknowledgement_in_french(app, web, cast):
    with app.app_context(), db.transaction() as s:
        post_id = do_create_post(s, s.get(User, cast.admin.id), None, "Fermeture le 1er mai",
                                 announcement=True).id
    speak(app, cast.alice, "fr")
    card = web.login(cast.alice).get(f"/posts/{post_id}/card").text
    assert "Annonce" in card and "J'ai lu" in card
    web.post(f"/posts/{post_id}/ack", data={})
    assert "Vous avez confirmé la lecture de cette annonce." in web.get(f"/posts/{post_id}/card").text
    speak(app, cast.admin, "fr")
    author = web.login(cast.admin).get(f"/posts/{post_id}/card").text
    assert re.search(r"data-ack-count>1</strong> personne a confirmé la lecture<", author)


def test_tokens_page_shows_the_header_literally(web, cast):
    page = web.login(cast.alice).get("/profile/tokens", headers=EN).text
    assert '"Authorization: Bearer &lt;token&gt;"' in page  # not a stray <token> tag


def test_relative_times_read_well_in_both_languages(app):
    now = utcnow()
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert ago(now - timedelta(minutes=5)) == "il y a 5 minutes"
            assert ago(now - timedelta(hours=3)) == "il y a 3 heures"
            assert ago(now - timedelta(days=1)) == "il y a 1 jour"
            assert ago(now) == "à l'instant"
            assert ago(now + timedelta(seconds=20)) == "à l'instant"  # a clock slightly ahead
        with force_locale("en"):
            assert ago(now - timedelta(minutes=5)) == "5 minutes ago"
            assert ago(now - timedelta(seconds=10)) == "just now"


def test_dates_use_the_locale_and_paris_time(app):
    when = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        render = app.jinja_env.from_string("{{ when|datetime }}").render
        with force_locale("fr"):
            assert render(when=when).startswith("5 mars 2026") and "13:00" in render(when=when)
        with force_locale("en"):
            assert render(when=when).startswith("Mar 5, 2026")


# ---- the catalog -------------------------------------------------------------------------------

def test_french_catalog_is_complete_and_clean():
    catalog = _catalog()
    assert not catalog.fuzzy
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = _strings(message)
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        if not all(s and s.strip() for s in strings):
            problems.append(("untranslated", message.id))
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                problems.append(("placeholders", message.id, s))
            # templates mark translations safe: no markup or attribute-breaking quote may creep in
            if any(ch in s and not any(ch in i for i in ids) for ch in '<>&"'):
                problems.append(("markup", message.id, s))
        if message.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(("plural forms", message.id))
    assert problems == []


def test_compiled_catalog_matches_the_po_file():
    """The .mo is committed (the app reads it); it must be compiled from the current .po."""
    with open(CATALOG / "messages.mo", "rb") as f:
        compiled = {_key(m): _strings(m) for m in read_mo(f) if m.id}
    source = {_key(m): _strings(m) for m in _catalog() if m.id}
    assert compiled == source


def test_every_marked_string_is_in_the_french_catalog(tmp_path):
    """Extract exactly as ``make messages`` does; a new string without a translation fails here."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
        "-o", str(pot), str(ROOT),
    ])
    with open(pot, "rb") as f:
        extracted = {_key(m) for m in read_po(f) if m.id}
    assert len(extracted) > 300  # the extraction really found the templates and the code
    translated = {_key(m) for m in _catalog() if m.id and not m.fuzzy}
    assert sorted(map(str, extracted - translated)) == []


@pytest.mark.parametrize("locale, text", [("fr", "Commenter"), ("en", "Comment")])
def test_the_comment_button_is_a_verb(app, web, cast, locale, text):
    with app.app_context(), db.transaction() as s:
        post_id = do_create_post(s, s.get(User, cast.alice.id), None, "Hello").id
    speak(app, cast.alice, locale)
    page = web.login(cast.alice).get(f"/posts/{post_id}").text
    assert f'class="btn btn-primary">{text}</button>' in page
