"""Running Graphviz's `dot` on a DOT text: bounded in time and size, inline-ready SVG out.

`dot` is an outside program (Debian's `graphviz` package); when it is missing, fails, runs
too long or writes too much, the answer is None and the caller shows its fallback.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import xml.etree.ElementTree as ET

log = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_SVG_BYTES = 2 * 1024 * 1024  # a workflow drawing is tens of KiB; more is a runaway
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def run_dot(dot_text: str, dot_path: str, timeout: float) -> str | None:
    """`dot -Tsvg` on the text: its SVG, or None (missing, failed, too slow, too large)."""
    with tempfile.TemporaryFile() as out:
        try:
            done = subprocess.run(  # the program is the administrator's setting
                [dot_path, "-Tsvg"],
                input=dot_text.encode("utf-8"),
                stdout=out,  # a file, so a runaway output never fills memory
                stderr=subprocess.PIPE,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as problem:
            log.warning("graphviz dot could not run (%s): %s", dot_path, problem)
            return None
        size = out.seek(0, 2)
        if done.returncode != 0 or size > MAX_SVG_BYTES:
            log.warning("graphviz dot failed (exit %s, %s bytes): %s", done.returncode, size,
                        done.stderr[:500].decode("utf-8", "replace"))  # fmt: skip
            return None
        out.seek(0)
        return out.read().decode("utf-8")


def inline_svg(svg_text: str, css_class: str, title: str) -> str | None:
    """The SVG as an element to put in a page: no prolog, scalable, labelled for screen readers.

    It is parsed and written back, so what reaches the page is well-formed XML whose texts
    are escaped; its size is the viewBox's in pixels (CSS shrinks it to a wide screen).
    """
    try:
        root = ET.fromstring(svg_text)
    except ET.ParseError:
        log.warning("graphviz dot wrote SVG that does not parse")
        return None
    # One unit of the drawing (a point for Graphviz) becomes a pixel: its natural reading size.
    box = (root.get("viewBox") or "").split()
    if len(box) == 4:
        root.set("width", f"{float(box[2]):.0f}")
        root.set("height", f"{float(box[3]):.0f}")
    # Graphviz titles every node and edge by its DOT id (codes); a reader gets the one title.
    for parent in list(root.iter()):
        for child in parent.findall(f"{{{SVG_NS}}}title"):
            parent.remove(child)
    heading = ET.Element(f"{{{SVG_NS}}}title")
    heading.text = title
    root.insert(0, heading)
    root.set("class", css_class)
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("preserveAspectRatio", "xMidYMin meet")
    return ET.tostring(root, encoding="unicode")
