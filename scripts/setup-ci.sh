#!/usr/bin/env bash
# One-time set-up for CI and for anyone who wants the full suite: installs Debian's headless
# Chromium for the report screenshot tests (test/report/*). `npm test` itself installs nothing;
# without Chromium those tests are skipped locally and fail under CI=true.
set -euo pipefail
CHROMIUM="${SEEDLOCK_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "setup-ci: $CHROMIUM is installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-ci: $CHROMIUM is missing and this is not a Debian-like system; install Chromium and set SEEDLOCK_CHROMIUM to it" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "setup-ci: installing chromium with apt-get"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
test -x "$CHROMIUM"
