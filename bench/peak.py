"""Run a module as ``__main__`` and, at exit, write the peak resident memory of this process (``VmHWM``,
in kB) to a file.

``VmHWM`` belongs to the process's own address space, so it starts afresh at ``exec``. The kernel's
``ru_maxrss`` for a child does not: it keeps the high-water mark of the parent's pages the child held
between fork and exec. A benchmark holding 100k articles in memory therefore reported their size as the
child's peak.

Example::

    python bench/peak.py /tmp/peak.kb geo extract --data-dir data
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def _write_peak(out: Path) -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            out.write_text(line.split()[1])


if __name__ == "__main__":
    target, module, *rest = sys.argv[1:]
    atexit.register(_write_peak, Path(target))
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
