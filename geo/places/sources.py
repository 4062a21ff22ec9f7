"""Readers that turn a source file into gazetteer rows, and the merge into data/gazetteer/.

Each reader returns a :class:`Batch` (places, aliases, footprints). :func:`merge` adds a batch to the
existing tables: a place whose name is already known (same folded key, within 3 km) becomes aliases
of the existing place, so a later, coarser source never overrides an earlier, more precise one.
Re-importing a source first removes its previous rows (imports are idempotent).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from geo.io import InputError, read_csv
from geo.model import CRS_METRIC, CRS_STORAGE
from geo.places.gazetteer import ALEPPO_CENTRE, ALIAS_COLUMNS, JUNK_ALIAS, PLACE_COLUMNS, fold, slug

#: Simplification tolerance for footprints (metres, in UTM 37N).
SIMPLIFY_M = 5.0
FORMATS = ("csr", "sites", "outskirts", "geonames", "crosswalk", "unosat", "wikimodule", "drawn", "auto")
#: Columns of footprints.geojson: ``source`` says where the shape comes from (csr, outskirts, drawn ...).
FOOTPRINT_COLUMNS = ["id", "kind", "csr_id", "source", "precision", "geometry"]


@dataclass
class Batch:
    source: str
    places: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)  # place_id may be a batch-local id
    footprints: list[dict] = field(default_factory=list)  # FOOTPRINT_COLUMNS, source and precision optional


def _clean_alias(text: str) -> tuple[str, str]:
    """Strip citations "(FR: site; ...)" / "[en; AFP]"; the language tag if one is given."""
    lang = "fr" if re.search(r"\((?:FR|fr)\b", text) else "und" if re.search(r"\((?:DE|de|ES|es|IT|it)\b", text) else ""
    m = re.search(r"\[(\w\w)\b", text)
    if m:
        lang = m.group(1).lower()
    t = re.sub(r"\s*[(\[][^)\]]*[)\]]", "", text).strip(" ;,/")
    if any("\u0600" <= c <= "\u06ff" for c in t):
        lang = "ar"
    lang = lang if lang in ("en", "fr", "ar", "") else "und"  # "[de; ...]" and the like
    return t, lang or "en"


def split_outside_brackets(text: str, sep: str = ";") -> list[str]:
    """Split at ``sep`` except inside (...) or [...]: citations list their sources with the same separator.

    >>> split_outside_brackets("Castello Road;route du Castello (FR: lefigaro.fr; bfmtv.com);طريق الكاستيلو")
    ['Castello Road', 'route du Castello (FR: lefigaro.fr; bfmtv.com)', 'طريق الكاستيلو']
    """
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]




def _alias_rows(pid: str, names: list[str], source: str, lang: str | None = None) -> list[dict]:
    out = []
    for n in names:
        for part in re.split(r"\s+/\s+", n):
            a, lg = _clean_alias(part)
            if a and len(fold(a)) >= 3 and not JUNK_ALIAS.search(a) and not _TWO_PLACES.search(a):
                out.append({"place_id": pid, "alias": a, "lang": lang or lg, "source": source})
    return out


#: A name that coordinates two complements names two places ("l'école des transmissions et du génie", "the
#: schools of signals and of engineering"): not an alias of either.
_TWO_PLACES = re.compile(r"\b(?:et|and) (?:de|d'|du|des|of)\b", re.I)


def _city_id(name: str) -> str:
    s = slug(name)
    s = re.sub(r"^(?:aleppo-)+", "", s)
    return f"aleppo-{s}"


def read_csr(path: Path, source: str = "csr") -> Batch:
    """CSR neighbourhood polygons: dissolved by ``Id`` and ``NAME`` (126 places), simplified ~5 m, valid; a point inside each."""
    gdf = gpd.read_file(path, engine="pyogrio").to_crs(CRS_STORAGE)
    for col in ("Id", "NAME"):
        if col not in gdf:
            raise InputError(f"{path}: no '{col}' property (is this the CSR neighbourhood layer?)")
    # Some Ids hold two named neighbourhoods (as-Sakhour / as-Sakhour I): a place is an (Id, NAME) pair.
    dis = gdf.dissolve(by=["Id", "NAME"], aggfunc="first").reset_index()
    metric = dis.to_crs(CRS_METRIC)
    geom = shapely.make_valid(metric.geometry.simplify(SIMPLIFY_M, preserve_topology=True).values)
    dis = dis.set_geometry(gpd.GeoSeries(geom, crs=CRS_METRIC).to_crs(CRS_STORAGE).values)
    b = Batch(source)
    names = set(dis["NAME"])
    for _, r in dis.iterrows():
        pid = _city_id(r["NAME"])
        g = r.geometry
        if g.geom_type == "GeometryCollection":
            g = shapely.union_all([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
        pt = g.representative_point()
        b.places.append({"id": pid, "name": r["NAME"].replace("’", "'").replace("‘", "'"),
                         "kind": "neighbourhood", "lon": pt.x, "lat": pt.y, "precision": 1,
                         "parent": "aleppo", "source": source})
        b.aliases += _alias_rows(pid, [r["NAME"]], source, "en")
        if isinstance(r.get("NAME_A"), str) and r["NAME_A"].strip():
            b.aliases += _alias_rows(pid, [r["NAME_A"]], source, "ar")
        b.footprints.append({"id": pid, "kind": "neighbourhood", "csr_id": int(r["Id"]), "geometry": g})
    _families(b, names, source)
    return b


_NUMERAL = re.compile(r"\s+[IVX]+$")


def _families(b: Batch, names: set[str], source: str) -> None:
    """Numbered neighbourhoods ("al-Hamdaniyeh I".."V") are parts of the whole reports name ("al-Hamdaniyeh"):
    the whole becomes a place of its own (precision 2, at a point inside the parts) and each part's parent.
    When the whole already has a polygon of its own ("as-Sakhour" beside "as-Sakhour I"), that place is the
    parent. A whole's Arabic name, shared by all its parts, goes to the whole."""
    parts: dict[str, list[dict]] = {}
    for p in b.places:
        base = _NUMERAL.sub("", p["name"])
        if base != p["name"]:
            parts.setdefault(base, []).append(p)
    shapes = {f["id"]: f["geometry"] for f in b.footprints}
    for base, members in parts.items():
        fid = _city_id(base)
        if base not in names:
            pt = shapely.union_all([shapes[m["id"]] for m in members]).representative_point()
            b.places.append({"id": fid, "name": base, "kind": "neighbourhood", "lon": pt.x, "lat": pt.y,
                             "precision": 2, "parent": "aleppo", "source": source})
            b.aliases += _alias_rows(fid, [base], source, "en")
            ids = {m["id"] for m in members}
            arabic = {a["alias"] for a in b.aliases if a["place_id"] in ids and a["lang"] == "ar"}
            shared = [a for a in arabic if all(any(x["place_id"] == i and x["alias"] == a for x in b.aliases)
                                               for i in ids)]
            b.aliases = [a for a in b.aliases if not (a["place_id"] in ids and a["alias"] in shared)]
            b.aliases += _alias_rows(fid, shared, source, "ar")
        for m in members:
            m["parent"] = fid


