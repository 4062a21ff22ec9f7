"""Elements whose rendered text is written as is.

branca renders a MacroElement's ``header``, ``html`` and ``script`` macros, then wraps each result in a new
``Element`` that compiles it as a jinja template and renders it a second time. For a layer carrying its
data (a time slider's polygons, megabytes of GeoJSON) that second pass is most of the map's writing time,
and it would read any ``{{`` in the data as template code. :class:`OnceRendered` writes the macros' output
once, as text: the page is the same, byte for byte.

>>> import folium
>>> class Note(OnceRendered):
...     _template = __import__("jinja2").Template("{% macro html(this, kwargs) %}<p>{{ '{{' }} x }}</p>{% endmacro %}")
>>> m = folium.Map(tiles=None); _ = Note().add_to(m)
>>> "<p>{{ x }}</p>" in m.get_root().render()
True
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement


class RawText(Element):
    """Text written as it is (without the trailing newline a jinja template drops, so pages stay the same)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs: Any) -> str:  # noqa: ARG002 - branca's signature
        return self.text


class OnceRendered(MacroElement):
    """A MacroElement whose macros' output is added to the page as text (see the module doc). Put it after
    folium's classes in the bases (``class X(Timeline, OnceRendered)``) so their own ``render`` runs first."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
        macros = self._template.module.__dict__
        for part, where in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = macros.get(part)
            if macro is not None:
                where.add_child(RawText(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
