#!/usr/bin/env bash
# Re-create tracker/tests/browser/vendor/axe-core/ from the npm registry (`npm pack`; no CDN).
# axe-core is used only by the browser tests (injected by Playwright); the app never serves it.
set -euo pipefail

AXE_VERSION="4.14.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/tracker/tests/browser/vendor/axe-core"

TMP="$(mktemp -d /tmp/vendor-axe.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm pack --silent "axe-core@${AXE_VERSION}" >/dev/null
tar -xzf "axe-core-${AXE_VERSION}.tgz"

rm -rf "$DEST"
mkdir -p "$DEST"
cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt "$DEST/"
cat > "$DEST/README.md" <<README
# axe-core ${AXE_VERSION}

The accessibility engine the browser tests inject into each page (\`tracker/tests/browser/\`).
Fetched from the npm registry with \`npm pack axe-core@${AXE_VERSION}\`; re-create with
\`scripts/vendor-axe.sh\`. Licence: MPL-2.0 (see LICENSE; third-party notices in
LICENSE-3RD-PARTY.txt). Only \`axe.min.js\` is kept.
README
echo "Vendored axe-core@${AXE_VERSION} into $DEST"
