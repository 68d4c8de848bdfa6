#!/usr/bin/env bash
# Renders the favicon, app icons and touch icon in public/ from public/icon.svg.
# Needs rsvg-convert and ImageMagick (apt-get install librsvg2-bin imagemagick).
set -euo pipefail
cd "$(dirname "$0")/../public"

magick=$(command -v magick || true)
if [[ -z "$magick" ]]; then
  for candidate in convert /usr/bin/convert; do
    if "$candidate" -version 2>/dev/null | grep -q ImageMagick; then magick=$candidate; break; fi
  done
fi
[[ -n "$magick" ]] || { echo "ImageMagick not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

png() { rsvg-convert -w "$1" -h "$1" icon.svg -o "$2"; }

# Opaque icons: the mark without its rounded tile, on a full-bleed square of the tile's colour.
# $2 is the share of the side the tile would take; a maskable icon's mark must stay inside the central 80 % circle.
brand=$(sed -n 's/.*id="tile"[^>]*fill="\(#[0-9a-fA-F]*\)".*/\1/p' icon.svg)
sed '/id="tile"/d' icon.svg >"$tmp/mark.svg"
opaque() {
  local side=$1 share=$2 out=$3
  read -r margin zoom < <(awk -v s="$side" -v p="$share" 'BEGIN { print s * (100 - p) / 200, s * p / 100 / 32 }')
  rsvg-convert -b "$brand" --page-width "$side" --page-height "$side" --left "$margin" --top "$margin" --zoom "$zoom" "$tmp/mark.svg" -o "$out"
}

png 192 icon-192.png
png 512 icon-512.png
opaque 512 80 icon-maskable-512.png
opaque 180 90 apple-touch-icon.png
for size in 16 32 48; do png "$size" "$tmp/$size.png"; done
"$magick" "$tmp/16.png" "$tmp/32.png" "$tmp/48.png" favicon.ico
