"""The edges: atomic writes and the build's content cache."""

import os
import pickle

import shapely

from geo.io import DiskMemo


def test_a_memo_keeps_only_what_a_run_used(tmp_path):
    path = tmp_path / "m.pickle"
    m = DiskMemo(path, "v")
    m.get(m.key("a"), lambda: 1)
    m.get(m.key("b"), lambda: shapely.box(0, 0, 1, 1))
    m.save()
    again = DiskMemo(path, "v")
    assert again.get(again.key("b"), lambda: None).equals(shapely.box(0, 0, 1, 1))
    again.save()
    last = DiskMemo(path, "v")
    assert last.get(last.key("a"), lambda: "worked out again") == "worked out again"  # "a" was not used: dropped


def test_a_key_tells_its_parts_apart():
    m = DiskMemo(None, "v")
    assert m.key("ab", "c") != m.key("a", "bc") and m.key(b"x") == m.key("x")
    assert DiskMemo(None, "w").key("x") != m.key("x")


def test_a_cache_file_that_would_run_code_or_is_damaged_is_a_cold_cache(tmp_path):
    path = tmp_path / "m.pickle"
    path.write_bytes(pickle.dumps({"k": os.system}))  # unpickling would hand back a callable of the os module
    assert DiskMemo(path, "v").get("k", lambda: "safe") == "safe"
    path.write_bytes(b"not a pickle")
    assert DiskMemo(path, "v").get("k", lambda: "safe") == "safe"
    path.unlink()
    m = DiskMemo(path, "v")
    m.get("k", lambda: "kept")
    m.save()
    import sqlite3

    with sqlite3.connect(path) as db:  # one value that would run code, in an otherwise sound file
        db.execute("UPDATE memo SET value = ? WHERE key = 'k'", (pickle.dumps(os.system),))
    again = DiskMemo(path, "v")
    assert again.get("k", lambda: "safe") == "safe" and again.misses == 1
    again.save()
    assert DiskMemo(path, "v").get("k", lambda: "not kept") == "safe"  # the value worked out again replaced it


def test_a_memo_writes_only_new_values_and_drops_unused_ones(tmp_path):
    import sqlite3

    path = tmp_path / "m.sqlite"
    m = DiskMemo(path, "v")
    for k in "abc":
        m.get(k, lambda k=k: k * 2)
    m.save()
    m = DiskMemo(path, "v")
    m.get("a", lambda: None), m.get("b", lambda: None), m.get("d", lambda: "dd")
    m.save()
    with sqlite3.connect(path) as db:
        assert dict(db.execute("SELECT key, value FROM memo")).keys() == {"a", "b", "d"}
    assert (m.hits, m.misses) == (2, 1)


def test_file_digests_trust_an_old_unchanged_file_and_read_a_changed_or_fresh_one(tmp_path, monkeypatch):
    import hashlib
    import pathlib

    from geo.io import FileDigests

    record = tmp_path / "files.json"
    f = tmp_path / "a.md"
    f.write_text("one")
    d = FileDigests(record)
    assert d.digest(f) == hashlib.sha1(b"one").hexdigest()
    d.save()
    f.write_text("two")  # the same size, within the same second: its time cannot tell, so it is read
    assert FileDigests(record).digest(f) == hashlib.sha1(b"two").hexdigest()
    old = f.stat().st_mtime_ns - 10_000_000_000
    os.utime(f, ns=(old, old))  # a file last changed well before it was hashed
    d = FileDigests(record)
    d.digest(f)
    d.save()

    def refuse(self):  # noqa: ANN001
        raise AssertionError(f"{self} was read again")

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    assert FileDigests(record).digest(f) == hashlib.sha1(b"two").hexdigest()
    f.write_text("three")  # another size: read again
    monkeypatch.undo()
    assert FileDigests(record).digest(f) == hashlib.sha1(b"three").hexdigest()
