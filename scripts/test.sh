#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the Debian packages the real-server tests need
# (OpenLDAP slapd, a Secret Service keyring over D-Bus), the npm dependencies, checks the import boundaries,
# builds, and runs jest.
# Integration tests start their own slapd / D-Bus / gnome-keyring on 127.0.0.1 and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || need+=(slapd ldap-utils)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
command -v secret-tool >/dev/null 2>&1 || need+=(libsecret-tools)
command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # slapd asks questions on install; the tests configure their own private server anyway.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# slapd's package starts a system service; ours never uses it, so don't leave it running.
if command -v service >/dev/null 2>&1; then service slapd stop >/dev/null 2>&1 || true; fi

[ -d node_modules ] || npm ci --no-audit --no-fund
# Import boundaries first (.dependency-cruiser.cjs): a layering violation fails the run before any test starts.
npm run --silent lint:deps
results="$(mktemp)"
set +e
npm test -- --json --outputFile="$results"
code=$?
set -e
# One plain closing line that any CI reads: "N passed, N failed".
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));' "$results" || true
rm -f "$results"
exit $code
