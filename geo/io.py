"""Every file read and write: JSONL, CSV, YAML, GeoJSON, GeoPackage. Writes are atomic.

An output is written to a temporary file beside it and renamed over the target only when complete,
so a failed stage never leaves a half-written file and never destroys the previous one.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
>>> write_jsonl(p, [{"a": 1}]); read_jsonl(p)
[{'a': 1}]
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import pickle
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

#: libyaml's safe loader when PyYAML was built with it: the same documents, read about ten times faster (the
#: lexicons and factions are read on every build; the pure-Python loader took 1.3 s of a 1.4 s reading setup).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """One YAML document, read with :data:`YAML_LOADER` (safe: plain data only).

    >>> load_yaml("a: [1, 2]")
    {'a': [1, 2]}
    """
    return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader (libyaml's or PyYAML's)


class InputError(Exception):
    """Bad input: the message names the file (and row or feature) and the reason, on one line."""


#: What a temporary file's name holds: a process killed mid-write leaves ``.<name>.part-XXXX.<ext>``.
PART = ".part-"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` if the block succeeds.

    The suffix is kept so that writers choosing a driver from the extension (GPKG, GeoJSON) still work.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}{PART}", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # some drivers (GPKG) refuse to write over an existing empty file
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write one JSON object per line (UTF-8, no ASCII escaping), atomically."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")


def write_lines(path: Path, chunks: Iterable[str]) -> None:
    """Write text already made of JSON lines (each chunk whole lines), atomically."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for chunk in chunks:
            fh.write(chunk)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON Lines file; a bad line raises InputError naming the file and line."""
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of a JSON Lines file one at a time (the file is never whole in memory); a bad line raises
    InputError naming the file and line when it is reached."""
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {n}: invalid JSON ({exc.msg})") from None


def count_jsonl(path: Path) -> int:
    """How many objects a JSON Lines file holds (its non-blank lines), read in blocks.

    >>> import tempfile, pathlib; p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"a": 1}' + chr(10) * 2 + '{"a": 2}' + chr(10)); count_jsonl(p)
    2
    """
    with Path(path).open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    """Write a CSV with a header, atomically; missing keys become empty cells."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow(row)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV with a header into dicts (all values strings)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_yaml(path: Path) -> Any:
    """Read a YAML file; a syntax error raises InputError naming the file and line."""
    try:
        return load_yaml(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f": line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}{where}: invalid YAML") from None
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None


def read_json(path: Path) -> Any:
    """Read a JSON file; a syntax error raises InputError naming the file and line."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None


def read_vector(path: Path, layer: str | None = None, *, built: bool = False) -> Any:
    """A GeoDataFrame from a GeoPackage or GeoJSON (pyogrio); a file GDAL cannot open raises InputError
    naming it. ``built``: the file is one of geo's outputs, so the message says how to write it again."""
    import geopandas as gpd
    import pyogrio

    try:
        # geo's own GeoPackages through GDAL's Arrow interface: the same frames, read 3-4 times faster
        return gpd.read_file(path, engine="pyogrio", use_arrow=built, **({"layer": layer} if layer else {}))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        hint = "; geo build --force writes it again" if built else ""
        why = str(exc).split(";")[0].replace(f"'{path}' ", "").strip().rstrip(".")
        raise InputError(f"{path}: cannot read it ({why}){hint}") from None


def read_events(path: Path) -> list[Any]:
    """The events of a GeoPackage's ``events`` layer, as :class:`geo.model.Event` records (a build output)."""
    import shapely

    from geo.model import Event

    gdf = read_vector(path, "events", built=True)
    cols = {c: gdf[c].tolist() for c in gdf.columns if c != "geometry"}
    for c in cols:
        cols[c] = json_lists(cols[c])
    keys, pts = list(cols), gdf.geometry.values
    xs, ys = shapely.get_x(pts).tolist(), shapely.get_y(pts).tolist()
    return [Event.from_row(dict(zip(keys, vals, strict=True)), x, y)
            for *vals, x, y in zip(*cols.values(), xs, ys, strict=True)]


def json_lists(values: list[Any]) -> list[Any]:
    """A column of JSON arrays (a list column of a GeoPackage) decoded in one call, or as it is when it is
    not one: one parse of ``[a,b,...]`` instead of one per cell (100k events hold a million of them).

    >>> json_lists(['["a"]', '[]']), json_lists(["a", "b"])
    ([['a'], []], ['a', 'b'])
    """
    if values and all(isinstance(v, str) and v.startswith("[") for v in values):
        try:
            out = json.loads("[" + ",".join(values) + "]")
        except ValueError:
            return values
        if len(out) == len(values):  # a cell holding two arrays would shift the rest: then cell by cell
            return out
    return values


