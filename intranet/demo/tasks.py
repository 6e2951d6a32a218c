"""Tasks and file libraries in the demo: services asking each other for work, and each
department's reference documents in folders.

- Marketing (Julien Roux) asks the contact centre, in the Robot Chef 2 launch project, to
  prepare an FAQ from an inbox case: the task is given to Sarah Lambert and to the Service
  client service, links to the case, and is in progress;
- Product (Pauline Mercier) tracks the E42 defect in its department group with a checklist half
  ticked, due yesterday (it shows overdue in "My tasks"), and asks support to collect cases;
- each department group holds a few reference documents in folders (one with two versions).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intranet.actions.files import Upload
from intranet.actions.library import do_create_folder, do_upload
from intranet.actions.tasks import TaskSource, do_check_item, do_create_task, do_set_status
from intranet.models import Case, Group, LibraryFolder, User

LEADS = {"marketing": "Camille Dupont", "service": "Nicolas Petit", "produit": "Pauline Mercier",
         "ventes": "Marc Dubois", "rh": "Isabelle Rousseau", "it": "François Bertrand"}

# department -> [(folder, file name, text)]
DOCUMENTS: dict[str, list[tuple[str, str, str]]] = {
    "marketing": [
        ("Charte graphique", "charte-graphique.md",
         "# Charte graphique Acme\nCouleurs : bleu Acme #3056d3, blanc. Typographie : Inter.\n"
         "Le logo garde une marge égale à la hauteur du « A »."),
        ("Modèles", "modele-communique-de-presse.md",
         "# Communiqué de presse (modèle)\nTitre, chapô, trois paragraphes, citation, contact presse."),
    ],
    "service": [
        ("Procédures", "procedure-remboursement.md",
         "# Procédure de remboursement\nDouble débit : vérifier la transaction, rembourser sous 48 h, "
         "prévenir le client par écrit."),
        ("FAQ", "faq-robot-chef-2.md",
         "# FAQ Robot Chef 2\nQ : Le robot ne démarre pas. R : Vérifier que le bol est bien enclenché."),
    ],
    "produit": [
        ("Spécifications", "specifications-robot-chef-2.md",
         "# Spécifications Robot Chef 2\nMoteur 1 500 W, bol 4,5 l, capteur de sécurité, Wi-Fi 2,4 GHz."),
        ("Qualité", "plan-de-tests-cafetiere.md",
         "# Plan de tests Cafetière Connect\nCapteur du réservoir (erreur E42) : 500 cycles, "
         "3 températures."),
    ],
    "ventes": [("Tarifs", "grille-tarifaire-2027.md",
                "# Grille tarifaire 2027\nRobot Chef 2 : 799 €. Cafetière Connect : 249 €. "
                "Remises enseignes.")],
    "rh": [("Accueil", "livret-accueil.md",
            "# Livret d'accueil\nPremier jour : badge, poste de travail, déjeuner avec l'équipe.")],
    "it": [("Sécurité", "politique-mots-de-passe.md",
            "# Politique de mots de passe\nAu moins 10 caractères, une phrase de passe plutôt qu'un mot.")],
}


def load_tasks(s: Session, today: date, people: dict[str, User], groups: dict[str, Group]) -> str:
    """The two stories and the libraries; returns a one-line summary."""
    faq = _faq_for_the_contact_centre(s, today, people, groups)
    _defect(s, today, people, groups)
    _small_tasks(s, today, people, groups)
    files = _libraries(s, people, groups)
    return (f"Tasks: 5 across services (the launch FAQ, task {faq}, comes from an inbox case); "
            f"{files} reference documents in department libraries.")


def _faq_for_the_contact_centre(s: Session, today: date, people: dict[str, User],
                                groups: dict[str, Group]) -> int:
    julien, sarah = people["Julien Roux"], people["Sarah Lambert"]
    case = s.scalar(select(Case).where(Case.department_id == groups["dept:service"].department_id)
                    .order_by(Case.id.desc()).limit(1))
    task = do_create_task(
        s, julien, groups["robotchef"], "Préparer la FAQ de lancement du Robot Chef 2",
        body="Les clients posent les mêmes questions sur le **verrouillage du couvercle** et la "
             "synchronisation des recettes. Pouvez-vous préparer une FAQ pour le centre d'aide avant "
             "le lancement ?\n\nVoir le dossier de la boîte de réception lié.",
        assignee_ids=[sarah.id], service_group_id=groups["dept:service"].id,
        due_on=today + timedelta(days=5), labels=["faq", "lancement"],
        checklist=["Relever les 10 questions les plus fréquentes", "Rédiger les réponses",
                   "Relecture par le marketing", "Publier dans le centre d'aide"],
        source=TaskSource(case_id=case.id) if case else None)
    s.flush()
    do_set_status(s, sarah, task, "in_progress")
    do_check_item(s, sarah, task, task.checklist[0].id, True)
    return task.id


def _defect(s: Session, today: date, people: dict[str, User], groups: dict[str, Group]) -> None:
    pauline = people["Pauline Mercier"]
    task = do_create_task(
        s, pauline, groups["dept:produit"], "Défaut E42 : capteur du réservoir de la Cafetière Connect",
        body="Le capteur signale un réservoir vide alors qu'il est plein. Le support collecte les cas, "
             "le produit analyse les lots concernés.",
        assignee_ids=[people["Antoine Blanc"].id, people["Lucas Faure"].id],
        service_group_id=groups["dept:service"].id, due_on=today - timedelta(days=1),
        labels=["defaut", "cafetiere"],
        checklist=["Collecter les cas du support", "Identifier les lots", "Reproduire en labo",
                   "Corriger le firmware", "Informer le service client"])
    s.flush()
    do_set_status(s, people["Antoine Blanc"], task, "in_progress")
    for item in task.checklist[:2]:
        do_check_item(s, people["Antoine Blanc"], task, item.id, True)


def _small_tasks(s: Session, today: date, people: dict[str, User], groups: dict[str, Group]) -> None:
    done = do_create_task(s, people["Camille Dupont"], groups["dept:marketing"],
                          "Valider les visuels de la campagne de rentrée",
                          assignee_ids=[people["Hugo Lefèvre"].id], labels=["campagne"],
                          due_on=today - timedelta(days=3))
    do_set_status(s, people["Hugo Lefèvre"], done, "done")
    do_create_task(s, people["François Bertrand"], groups["dept:it"],
                   "Renouveler le certificat de l'intranet",
                   assignee_ids=[people["Maxime Henry"].id], due_on=today + timedelta(days=1),
                   labels=["securite"])
    do_create_task(s, people["Marc Dubois"], groups["dept:ventes"], "Former les enseignes au Robot Chef 2",
                   service_group_id=groups["dept:produit"].id, due_on=today + timedelta(days=14),
                   labels=["formation"])


def _libraries(s: Session, people: dict[str, User], groups: dict[str, Group]) -> int:
    count = 0
    for dept, documents in DOCUMENTS.items():
        lead, group = people[LEADS[dept]], groups[f"dept:{dept}"]
        folders: dict[str, Any] = {}
        for folder_name, filename, text in documents:
            if folder_name not in folders:
                folders[folder_name] = do_create_folder(s, lead, group, folder_name)
            do_upload(s, lead, group, folders[folder_name], Upload(filename, text.encode()))
            count += 1
    # the FAQ has a newer version: the old one stays in its history
    service = groups["dept:service"]
    do_upload(s, people["Sarah Lambert"], service, _folder(s, service, "FAQ"),
              Upload("faq-robot-chef-2.md", (DOCUMENTS["service"][1][2] + "\nQ : La recette ne se "
                                             "synchronise pas. R : Mettre à jour l'application.").encode()))
    return count


def _folder(s: Session, group: Group, name: str) -> LibraryFolder | None:
    return s.scalar(select(LibraryFolder).where(LibraryFolder.group_id == group.id,
                                                LibraryFolder.name == name))
