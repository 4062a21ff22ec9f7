"""Parse reports into :class:`~geo.model.Article` records: front matter, id, date, language, text.

Accepted: Markdown or plain text with optional YAML front matter (``id``, ``title``, ``date``,
``source``, ``url``, ``lang``), HTML (tags stripped), and JSON Lines (one article object per line).
The article id is the front matter ``id``, else the file name without its last extension.

>>> a = parse_article_text("---\\ntitle: T\\ndate: 2016-11-08\\n---\\nL'armée a repris le quartier.",
...                        "x/2016-11-08-a.fr.md")
>>> a.id, a.date, a.lang
('2016-11-08-a.fr', '2016-11-08', 'fr')
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from geo.io import YAML_LOADER, DiskMemo, FileDigests, InputError, files_under
from geo.model import Article

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".jsonl")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?", re.S)
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
# Function words that tell French from English (cheap and robust on news prose).
_FR = set(["le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "dans", "pour", "sur", "que", "qui", "selon", "ont", "a", "été", "au", "aux", "par"])
_EN = set(["the", "of", "and", "is", "was", "were", "in", "on", "to", "that", "which", "according", "has", "have", "had", "by", "at", "from"])


#: Letters of the Arabic script (Arabic, Persian, Urdu...): a text mostly in them is not French or English.
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")


def detect_language(text: str) -> str:
    """``fr`` or ``en`` from function-word counts (``en`` on a tie); ``ar`` for a text mostly in Arabic script.

    >>> detect_language("Les forces gouvernementales ont repris le quartier"), detect_language("The army took it")
    ('fr', 'en')
    >>> detect_language("سيطرت القوات على حي الصاخور في حلب")
    'ar'
    """
    sample = text[:5000]
    # letters are counted only when there is Arabic script at all (counting them is most of the cost)
    if (arabic := len(_ARABIC_SCRIPT.findall(sample))) and arabic > sum(ch.isalpha() for ch in sample) / 2:
        return "ar"
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())
    fr = sum(w in _FR for w in words)
    en = sum(w in _EN for w in words)
    return "fr" if fr > en else "en"


#: Words a sentence cannot end on: a line that ends on one was wrapped, and goes on in the next line.
_OPEN_END = re.compile(r"(?:^|\s)(?:de|du|des|la|le|les|l'|d'|l’|d’|of|the|a|an|and|et|au|aux|in|on|by|par|pour|"
                       r"sur|dans|en|to|from|with|avec)$", re.IGNORECASE)
#: How a sentence or a heading may end a line.
_CLOSED = ".!?:;»\"”)"


def _wrapped(prev: str, line: str) -> bool:
    """Whether ``line`` goes on with ``prev`` (wire copy hard-wrapped at 60-70 characters)."""
    head, tail = line.lstrip(), prev.rstrip()
    if not head or not tail or head[0] in "-*•#>|" or line.startswith(("    ", "\t")) and tail[-1] in _CLOSED:
        return False
    return (head[0].islower() and tail[-1] not in _CLOSED) or bool(_OPEN_END.search(tail))


#: A French elision whose apostrophe a lost encoding turned into "?" ("d?armement", "L?Armée", "qu?il").
_LOST_APOSTROPHE = re.compile(r"(?<![^\W\d_])([dDlLnNjJmMsStTcC]|[qQ]u)\?(?=[^\W\d_])")


def normalise_text(text: str) -> str:
    """NFC, Windows newlines out, trailing spaces trimmed (offsets then stay stable across runs), and
    hard-wrapped lines joined back into their paragraph (a break before a lower-case word, or after a word
    that cannot end a sentence), and French elisions whose apostrophe became "?" mended ("d?armement").

    >>> normalise_text("Des rebelles ont lancé \\nune offensive contre la \\nbase.\\n    Vendredi, ils ont")
    'Des rebelles ont lancé une offensive contre la base.\\n    Vendredi, ils ont\\n'
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _LOST_APOSTROPHE.sub(r"\1'", text)
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if lines and _wrapped(lines[-1], line):
            lines[-1] = lines[-1] + " " + line.lstrip()
        else:
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def read_page(raw: str) -> tuple[str, dict[str, str]]:
    """A saved web page's article text without menus, "most read" boxes, footers or scripts (trafilatura),
    and what its metadata says: ``title``, ``date`` (``article:published_time``, JSON-LD, the page itself),
    ``url`` (canonical) and ``source`` (the site's name). A page trafilatura finds no article in falls back
    to its whole text.

    >>> text, meta = read_page("<html><head><title>T</title></head><body><p>Hello there.</p></body></html>")
    >>> text.strip(), meta["title"]
    ('Hello there.', 'T')
    """
    import trafilatura  # imported on use: only HTML needs it

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=False)
    if doc is None or not (getattr(doc, "text", "") or "").strip():
        return _strip_html(raw), {}
    meta = {k: str(getattr(doc, attr, "") or "").strip()
            for k, attr in (("title", "title"), ("date", "date"), ("url", "url"), ("source", "sitename"))}
    lines = doc.text.strip().splitlines()
    if lines and meta["title"] and lines[0].strip().casefold() == meta["title"].casefold():
        lines = lines[1:]  # the headline again at the top of the body: read once, as the title
    return "\n\n".join(line for line in lines if line.strip()), {k: v for k, v in meta.items() if v}


