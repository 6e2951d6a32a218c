"""English additions to VADER, and the emojis both languages share.

VADER (vaderSentiment 3.3.2) already reads negation ("not bad"), intensifiers, capitals and
"but"; what it lacks are the words customers complain with ("refund", "outage"), today's slang
("goated", "mid", "slaps") and idioms whose words mislead it ("thanks for nothing" scores
positive, "a steal" negative, "lol" as praise). Idioms are swapped for a placeholder word that
carries their valence, so VADER's own rules (negation, "but") still apply around them.
"""

from __future__ import annotations

WORDS: dict[str, float] = {
    "refund": -0.6, "blocked": -1.8, "outage": -2.0, "scam": -3.0, "overcharged": -2.4,
    "unreachable": -2.0, "broken": -2.0, "waiting": -0.8, "bug": -1.6, "buggy": -2.0,
    "crash": -2.0, "crashes": -2.0, "crashed": -2.0, "crashing": -2.0, "fraud": -3.0,
    "rip-off": -3.0, "ripoff": -3.0, "useless": -2.4, "slow": -1.4, "fees": -0.8,
    "leaking": -2.0, "leaks": -1.8, "cancel": -1.0, "cancelled": -1.4, "canceled": -1.4,
    "unacceptable": -2.8, "disappointed": -2.2, "joke": -1.6, "again": -0.4, "lol": 0.3,
    "lmao": 0.3, "trash": -2.5, "mid": -1.5, "goated": 3.0, "slaps": 2.5, "legend": 2.5,
    "legit": 1.5, "crickets": -1.8, "meh": -1.2, "smh": -1.6, "ugh": -1.8, "bloated": -1.8,
    "downhill": -2.2, "delayed": -1.4, "delay": -1.4, "lost": -1.6, "missing": -1.4,
    "soaked": -1.4, "ripped": -1.6, "rude": -2.2, "mouldy": -2.4, "moldy": -2.4,
    "sour": -1.4, "curdled": -2.0, "melted": -1.6, "unreadable": -1.6, "maze": -1.4,
    "overpriced": -2.2, "pricey": -1.2, "expensive": -1.2, "cheap": 0.6, "fresh": 1.2,
    "fresher": 1.4, "smooth": 1.6, "smoother": 1.6, "painless": 1.8, "handy": 1.6,
    "lovely": 2.4, "shoutout": 1.8, "kudos": 2.4, "creepy": -2.0, "fire": 0.0, "steal": 0.0,
    "support": 0.0, "care": 0.0, "free": 0.4, "welcome": 0.6, "crazy": 0.0, "late": -1.2,
    "deletes": -1.4, "deleted": -1.4, "rejected": -1.6, "help": 0.0, "please": 0.2, "fix": 0.0,
    "charged": -0.8, "fee": -0.8, "hmm": -0.3, "broke": -1.8, "shoved": -2.2, "stuck": -1.6, "sorted": 1.2,
    "gorgeous": 2.8,
    "buttery": 1.2, "saved": 1.4, "zero": -0.2, "stranded": -2.0, "hung": -0.6,
}
IDIOMS: dict[str, float] = {
    "thanks for nothing": -3.2, "black hole": -2.4, "can't complain": 2.0, "cant complain": 2.0,
    "can't fault": 2.4, "cant fault": 2.4, "never lets me down": 2.6, "never let me down": 2.6,
    "let me down": -2.2, "lets me down": -2.2, "not what it used to be": -2.4,
    "used to be good": -2.2, "used to be great": -2.2, "used to be decent": -2.2,
    "gone downhill": -2.6, "went downhill": -2.6, "a steal": 2.2, "came through": 2.0,
    "fair play": 1.8, "no questions asked": 1.8, "worst enemy": -3.0, "a joke": -2.2,
    "is a mess": -2.2, "what's the point": -1.8, "whats the point": -1.8,
    "how is that even possible": -1.8, "love that for me": -2.4, "cool cool cool": -2.0,
    "of course they did": -2.0, "zero regrets": 2.2, "no regrets": 2.2, "best decision": 2.4,
    "on time": 1.2, "right on time": 1.8, "values their time": -1.4, "waste of time": -2.6,
    "waste of money": -2.8, "not worth": -2.0, "sorry not sorry": 0.0, "in circles": -1.8,
    "make it stop": -1.8, "hello??": -1.6, "not a single reply": -2.4, "no reply": -2.0,
    "no answer": -2.0, "still waiting": -2.0, "still not": -1.6, "not even close": -0.5,
    "like a champ": 2.2, "big thanks": 2.4, "huge thanks": 2.6, "well done": 2.4,
    "good job": 2.2, "great job": 2.2, "not great": -1.8, "yet another": -1.4,
    "no contest": 1.6, "highly recommend": 2.8, "can't imagine working without": 2.6,
    "life saver": 2.6, "lifesaver": 2.6, "hit or miss": -1.2, "stay away": -2.6, "crazy fast": 2.2,
    "crazy good": 2.4, "locked out": -1.8,
    "never arrives": -2.0, "never arrived": -2.2, "not answering": -1.8, "isn't answering": -1.8,
    "without any reminder": -1.6, "without warning": -1.8, "without notice": -1.6, "trade fair": 0.0,
    "fair enough": 0.6,
    "too high": -1.8, "too expensive": -2.2, "charged me twice": -2.4, "charged twice": -2.4,
    "billed twice": -2.4, "charged 3 times": -2.6,
}
# Emojis and emoticons, both languages. The irony ones (🙃 🙄 😒 🤡 🫠) are negative alone and
# turn praise around them into a complaint (``cues.irony``).
EMOJIS: dict[str, float] = {
    "😍": 2.6, "🥰": 2.6, "❤️": 2.2, "❤": 2.2, "💚": 2.0, "💙": 2.0, "💖": 2.2, "🙏": 1.2,
    "👍": 1.6, "👌": 1.8, "🔥": 1.8, "🚀": 1.8, "✅": 1.2, "🙌": 2.0, "🥹": 1.8, "😊": 1.8,
    "😁": 1.8, "😀": 1.6, "🤩": 2.6, "💯": 1.8, "🎉": 1.8, "👏": 1.2, "🙂": 0.6, "😂": 0.2,
    "🤣": 0.2, "✈️": 0.0, "🎂": 0.8, "🥕": 0.4, "😎": 1.4, "🤗": 1.8, "💪": 1.4,
    "😡": -2.8, "😠": -2.4, "🤬": -3.2, "😤": -2.2, "😞": -1.8, "😢": -2.0, "😭": -2.2,
    "😩": -2.0, "😫": -2.0, "🙄": -1.8, "😒": -1.8, "🤡": -2.2, "💩": -2.6, "👎": -2.2,
    "😬": -1.4, "🫠": -1.4, "😨": -2.0, "😱": -2.2, "🤮": -2.8, "🤢": -2.4, "🙃": -1.4,
    "😑": -1.2, "😐": -0.6, "💀": -0.8, "🐌": -1.0, "⚠️": -1.0,
    ":)": 1.4, ":-)": 1.4, ":d": 1.8, ";)": 1.0, "<3": 2.2, ":(": -1.6, ":-(": -1.6,
    ":'(": -2.0, ">:(": -2.6,
}
IRONY_EMOJIS = frozenset({"🙃", "🙄", "😒", "🤡", "🫠"})
SPELLINGS: dict[str, str] = {
    "recieved": "received", "definately": "definitely", "dissapointed": "disappointed",
    "disapointed": "disappointed", "terible": "terrible", "horible": "horrible",
    "awsome": "awesome", "aweful": "awful", "unaceptable": "unacceptable",
    "ridiculus": "ridiculous", "rediculous": "ridiculous", "pls": "please", "plz": "please",
    "thx": "thanks", "ty": "thanks", "u": "you", "ur": "your", "r": "are", "wont": "won't",
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "cant": "can't",
    "wouldnt": "wouldn't", "woudn't": "wouldn't", "ngl": "", "tbh": "", "imo": "",
    "fr": "", "idk": "", "bruh": "",
}