def family_of(places: pd.DataFrame | None) -> dict[str, str]:
    """``{part id: whole id}`` for the numbered parts of a whole (a place whose parent is not the city)."""
    if places is None or not len(places):
        return {}
    ids = set(places["id"])
    return {i: p for i, p in zip(places["id"], places["parent"], strict=True)
            if isinstance(p, str) and p in ids and p != "aleppo" and _NUMERAL.search(str(i).replace("-", " ").upper())}


#: CSR cultural sites that reports name: gates, mosques, the citadel, souqs, khans, a few public buildings.
SITE_KEEP = re.compile(r"city gate|^mosque|mosque$|^citadel|^suq|^khan |^qaysariya|hospital|hotel baron|"
                       r"national museum|city wall|jdeide|industrial city|mallah|barracks", re.I)


def read_sites(path: Path, source: str = "csr-sites") -> Batch:
    """CSR cultural sites (points with FACILITY_N "Name, Descriptor"), those matching :data:`SITE_KEEP`.

    "Mosque X" also gets "X Mosque" and "mosquée X"; "Mosque, Umayyad Mosque" becomes "Umayyad Mosque".
    """
    gdf = gpd.read_file(path, engine="pyogrio").to_crs(CRS_STORAGE)
    if "FACILITY_N" not in gdf:
        raise InputError(f"{path}: no 'FACILITY_N' property (is this the CSR cultural sites layer?)")
    b = Batch(source)
    for _, r in gdf.iterrows():
        full = str(r.get("FACILITY_N") or "").strip()
        if not full or r.geometry is None or not SITE_KEEP.search(full):
            continue
        head, _, desc = (x.strip() for x in full.partition(","))
        name = desc if head.lower() == "mosque" else head  # "Mosque, Umayyad Mosque"
        name = re.sub(r"\s*\(.*\)", "", name).strip()
        names = [name, full]
        m = re.match(r"Mosque (.+)$", name)
        if m:
            names += [f"{m.group(1)} Mosque", f"mosquée {m.group(1)}"]
        if desc.lower() == "mosque":
            names.append(f"{head} Mosque")
        pid = _city_id(name)
        b.places.append({"id": pid, "name": name, "kind": "landmark", "lon": r.geometry.x, "lat": r.geometry.y,
                         "precision": 1, "parent": "aleppo", "source": source})
        b.aliases += _alias_rows(pid, names, source, "en")
    return b


