#!/usr/bin/env bash
# Re-create static/vendor/ from the npm registry (via `npm pack`; no CDN).
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_ICONS_VERSION="1.13.2"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

TMP="$(mktemp -d /tmp/vendor-static.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm pack --silent "bootstrap@${BOOTSTRAP_VERSION}" "bootstrap-icons@${BOOTSTRAP_ICONS_VERSION}" >/dev/null
mkdir bs bi
tar -xzf "bootstrap-${BOOTSTRAP_VERSION}.tgz" -C bs
tar -xzf "bootstrap-icons-${BOOTSTRAP_ICONS_VERSION}.tgz" -C bi
BS="$TMP/bs/package"
BI="$TMP/bi/package"

rm -rf "$VENDOR"
mkdir -p "$VENDOR/bootstrap/css" "$VENDOR/bootstrap/js" "$VENDOR/bootstrap-icons/font/fonts"

# Bootstrap
cp "$BS/dist/css/bootstrap.min.css" "$VENDOR/bootstrap/css/"
[ -f "$BS/dist/css/bootstrap.min.css.map" ] && cp "$BS/dist/css/bootstrap.min.css.map" "$VENDOR/bootstrap/css/"
cp "$BS/dist/js/bootstrap.bundle.min.js" "$VENDOR/bootstrap/js/"
[ -f "$BS/dist/js/bootstrap.bundle.min.js.map" ] && cp "$BS/dist/js/bootstrap.bundle.min.js.map" "$VENDOR/bootstrap/js/"
cp "$BS/LICENSE" "$VENDOR/bootstrap/LICENSE"

# Bootstrap Icons (keep both .min.css and .css if both exist)
found_css=0
for f in bootstrap-icons.min.css bootstrap-icons.css; do
  if [ -f "$BI/font/$f" ]; then cp "$BI/font/$f" "$VENDOR/bootstrap-icons/font/"; found_css=1; fi
done
[ "$found_css" = 1 ] || { echo "no bootstrap-icons CSS found in package" >&2; exit 1; }
cp "$BI"/font/fonts/*.woff "$BI"/font/fonts/*.woff2 "$VENDOR/bootstrap-icons/font/fonts/"
cp "$BI/LICENSE" "$VENDOR/bootstrap-icons/LICENSE"

cat > "$VENDOR/README.md" <<README
# Vendored static assets

Fetched from the npm registry with \`npm pack\` (no CDN). Do not edit by hand;
run \`scripts/vendor-static.sh\` to re-create this folder.

| Package | Version | Licence | Source |
|---|---|---|---|
| Bootstrap | ${BOOTSTRAP_VERSION} | MIT (see bootstrap/LICENSE) | npm: \`bootstrap@${BOOTSTRAP_VERSION}\` |
| Bootstrap Icons | ${BOOTSTRAP_ICONS_VERSION} | MIT (see bootstrap-icons/LICENSE) | npm: \`bootstrap-icons@${BOOTSTRAP_ICONS_VERSION}\` |

Files kept: \`bootstrap/css/bootstrap.min.css\`, \`bootstrap/js/bootstrap.bundle.min.js\`
(with source maps), \`bootstrap-icons/font/bootstrap-icons*.css\` and
\`bootstrap-icons/font/fonts/\` (woff, woff2), which the CSS loads via \`url("fonts/...")\`.
README

echo "Vendored bootstrap@${BOOTSTRAP_VERSION} and bootstrap-icons@${BOOTSTRAP_ICONS_VERSION} into $VENDOR"
