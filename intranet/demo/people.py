"""Who works at Acme, and which groups they run: the cast of the demo organisation.

Acme is a fictional French maker of connected kitchen appliances (the Robot Chef, the Cafetière
Connect and their mobile app). Data only; ``demo.py`` turns it into rows through the real actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOMAIN = "acme.example"
PASSWORD = "demo1234"
ADMIN_EMAIL = f"admin@{DOMAIN}"

# department key -> department (and department group) name
DEPARTMENTS = {
    "marketing": "Marketing",
    "service": "Service client",
    "produit": "Produit",
    "ventes": "Ventes",
    "rh": "RH",
    "it": "IT",
}


@dataclass(frozen=True)
class Person:
    name: str
    dept: str
    title: str
    skills: tuple[str, ...]
    locale: str = "fr"
    lead: bool = False
    bio: str = ""


def _p(name: str, dept: str, title: str, skills: str, *, en: bool = False, lead: bool = False,
       bio: str = "") -> Person:
    return Person(name, dept, title, tuple(skills.split()), "en" if en else "fr", lead, bio)


PEOPLE: tuple[Person, ...] = (
    # Marketing
    _p("Camille Dupont", "marketing", "Directrice marketing", "marketing brand stratégie management",
       lead=True, bio="Douze ans de marketing produit. Toujours partante pour un test A/B."),
    _p("Hugo Lefèvre", "marketing", "Responsable SEO", "seo google-analytics contenu wordpress",
       bio="Je parle couramment le *Search Console*."),
    _p("Emma Wilson", "marketing", "Content strategist", "content copywriting seo english", en=True,
       bio="From Bristol, in Lyon since 2019. Ask me about tone of voice."),
    _p("Inès Moreau", "marketing", "Community manager", "réseaux-sociaux instagram tiktok e-réputation",
       bio="Je veille sur la marque, de Twitter aux avis Google."),
    _p("Thomas Girard", "marketing", "Designer de marque", "figma design photo vidéo",
       bio="Pixels, typographies et café noir."),
    _p("Olivia Brown", "marketing", "Growth marketer", "growth emailing ab-testing sql", en=True,
       bio="Funnels, cohorts and the occasional spreadsheet masterpiece."),
    _p("Julien Roux", "marketing", "Chef de produit marketing", "pricing lancement études-de-marché",
       bio="Entre le produit et le marché, je traduis."),
    # Service client
    _p("Nicolas Petit", "service", "Responsable service client", "zendesk management sla qualité",
       lead=True, bio="Notre objectif : une réponse en moins de 4 h, toujours avec le sourire."),
    _p("Sarah Lambert", "service", "Conseillère clientèle", "zendesk téléphone sav robot-chef",
       bio="Spécialiste du Robot Chef, de la pâte à pizza aux mises à jour."),
    _p("Mehdi Haddad", "service", "Conseiller clientèle", "zendesk chat sav cafetière",
       bio="Joignable sur le chat de 9 h à 18 h."),
    _p("Chloé Fontaine", "service", "Superviseure du centre de contact", "zendesk planning coaching sla",
       bio="Je planifie les équipes et je coache les nouveaux."),
    _p("Daniel Murphy", "service", "Support agent (UK & Ireland)", "zendesk english sav escalade", en=True,
       bio="I look after our British and Irish customers."),
    _p("Manon Garnier", "service", "Conseillère clientèle", "zendesk réseaux-sociaux sav e-réputation",
       bio="Je réponds aux clients sur les réseaux sociaux."),
    _p("Yanis Chevalier", "service", "Chargé qualité", "qualité nps verbatims excel",
       bio="Je lis tous les verbatims NPS. Oui, tous."),
    _p("Fatou Diallo", "service", "Conseillère clientèle", "zendesk garantie retours logistique",
       bio="Retours, garanties et colis perdus : je trouve toujours une solution."),
    # Produit
    _p("Pauline Mercier", "produit", "Head of product", "roadmap discovery management okr",
       lead=True, bio="Je dis non à beaucoup de bonnes idées, pour en livrer d'excellentes."),
    _p("Antoine Blanc", "produit", "Product manager application mobile", "mobile roadmap analytics",
       bio="L'application Acme Cuisine, c'est mon bébé."),
    _p("Grace Taylor", "produit", "UX designer", "ux figma accessibilité recherche-utilisateur", en=True,
       bio="Accessibility is not a feature, it is the floor."),
    _p("Lucas Faure", "produit", "Product owner Robot Chef", "agile scrum firmware iot",
       bio="Sprint après sprint, le Robot Chef devient plus malin."),
    _p("Zoé Perrin", "produit", "UX researcher", "recherche-utilisateur entretiens tests ux",
       bio="J'écoute nos utilisateurs en cuisine, littéralement."),
    _p("Samuel Robin", "produit", "Product analyst", "sql python analytics data",
       bio="Si ça ne se mesure pas, je vais trouver comment."),
    _p("Arthur Lemoine", "produit", "Ingénieur produit IoT", "iot firmware bluetooth c",
       bio="Je fais parler les cafetières au Wi-Fi."),
    # Ventes
    _p("Marc Dubois", "ventes", "Directeur commercial", "négociation grands-comptes management crm",
       lead=True, bio="La grande distribution, je la connais par cœur."),
    _p("Élodie Martin", "ventes", "Key account manager", "négociation grands-comptes salesforce",
       bio="Je suis vos interlocutrice pour les enseignes nationales."),
    _p("James Carter", "ventes", "Account executive UK", "négociation saas english salesforce", en=True,
       bio="Growing Acme across the Channel."),
    _p("Romain Lemaire", "ventes", "Commercial terrain", "négociation prospection retail",
       bio="Sur la route entre Lille et Lyon, toujours un Robot Chef dans le coffre."),
    _p("Clara Noël", "ventes", "Sales ops", "salesforce crm reporting excel",
       bio="Le CRM est propre. Merci de le garder propre. 🙂"),
    _p("Lucie Moulin", "ventes", "Business developer e-commerce", "e-commerce marketplaces négociation",
       bio="Amazon, Cdiscount, Fnac : je gère nos places de marché."),
    _p("Kevin Adams", "ventes", "Partnerships manager", "partenariats négociation english", en=True,
       bio="Partnerships with chefs, schools and retailers."),
    # RH
    _p("Isabelle Rousseau", "rh", "Directrice des ressources humaines", "rh droit-social gdpr management",
       lead=True, bio="Ma porte est ouverte, et mon agenda aussi."),
    _p("Laura Vincent", "rh", "Chargée de recrutement", "recrutement linkedin onboarding",
       bio="Vous connaissez quelqu'un de génial ? Parlez-m'en."),
    _p("Amélie Fournier", "rh", "Gestionnaire paie", "paie sirh excel gdpr",
       bio="Questions de paie : le mardi et le jeudi, c'est moi."),
    _p("Benjamin Hughes", "rh", "People partner", "formation onboarding english coaching", en=True,
       bio="Learning, onboarding and the odd team offsite."),
    _p("Sophie Laurent", "rh", "Responsable formation", "formation e-learning management",
       bio="Catalogue de formation 2025 : demandez-le !"),
    # IT
    _p("François Bertrand", "it", "DSI", "architecture sécurité budget management",
       lead=True, bio="Vingt ans d'informatique, et toujours pas de mot de passe sur un post-it."),
    _p("Maxime Henry", "it", "Ingénieur DevOps", "devops kubernetes python linux",
       bio="Si ça tourne, je l'automatise."),
    _p("Priya Shah", "it", "Security engineer", "sécurité gdpr pentest sso", en=True,
       bio="Ask me before you click that link."),
    _p("Léo Gauthier", "it", "Développeur backend", "python django sql api",
       bio="Python, Postgres et beaucoup de tests."),
    _p("Nathalie Bonnet", "it", "Administratrice systèmes", "linux réseau sauvegardes helpdesk",
       bio="Helpdesk niveau 2 : les imprimantes ne me font pas peur."),
    _p("Ryan Cooper", "it", "Data engineer", "data python airflow sql", en=True,
       bio="Pipelines in the morning, dashboards in the afternoon."),
)

ADMIN = _p("Admin Acme", "it", "Administrateur de la plateforme", "administration support", bio=(
    "Compte d'administration de l'intranet. Pour une question : écrivez dans le groupe IT."))


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    description: str
    visibility: str
    kind: str
    lead: str  # a person's name, or "admin"
    members: tuple[str, ...] = ()  # person names (project groups: added by the lead)
    depts: tuple[str, ...] = ()  # whole departments added too
    joiners: int = 0  # community groups: how many colleagues join at random
    requests: tuple[str, ...] = field(default=())  # people with a pending join request


GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("robotchef", "Lancement Robot Chef 2", "Tout sur le lancement de septembre : planning, "
              "messages clés, formation des équipes.", "private", "project", "Pauline Mercier",
              ("Camille Dupont", "Julien Roux", "Marc Dubois", "Élodie Martin", "Sarah Lambert",
               "Lucas Faure", "Arthur Lemoine", "Thomas Girard", "Antoine Blanc", "Kevin Adams"),
              requests=("Romain Lemaire",)),
    GroupSpec("aide", "Refonte du centre d'aide", "Nouveau centre d'aide en ligne et migration des "
              "macros Zendesk.", "private", "project", "Nicolas Petit",
              ("Chloé Fontaine", "Yanis Chevalier", "Grace Taylor", "Emma Wilson", "Léo Gauthier",
               "Hugo Lefèvre", "Zoé Perrin"), requests=("Mehdi Haddad",)),
    GroupSpec("rgpd", "Audit RGPD 2025", "Registre des traitements, durées de conservation, "
              "sous-traitants.", "private", "project", "Priya Shah",
              ("François Bertrand", "Isabelle Rousseau", "Amélie Fournier", "Ryan Cooper",
               "Olivia Brown", "Clara Noël")),
    GroupSpec("salon", "Salon Maison&Objet", "Préparation du stand : démos, goodies, planning de "
              "présence.", "public", "project", "Marc Dubois",
              ("Romain Lemaire", "Thomas Girard", "Inès Moreau", "Lucie Moulin", "James Carter")),
    GroupSpec("seo", "Sprint SEO site web", "Deux semaines pour remonter sur « robot cuiseur ».",
              "public", "project", "Hugo Lefèvre",
              ("Emma Wilson", "Léo Gauthier", "Olivia Brown", "Samuel Robin")),
    GroupSpec("codir", "Comité de direction", "Ordres du jour et décisions du comité de direction.",
              "secret", "project", "admin",
              ("Camille Dupont", "Nicolas Petit", "Pauline Mercier", "Marc Dubois",
               "Isabelle Rousseau", "François Bertrand")),
    GroupSpec("cafe", "Café & croissants", "Le coin détente : bonnes adresses, gâteaux, pauses.",
              "public", "community", "Inès Moreau", joiners=18),
    GroupSpec("running", "Running club Acme", "Sorties du mardi midi le long du Rhône, tous niveaux.",
              "public", "community", "Maxime Henry", joiners=9),
    GroupSpec("english", "English corner", "Practise your English, share articles, ask anything.",
              "public", "community", "Emma Wilson", joiners=12),
    GroupSpec("photo", "Photo & vidéo", "Vos plus belles photos, conseils et matériel.",
              "public", "community", "Thomas Girard", joiners=7),
    GroupSpec("green", "Green team", "Réduire notre empreinte : tri, vélo, numérique responsable.",
              "public", "community", "Zoé Perrin", joiners=10),
    GroupSpec("python", "Python & data", "Scripts, notebooks et SQL : entraide entre curieux.",
              "public", "community", "Léo Gauthier", joiners=8),
)

# Recent hires (welcomed on the company feed): days since they joined.
NEWCOMERS = {"Arthur Lemoine": 28, "Fatou Diallo": 14, "Ryan Cooper": 5}

# Showcase accounts for the README and the summary: (role, person name).
SHOWCASE = (("lead", "Nicolas Petit"), ("agent", "Sarah Lambert"), ("employee", "Julien Roux"))