def _lon_lat(row: dict, where: str, lon_key: str) -> tuple[float, float]:
    """``(lon, lat)`` of a CSV row whose columns are ``lat`` and ``lon_key``, or a one-line error naming ``where``."""
    try:
        return float(row[lon_key]), float(row["lat"])
    except (KeyError, ValueError):
        raise InputError(f"{where}: lat/{lon_key} are not numbers") from None


def read_outskirts(path: Path, source: str = "outskirts") -> Batch:
    """outskirts_places.csv: names, other names, kind, lat/lon, optional line points, confidence."""
    b = Batch(source)
    for n, r in enumerate(read_csv(path), 2):
        lon, lat = _lon_lat(r, f"{path}: row {n}", "lon")
        name = re.sub(r"\s*\(.*\)|\s+-\s+disambiguation only", "", r["name"]).strip()
        far = math.hypot(lon - 37.16, lat - 36.20) > 0.25  # ~25 km from the Citadel: a town, not a district
        if "disambiguation" in r["name"]:
            pid = slug(r["name"].split("(")[1].split(",")[0]) + "-" + slug(name)
        else:
            pid = slug(name) if far or r.get("kind") == "town" else _city_id(name)
        b.places.append({"id": pid, "name": name, "kind": r.get("kind") or "place", "lon": lon, "lat": lat,
                         "precision": 2 if r.get("confidence") == "low" else 1,
                         "parent": "" if far else "aleppo", "source": source})
        b.aliases += _alias_rows(pid, [name] + split_outside_brackets(r.get("other_names") or ""), source)
        if r.get("line_points"):
            pts = [tuple(map(float, p.split())) for p in r["line_points"].split(";") if p.strip()]
            # the file gives "lat lon" pairs; geometries are (lon, lat)
            b.footprints.append({"id": pid, "kind": r.get("kind"), "csr_id": None,
                                 "geometry": LineString([(lo, la) for la, lo in pts])})
    return b


#: The wikimodule import keeps the places within this many degrees of the Citadel (about 13 km): the city and
#: the outskirts the 2016 reports fought over, not the whole governorate.
MODULE_REACH = (0.15, 0.12)
#: The reach for military bases and airfields: about 40 km, the default study area around the city.
BASE_REACH = (0.45, 0.36)
#: Words that make a label generic when it has nothing else ("Fuel Storage Base", "Water Pumping Plant"): such a
#: label names a kind of place, and would be found in any report.
GENERIC_LABEL_WORDS = frozenset("""the of al el and air defense defence army base bases brigade battalion branch
intelligence military housing storage fuel gas water pumping plant factory factories facility free zone garages camp
hangars checkpoint farm poultry research center centre ammunition missiles missile sector school academy college
complex prison security hill tall tell tal jabal airport airbase station garage""".split())  # noqa: SIM905


def _generic_label(name: str) -> bool:
    """Whether a label names a kind of place rather than a place: generic words only, and no number.

    >>> _generic_label("Fuel Storage Base"), _generic_label("Tal"), _generic_label("Brigade 80"), _generic_label("Tell Bazo")
    (True, True, False, False)
    """
    words = set(re.findall(r"[a-z]+", unicode_ascii(name).lower()))
    return words <= GENERIC_LABEL_WORDS and not re.search(r"\d", name)


