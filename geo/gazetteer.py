"""Places and aliases (data/gazetteer/), name folding, and look-up.

Folding turns every spelling seen in print into one key, token by token, with an ordered rule list:

1. Unicode: NFKD, accents and Arabic diacritics/tatweel removed; alef forms -> ا, taa marbuta -> ه,
   alef maqsura -> ي; lower case; apostrophes and ʿ ʾ dropped.
2. Articles: a token ``al``/``el``/``ad``/``ash``/``as``/``ar``/``at``/``az``/``an``/``aj``/``ad`` followed by
   another token, French ``l'``/``d'`` prefixes, and the Arabic ``ال`` prefix are dropped.
3. Titles: Cheikh/Sheikh/Shaykh/Shekh/Sheik/Chaikh -> ``shk``.
4. Transliteration (Latin tokens of 3+ letters; endings only on 6+): ch->sh, ou->u, ee->i, y->i, q->k, doubled letters once,
   a plural ``s`` dropped, the endings -iyeh/-iye/-iya/-iyah/-ieh/-eh/-ah/-a/-e dropped, then vowels
   after the first letter dropped: a consonant skeleton ("Haydariyé", "Haidariya", "al-Haydariyeh" -> ``hdr``).

>>> fold("al-Haydariyeh") == fold("Haydariyé") == fold("Haidariya")
True
>>> fold("Cheikh Saïd") == fold("Sheikh Saeed"), fold("Massaken Hanano") == fold("Masaken Hananou")
(True, True)
>>> fold("1070 Appartement") == fold("1070 Apartments"), fold("d'Alep")
(True, 'alp')
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import geopandas as gpd

from geo.model import CRS_STORAGE, Place

_ARTICLES = {"al", "el", "ad", "ash", "as", "ar", "at", "az", "an", "aj", "ag", "ak", "ach", "ech", "es", "et"}
_SHEIKH = {"cheikh", "sheikh", "shaykh", "shekh", "sheik", "cheik", "chaikh", "shaikh", "cheykh", "shaikh",
           "sheykh", "shiekh", "sh"}
_AR_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+(?:['’ʼʿʾ`][^\W\d_]+)*", re.UNICODE)
_ENDING = re.compile(r"(?:i{1,2}(?:eh|ah|e|a)|eh|ah|a|e)$")
_VOWELS = re.compile(r"(?<=.)[aeiou]")


def _is_arabic(tok: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in tok)


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c) and not ("\u064b" <= c <= "\u065f"))


def fold_token(tok: str) -> str:
    """The key of one token ("" when it carries no name: an article)."""
    t = _strip_marks(tok).translate(_AR_MAP).lower()
    if _is_arabic(t):
        return t[2:] if t.startswith("ال") and len(t) > 3 else t
    t = re.sub(r"^(?:l|d|qu)['’ʼ`]", "", t)
    t = re.sub(r"['’ʼʿʾ`]", "", t)
    if t in _SHEIKH:
        return "shk"
    if t.isdigit() or len(t) < 3:
        return t
    t = t.replace("ch", "sh").replace("ou", "u").replace("ee", "i").replace("y", "i").replace("q", "k")
    t = re.sub(r"(.)\1+", r"\1", t)
    if len(t) > 5 and t.endswith("s"):
        t = t[:-1]
    t = _ENDING.sub("", t) if len(t) > 5 else t
    return t[0] + _VOWELS.sub("", t[1:])


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` per token of ``text``, articles dropped when a name follows."""
    raw = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    out = []
    for i, (s, e, tok) in enumerate(raw):
        low = _strip_marks(tok).lower()
        if low in _ARTICLES and i + 1 < len(raw) and raw[i + 1][0] - e <= 1:
            continue  # "al-Bab", "ash Sheikh": the article is not part of the key
        key = fold_token(tok)
        if key:
            out.append((s, e, key))
    return out


def fold(text: str) -> str:
    """The matching key of a whole name: token keys joined by spaces."""
    return " ".join(k for _, _, k in tokens(text))


def slug(text: str) -> str:
    """ASCII, lower case, runs of anything else -> ``-``.

    >>> slug("Sheikh Sa’eed"), slug("1070 Apartments")
    ('sheikh-saeed', '1070-apartments')
    """
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"['’ʼʿʾ`]", "", t)
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


