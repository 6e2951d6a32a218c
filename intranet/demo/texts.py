"""What Acme's people write: post templates per group, scripted announcements and pinned posts,
and short comments. Markdown with ``{placeholders}`` filled by ``demo.py`` (``{m}``/``{m2}``:
@mentions of group members, ``{a}``: the post's author, ``{n}``/``{big}``/``{pct}``/``{d}``: numbers,
``{jour}``/``{day}``, ``{produit}``/``{product}``, ``{client}``, ``{ville}``).
"""

from __future__ import annotations

PRODUITS = ("Robot Chef 2", "Cafetière Connect", "l'application Acme Cuisine", "Blender Pro")
PRODUCTS = ("Robot Chef 2", "Cafetière Connect", "the Acme Cuisine app", "Blender Pro")
CLIENTS = ("Maison Lenoir", "Cuisines Vidal", "Électro Sud", "Kitchen & Co", "Comptoir des Chefs",
           "Boutiques Gourmet", "HomeStore UK")
VILLES = ("Lyon", "Lille", "Nantes", "Bordeaux", "Marseille", "Toulouse", "Rennes", "Strasbourg")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

POSTS: dict[str, dict[str, tuple[str, ...]]] = {
    "company": {
        "fr": (
            "Petit rappel : la **réunion générale** a lieu {jour} à 11 h en salle Rhône et en visio. "
            "Questions à l'avance ici en commentaire. #allhands",
            "Le {produit} vient de passer les **{big} avis 5 étoiles**. Merci à toutes les équipes ! "
            "#clients",
            "Qui a oublié un parapluie bleu en salle Saône ? Il vous attend à l'accueil ☂️",
            "Le baromètre interne est ouvert jusqu'à {jour} : **{pct} %** de participation pour l'instant. "
            "Dix minutes, promis. #barometre",
            "Bravo à {m} et {m2} pour l'organisation de la journée portes ouvertes à {ville} 👏 #evenement",
            "### Chiffres de la semaine\n- commandes web : +{pct} %\n- NPS : 4{d}\n- tickets résolus en "
            "moins de 4 h : {big}\n\nBelle semaine à tous ! #resultats",
        ),
        "en": (
            "Reminder: **all-hands** on {day} at 11am, Rhône room and video. Drop your questions below. "
            "#allhands",
            "Great news: {product} just passed **{big} five-star reviews**. Thank you all! #clients",
            "Our UK shop went live with next-day delivery this week. Kudos to {m} and {m2}! #uk",
        ),
    },
    "marketing": {
        "fr": (
            "Brief de la campagne **rentrée** : cible jeunes actifs, ton complice, budget en hausse de "
            "{pct} %. {m} tu peux relire la plateforme de marque ? #campagne",
            "Les résultats de l'A/B test sur la newsletter : l'objet court gagne de **{pct} %** "
            "d'ouverture. On généralise ? #emailing",
            "Nouveau shooting pour le {produit} {jour} au studio. Besoin de deux volontaires pour tenir "
            "les plats 🍝 {m} ? #shooting",
            "Veille concurrence : un concurrent lance un robot à 499 €. Analyse dans le drive, à "
            "discuter au point marketing. #veille",
            "Calendrier éditorial de {jour} :\n1. article recette\n2. vidéo tuto\n3. post Instagram\n\n"
            "{m} tu prends le tuto ? #contenu",
        ),
        "en": (
            "Draft of the **back-to-school** campaign copy is in the shared folder. {m}, could you check "
            "the French adaptation? #campagne",
            "Newsletter A/B test: short subject lines win by **{pct}%**. Shall we roll it out? #emailing",
        ),
    },
    "service": {
        "fr": (
            "Pic d'appels ce matin sur la mise à jour du {produit} : **{big} tickets** depuis 8 h. "
            "Macro de réponse à jour dans Zendesk. #zendesk #incident",
            "Rappel de la procédure : un client qui mentionne un **risque de sécurité** (surchauffe, "
            "câble) = escalade immédiate au niveau 2 et à {m}. #escalade",
            "SLA de la semaine : **9{d} %** des tickets traités en moins de 4 h. On tient l'objectif, "
            "bravo l'équipe ! #sla",
            "Un client de {ville} nous remercie publiquement sur les réseaux pour l'aide de {m} 😊 #merci",
            "Qui peut me remplacer au chat {jour} après-midi ? Rendez-vous médical. #planning",
            "Verbatim NPS du jour : « *conseillère patiente, problème réglé en 5 minutes* ». #nps",
        ),
        "en": (
            "UK queue update: {n} open tickets about delivery delays with our carrier. {m}, any news "
            "from logistics? #zendesk",
            "Tip: the new macro *Firmware rollback* saves about {n} minutes per ticket. #zendesk",
        ),
    },
    "produit": {
        "fr": (
            "Revue de roadmap {jour} : on priorise le **mode batch cooking** du {produit}. Vos retours "
            "terrain sont bienvenus, {m}. #roadmap",
            "Résultats des tests utilisateurs : {n} participants, le parcours d'appairage "
            "Bluetooth reste le point noir. #ux #recherche",
            "Le firmware 3.{n} est en bêta chez {big} clients volontaires. Premiers retours positifs. "
            "#firmware #robotchef",
            "Discovery : pourquoi les utilisateurs abandonnent-ils les recettes au bout de {n} étapes ? "
            "Je cherche des verbatims, {m}. #discovery",
        ),
        "en": (
            "Usability test recap: pairing is still the main pain point. Full notes in the research "
            "repository. {m} let's sync on {day}. #ux",
            "Accessibility audit of the app: **{n} blockers** left, all on contrast. #accessibilite",
        ),
    },
    "ventes": {
        "fr": (
            "Signature avec **{client}** : {big} Robot Chef 2 pour la rentrée ! Bravo {m} 🎉 #signature",
            "Point pipeline {jour} : {n} opportunités en négociation, dont {client}. {m} tu peux "
            "mettre à jour Salesforce ? #pipeline",
            "Retour de tournée à {ville} : les magasins demandent plus de démos en rayon. #retail",
            "Objectif trimestre atteint à **9{d} %**… presque ! Encore un effort 💪 #objectifs",
        ),
        "en": (
            "Closed **{client}**: {big} units for the autumn range. Thanks {m} for the product demo! "
            "#signature",
            "UK pipeline: {n} deals in negotiation, average basket up {pct}%. #pipeline",
        ),
    },
    "rh": {
        "fr": (
            "Nous recrutons : **{n} postes** ouverts (conseiller·e clientèle, développeur·se, UX). "
            "Cooptation récompensée ! #recrutement",
            "Les inscriptions à la formation *prise de parole en public* sont ouvertes jusqu'à {jour}. "
            "#formation",
            "Rappel : les notes de frais du mois sont à déposer avant le 25. Merci ! #paie",
            "Parcours d'intégration : {m} et {m2} ont été parrains ce mois-ci, merci à eux. #onboarding",
        ),
        "en": (
            "New e-learning modules are live: feedback, remote management and GDPR basics. #formation",
        ),
    },
    "it": {
        "fr": (
            "Maintenance du VPN {jour} soir de 20 h à 22 h. Pensez à enregistrer vos fichiers. "
            "#maintenance",
            "Campagne de phishing simulée : **{pct} %** de clics. On fait mieux que la dernière fois, "
            "mais vigilance ! #sécurité",
            "Nouveau poste de travail : on déploie les portables sous Linux pour l'équipe data. "
            "{m} tu peux tester en premier ? #parc",
            "Le helpdesk a traité {big} demandes ce mois-ci. Top 1 : les imprimantes, évidemment 🖨️ "
            "#helpdesk",
            "Pour les scripts de migration, utilisez `python -m acme.migrate --dry-run` avant tout. "
            "#python",
        ),
        "en": (
            "Security reminder: **never** share your MFA codes, not even with IT. We will never ask. "
            "#sécurité",
            "Data platform: the nightly Airflow jobs now finish {n}0 minutes earlier. #data",
        ),
    },
    "robotchef": {
        "fr": (
            "Planning de lancement mis à jour : presse le {n} septembre, magasins la semaine suivante. "
            "{m} tu valides ? #robotchef #lancement",
            "Messages clés du Robot Chef 2 :\n- 30 % plus silencieux\n- {big} recettes guidées\n- "
            "appairage en 1 minute\n\nCommentaires bienvenus. #robotchef",
            "Formation des conseillers prévue {jour} : {m} prépare la FAQ, {m2} la démo. #formation",
        ),
        "en": ("UK launch kit: packaging in English is approved, {m} is checking the plug adapter. #uk",),
    },
    "aide": {
        "fr": (
            "Les {big} macros Zendesk sont inventoriées : on en garde un tiers. {m} tu peux relire la "
            "liste ? #zendesk #centre-aide",
            "Maquettes du nouveau centre d'aide en ligne : recherche en haut, catégories par produit. "
            "#ux #centre-aide",
            "Top 5 des questions clients du mois, à mettre en avant dans le centre d'aide. #faq",
        ),
        "en": ("English help center articles: {n} translated, {n} to go. #centre-aide",),
    },
    "rgpd": {
        "fr": (
            "Registre des traitements : {n} traitements documentés, il reste ceux des Ventes. {m} ? "
            "#rgpd #gdpr",
            "Durées de conservation proposées : tickets clients 3 ans, candidatures 2 ans. #rgpd",
        ),
        "en": ("Vendor review: {n} subprocessors checked, two need an updated DPA. #gdpr",),
    },
    "salon": {
        "fr": (
            "Planning du stand : inscrivez-vous pour les créneaux de démo, il en manque {n}. #salon",
            "Les goodies sont arrivés : {big} tabliers brodés et des cuillères en bois 🥄 #salon",
        ),
        "en": ("I can cover the English-speaking visitors on {day}. #salon",),
    },
    "seo": {
        "fr": (
            "Sprint SEO, jour {n} : on gagne {n} places sur « robot cuiseur multifonction ». #seo",
            "Audit technique : {big} pages sans balise title, {m} s'en occupe. #seo",
        ),
        "en": ("Rewrote the top {n} recipe pages with structured data. Traffic already up. #seo",),
    },
    "codir": {
        "fr": (
            "Ordre du jour du codir de {jour} :\n1. budget S2\n2. lancement Robot Chef 2\n3. "
            "recrutements\n\n{m} tu présentes le point 2 ? #codir",
            "Décision : gel des embauches hors service client jusqu'en octobre. Communication par "
            "{m} la semaine prochaine. #codir",
        ),
        "en": ("Board pack for {day} is in the secure folder. #codir",),
    },
    "cafe": {
        "fr": (
            "Il reste des croissants en cuisine au 2e étage 🥐 Premier arrivé…",
            "Bonne adresse à {ville} : petit resto italien près de la gare, {m} valide. #resto",
            "C'est l'anniversaire de {m} aujourd'hui 🎂 gâteau à 16 h !",
            "Qui est partant pour un afterwork {jour} ? #afterwork",
        ),
        "en": ("Cake in the kitchen, courtesy of {m} 🍰",),
    },
    "running": {
        "fr": (
            "Sortie de mardi : {n} km le long du Rhône, allure tranquille. Rendez-vous 12 h 15 à "
            "l'accueil. #running",
            "Bravo à {m} pour son semi-marathon en 1 h 4{d} ! 🏃 #running",
        ),
        "en": ("Anyone up for the 10k in {ville} next month? #running",),
    },
    "english": {
        "fr": ("Question : comment dit-on « point d'étape » en anglais ? On hésite entre *check-in* "
               "et *status update*.",),
        "en": (
            "Word of the week: **to touch base**. Use it in a meeting and tell us how it went 😄",
            "Article worth reading on remote feedback culture. What do you think, {m}?",
            "Conversation lunch on {day} at 12:30, all levels welcome! #english",
        ),
    },
    "photo": {
        "fr": (
            "Coucher de soleil sur Fourvière hier soir, pris au 50 mm. #photo",
            "Conseil du jour : en cuisine, éclairez de côté et jamais au flash. {m} confirme ? #photo",
        ),
        "en": ("Sharing my favourite shots from the team offsite. #photo",),
    },
    "green": {
        "fr": (
            "Défi du mois : {n} jours sans gobelet jetable. Qui relève ? #green",
            "Le parking vélo passe à {big} places. Merci {m} pour le dossier ! #vélo",
        ),
        "en": ("Reminder: batteries and old chargers go in the box near the IT desk. #green",),
    },
    "python": {
        "fr": (
            "Astuce pandas : `df.groupby(\"produit\").agg(n=(\"id\", \"count\"))` pour compter "
            "proprement. #python #data",
            "Atelier SQL {jour} à midi : jointures et fenêtres. {m} anime. #sql",
        ),
        "en": ("Small script to export Zendesk tags to CSV, happy to share. #python",),
    },
}