def _module_kind(mark: str) -> str:
    """A place kind from the module's map marker ("m.gov_hill" -> hill)."""
    for part, kind in (("hill", "hill"), ("air", "airport"), ("heli", "airport"), ("base", "military_site"),
                       ("industry", "landmark")):
        if part in mark:
            return kind
    return "village"


def read_wikimodule(path: Path, source: str = "wikimodule") -> Batch:
    """Places around the city from the table read off Wikipedia's Syrian war map module: villages, hills,
    bases and factories with their coordinates (locations only: the module's markers are not 2016 control).

    Each side of an "&" or a "/" is an alias, a parenthesis is dropped (it often says where the place is); a
    part made only of generic words, with no number, is skipped; a place another source names within 3 km keeps its
    id (:func:`merge`) and gains the label as an alias.
    """
    b = Batch(source)
    for n, r in enumerate(read_csv(path), 2):
        lon, lat = _lon_lat(r, f"{path}: row {n}", "long")
        # bases and airfields are named in reports of the whole countryside (Menagh, the Infantry Academy):
        # they come from farther out than villages, whose common names would be read into every report
        reach = BASE_REACH if re.search(r"_(?:base|air|heli)\b", r.get("mark") or "") else MODULE_REACH
        if abs(lon - ALEPPO_CENTRE[0]) > reach[0] or abs(lat - ALEPPO_CENTRE[1]) > reach[1]:
            continue
        label = (r.get("label") or "").strip()
        # a parenthesis often says where ("Artillery Army Base (Zahraa)"): it is dropped, not made a name
        names = [re.sub(r"\s+", " ", x).strip() for x in re.split(r"[&/]", re.sub(r"\([^)]*\)", "", label)) if x.strip()]
        # ... unless it lists other names, commas between them ("Minakh (Menagh, Meng) Airbase")
        names += [x.strip() for m in re.finditer(r"\(([^)]*,[^)]*)\)", label) for x in m.group(1).split(",")
                  if x.strip()[:1].isupper()]
        names = [x for x in names if not _generic_label(x)]  # "Castello complex & Tal": "Tal" is a hill, any hill
        if not names or fold(names[0]) == fold("Aleppo"):
            continue
        pid = _city_id(names[0])
        b.places.append({"id": pid, "name": names[0], "kind": _module_kind(r.get("mark") or ""), "lon": lon,
                         "lat": lat, "precision": 1, "parent": "aleppo", "source": source})
        b.aliases += _alias_rows(pid, names, source, "en")
    return b


def read_geonames(path: Path, source: str = "geonames") -> Batch:
    """GeoNames towns: Latin and Arabic alternate names; Aleppo itself is the city (precision 3)."""
    b = Batch(source)
    for r in read_csv(path):
        name = r["name"]
        ascii_name = unicode_ascii(name)
        pid = "aleppo" if ascii_name.lower() == "aleppo" else slug(ascii_name)
        alts = [a for a in r.get("alternatenames", "").split("|") if a and _latin_or_arabic(a)]
        b.places.append({"id": pid, "name": ascii_name, "kind": "city" if pid == "aleppo" else "town",
                         "lon": float(r["longitude"]), "lat": float(r["latitude"]),
                         "precision": 3 if pid == "aleppo" else 1, "parent": "", "source": source})
        b.aliases += _alias_rows(pid, [name, ascii_name, *alts], source)
    return b


def unicode_ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _latin_or_arabic(text: str) -> bool:
    return all(c.isascii() or "\u00c0" <= c <= "\u024f" or "\u0600" <= c <= "\u06ff" or c in "ʿʾḨḩŞşḤḥ" for c in text)


