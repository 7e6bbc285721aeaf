#!/usr/bin/env bash
# Re-create static/vendor/ from the npm registry (via `npm pack`; no CDN).
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_ICONS_VERSION="1.13.2"
# The scan page's decoder where the browser has no BarcodeDetector; ZXING_WASM_VERSION is the
# zxing-wasm release that barcode-detector's package.json pins (its .wasm must match its JS).
BARCODE_DETECTOR_VERSION="3.2.2"
ZXING_WASM_VERSION="3.1.3"
# The API's docs page (/api/docs/).
SWAGGER_UI_VERSION="5.35.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

TMP="$(mktemp -d /tmp/vendor-static.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm pack --silent "bootstrap@${BOOTSTRAP_VERSION}" "bootstrap-icons@${BOOTSTRAP_ICONS_VERSION}" \
  "barcode-detector@${BARCODE_DETECTOR_VERSION}" "zxing-wasm@${ZXING_WASM_VERSION}" \
  "swagger-ui-dist@${SWAGGER_UI_VERSION}" >/dev/null
mkdir bs bi bd zw su
tar -xzf "bootstrap-${BOOTSTRAP_VERSION}.tgz" -C bs
tar -xzf "bootstrap-icons-${BOOTSTRAP_ICONS_VERSION}.tgz" -C bi
tar -xzf "barcode-detector-${BARCODE_DETECTOR_VERSION}.tgz" -C bd
tar -xzf "zxing-wasm-${ZXING_WASM_VERSION}.tgz" -C zw
tar -xzf "swagger-ui-dist-${SWAGGER_UI_VERSION}.tgz" -C su
BS="$TMP/bs/package"
BI="$TMP/bi/package"
BD="$TMP/bd/package"
ZW="$TMP/zw/package"
SU="$TMP/su/package"
pinned="$(node -p "require('$BD/package.json').dependencies['zxing-wasm']")"
[ "$pinned" = "$ZXING_WASM_VERSION" ] || { echo "barcode-detector pins zxing-wasm $pinned, not $ZXING_WASM_VERSION" >&2; exit 1; }

rm -rf "$VENDOR"
mkdir -p "$VENDOR/bootstrap/css" "$VENDOR/bootstrap/js" "$VENDOR/bootstrap-icons/font/fonts" \
  "$VENDOR/barcode-detector" "$VENDOR/zxing-wasm" "$VENDOR/swagger-ui"

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

# barcode-detector (the IIFE "ponyfill": window.BarcodeDetectionAPI, leaving window.BarcodeDetector alone)
# and the ZXing reader it runs, compiled to WebAssembly; the page points it at this copy, not at a CDN.
cp "$BD/dist/iife/ponyfill.js" "$VENDOR/barcode-detector/ponyfill.js"
cp "$BD/LICENSE" "$VENDOR/barcode-detector/LICENSE"
cp "$ZW/dist/reader/zxing_reader.wasm" "$VENDOR/zxing-wasm/zxing_reader.wasm"
cp "$ZW/LICENSE" "$VENDOR/zxing-wasm/LICENSE"

# Swagger UI for /api/docs/: the bundle and its stylesheet; api/static/api/docs.js starts it (no inline script).
cp "$SU/swagger-ui-bundle.js" "$SU/swagger-ui-bundle.js.LICENSE.txt" "$SU/swagger-ui.css" "$SU/swagger-ui.css.map" "$VENDOR/swagger-ui/"
cp "$SU/LICENSE" "$SU/NOTICE" "$VENDOR/swagger-ui/"

cat > "$VENDOR/README.md" <<README
# Vendored static assets

Fetched from the npm registry with \`npm pack\` (no CDN). Do not edit by hand;
run \`scripts/vendor-static.sh\` to re-create this folder.

| Package | Version | Licence | Source |
|---|---|---|---|
| Bootstrap | ${BOOTSTRAP_VERSION} | MIT (see bootstrap/LICENSE) | npm: \`bootstrap@${BOOTSTRAP_VERSION}\` |
| Bootstrap Icons | ${BOOTSTRAP_ICONS_VERSION} | MIT (see bootstrap-icons/LICENSE) | npm: \`bootstrap-icons@${BOOTSTRAP_ICONS_VERSION}\` |
| barcode-detector | ${BARCODE_DETECTOR_VERSION} | MIT (see barcode-detector/LICENSE) | npm: \`barcode-detector@${BARCODE_DETECTOR_VERSION}\` |
| zxing-wasm | ${ZXING_WASM_VERSION} | MIT (see zxing-wasm/LICENSE; ZXing-C++ itself is Apache-2.0) | npm: \`zxing-wasm@${ZXING_WASM_VERSION}\` |
| Swagger UI | ${SWAGGER_UI_VERSION} | Apache-2.0 (see swagger-ui/LICENSE and NOTICE; bundled libraries in swagger-ui-bundle.js.LICENSE.txt) | npm: \`swagger-ui-dist@${SWAGGER_UI_VERSION}\` |

Files kept: \`bootstrap/css/bootstrap.min.css\`, \`bootstrap/js/bootstrap.bundle.min.js\`
(with source maps), \`bootstrap-icons/font/bootstrap-icons*.css\` and
\`bootstrap-icons/font/fonts/\` (woff, woff2), which the CSS loads via \`url("fonts/...")\`,
\`barcode-detector/ponyfill.js\` (the IIFE build) and \`zxing-wasm/zxing_reader.wasm\` (the reader it
loads; the scan page passes its URL, so nothing is fetched from a CDN), and
\`swagger-ui/swagger-ui-bundle.js\` with \`swagger-ui/swagger-ui.css\` and its source map (the API's docs page).
README

echo "Vendored bootstrap@${BOOTSTRAP_VERSION}, bootstrap-icons@${BOOTSTRAP_ICONS_VERSION}," \
  "barcode-detector@${BARCODE_DETECTOR_VERSION}, zxing-wasm@${ZXING_WASM_VERSION} and" \
  "swagger-ui-dist@${SWAGGER_UI_VERSION} into $VENDOR"
