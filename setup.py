"""Builds the optional C tokeniser (geo/places/_scan.pyx); everything else is declared in pyproject.toml.

``optional=True``: without a C compiler the install still succeeds and geo uses its pure-Python
tokeniser, which gives the same results (tests/test_scan.py), only slower.
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # the build requirements name Cython; this guards odd builds that skip them
    ext_modules = []
else:
    ext_modules = cythonize([Extension("geo.places._scan", ["geo/places/_scan.pyx"], optional=True)],
                            compiler_directives={"language_level": 3}, quiet=True)

setup(ext_modules=ext_modules)