def read_crosswalk(path: Path, existing: pd.DataFrame, source: str = "crosswalk",
                   places: pd.DataFrame | None = None) -> Batch:
    """OCHA names and spellings seen in news, as aliases of the matching CSR neighbourhood (IoU >= 0.3).

    OCHA draws whole districts where the CSR layer has numbered parts: a name matched to a part
    ("Ramouseh" to Ad-Ramouseh Industrial District II) is the whole's (``places`` give the parts' wholes).
    """
    b = Batch(source)
    whole = family_of(places)
    by_csr = {}
    fps = existing
    if fps is not None and "csr_id" in fps:
        by_csr = {int(c): pid for c, pid in zip(fps["csr_id"], fps["id"], strict=True) if pd.notna(c)}
    for r in read_csv(path):
        m = re.search(r"\(Id (\d+); IoU ([\d.]+)\)", r.get("csr_best_match", ""))
        if not m or float(m.group(2)) < 0.3 or int(m.group(1)) not in by_csr:
            continue
        pid = by_csr[int(m.group(1))]
        pid = whole.get(pid, pid)
        names = [r.get("ocha_name_en", "")] + [x for x in r.get("attested_variants", "").split("|") if x.strip()]
        b.aliases += _alias_rows(pid, [x for x in names if x], source)
        if r.get("ocha_name_ar"):
            b.aliases += _alias_rows(pid, [r["ocha_name_ar"]], source, "ar")
    return b


#: Words that make a UNOSAT label a landmark rather than a district ("Bagdad Train Station", "Bab Antakia Park").
LANDMARK_WORDS = frozenset(["park", "station", "school", "hospital", "market", "souq", "suq", "garage", "stadium"])
#: Labels that name no place ("Unknown", "Agricultural Area").
UNNAMED_WORDS = frozenset(["unknown", "agricultural", "area", "zone", "other"])
#: A label at least this close (difflib ratio of folded keys) to its polygon's name is a spelling of it.
SPELLING_RATIO = 0.5


