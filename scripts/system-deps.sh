#!/usr/bin/env bash
# Debian packages the shop and its tests need (PDF rendering with Korean fonts, Chromium for browser
# tests; Playwright drives it, never downloading a browser of its own); installs only what is missing.
# With --best-effort a machine where we cannot install (no root, no sudo) gets a warning instead of a failure.
set -euo pipefail
packages=(make fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium)
echo "bizshop needs these Debian packages (the missing ones are installed with apt-get): ${packages[*]}"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
if [ "$SUDO" = "none" ]; then
  echo "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
  [ "${1:-}" = "--best-effort" ] && exit 0 || exit 1
fi
echo "installing Debian packages: ${missing[*]} (apt-get${SUDO:+ through sudo})"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
