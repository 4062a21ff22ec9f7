"""geo: news reports of a war in, a dated and sourced control map out."""

__version__ = "0.1.0"