def read_unosat(path: Path, footprints: gpd.GeoDataFrame, source: str = "unosat",
                places: pd.DataFrame | None = None) -> Batch:
    """UNOSAT neighbourhood names, by the CSR polygon that contains their mean point.

    A spelling of the polygon's name (or of its whole's: "Ramouseh" in Ad-Ramouseh Industrial District II)
    is an alias; a name another polygon bears belongs to that one ("Sheikh Kheder" inside Sheikh Fares);
    any other name is a district or landmark the CSR layer folds into the polygon ("Tareeq al-Bab" inside
    al-Helwaniyeh, "al Mishatiyah" inside ad-Dallaleen): a place of its own (precision 2, at UNOSAT's mean
    point, which leans towards damage clusters) whose parent is the polygon.
    """
    b = Batch(source)
    polys = footprints[footprints.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    whole = family_of(places)
    named = dict(zip(places["id"], places["name"], strict=True)) if places is not None and len(places) else {}
    # A name that is another polygon's own name belongs to that polygon, even when UNOSAT's mean point
    # falls in a neighbour ("Sheikh Kheder" inside Sheikh Fares, "Hamadaniyah" inside Tishreen).
    own: dict[str, set[str]] = {}
    for i in polys["id"]:  # "aleppo-al-hamdaniyeh-ii" is a part of "al-Hamdaniyeh"
        base = re.sub(r"-(?:i|ii|iii|iv|v|vi)$", "", re.sub(r"^aleppo-", "", str(i)))
        own.setdefault(fold(base.replace("-", " ")), set()).add(whole.get(str(i), str(i)))
    for r in read_csv(path):
        pt = shapely.Point(float(r["mean_lon"]), float(r["mean_lat"]))
        hit = polys[polys.contains(pt)]
        if not len(hit):
            continue
        part = str(hit.iloc[0]["id"])
        label, key = r["unosat_name"].strip(), fold(r["unosat_name"])
        other = own.get(key, set())
        if other:
            if part in other or whole.get(part) in other:
                b.aliases += _alias_rows(whole.get(part, part) if whole.get(part) in other else part, [label],
                                         source, "en")
            continue
        if set(re.findall(r"[a-z]+", label.lower())) <= UNNAMED_WORDS:
            continue
        spelled = [q for q in (part, whole.get(part)) if q and _spells(key, named.get(q, q))]
        if spelled:
            b.aliases += _alias_rows(spelled[-1], [label], source, "en")
            continue
        kind = "landmark" if set(label.lower().split()) & LANDMARK_WORDS else "neighbourhood"
        b.places.append({"id": _city_id(label), "name": label, "kind": kind, "lon": pt.x, "lat": pt.y,
                         "precision": 2, "parent": part, "source": source})
        b.aliases += _alias_rows(_city_id(label), [label], source, "en")
    return b


def _spells(key: str, name: str) -> bool:
    """Whether a folded label is a spelling of a place name: close to it, or to its distinctive part, or
    holding it ("New Aleppo - ash Shuhada'" in ash-Shuhada')."""
    forms = {fold(name), fold(_NUMERAL.sub("", name)), fold(re.sub(r"(?i)\b(?:industrial|district|area)\b", "",
                                                                   _NUMERAL.sub("", name)))}
    return any(f and (SequenceMatcher(None, key, f).ratio() >= SPELLING_RATIO or f in key or key in f)
               for f in forms)


def read_generic(path: Path, name_field: str, source: str, kind: str = "place", id_field: str | None = None,
                 name_ar_field: str | None = None) -> Batch:
    """Any GeoJSON / GeoPackage / Shapefile, or a CSV with lon/lat columns."""
    if str(path).lower().endswith(".csv"):
        df = pd.read_csv(path)
        lon = next((c for c in df.columns if c.lower() in ("lon", "longitude", "lng", "x")), None)
        lat = next((c for c in df.columns if c.lower() in ("lat", "latitude", "y")), None)
        if not lon or not lat:
            raise InputError(f"{path}: a CSV needs lon and lat columns")
        gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[lon], df[lat]), crs=CRS_STORAGE)
    else:
        gdf = gpd.read_file(path, engine="pyogrio")
        if gdf.crs is None:
            raise InputError(f"{path}: no CRS; reproject to EPSG:4326 first")
        gdf = gdf.to_crs(CRS_STORAGE)
    if name_field not in gdf:
        raise InputError(f"{path}: no field {name_field!r} (fields: {', '.join(map(str, gdf.columns))})")
    b = Batch(source)
    for _, r in gdf.iterrows():
        name = str(r[name_field] or "").strip()
        if not name or r.geometry is None:
            continue
        pid = slug(str(r[id_field])) if id_field else _city_id(name)
        pt = r.geometry if r.geometry.geom_type == "Point" else r.geometry.representative_point()
        b.places.append({"id": pid, "name": name, "kind": kind, "lon": pt.x, "lat": pt.y, "precision": 1,
                         "parent": "", "source": source})
        b.aliases += _alias_rows(pid, [name], source)
        if name_ar_field and r.get(name_ar_field):
            b.aliases += _alias_rows(pid, [str(r[name_ar_field])], source, "ar")
        if r.geometry.geom_type != "Point":
            b.footprints.append({"id": pid, "kind": kind, "csr_id": None, "geometry": r.geometry})
    return b


