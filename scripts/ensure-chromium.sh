#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
# Install it with apt-get when it is missing; without root or apt-get, say so and go on
# (the browser tests then skip, naming the missing /usr/bin/chromium).
# A Chinese font comes too, so that the screenshots the tests save show the pages' text.
set -uo pipefail
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-wqy-zenhei)
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