def vector_layers(path: Path, *, built: bool = False) -> list[str]:
    """The layer names of a GeoPackage (see :func:`read_vector` for errors)."""
    import pyogrio

    try:
        return [str(n) for n, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        hint = "; geo build --force writes it again" if built else ""
        why = str(exc).split(";")[0].replace(f"'{path}' ", "").strip().rstrip(".")
        raise InputError(f"{path}: cannot read it ({why}){hint}") from None


def write_gpkg_layers(path: Path, layers: dict[str, Any]) -> None:
    """Write several GeoDataFrames as layers of one GeoPackage, atomically (all layers or none).

    Empty frames are written too (a layer with no rows is still a layer QGIS can open).
    """
    import pyogrio

    # GeoPackages stamp each table with the time of writing; a fixed stamp (SOURCE_DATE_EPOCH when set)
    # makes the same layers the same bytes, so a checksum or git tells a real change from a rebuild
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _stamp()})
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            # through GDAL's Arrow interface (pyarrow): the same layers, written 3-4 times faster than row by row
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio", use_arrow=True)


@contextlib.contextmanager
def build_lock(build_dir: Path, log: Callable[[str], None] | None = None) -> Iterator[None]:
    """One build at a time in a build directory: an exclusive lock on ``<build>/.lock``, which holds the
    owner's process id. A second build says which process holds it and waits. The operating system
    releases the lock when its process ends, even by ``kill -9``: a lock file left behind is no lock."""
    import fcntl

    build_dir.mkdir(parents=True, exist_ok=True)
    with (build_dir / ".lock").open("a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            owner = fh.read().strip() or "another process"
            if log:
                log(f"{build_dir}: a build is running (pid {owner}); waiting for it to finish")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        _sweep_parts(build_dir)
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sweep_parts(build_dir: Path) -> None:
    """Delete the temporary files of builds killed mid-write (and GDAL's journals beside them). Only
    called holding the build lock: no live build of this directory is writing one."""
    for p in build_dir.rglob(f".*{PART}*"):
        if p.is_file():
            p.unlink(missing_ok=True)


def _stamp() -> str:
    """ISO time for the GeoPackage's ``last_change``: SOURCE_DATE_EPOCH, else the Unix epoch (no real time)."""
    from datetime import UTC, datetime

    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(env) if env.isdigit() else 0, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write_geojson(path: Path, gdf: Any) -> None:
    """Write a GeoDataFrame as GeoJSON (EPSG:4326), atomically."""
    with atomic_path(path) as tmp:
        gdf.to_crs("EPSG:4326").to_file(tmp, driver="GeoJSON", engine="pyogrio")


def files_under(d: str | os.PathLike[str]) -> list[str]:
    """Every file in a directory tree, as paths (strings; ``d`` written as ``Path`` writes it), unsorted. Like
    ``Path.rglob("*")`` it does not enter a link to a directory; it costs a tenth of it, as it makes no ``Path``
    for each of ten thousand files.

    >>> import tempfile, pathlib; t = pathlib.Path(tempfile.mkdtemp()); (t / "b").mkdir()
    >>> _ = (t / "a.md").write_text("x"); _ = (t / "b" / "c.md").write_text("y")
    >>> sorted(pathlib.Path(f).relative_to(t).as_posix() for f in files_under(t))
    ['a.md', 'b/c.md']
    """
    out: list[str] = []
    todo = [str(Path(d))]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for e in entries:
                if e.is_dir() and not e.is_symlink():
                    todo.append(e.path)
                elif e.is_file():
                    out.append(e.path)
    return out


class FileDigests:
    """The sha1 of files, kept by path with their size and modification time, as git's index keeps them: a
    file whose size and time are those recorded is not read again (10,000 article files were read twice a
    build, for the build's fingerprints and for the parse cache). A file changed within two seconds of being
    hashed is always read again: its time alone cannot tell a second change in the same tick.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); f = d / "a.md"; _ = f.write_text("x")
    >>> FileDigests(d / "files.json").digest(f) == hashlib.sha1(b"x").hexdigest()
    True
    """

    #: Nanoseconds a file's time must precede its hashing by for the record to be trusted.
    RACY_NS = 2_000_000_000

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._known: dict[str, list[Any]] = {}
        self._used: dict[str, list[Any]] = {}
        if path is not None and path.exists():
            try:
                self._known = {str(k): list(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
            except (OSError, ValueError, AttributeError):  # a damaged record: every file is read
                self._known = {}

    def digest(self, p: str | os.PathLike[str], st: os.stat_result | None = None) -> str:
        """The sha1 (hex) of a file's bytes; ``st``: its ``os.stat``, when the caller has it already."""
        key = os.fspath(p)
        st = os.stat(key) if st is None else st
        rec = self._used.get(key) or self._known.get(key)
        if (rec is not None and len(rec) == 4 and rec[0] == st.st_size and rec[1] == st.st_mtime_ns
                and st.st_mtime_ns + self.RACY_NS < rec[3]):
            self._used[key] = rec
            return str(rec[2])
        hashed_at = time.time_ns()
        with open(key, "rb") as f:
            digest = hashlib.sha1(f.read()).hexdigest()
        self._used[key] = [st.st_size, st.st_mtime_ns, digest, hashed_at]
        return digest

    def save(self) -> None:
        """Keep the records of the files asked for in this run (nothing when there is no path)."""
        if self.path is not None and self._used != self._known:
            write_text(self.path, json.dumps(self._used, separators=(",", ":")))


class _GeometryUnpickler(pickle.Unpickler):
    """Reads back plain data and shapely geometries only: a cache file is never a way to run code (a build
    directory may come from someone else)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in (("shapely.io", "from_wkb"), ("shapely", "from_wkb")):
            import shapely

            return shapely.from_wkb
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a geo cache")


class DiskMemo:
    """Values computed from content, kept on disk between builds under a key of that content: a build after
    one more report redoes only the work whose inputs it changed (the layers' daily states, the map's daily
    district holders).

    The file is an SQLite table of pickled values by key: a run reads the values it asks for, and :meth:`save`
    writes only the new ones and deletes those this run did not use, so the file holds one build's worth and a
    build after one more report rewrites little (a whole pickle of every value was written again each build).
    ``salt`` is mixed into every key (the code's version: a change of code is a change of content). An
    unreadable file, or a value that is not plain data and geometries, is a cold cache, never an error:
    everything in it can be computed again.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.sqlite"
    >>> m = DiskMemo(p, "v1"); m.get("k", lambda: 41 + 1); m.save()
    42
    >>> m2 = DiskMemo(p, "v1"); m2.get("k", lambda: 0), m2.hits
    (42, 1)
    """

    def __init__(self, path: Path | None, salt: str = "") -> None:
        self.path, self.salt = path, salt
        self.hits = self.misses = 0
        self._stored: dict[str, bytes] = {}  # what the file holds (values still pickled)
        self._used: dict[str, Any] = {}
        self._fresh: list[str] = []
        if path is not None and path.exists():
            try:
                with contextlib.closing(sqlite3.connect(path)) as db:
                    self._stored = dict(db.execute("SELECT key, value FROM memo"))
            except sqlite3.Error:  # a damaged or foreign file is a cold cache
                self._stored = {}

    def key(self, *parts: bytes | str) -> str:
        """A key for content given in parts (bytes or text), salted."""
        h = hashlib.sha1(self.salt.encode())
        for p in parts:
            b = p.encode() if isinstance(p, str) else p
            h.update(len(b).to_bytes(8, "little") + b)  # lengths first: ("ab", "c") is not ("a", "bc")
        return h.hexdigest()

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value kept under ``key``, else ``compute()`` (kept for the next run)."""
        if key in self._used:
            return self._used[key]
        blob = self._stored.get(key)
        value = _MISSING if blob is None else _unpickle(blob)
        if value is _MISSING:
            self.misses += 1
            value = compute()
            self._fresh.append(key)
        else:
            self.hits += 1
        self._used[key] = value
        return value

    def peek(self, key: str) -> Any:
        """The value kept under ``key``, or None when there is none (for work done for many keys at once,
        then kept with :meth:`put`).

        >>> m = DiskMemo(None); m.peek("k") is None, m.put("k", b"x"), m.peek("k")
        (True, None, b'x')
        """
        if key in self._used:
            return self._used[key]
        blob = self._stored.get(key)
        value = None if blob is None else _unpickle(blob)
        if value is None or value is _MISSING:
            return None
        self.hits += 1
        self._used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` (a value worked out outside :meth:`get`)."""
        if key not in self._used:
            self.misses += 1
            self._fresh.append(key)
        self._used[key] = value

    def save(self) -> None:
        """Write this run's new values and drop the values it did not use (one transaction); nothing when
        there is no path."""
        if self.path is None:
            return
        gone = [k for k in self._stored if k not in self._used]
        if not self._fresh and not gone and self.path.exists():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._write(gone)
        except sqlite3.DatabaseError:  # a damaged file: start it again
            self.path.unlink(missing_ok=True)
            self._stored, gone = {}, []
            self._fresh = list(self._used)
            self._write(gone)

    def _write(self, gone: list[str]) -> None:
        assert self.path is not None
        with contextlib.closing(sqlite3.connect(self.path)) as db, db:
            db.execute("PRAGMA synchronous = OFF")  # a cache: a file a crash damaged is read as a cold cache
            db.execute("CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            db.executemany("DELETE FROM memo WHERE key = ?", ((k,) for k in gone))
            db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?)",
                           ((k, pickle.dumps(self._used[k], protocol=pickle.HIGHEST_PROTOCOL)) for k in self._fresh))


_MISSING = object()


def _unpickle(blob: bytes) -> Any:
    """A cached value, or :data:`_MISSING` when it is not plain data and geometries (or is damaged)."""
    try:
        return _GeometryUnpickler(io.BytesIO(blob)).load()
    except Exception:  # noqa: BLE001 - a damaged or foreign value is a cold entry
        return _MISSING