@dataclass
class Gazetteer:
    """Places by id, their aliases, folded keys and footprints (EPSG:4326)."""

    places: dict[str, Place]
    aliases: list[tuple[str, str, str]]
    footprints: gpd.GeoDataFrame
    by_key: dict[str, list[str]] = field(default_factory=dict)
    _automaton: object = None

    def __post_init__(self) -> None:
        if not self.by_key:
            for pid, alias, _lang in self.aliases:
                key = fold(alias)
                if len(key) >= 3 and pid not in self.by_key.setdefault(key, []):
                    self.by_key[key].append(pid)

    def place(self, pid: str) -> Place:
        return self.places[pid]

    def lookup(self, name: str, min_score: float = 0.85) -> list[tuple[Place, float]]:
        """Best candidates for a name: exact folded key 1.0, else a fuzzy ratio of keys (>= min_score)."""
        key = fold(name)
        if key in self.by_key:
            return [(self.places[p], 1.0) for p in self.by_key[key]]
        scored: dict[str, float] = {}
        for k, pids in self.by_key.items():
            if abs(len(k) - len(key)) > 4:
                continue
            r = SequenceMatcher(None, key, k).ratio()
            if r >= min_score:
                for p in pids:
                    scored[p] = max(scored.get(p, 0), r)
        return [(self.places[p], round(s, 3)) for p, s in sorted(scored.items(), key=lambda x: -x[1])]


PLACE_COLUMNS = ["id", "name", "kind", "lon", "lat", "precision", "parent", "source"]
ALIAS_COLUMNS = ["place_id", "alias", "lang"]
_CACHE: dict[tuple, Gazetteer] = {}


def read_places(path: Path) -> dict[str, Place]:
    out = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["id"]] = Place(r["id"], r["name"], r["kind"], float(r["lon"]), float(r["lat"]),
                                 int(r["precision"] or 1), r.get("parent") or "", r.get("source") or "")
    return out


def load_gazetteer(directory: Path) -> Gazetteer:
    """Read places.csv, aliases.csv and footprints.geojson (cached while the files are unchanged)."""
    d = Path(directory)
    files = [d / "places.csv", d / "aliases.csv", d / "footprints.geojson"]
    if not files[0].exists():
        from geo.io import InputError

        raise InputError(f"{files[0]}: gazetteer not found (see data/gazetteer/README.md)")
    key = tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0) for f in files)
    if key in _CACHE:
        return _CACHE[key]
    places = read_places(files[0])
    aliases = []
    if files[1].exists():
        with files[1].open(encoding="utf-8", newline="") as fh:
            aliases = [(r["place_id"], r["alias"], r["lang"]) for r in csv.DictReader(fh)]
    aliases += [(p.id, p.name, "en") for p in places.values()]
    fps = (gpd.read_file(files[2], engine="pyogrio") if files[2].exists()
           else gpd.GeoDataFrame({"id": []}, geometry=[], crs=CRS_STORAGE))
    g = Gazetteer(places, aliases, fps)
    _CACHE[key] = g
    return g


def validate_gazetteer(directory: Path) -> list[str]:
    """Problems as one-line messages naming the file and row."""
    d = Path(directory)
    probs: list[str] = []
    pfile = d / "places.csv"
    if not pfile.exists():
        return [f"{pfile}: missing"]
    seen: set[str] = set()
    with pfile.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), 2):
            pid = r.get("id", "")
            if pid in seen:
                probs.append(f"{pfile}: row {n}: duplicate id {pid!r}")
            seen.add(pid)
            try:
                lon, lat = float(r["lon"]), float(r["lat"])
            except (TypeError, ValueError):
                probs.append(f"{pfile}: row {n}: {pid}: lon/lat are not numbers")
                continue
            # Syria spans lon 35.7-42.4, lat 32.3-37.4; the two ranges overlap only in 35.7-37.4,
            # so a point whose lat looks like a lon and lon like a lat is flagged as swapped.
            if not (35.5 <= lon <= 42.5 and 32.2 <= lat <= 37.5):
                if 35.5 <= lat <= 42.5 and 32.2 <= lon <= 37.5:
                    probs.append(f"{pfile}: row {n}: {pid}: lat/lon look swapped ({lon}, {lat})")
                elif pid != "damascus" and r.get("kind") not in ("country",):
                    probs.append(f"{pfile}: row {n}: {pid}: outside Syria ({lon}, {lat})")
    afile = d / "aliases.csv"
    if afile.exists():
        with afile.open(encoding="utf-8", newline="") as fh:
            for n, r in enumerate(csv.DictReader(fh), 2):
                if r.get("place_id") not in seen:
                    probs.append(f"{afile}: row {n}: alias {r.get('alias')!r} points to no place {r.get('place_id')!r}")
    ffile = d / "footprints.geojson"
    if ffile.exists():
        fps = gpd.read_file(ffile, engine="pyogrio")
        for i, row in fps.iterrows():
            if row["id"] not in seen:
                probs.append(f"{ffile}: feature {i}: id {row['id']!r} has no place")
            if row.geometry is None or not row.geometry.is_valid:
                probs.append(f"{ffile}: feature {i}: {row['id']}: invalid geometry")
    return probs
