"""A synthetic French and English corpus of war reports for the reading benchmarks, built here.

Sentences come from templates written for this benchmark; the places are the gazetteer's own names
and aliases (one per mention, chosen at random), so every inserted place is known: its span is the
truth against which recall is measured. Nothing here comes from a real report.

>>> arts = corpus(20_000, seed=1)
>>> sum(len(a.text) for a in arts) >= 20_000 and all(t.text[t.start:t.end] == t.surface for a in arts[:5]
...     for t in truths(a))
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from geo.model import Article
from geo.places.gazetteer import fold, load_gazetteer

ROOT = Path(__file__).resolve().parent.parent

FR = [
    "L'armée syrienne a repris {day} le quartier de {p}, selon l'OSDH.",
    "Les rebelles se sont retirés {day} de {p} après des combats violents, a indiqué un commandant.",
    "Des frappes aériennes ont visé {p} et {q} {day}, faisant plusieurs morts selon les secouristes.",
    "Le secteur de {p} est tombé {day} aux mains des forces gouvernementales, a annoncé la télévision d'État.",
    "Les forces kurdes ont progressé {day} dans le quartier voisin de {p}.",
    "Des milliers de civils ont fui {p} vers {q} au cours de la nuit, selon l'ONU.",
    "Les insurgés ont tenté de reprendre {p}, mais ils ont été repoussés, selon une source militaire.",
    "La situation humanitaire reste très difficile dans l'est de la ville, où les hôpitaux manquent de tout.",
    "Un porte-parole de l'opposition a démenti que {p} soit tombé, affirmant que les combats se poursuivaient.",
    "Les combats se sont poursuivis toute la journée autour de {p}, près de {q}.",
]
EN = [
    "Syrian government forces captured {p} {day}, the Syrian Observatory for Human Rights said.",
    "Rebels withdrew from {p} {day} after days of heavy bombardment, a rebel official told Reuters.",
    "Air strikes hit {p} and {q} {day}, killing at least a dozen people, rescue workers said.",
    "{p} fell to the army {day}, state television reported.",
    "Kurdish fighters pushed into {p} {day}, according to a monitoring group.",
    "Thousands of civilians fled {p} towards {q} overnight, the United Nations said.",
    "Insurgents tried to retake {p} but were repelled, a military source said.",
    "The humanitarian situation in the east of the city remains dire, with hospitals out of supplies.",
    "An opposition spokesman denied that {p} had fallen, saying fighting was still going on.",
    "Fighting raged around {p}, near {q}, for most of the day.",
]
#: Sentences naming no place (context, casualties, diplomacy, aid), as most of a real report's sentences do.
FR_CONTEXT = [
    "Le Conseil de sécurité de l'ONU doit se réunir en urgence pour discuter d'une trêve humanitaire.",
    "Selon les secouristes, au moins trente personnes ont été tuées depuis le début de la semaine.",
    "Moscou et Washington n'ont pas réussi à s'entendre sur un cessez-le-feu durable.",
    "Les organisations humanitaires réclament l'ouverture de couloirs pour évacuer les blessés.",
    "La plupart des boulangeries ont fermé faute de farine et de carburant.",
    "Le conflit, qui a débuté en 2011, a fait plus de 300 000 morts selon les estimations.",
    "Des journalistes sur place décrivent des rues entières réduites à l'état de ruines.",
    "Le gouvernement accuse les insurgés d'utiliser les civils comme boucliers humains.",
]
EN_CONTEXT = [
    "The UN Security Council was due to meet in emergency session to discuss a humanitarian truce.",
    "At least thirty people have been killed since the start of the week, rescue workers said.",
    "Moscow and Washington have failed to agree on a lasting ceasefire.",
    "Aid agencies are calling for corridors to evacuate the wounded.",
    "Most bakeries have closed for lack of flour and fuel.",
    "The conflict, which began in 2011, has killed more than 300,000 people by most estimates.",
    "Journalists on the ground describe entire streets reduced to rubble.",
    "The government accuses the insurgents of using civilians as human shields.",
]
#: Share of sentences that name places: the corpus then has about 5 place mentions per KB, as the
#: project's sample dispatches, the seed article and the Wikipedia articles in ../shared have (5.0 per KB).
PLACE_SHARE = 0.45
DAYS = {"fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "le 28 novembre"],
        "en": ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday",
               "yesterday", "on 28 November"]}


@dataclass
class Truth:
    """One inserted place: its id, the surface written, and where."""

    place_id: str
    surface: str
    start: int
    end: int
    text: str = field(repr=False, default="")


def _names(lang: str) -> list[tuple[str, str]]:
    """(place id, spelling) pairs a report in ``lang`` may use: the language's aliases and English ones."""
    gaz = load_gazetteer(ROOT / "data" / "gazetteer")
    keep = {lang, "en"} if lang == "fr" else {"en"}
    # not the parts of names written with every generic word ("Badro area"): a reading aid, not a spelling
    out = [(pid, alias) for pid, alias, lg in gaz.aliases
           if lg in keep and fold(alias) not in gaz.described_keys and pid in gaz.places and gaz.places[pid].kind in ("neighbourhood", "town", "village", "camp",
                                                                            "military_site", "landmark")
           and alias[:1].isupper() and len(alias) > 4 and "(" not in alias]
    return sorted(set(out))


def corpus(size_bytes: int, seed: int = 0, article_bytes: int = 2000) -> list[Article]:
    """Articles alternating French and English until ``size_bytes`` of text (UTF-8)."""
    rng = random.Random(seed)
    names = {"fr": _names("fr"), "en": _names("en")}
    arts: list[Article] = []
    total = 0
    while total < size_bytes:
        lang = "fr" if len(arts) % 2 == 0 else "en"
        parts, truth, pos = [], [], 0
        while pos < article_bytes:
            if rng.random() >= PLACE_SHARE:
                s = rng.choice(FR_CONTEXT if lang == "fr" else EN_CONTEXT)
                parts.append(s)
                pos += len(s) + 1
                continue
            tpl = rng.choice(FR if lang == "fr" else EN)
            (pid, p), (qid, q) = rng.choice(names[lang]), rng.choice(names[lang])
            s = tpl.replace("{day}", rng.choice(DAYS[lang]))
            for slot, pid_, name in (("{p}", pid, p), ("{q}", qid, q)):
                k = s.find(slot)
                if k >= 0:
                    s = s[:k] + name + s[k + len(slot):]
                    truth.append(Truth(pid_, name, pos + k, pos + k + len(name)))
            parts.append(s)
            pos += len(s) + 1
        text = " ".join(parts)
        a = Article(id=f"syn-{len(arts):06d}", title="synthetic", date="2016-11-30", text=text, lang=lang)
        a.__dict__["_truth"] = truth
        arts.append(a)
        total += len(text.encode("utf-8"))
    return arts


def truths(a: Article) -> list[Truth]:
    """The places inserted in a synthetic article, with their spans."""
    return [Truth(t.place_id, t.surface, t.start, t.end, a.text) for t in a.__dict__.get("_truth", [])]
