"""The French words and turns of phrase customers use about a brand, with a valence (-4..4).

Words are folded (no accents, lower case), as ``sentiment_fr`` reads them. Idioms are whole
phrases scored before single words, because their meaning is not their words' sum: "pas
terrible" is bad although "terrible" alone is often praise in speech, "pas mal" is good, "rien à
dire" is praise, "toujours rien" a complaint. A ``*`` ends a stem (``arnaqu*``).
"""

from __future__ import annotations

WORDS: dict[str, float] = {
    # praise
    "merci": 1.5, "bravo": 2.5, "super": 2.0, "genial": 2.5, "geniale": 2.5, "excellent": 2.8,
    "excellente": 2.8, "parfait": 2.6, "parfaite": 2.6, "parfaitement": 2.0, "top": 2.0,
    "content": 1.8, "contente": 1.8, "contents": 1.8, "satisfait": 2.0, "satisfaite": 2.0,
    "ravi": 2.4, "ravie": 2.4, "efficace": 2.0, "efficaces": 2.0, "rapide": 1.4, "rapides": 1.4,
    "rapidement": 1.2, "bien": 1.2, "bon": 1.0, "bonne": 1.0, "agreable": 1.8, "sympa": 1.6,
    "adore": 2.5, "adorable": 2.4, "aime": 1.8, "recommande": 2.0, "recommander": 1.6,
    "professionnel": 1.6, "professionnelle": 1.6, "pratique": 1.4, "clair": 1.0, "claire": 1.0,
    "facile": 1.4, "simple": 1.0, "impeccable": 2.5, "formidable": 2.5, "felicitations": 2.5,
    "reactif": 2.0, "reactive": 2.0, "aimable": 1.8, "resolu": 1.4, "fiable": 1.8,
    "magnifique": 2.2, "chouette": 1.8, "extra": 2.0, "nickel": 2.2, "fan": 1.6, "kiffe": 2.4,
    "kiff": 2.4, "kiffer": 2.2, "valide": 1.5, "bluffant": 2.4, "bluffante": 2.4, "reussi": 2.0,
    "reussie": 2.0, "solide": 1.4, "stable": 1.0, "souriant": 1.8, "souriante": 1.8,
    "soigne": 1.6, "soignee": 1.6, "propre": 1.2, "fluide": 1.6, "chapeau": 2.2, "respect": 1.5,
    "merveille": 2.6, "dinguerie": 2.2, "incroyable": 2.2, "competitif": 1.4, "competitifs": 1.4,
    "competitives": 1.4, "silencieux": 1.2, "silencieuse": 1.2, "belle": 1.6, "beau": 1.6,
    "meilleur": 2.0, "meilleure": 2.0, "mieux": 1.2, "hate": 1.2, "gagne": 1.0, "sauve": 1.8,
    "bonheur": 2.0, "plaisir": 2.0, "regret": -1.4, "regrette": -1.8, "regretter": -1.4,
    "utile": 1.4, "genialissime": 3.0, "agreablement": 1.6, "fort": 0.8,
    # complaints
    "nul": -2.5, "nulle": -2.5, "nuls": -2.5, "honte": -2.8, "honteux": -2.8, "honteuse": -2.8,
    "inadmissible": -3.0, "inacceptable": -3.0, "scandale": -3.0, "scandaleux": -3.0,
    "arnaque": -3.2, "arnaquer": -3.0, "arnaqueurs": -3.0, "escroc": -3.2, "escroquerie": -3.2,
    "voleur": -3.0, "voleurs": -3.0, "vol": -1.0, "catastrophe": -2.8, "catastrophique": -2.8,
    "lamentable": -2.8, "decu": -2.2, "decue": -2.2, "decus": -2.2, "decevant": -2.2,
    "decevante": -2.2, "deception": -2.4, "mecontent": -2.4, "mecontente": -2.4,
    "insatisfait": -2.2, "probleme": -1.4, "problemes": -1.4, "pb": -1.4, "panne": -2.0,
    "pannes": -2.0, "bloque": -1.6, "bloquee": -1.6, "bug": -1.8, "bugs": -1.8, "bugge": -1.8,
    "lent": -1.4, "lente": -1.4, "lents": -1.4, "impossible": -1.8, "erreur": -1.4,
    "plainte": -2.2, "mauvais": -2.2, "mauvaise": -2.2, "pire": -3.0, "horrible": -3.0,
    "degoute": -2.8, "degoutee": -2.8, "marre": -2.5, "colere": -2.6, "furieux": -2.8,
    "furieuse": -2.8, "enerve": -2.2, "enervee": -2.2, "penible": -2.0, "insupportable": -2.6,
    "incompetent": -2.8, "incompetents": -2.8, "inutile": -2.0, "dangereux": -2.6,
    "danger": -2.2, "perdu": -1.4, "perdue": -1.4, "casse": -1.8, "cassee": -1.8,
    "defectueux": -2.4, "fuite": -1.6, "fuit": -1.6, "grave": -1.2, "fraude": -3.0,
    "frauduleux": -3.0, "resilier": -1.6, "resiliation": -1.2, "injoignable": -2.4,
    "injoignables": -2.4, "abusif": -2.6, "abusifs": -2.6, "abuse": -2.2, "abusez": -2.4,
    "retard": -1.6, "retarde": -1.6, "annule": -1.2, "annulee": -1.2, "mediocre": -2.4,
    "dommage": -1.4, "triste": -1.8, "gene": -1.2, "genant": -1.8, "peur": -1.8,
    "cher": -1.2, "chere": -1.2, "ruine": -2.0, "pirate": -2.4, "vide": -1.4, "hs": -2.0,
    "lamentablement": -2.8, "raccroche": -2.0, "ecrase": -1.8, "ecrasee": -1.8,
    "miettes": -1.4, "fissure": -1.6, "oublie": -1.4, "oublient": -1.4, "tiede": -1.2,
    "insupportables": -2.6, "galere": -2.0, "relou": -2.0, "chelou": -1.4, "naze": -2.4,
    "pourri": -2.8, "pourrie": -2.8, "merdique": -3.0, "merde": -2.6, "bordel": -2.0,
    "foutage": -2.4, "arnaques": -3.0, "boulet": -1.6, "mensonge": -2.6, "menteurs": -2.8,
    "ridicule": -2.4, "pitoyable": -2.8, "minable": -2.8, "gonfle": -1.6, "saoule": -2.0,
    "gave": -2.0, "ramasse": -1.8, "loose": -2.0, "hess": -1.8, "regrettable": -1.8,
    "froid": -0.6, "absent": -1.2, "introuvable": -1.6, "incomprehensible": -2.0,
    "fausse": -1.4, "faux": -1.0, "cachees": -1.4, "caches": -1.4, "prendre": 0.0,
    "eleve": -0.8, "eleves": -0.8, "elevee": -0.8, "elevees": -0.8, "debite": -1.2,
    "inaudible": -2.0, "inaudibles": -2.0, "grésillements": -1.4, "gresillements": -1.4,
    "isoles": -1.6, "bruit": -1.0, "plastique": -0.4, "annulation": -1.0, "lenteur": -1.8,
}
IDIOMS: dict[str, float] = {
    "pas terrible": -2.2, "pas top": -2.0, "pas ouf": -2.0, "pas genial": -2.0, "pas fou": -1.6,
    "pas au top": -2.0, "pas fameux": -2.0, "pas la joie": -2.2, "pas du tout ca": -2.2,
    "pas a la hauteur": -2.4, "trop bien": 2.4, "ne vaut pas": -2.0, "vaut pas": -2.0, "pas mal": 1.6,
    "pas mal du tout": 2.0, "pas de souci": 0.8, "pas de soucis": 0.8, "sans souci": 1.4,
    "sans probleme": 1.4, "aucun probleme": 1.4, "aucun souci": 1.4, "rien a dire": 2.0,
    "rien a redire": 2.2, "aucun regret": 2.2, "pas de regret": 2.0, "au top": 2.5, "de ouf": 2.0,
    "la loose": -2.2, "la hess": -2.0, "nul a chier": -3.6, "a chier": -3.2, "se fout de": -2.6,
    "se foutent de": -2.6, "vous foutez de": -2.8, "foutage de gueule": -3.2, "ras le bol": -2.8,
    "j'en ai marre": -2.6, "a la ramasse": -2.2, "de pire en pire": -2.8, "mieux avant": -2.2,
    "n'est plus ce qu": -2.2, "plus ce qu'elle etait": -2.2, "plus ce qu'il etait": -2.2,
    "haut la main": 1.8, "le jour et la nuit": 1.6, "bien joue": 2.2, "trop fort": 2.2,
    "comme des chefs": 2.2, "sauve la mise": 2.4, "ca pique": -1.6, "c'est du vol": -3.0,
    "c'est une blague": -2.6, "quelle blague": -2.6, "merci pour rien": -3.2,
    "quel professionnalisme": -1.0, "c'est quoi le delire": -1.8, "vous faites expres": -2.2,
    "on y croit": -1.4, "on s'en fiche": -2.2, "on s'en fout": -2.4, "se reveiller": -1.6,
    "faut se reveiller": -2.0, "je me casse": -2.0, "mal foutu": -2.0, "bien foutu": 2.0,
    "bien foutue": 2.0, "pas foutu": -2.2, "pas foutus": -2.2, "je recommande vivement": 2.8,
    "je recommande": 2.2, "a eviter": -2.6, "fuyez": -3.0, "temps fou": 1.6,
    "gagne un temps fou": 2.4, "change ma vie": 2.6, "change la vie": 2.6, "fait le job": 1.8,
    "fait le taf": 1.8, "rien ne va": -2.4, "ca commence bien": -1.6, "toujours rien": -2.2,
    "toujours pas": -1.6, "tjrs pas": -1.6, "tjs pas": -1.6, "sans reponse": -1.8,
    "aucune reponse": -2.0, "pas de reponse": -1.8, "personne ne repond": -2.2,
    "sans explication": -1.4, "sans prevenir": -1.6, "une honte": -3.0, "c'est abuse": -2.4,
    "c abuse": -2.4, "c nul": -2.5, "ca craint": -2.2, "la cata": -2.6, "trop cher": -1.8,
    "pas donne": -1.2, "trop eleve": -1.8, "trop eleves": -1.8, "trop elevee": -1.8,
    "trop elevees": -1.8, "deux fois": -1.0, "2 fois": -1.0, "debite deux fois": -2.4,
    "rien a voir": 0.0, "aux petits oignons": 2.4, "que du bonheur": 2.8,
    "du grand n'importe quoi": -2.8, "n'importe quoi": -2.2, "pas serieux": -2.2,
    "on nous prend pour": -2.4, "prend pour des": -2.4, "c'est pas normal": -1.8,
    "pas normal": -1.6, "je regrette pas": 2.0, "je ne regrette pas": 2.0, "je regrette": -2.0,
    "chapeau bas": 2.6, "que dire de plus": 1.6, "pas a la hauteur du prix": -2.6,
    "je m'attendais a mieux": -2.2, "m'attendais a mieux": -2.2, "s'attendre a mieux": -2.0,
    "je m'attendais pas a ca": 0.8, "pour ce que c'est": -1.2,
    "au dessus": 1.0, "loin devant": 1.8, "ca fait plaisir": 2.2, "fait plaisir": 2.0,
}
NEGATIONS = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "personne",
                       "plus"})
