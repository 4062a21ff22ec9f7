"""The map's search data: every spelling of every place, keyed as the reader folds it."""

from __future__ import annotations

import pandas as pd

from geo.map.search import search_data
from geo.places import fold


def test_every_spelling_once_with_the_readers_key_and_the_name_first():
    places = pd.DataFrame({"id": ["s", "h", "nowhere"], "name": ["Sheikh Sa'eed", "Hanano", "Lost"],
                           "kind": ["neighbourhood", "neighbourhood", "landmark"],
                           "lon": [37.17, 37.19, None], "lat": [36.17, 36.22, None]})
    aliases = pd.DataFrame({"place_id": ["s", "s", "s", "ghost"], "alias": ["Cheikh Saïd", "شيخ سعيد", "Sheikh Sa'eed", "X"],
                            "lang": ["fr", "ar", "en", "en"]})
    d = search_data(places, aliases, fold)
    assert [r[0] for r in d["places"]] == ["s", "h"]  # a place with no point cannot be flown to
    spellings = [(d["places"][i][0], text) for i, text, _ in d["aliases"]]
    assert spellings == [("s", "Sheikh Sa'eed"), ("h", "Hanano"), ("s", "Cheikh Saïd"), ("s", "شيخ سعيد")]
    keys = {text: key for _, text, key in d["aliases"]}
    assert keys["Cheikh Saïd"] == keys["Sheikh Sa'eed"] == fold("Sheikh Saeed")
    assert search_data(places, None, fold)["aliases"] == [[0, "Sheikh Sa'eed", fold("Sheikh Sa'eed")],
                                                           [1, "Hanano", fold("Hanano")]]