# (days ago, hour, author name or "admin", group key / "dept:<key>" / None, body, announcement, pin)
SCRIPTED: tuple[tuple[int, int, str, str | None, str, bool, bool], ...] = (
    (29, 9, "admin", None, "### Bienvenue sur l'intranet Acme 👋\n\nIci : les actualités de "
     "l'entreprise, vos groupes d'équipe et de projet, et vos collègues.\n\n- écrivez `@prenom.nom` "
     "pour mentionner quelqu'un\n- ajoutez des `#sujets`\n- la charte est [sur le wiki]"
     "(https://wiki.acme.intra/charte)\n\nBonne découverte ! #intranet", False, True),
    (21, 10, "admin", None, "**Nouvelle politique de télétravail** : jusqu'à 3 jours par semaine "
     "à partir du mois prochain. Merci de confirmer la lecture. #teletravail", True, False),
    (6, 9, "admin", None, "**Sécurité : double authentification obligatoire** pour tous les comptes "
     "à partir de lundi. Guide pas à pas : https://wiki.acme.intra/mfa #sécurité", True, True),
    (27, 10, "Laura Vincent", None, "Bienvenue à @arthur.lemoine, ingénieur produit IoT, qui rejoint "
     "l'équipe Produit ! 🎉 Passez lui dire bonjour au 3e étage. #bienvenue", False, False),
    (13, 10, "Laura Vincent", None, "Bienvenue à @fatou.diallo qui renforce le Service client sur les "
     "retours et garanties ! 🎉 #bienvenue", False, False),
    (4, 9, "Benjamin Hughes", None, "Please welcome @ryan.cooper, our new data engineer, who joins "
     "@francois.bertrand's IT team! 🎉 #bienvenue", False, False),
    (25, 14, "Nicolas Petit", "dept:service", "### Procédure d'escalade\n1. risque sécurité : niveau 2 "
     "immédiatement\n2. client VIP : prévenir @chloe.fontaine\n3. presse ou influenceur : "
     "@manon.garnier et le marketing\n\n#escalade", False, True),
    (12, 11, "Isabelle Rousseau", "dept:rh", "**Entretiens annuels** : la campagne commence le 1er. "
     "Les supports sont dans le SIRH. Merci d'en accuser réception. #entretiens", True, False),
    (18, 16, "François Bertrand", "dept:it", "Pour tout incident : le helpdesk (poste 4242) ou "
     "`helpdesk@acme.example`. Urgence sécurité : @priya.shah #helpdesk", False, True),
    (9, 8, "Pauline Mercier", "robotchef", "**Date de lancement confirmée** : le Robot Chef 2 sort le "
     "15 septembre. Embargo presse jusqu'au 10. #robotchef #lancement", True, True),
)