WEAK_NEGATIONS = frozenset({"plus"})  # a negation only after "ne"/"n'": "bien plus solide" is not
BOOSTERS: dict[str, float] = {
    "tres": 1.4, "vraiment": 1.4, "trop": 1.3, "tellement": 1.4, "super": 1.3, "totalement": 1.4,
    "completement": 1.4, "absolument": 1.4, "extremement": 1.6, "grave": 1.4, "hyper": 1.5,
    "franchement": 1.2, "carrement": 1.4, "ultra": 1.5, "mega": 1.4, "si": 1.2, "bien": 1.2,
    "largement": 1.3, "vachement": 1.4,
}
BUT = frozenset({"mais", "cependant", "pourtant", "neanmoins", "sauf"})
# SMS spellings and frequent typos, folded: replaced word for word before scoring
SPELLINGS: dict[str, str] = {
    "tjrs": "toujours", "tjs": "toujours", "bcp": "beaucoup", "pk": "pourquoi", "pq": "pourquoi",
    "koi": "quoi", "kwa": "quoi", "jsuis": "je suis", "chui": "je suis", "jpp": "trop bien",
    "mdr": "", "ptdr": "", "lol": "", "dsl": "desole", "stp": "", "svp": "", "tt": "tout",
    "ts": "tous", "mm": "meme", "qd": "quand", "slt": "salut", "cc": "salut", "nn": "non",
    "recomande": "recommande", "recommende": "recommande", "decu": "decu", "decut": "decu",
    "deceu": "decu", "nulle": "nulle", "nuul": "nul", "genail": "genial", "arnaqe": "arnaque",
    "rembourssement": "remboursement", "remboursment": "remboursement", "probleme": "probleme",
    "problem": "probleme", "inadmissbile": "inadmissible", "innadmissible": "inadmissible",
    "wsh": "", "wesh": "", "ouf": "ouf",
}