def merge(places: pd.DataFrame, aliases: pd.DataFrame, fps: gpd.GeoDataFrame, batch: Batch
          ) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """Tables with ``batch`` merged in (after removing the batch source's previous rows)."""
    src = batch.source
    places = places[places["source"] != src]
    aliases = aliases[aliases["source"] != src]
    if len(fps):
        fps = fps[fps["id"].isin(set(places["id"]))]
    keys: dict[str, list[str]] = {}
    for pid, a in zip(aliases["place_id"], aliases["alias"], strict=True):
        keys.setdefault(fold(a), []).append(pid)
    for pid, n in zip(places["id"], places["name"], strict=True):
        keys.setdefault(fold(n), []).append(pid)
    coords = {r.id: (r.lon, r.lat) for r in places.itertuples()}
    remap: dict[str, str] = {}
    new_rows = []
    taken = set(places["id"])
    given_up: set[tuple[str, str]] = set()  # (parent id, folded name) a part takes from its whole
    for p in batch.places:
        same = [q for q in keys.get(fold(p["name"]), []) if q in coords and
                math.hypot(coords[q][0] - p["lon"], coords[q][1] - p["lat"]) < 0.03]  # ~3 km
        if same and same[0] == p.get("parent"):
            # a district the polygon layer folds into its parent ("Tareeq al-Bab" in al-Helwaniyeh): its name
            # was an alias of the parent; it is a place of its own now, and the name is its
            given_up.add((same[0], fold(p["name"])))
            same = []
        if same:
            remap[p["id"]] = same[0]
            continue
        pid = p["id"]
        if pid in taken:
            pid = f"{pid}-{slug(p['kind'])}"
            n = 2
            while pid in taken:
                pid, n = f"{p['id']}-{n}", n + 1
        remap[p["id"]] = pid
        taken.add(pid)
        new_rows.append({**p, "id": pid, "lon": round(p["lon"], 5), "lat": round(p["lat"], 5)})
    places = pd.concat([places, pd.DataFrame(new_rows, columns=PLACE_COLUMNS)], ignore_index=True)
    if given_up:
        aliases = aliases[[(pid, fold(a)) not in given_up for pid, a in zip(aliases["place_id"], aliases["alias"],
                                                                             strict=True)]]
    arows = [{**a, "place_id": remap.get(a["place_id"], a["place_id"])} for a in batch.aliases]
    aliases = pd.concat([aliases, pd.DataFrame(arows, columns=[*ALIAS_COLUMNS, "source"])], ignore_index=True)
    aliases = aliases.drop_duplicates(subset=["place_id", "alias"]).sort_values(["place_id", "alias"])
    frows = [{**f, "id": remap.get(f["id"], f["id"])} for f in batch.footprints
             if remap.get(f["id"], f["id"]) in {r["id"] for r in new_rows}]
    if frows:
        add = gpd.GeoDataFrame(frows, geometry="geometry", crs=CRS_STORAGE)
        fps = pd.concat([fps[~fps["id"].isin(add["id"])], add], ignore_index=True) if len(fps) else add
    places = places.sort_values("id").reset_index(drop=True)
    return places, aliases.reset_index(drop=True), gpd.GeoDataFrame(fps, geometry="geometry", crs=CRS_STORAGE)


