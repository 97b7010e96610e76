#!/usr/bin/env bash
# The Debian packages the tests need, installed with apt-get when they are missing:
# - chromium: the browser tests drive Debian's Chromium through Playwright (never a
#   downloaded browser);
# - a Chinese font, so that the screenshots the tests save show the pages' text;
# - graphviz: `dot` lays out the workflow diagram (the pages fall back to a list of states
#   without it, and its tests skip);
# - pango (libpango-1.0-0, libpangoft2-1.0-0) and libharfbuzz-subset0: WeasyPrint lays out the
#   notice and final-list PDFs with pango, in the Chinese font above, and embeds only the
#   glyphs used with HarfBuzz (without it, fontTools subsets the CJK font many times slower);
# - poppler-utils: `pdftotext` reads those PDFs back in the tests.
# Without root or apt-get, say what is missing and go on (the tests that need it skip).
set -uo pipefail
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-noto-cjk)
command -v dot >/dev/null 2>&1 || packages+=(graphviz)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || packages+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || packages+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || packages+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${packages[@]}" >/dev/null 2>&1; }
fi
if [ -x /usr/bin/chromium ]; then
  echo "installed $(/usr/bin/chromium --version 2>/dev/null)"
else
  echo "warning: /usr/bin/chromium is missing and could not be installed; browser tests will skip" >&2
fi
if command -v dot >/dev/null 2>&1; then
  echo "installed $(dot -V 2>&1)"
else
  echo "warning: graphviz (dot) is missing and could not be installed; diagram tests will skip" >&2
fi
if command -v pdftotext >/dev/null 2>&1; then
  echo "installed $(pdftotext -v 2>&1 | head -n 1)"
else
  echo "warning: pdftotext (poppler-utils) is missing and could not be installed; PDF tests will skip" >&2
fi
