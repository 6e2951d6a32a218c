"""The word lists triage looks for, French and English, compiled once into one regex each.

Patterns run over folded text (accents off, lower case); ``*`` ends a stem. Each signal is
named for what it means to an agent: a safety risk, a legal threat, fraud, a service outage,
someone stuck, a request, a personal incident (something happened to the author).
"""

from __future__ import annotations

import re

from intranet.search.text.analysis import fold


def words(*phrases: str) -> re.Pattern[str]:
    """One regex matching any phrase at word boundaries; ``*`` ends a stem (``rembours*``)."""
    parts = sorted({re.escape(fold(p)).replace(r"\*", r"[\w']*") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w'])")


def found(pattern: re.Pattern[str], folded: str) -> list[str]:
    """Up to three distinct matches (the common no-match case builds no list)."""
    first = pattern.search(folded)
    if first is None:
        return []
    return list(dict.fromkeys(m.group(0) for m in pattern.finditer(folded, first.start())))[:3]


LEGAL = words(
    "avocat*", "tribunal", "tribunaux", "porter plainte", "porte plainte", "je porte plainte",
    "poursuite*", "poursuivre", "mise en demeure", "justice", "dgccrf", "ufc que choisir",
    "action collective", "procès", "lawyer*", "attorney*", "sue", "suing", "lawsuit*",
    "legal action", "legal team", "court", "class action", "small claims", "ombudsman",
    "médiateur", "trading standards", "signalconso", "60 millions")
SAFETY = words(
    "danger*", "brûl*", "brul*", "incendie", "prend feu", "pris feu", "fumée", "fume", "fumer",
    "explos*", "électrocut*", "décharge électrique", "bless*", "intoxi*", "surchauffe",
    "étincelle*", "odeur de brûlé", "odeur de plastique fondu", "fondu", "unsafe", "on fire",
    "caught fire", "smoke", "explod*", "injur*", "electrocut*", "electric shock", "overheat*",
    "poison*", "food poisoning", "sparks", "hazard*", "allerg*", "anaphyla*", "coeliac",
    "celiac", "gluten", "glass in", "piece of glass", "morceau de verre", "verre dans",
    "cockroach*", "cafard*", "dead mouse", "souris morte", "rat", "rats", "been sick", "got sick",
    "sick all night", "really ill", "now ill", "malade", "malades", "vomi*",
    "hospital", "hôpital", "urgences", "er at", "a&e", "could've died", "could have died",
    "chaîne du froid", "gonflé*", "raw meat", "bleach", "recall*", "rappel produit", "curdled",
    "sour", "toddler", "bébé malade")
FRAUD = words(
    "piraté*", "hack*", "phishing", "hameçonnage", "arnaque au", "faux conseiller*", "fake advisor",
    "fraud*", "frauduleu*", "jamais fait*", "jamais faits", "didn't do that", "did not do that",
    "not me", "unauthori*", "que je ne connais pas", "que je n'ai jamais", "fuite de données",
    "données clients", "data leak", "other customers", "other tenants", "someone else's",
    "wrong users", "compte vidé", "compte a été vidé", "vidé mon compte", "valider mon compte",
    "faux site", "fake site",
    "usurpation", "identity theft", "opposition", "stolen", "volé*", "mes codes", "security issue")
OUTAGE = words(
    "panne", "en panne", "hors service", "hs", "is down", "are down", "down again", "site down",
    "app down", "website down", "api down", "everything is down", "network down", "no signal",
    "plus de réseau", "pas de réseau", "réseau hs", "aucun service", "outage", "502",
    "error 500", "erreur 500", "inaccessible", "indisponible", "unavailable", "won't load",
    "wont load", "ne charge plus", "stopped firing", "ne marche plus", "ne fonctionne plus",
    "plus rien ne marche", "plus rien ne s'allume", "no internet", "sans internet",
    "plus d'internet", "ni internet", "impossible de me connecter", "can't log in", "cannot log in",
    "can't login", "can't order", "production is blocked", "ne peut plus travailler",
    "ne peux plus travailler", "peut plus travailler", "all green")
WIDESPREAD = words(
    "tout le monde", "chez tout le monde", "toute notre", "tout notre", "whole team",
    "whole company", "whole neighbourhood", "whole neighborhood", "everyone", "all morning",
    "tout le quartier", "tout lyon", "toute la ville", "général*", "generale", "200 people",
    "all of us", "for us", "our whole", "notre boite", "toute l'equipe", "depuis ce matin",
    "since this morning", "since 2pm", "depuis 2h", "depuis 3 jours", "isolés", "isoles",
    "dans tout", "à toulouse", "a toulouse", "in marseille", "everything", "for our",
    "l'appli", "the app", "website", "site", "api", "dashboard", "réseau", "network", "webhooks",
    "toute notre boite", "pour toute", "whole")
STUCK = words(
    "coincé*", "stuck", "stranded", "bloqué à", "on dort par terre", "dort par terre",
    "je ne peux plus rien payer", "ne peux plus rien payer", "rien retirer", "can't pay",
    "paiement refusé", "payment declined", "card declined", "carte bloquée", "compte bloqué",
    "bloqué sans", "mon salaire", "mon loyer", "my rent", "passeport", "passport", "insuline",
    "insulin", "traitement", "meds", "medication", "médicament*", "téléassistance", "personne âgée",
    "fauteuil roulant", "wheelchair", "voyageant seul", "travelling alone", "sans accompagnateur",
    "laissé seul", "bébé", "cancelled tonight",
    "annulé 1h avant", "1h before boarding", "no staff", "aucun hôtel", "shaking", "drove off",
    "crashed into", "appels d'urgence")
REQUEST = words(
    "rembourse*", "refund*", "aidez*", "help", "aide", "rappelez*", "me rappeler", "call me", "contact me",
    "appelez*", "expliqu*", "explain", "fix this", "fix it", "pls fix", "please fix",
    "dites-moi", "dites moi", "qui peut", "who pays", "who do i", "what now", "what do i do",
    "je fais quoi", "je fais koi", "on fait quoi", "what's the point", "dm", "mp",
    "message privé", "need answers", "need a real person", "talk to a human", "let me talk",
    "répondez", "answer me", "where is my", "où est mon", "vous êtes où", "c'est quand",
    "when will", "still waiting", "j'attends", "toujours pas", "toujours rien", "no news",
    "pas de nouvelles", "hello??", "please", "svp", "s'il vous plaît", "stp")
PERSONAL = words(
    "mon", "ma", "mes", "m'a", "m'ont", "me", "moi", "j'ai", "je", "my", "i", "i'm", "i've", "me",
    "we", "our", "us", "nous", "notre", "nos", "on m'a", "j'", "chez moi")
INCIDENT = words(
    "reçu*", "recu*", "livré*", "livre", "arrivé*", "pas arrivé", "jamais reçu", "cassé*", "casse",
    "débité*", "prélevé*", "m'a facturé*", "m'avez facturé*", "facturé deux fois", "facturé 2 fois",
    "charged", "billed", "received", "delivered", "arrived",
    "broke", "broken", "lost", "perdu*", "annulé*", "cancel*", "bloqué*", "blocked", "refusé*",
    "declined", "raccroché*", "hung up", "oublié*", "forgot", "missing", "manque", "retard*",
    "delay*", "ne marche", "ne fonctionne", "doesn't work", "not working", "won't", "can't",
    "impossible", "plante", "crash*", "fuit", "leak*", "fissuré", "écrasé", "soaked", "ripped",
    "logs me out", "logged me out", "deleted", "supprimé", "double*", "deux fois", "twice",
    "3 fois", "jamais venu", "pas venu", "never came", "toujours pas", "still", "attends",
    "attend", "waiting", "sans réponse", "no reply", "no answer", "ignored", "ignoré*",
    "ticket", "réclamation", "claim", "pending", "substitut*", "en miettes", "wrong", "erreur",
    "hors forfait", "coupe*", "saute", "emails",
    "mails", "messages", "tried", "essayé", "affiche", "says", "keeps", "every time", "chaque")
STRONG_INCIDENT = words(  # something happened to an order, a device or an account: answer it
    "arrived", "arrivé*", "livré*", "reçu*", "recu*", "delivered", "broken", "cassé*", "cracked",
    "fissuré*", "ne marche plus", "ne fonctionne plus", "not working", "doesn't work",
    "stopped working", "pas installé*", "jamais reçu", "never arrived", "double-booked",
    "charged", "débité*", "prélevé*", "m'a facturé*", "m'avez facturé*", "facturé deux fois",
    "facturé 2 fois", "billed", "ne trouve plus", "plus rien")
PROBLEM = words(  # a failure or a wait: such a comment is negative even in calm words
    "ne marche plus", "ne marche pas", "ne fonctionne plus", "ne fonctionne pas", "not working",
    "doesn't work", "stopped working", "broken", "cassé*", "panne", "plante", "crash*", "bug*",
    "error", "erreur", "double-booked", "deux fois", "twice", "3 times", "4 times", "5 times",
    "2 fois", "3 fois", "4 fois", "5 fois", "j'attends", "still waiting", "toujours pas", "toujours rien",
    "nothing at my door",
    "never arrived", "jamais reçu", "pas reçu", "not received", "lost", "perdu*", "missing",
    "manque", "ne trouve plus", "no reply", "crickets", "sans réponse", "aucune réponse",
    "retard*", "delay*", "annulé*", "cancelled", "n'arrive pas", "pas installé*",
    "quelqu'un d'autre", "someone else", "wrong", "mauvais",
    "c'est normal", "is this normal", "charged", "débité*", "prélevé*", "won't", "wont",
    "rejected", "refusé*", "locked out", "never arrives", "never arrived", "n'arrive plus",
    "n'arrivent plus", "jamais venu", "pas venu", "coupe", "coupent", "coupure*", "redémarre en boucle",
    "injoignable*", "unreachable", "raccroché*", "hung up", "sans explication", "sans prévenir",
    "without warning", "without any reminder", "without notice", "late", "en retard",
    "isn't answering", "not answering", "ne répond pas", "ne répondent pas", "ne répond plus",
    "billed", "m'a facturé*", "m'avez facturé*", "facturé deux fois", "facturé 2 fois", "au lieu de",
    "instead of", "mouldy", "moldy", "moisi*", "périmé*",
    "pourri*", "deleted", "deletes", "a supprimé*", "ont supprimé*", "supprimé mes", "supprimé mon",
    "disparu*", "vanished", "gone", "again",
    "encore", "unreadable", "illisible", "figé*", "frozen", "stuck on")
FEES = words("fee", "fees", "frais", "hors forfait", "admin fee", "surcharge", "supplément")
SECOND_PERSON = words("vous", "votre", "vos", "your", "you guys", "tu", "ton", "ta", "tes")
OPINION_ONLY = words(  # "what I think of you" rather than "what happened to me"
    "je ne recommande pas", "je recommande pas", "wouldn't recommend", "would not recommend",
    "i'd not recommend", "not recommend", "c'était mieux avant", "used to be", "n'est plus ce",
    "de pire en pire", "gone downhill", "went downhill", "is trash", "is mid", "is meh",
    "c'est nul", "nul à chier", "pas terrible", "not great", "is a joke", "black hole")
CHURN = words(
    "résilier", "résiliation", "clôturer mon compte", "clôturer", "fermer mon compte",
    "changer de banque", "je pars", "je vais partir", "je quitte", "dernière fois", "je me casse",
    "cancel my", "close my account", "closing my account", "switch to", "switching to", "leaving",
    "unsubscribe", "never again", "never flying", "last time", "plus jamais", "moving to",
    "we're cancelling", "cancelling")
QUESTION_START = words(
    "comment", "pourquoi", "pk", "quand", "où", "est-ce que", "est ce que", "pouvez-vous",
    "pouvez vous", "quel", "quelle", "quels", "quelles", "combien", "qui peut", "c'est quand",
    "how", "why", "when", "where", "what", "can you", "could you", "is there", "does anyone",
    "do you", "is it", "are you", "will you", "who can", "any idea", "anyone know", "can i",
    "does", "do", "is", "are", "can", "will")
ASKS_COMMUNITY = words(  # a question to other customers, not to the brand
    "quelqu'un l'a testé*", "quelqu'un a testé", "vous en pensez quoi", "des avis", "avis ?",
    "anyone tried", "anyone else tried", "thoughts?", "what do you guys think")