def complete_footprints(fps: gpd.GeoDataFrame, places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Footprints sorted by id with every FOOTPRINT_COLUMNS column: a shape's ``source`` is its own, else
    ``csr`` for the CSR polygons, else its place's source; its ``precision`` its own, else 1 for CSR, else 2.

    >>> f = gpd.GeoDataFrame({"id": ["b", "a"], "kind": ["road", "neighbourhood"], "csr_id": [None, 7]},
    ...                      geometry=[Point(0, 0), Point(1, 1)], crs=CRS_STORAGE)
    >>> out = complete_footprints(f, pd.DataFrame({"id": ["a", "b"], "source": ["csr", "outskirts"]}))
    >>> list(zip(out["id"], out["source"], out["precision"]))
    [('a', 'csr', 1), ('b', 'outskirts', 2)]
    """
    f = fps.sort_values("id").reset_index(drop=True)
    srcs = dict(zip(places["id"], places["source"], strict=True))
    own_src = f["source"] if "source" in f else [None] * len(f)
    own_prec = f["precision"] if "precision" in f else [None] * len(f)
    f["source"] = [s if isinstance(s, str) and s else ("csr" if pd.notna(c) else srcs.get(i, ""))
                   for s, c, i in zip(own_src, f["csr_id"], f["id"], strict=True)]
    f["precision"] = [int(q) if pd.notna(q) else (1 if s == "csr" else 2)
                      for q, s in zip(own_prec, f["source"], strict=True)]
    return f


def read_drawn(path: Path, places: pd.DataFrame, source: str = "drawn") -> list[dict]:
    """Hand-drawn footprints for places the gazetteer has: one (Multi)Polygon feature per ``id``.

    Each feature needs ``id`` (a gazetteer id) and may give ``precision`` (default 2: an estimate). A feature
    with an unknown id, a duplicate id, a non-polygon or an empty geometry raises InputError naming it.
    """
    g = gpd.read_file(path, engine="pyogrio")
    if "id" not in g:
        raise InputError(f"{path}: drawn footprints need an 'id' property (a gazetteer place id)")
    if g.crs is not None and g.crs.to_epsg() != 4326:
        g = g.to_crs(CRS_STORAGE)
    kinds = dict(zip(places["id"], places["kind"], strict=True))
    out, seen = [], set()
    for n, r in enumerate(g.itertuples(), 1):
        where = f"{path}: feature {n} ({r.id})"
        if r.id not in kinds:
            raise InputError(f"{where}: not a gazetteer id; add the place first (geo gazetteer add)")
        if r.id in seen:
            raise InputError(f"{where}: a second footprint for the same id")
        if r.geometry is None or r.geometry.is_empty or r.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"{where}: the geometry must be a non-empty Polygon or MultiPolygon")
        prec = getattr(r, "precision", None)
        seen.add(r.id)
        out.append({"id": r.id, "kind": kinds[r.id], "csr_id": None, "source": source,
                    "precision": int(prec) if prec is not None and prec == prec else 2,
                    "geometry": shapely.make_valid(r.geometry)})
    return out


def merge_drawn(places: pd.DataFrame, fps: gpd.GeoDataFrame, drawn: list[dict]
                ) -> tuple[pd.DataFrame, gpd.GeoDataFrame, list[str]]:
    """Footprints with the drawn ones in place of any earlier shape of the same id (and the source's old rows).

    A place whose point lies outside its drawn footprint is moved to a point inside it: the drawing is the
    better estimate. Returns ``(places, footprints, notes)``, one note per moved point.
    """
    src = {d["source"] for d in drawn} or {"drawn"}
    ids = {d["id"] for d in drawn}
    if len(fps) and "source" in fps:
        fps = fps[~fps["source"].isin(src)]
    fps = fps[~fps["id"].isin(ids)] if len(fps) else fps
    add = gpd.GeoDataFrame(drawn, geometry="geometry", crs=CRS_STORAGE) if drawn else None
    fps = pd.concat([fps, add], ignore_index=True) if add is not None and len(fps) else (add if add is not None
                                                                                          else fps)
    places, notes = places.copy(), []
    for d in drawn:
        i = places.index[places["id"] == d["id"]][0]
        pt = Point(places.at[i, "lon"], places.at[i, "lat"])
        if not d["geometry"].contains(pt):
            q = d["geometry"].point_on_surface()
            places.at[i, "lon"], places.at[i, "lat"] = round(q.x, 5), round(q.y, 5)
            notes.append(f"{d['id']}: point moved into its drawn footprint ({q.x:.5f}, {q.y:.5f})")
    return places, gpd.GeoDataFrame(fps, geometry="geometry", crs=CRS_STORAGE), notes


#: A part named after a whole with no polygon must lie this close to the whole's point (degrees, ~1.5 km).
PART_REACH = 0.015


def named_parts(places: pd.DataFrame, fps: gpd.GeoDataFrame) -> list[tuple[str, str]]:
    """``(part, whole)`` for places named after another place and lying in it ("Sheikh Najjar industrial
    city" in Sheikh Najjar, "Minyan sawmills 1" in Minyan), among places whose parent is the city or none.

    >>> pl = pd.DataFrame({"id": ["m", "s", "x"], "name": ["Minyan", "Minyan sawmills 1", "Minyan far"],
    ...                    "kind": ["village", "landmark", "landmark"], "lon": [37.07, 37.075, 37.3],
    ...                    "lat": [36.186, 36.19, 36.3], "parent": ["aleppo"] * 3})
    >>> fp = gpd.GeoDataFrame({"id": ["m"]}, geometry=[shapely.box(37.06, 36.18, 37.08, 36.195)], crs=CRS_STORAGE)
    >>> named_parts(pl, fp)
    [('s', 'm')]
    """
    shapes = {i: g for i, g in zip(fps["id"], fps.geometry, strict=True)
              if g is not None and g.geom_type in ("Polygon", "MultiPolygon")} if len(fps) else {}
    rows = places.to_dict("records")
    wholes = [q for q in rows if q["kind"] not in ("city", "area")]
    out = []
    for p in rows:
        if (p.get("parent") or "") not in ("aleppo", ""):
            continue
        pt = Point(float(p["lon"]), float(p["lat"]))
        for q in wholes:
            if q["id"] == p["id"] or not str(p["name"]).lower().startswith(str(q["name"]).lower() + " "):
                continue
            g = shapes.get(q["id"])
            inside = g.contains(pt) if g is not None else \
                math.hypot(float(p["lon"]) - float(q["lon"]), float(p["lat"]) - float(q["lat"])) < PART_REACH
            if inside:
                out.append((p["id"], q["id"]))
                break
    return out