def _strip_html(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    raw = re.sub(r"(?i)<\s*(br|/p|/div|/h\d|/li)\b[^>]*>", "\n", raw)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


_MONTH_ONLY = re.compile(r"^(\d{4})-(\d{2})$")


def _iso_date(value: Any, where: str) -> str:
    """``YYYY-MM-DD``, or ``YYYY-MM`` when only the month is known (a page that prints no day).

    >>> _iso_date("2016-10", "a.md"), _iso_date("2016-11-08T10:00:00Z", "a.md")
    ('2016-10', '2016-11-08')
    """
    if isinstance(value, date):
        return value.isoformat()
    s = str(value or "").strip()
    if (m := _MONTH_ONLY.match(s)) and 1 <= int(m.group(2)) <= 12:
        return s
    try:
        return date.fromisoformat(s[:10]).isoformat()
    except ValueError:
        raise InputError(f"{where}: date {s!r} is not an ISO date (YYYY-MM-DD, or YYYY-MM)") from None


def _not_in_future(published: str, where: str) -> None:
    """A publication date after tomorrow is a typo (2061 for 2016): its claims would date the map's future."""
    if published and published[:10] > (date.today() + timedelta(days=1)).isoformat():
        raise InputError(f"{where}: date {published} is in the future (a typo for the year?)")


def article_id_from_path(path: str | Path) -> str:
    """The file name without its last extension: ``a.fr.md`` -> ``a.fr``."""
    name = Path(path).name
    return name.rsplit(".", 1)[0] if "." in name else name


def parse_article_text(raw: str, path: str | Path, meta: dict[str, Any] | None = None) -> Article:
    """One article from its raw text; the date comes from the front matter or the file name."""
    where = str(path)
    meta = dict(meta or {})
    m = _FRONT.match(raw)
    body = raw
    if m:
        try:
            front = yaml.load(m.group(1), Loader=YAML_LOADER) or {}
        except yaml.YAMLError:
            raise InputError(f"{where}: front matter is not valid YAML") from None
        if not isinstance(front, dict):
            raise InputError(f"{where}: front matter must be a mapping")
        meta = {**front, **meta}
        body = raw[m.end():]
    if str(path).lower().endswith((".html", ".htm")):
        body, page = read_page(body)
        meta = {**page, **meta}  # the front matter and the command line win over what the page says
    text = normalise_text(body)
    if not text.strip():
        raise InputError(f"{where}: article has no text")
    if meta.get("date"):
        published = _iso_date(meta["date"], where)
    elif dm := _DATE_IN_NAME.search(Path(where).name):
        published = _iso_date(dm.group(1), where)
    else:
        published = ""  # undated: read all the same; claims carry the dates the text gives (see undated())
    _not_in_future(published, where)
    lang = str(meta.get("lang") or detect_language(text)).lower()[:2]
    return Article(
        id=str(meta.get("id") or article_id_from_path(where)),
        title=str(meta.get("title") or "").strip(),
        date=published,
        text=text,
        source=str(meta.get("source") or "").strip(),
        url=str(meta.get("url") or "").strip(),
        lang=lang,
        path=where,
        hash=hashlib.sha1(raw.encode("utf-8")).hexdigest(),
    )


def undated(article: Article) -> str:
    """Why an article's claims may lack a day: "" when it has a full publication date.

    >>> undated(Article("a", "", "2016-10", "x", path="a.md")), undated(Article("a", "", "", "x", path="a.md"))
    ('a.md: publication date 2016-10 has no day; relative dates are read to the month', 'a.md: no publication date; claims carry only the dates the text gives')
    """
    where = article.path or article.id
    if not article.date:
        return f"{where}: no publication date; claims carry only the dates the text gives"
    if len(article.date) == 7:
        return f"{where}: publication date {article.date} has no day; relative dates are read to the month"
    return ""


#: charset-normalizer's "chaos" (0 clean .. 1 noise) at or under which a detected encoding is trusted.
MAX_CHAOS = 0.2
#: Detections this close in chaos are told apart by coherence (how much the text reads like a language).
CHAOS_TIE = 0.05


def decode(data: bytes, path: str | Path) -> tuple[str, str]:
    """The text of a file and the encoding it was read in: UTF-8 (a byte-order mark dropped), else the
    encoding charset-normalizer detects when it is confident (Windows-1256 Arabic, Latin-1 French...).

    >>> decode("Alep, le quartier a été libéré".encode("cp1252"), "a.txt")[0]
    'Alep, le quartier a été libéré'
    >>> decode(b"\\xef\\xbb\\xbfAleppo", "a.txt")
    ('Aleppo', 'utf-8')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Windows "Unicode")
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:  # valid UTF-8 may hold NUL bytes; text never does
        raise InputError(f"{path}: binary data, not text (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported on use: only legacy files need it

    found = [m for m in from_bytes(data) if m.chaos <= MAX_CHAOS]
    if not found:
        raise InputError(f"{path}: not text in an encoding geo can tell (not UTF-8; no confident guess)")
    # near-equal noise ("à" and "ą" both look clean): the encoding whose text reads most like a language wins
    least = min(m.chaos for m in found)
    best = max((m for m in found if m.chaos <= least + CHAOS_TIE), key=lambda m: m.coherence)
    return str(best), best.encoding


#: An article file (or one JSON Lines record) larger than this is not one report: a dump, a binary, a mistake.
MAX_ARTICLE_BYTES = 20_000_000

#: Told each input that cannot be read, as ``(file, reason)``; in JSON Lines the reason starts "line N:".
Skip = Callable[[str, str], None]


#: A file path, or the URL of a file fsspec can open (``s3://bucket/wires/a.md``): see :func:`is_url`.
Source = Path | str

#: A URL's scheme (two letters at least, so that ``C:/reports`` stays a path).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(path: Source) -> bool:
    """Whether an input is a URL for fsspec (``s3://``, ``gcs://``, ``memory://``...) rather than a path.
    Only a ``str`` can be one: ``Path`` folds the ``//``.

    >>> is_url("s3://bucket/wires/"), is_url("wires/a.md"), is_url(Path("s3://bucket"))
    (True, False, False)
    """
    return isinstance(path, str) and bool(_URL.match(path))


def url_filesystem(url: str) -> tuple[Any, str]:
    """fsspec's filesystem for ``url`` and the path on it; a one-line InputError when fsspec, or the package
    of the URL's scheme (s3fs, gcsfs...), is not installed."""
    try:
        import fsspec  # imported on use: only URLs need it (it comes with geo[dask])
    except ImportError:
        raise InputError(f"{url}: reading a URL needs fsspec: pip install fsspec (with s3fs for s3://, "
                         "gcsfs for gcs://)") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:  # "Install s3fs to access S3", "Protocol not known: foo"
        raise InputError(f"{url}: {' '.join(str(exc).split())}") from None


def _size_and_bytes(path: Source) -> tuple[int, Callable[[], bytes]]:
    """A file's size, and how to read its bytes (a local file, or a URL through fsspec)."""
    if is_url(path):
        fs, where = url_filesystem(str(path))
        return fs.size(where), lambda: fs.cat_file(where)
    path = Path(path)
    return path.stat().st_size, path.read_bytes


def read_article_file(path: Source, published: str | None = None,
                      warn: Callable[[str], None] | None = None, skip: Skip | None = None,
                      memo: DiskMemo | None = None, digests: FileDigests | None = None) -> list[Article]:
    """Every article in one file (JSON Lines files may hold many); ``published`` overrides the date.
    A file not in UTF-8 is decoded in the encoding detected, and ``warn`` is told which. A JSON Lines
    record that cannot be read raises InputError, or, when ``skip`` is given, is passed to it and left out.
    ``path`` may be a URL (:func:`is_url`). ``memo``: the build's cache of parsed files, by name and content
    (one more report in a folder of thousands parses one file); ``digests``: the build's record of file hashes
    (:class:`geo.io.FileDigests`)."""
    url = is_url(path)
    path = path if url else Path(path)
    jsonl = path.lower().endswith(".jsonl") if url else path.suffix.lower() == ".jsonl"
    if url or digests is None:
        size, read_bytes = _size_and_bytes(path)
    else:  # one stat, shared with the record of hashes
        st = os.stat(path)
        size, read_bytes = st.st_size, path.read_bytes
    if size > MAX_ARTICLE_BYTES and not jsonl:
        raise InputError(f"{path}: {size / 1e6:.0f} MB is too large for one report (at most "
                         f"{MAX_ARTICLE_BYTES / 1e6:.0f} MB; many reports go in a JSON Lines file)")
    if memo is None:
        return _parse_file(read_bytes(), path, published, warn, skip)
    # Kept by the file's name and content (its hash from ``digests`` when given, so that an unchanged file is
    # not even read): what it said (warnings, records skipped) is said again on a hit.
    content = digests.digest(path, st) if digests is not None and not url else read_bytes()
    key = memo.key("article file", str(path), published or "", content)
    arts, warned, skipped = memo.get(key, lambda: _parse_recorded(read_bytes(), path, published))
    for message in warned if warn is not None else ():
        warn(message)
    for where, why in skipped:
        if skip is None:  # a strict read stops at the record a lenient one left out, as a first read would
            raise InputError(f"{where}: {why}")
        skip(where, why)
    return [Article.from_dict(d) for d in arts]


def _parse_recorded(data: bytes, path: Source, published: str | None
                    ) -> tuple[list[dict[str, str]], list[str], list[tuple[str, str]]]:
    """:func:`_parse_file` with what it says recorded: (articles as dicts, warnings, records skipped)."""
    warned: list[str] = []
    skipped: list[tuple[str, str]] = []
    arts = _parse_file(data, path, published, warned.append, lambda where, why: skipped.append((where, why)))
    return [a.to_dict() for a in arts], warned, skipped


def _parse_file(data: bytes, path: Source, published: str | None, warn: Callable[[str], None] | None,
                skip: Skip | None) -> list[Article]:
    """The articles of one file's bytes (see :func:`read_article_file`)."""
    over = {"date": published} if published else {}
    jsonl = Path(path).suffix.lower() == ".jsonl"
    raw, encoding = decode(data, path)
    if encoding != "utf-8" and warn is not None:
        warn(f"warning: {path}: not UTF-8; read as {encoding}")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not jsonl:
        return [parse_article_text(raw, path, over)]
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(_jsonl_article(line, path, n, over))
        except InputError as exc:
            if skip is None:
                raise
            why = str(exc).removeprefix(f"{path}:{n}: ").removeprefix(f"{path}: line {n}: ")
            skip(str(path), f"line {n}: {why}")
    return out


def _jsonl_article(line: str, path: Source, n: int, over: dict[str, Any]) -> Article:
    if len(line) > MAX_ARTICLE_BYTES:
        raise InputError(f"{path}: line {n}: too large for one report")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {n}: invalid JSON ({exc.msg})") from None
    if not isinstance(obj, dict) or not obj.get("text") or not isinstance(obj["text"], str):
        raise InputError(f"{path}: line {n}: an article needs a 'text' field")
    meta = {**{k: v for k, v in obj.items() if k != "text"}, **over}
    meta.setdefault("id", f"{article_id_from_path(path)}-{n}")
    return parse_article_text(obj["text"], f"{path}:{n}", meta)


def read_articles(paths: list[Source], published: str | None = None, warn: Callable[[str], None] | None = None,
                  skip: Skip | None = None, languages: Collection[str] | None = None,
                  progress: Callable[[list[Source]], Iterable[Source]] | None = None,
                  memo: DiskMemo | None = None, digests: FileDigests | None = None) -> list[Article]:
    """Every article under ``paths`` (directories, globs and URLs expanded: :func:`find_article_files`), ids
    unique; ``warn`` is told of an article in a language not among ``languages`` (those with a lexicon: nothing
    can be read from it). Without ``skip`` the first input that cannot be read raises
    InputError; with it, each such file, JSON Lines record or repeated id is passed to ``skip`` and the
    rest is read (``geo extract PATHS``, ``geo build --keep-going``). ``progress`` wraps the list of files
    (a progress bar); ``memo`` keeps parsed files between builds (:func:`read_article_file`).

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> _ = (d / "2016-11-08-a.md").write_text("Aleppo."); _ = (d / "b.md").write_bytes(b"\\x00\\x01")
    >>> [a.id for a in read_articles([d], skip=lambda where, why: print("skipped", Path(where).name))]
    skipped b.md
    ['2016-11-08-a']
    """
    arts: list[Article] = []
    seen: dict[str, str] = {}
    files: list[Source] = []
    for p in paths:
        try:
            files += find_article_files([p])
        except InputError as exc:  # a path that is not there
            if skip is None:
                raise
            skip(str(p), _reason(exc, p if is_url(p) else Path(p)))
    for f in progress(files) if progress else files:
        try:
            found = read_article_file(f, published, warn, skip, memo, digests)
        except (InputError, OSError) as exc:
            if skip is None:
                raise
            skip(str(f), _reason(exc, f))
            continue
        for a in found:
            if a.id in seen:
                if skip is None:
                    raise InputError(f"{a.path}: article id {a.id!r} already used by {seen[a.id]}")
                skip(a.path, f"article id {a.id!r} already used by {seen[a.id]}")
                continue
            if languages is not None and a.lang not in languages and warn is not None:
                warn(f"warning: {a.path}: language {a.lang!r} has no lexicon (geo reads "
                     f"{', '.join(sorted(languages))}): no claims are read from it")
            seen[a.id] = a.path
            arts.append(a)
    return arts


def _reason(exc: BaseException, path: Source) -> str:
    """An error's message without the file name it starts with (the skip line names the file itself)."""
    msg = str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
    return msg.removeprefix(f"{path}: ") or exc.__class__.__name__


def find_article_files(paths: list[Source]) -> list[Source]:
    """Expand directories into their article files (sorted; README files skipped), and glob patterns
    (``"reports/2016-1*/**/*.md"``, quoted so the shell leaves them to geo) into the files they match.
    A URL (``s3://bucket/wires/``, ``"gcs://b/2016-11-*.md"``) is expanded alike through fsspec, into URLs.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); _ = (d / "a.md").write_text("x"); _ = (d / "b.txt").write_text("x")
    >>> [p.name for p in find_article_files([d / "*.md"])], [p.name for p in find_article_files([d])]
    (['a.md'], ['a.md', 'b.txt'])
    """
    out: list[Source] = []
    for p in paths:
        if is_url(p):
            out += _files_at_url(str(p))
            continue
        p = Path(p)
        if p.is_dir():
            out += _articles_under(p)
        elif p.exists():
            out.append(p)
        elif any(ch in str(p) for ch in "*?["):
            import glob

            hits = sorted(Path(h) for h in glob.glob(str(p), recursive=True))
            if not hits:
                raise InputError(f"{p}: no file matches this pattern")
            out += [q for h in hits for q in (_articles_under(h) if h.is_dir() else [h])]
        else:
            raise InputError(f"{p}: no such file or directory")
    return out


def _articles_under(d: Path) -> list[Path]:
    """The article files under ``d``, in ``Path`` order (part by part: ``a/b.md`` before ``a-c.md``)."""
    names = [f for f in files_under(d) if _is_article_name(os.path.basename(f))]
    return [Path(f) for f in sorted(names, key=lambda f: f.split(os.sep))]


def _is_article_name(name: str) -> bool:
    return Path(name).suffix.lower() in ARTICLE_SUFFIXES and not name.lower().startswith("readme")


def _files_at_url(url: str) -> list[str]:
    """The article files at a URL: a file, a directory (its tree), or a glob pattern, as :func:`find_article_files`
    expands paths."""
    fs, where = url_filesystem(url)
    if any(ch in where for ch in "*?["):
        hits = sorted(fs.glob(where))
        if not hits:
            raise InputError(f"{url}: no file matches this pattern")
    elif fs.isdir(where):
        hits = [where]
    elif fs.exists(where):
        return [url]
    else:
        raise InputError(f"{url}: no such file or directory")
    files = [q for h in hits for q in (sorted(f for f in fs.find(h) if _is_article_name(f.rsplit("/", 1)[-1]))
                                       if fs.isdir(h) else [h])]
    return [fs.unstrip_protocol(f) for f in files]