COMMENTS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Merci {a} !", "Top 👍", "Bravo à toute l'équipe 👏", "Je regarde ça demain matin.",
        "+1, on en parle au point de lundi ?", "{m} ça devrait t'intéresser.", "Super nouvelle !",
        "C'est noté, merci pour le rappel.", "Je peux aider si besoin.",
        "Tu as les chiffres du mois dernier pour comparer ?", "Excellent 😄", "Partant !",
        "Je m'inscris 🙋", "Merci pour le partage, très utile.", "On peut ajouter ça au wiki ?",
        "Je transmets à l'équipe.", "**Enfin** ! Ça faisait longtemps qu'on l'attendait.",
        "Je suis d'accord avec {a}.", "Petite question : ça concerne aussi les prestataires ?",
        "Bien vu {a}, je n'y avais pas pensé.", "C'est fait ✅", "Ça marche pour moi.",
        "Je relis et je reviens vers toi.", "Génial, merci !", "On en reparle à la pause café ☕",
    ),
    "en": (
        "Thanks {a}!", "Great job 👏", "Count me in!", "Very useful, thanks for sharing.",
        "Agreed, let's discuss on Monday.", "{m} you might want to see this.", "Love it ❤️",
        "Done ✅", "Could we add this to the wiki?", "Nice one {a}!", "Happy to help if needed.",
        "**Finally!**", "Good point.", "Noted, thanks.",
    ),
}
