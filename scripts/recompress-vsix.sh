#!/bin/sh
# Recompresses a .vsix (a zip) in place with advzip's strongest deflate (zopfli-style search;
# Debian package advancecomp). Readers see an ordinary deflated zip, so VS Code installs it as it
# installs vsce's own; it is about 17 KB (3%) smaller than vsce's deflate leaves it (measured on
# 2026-12-03: 554,537 -> 537,029 bytes). 30 iterations of its search instead of its default: 166
# bytes less for about 5 s more (2026-12-05: 396,897 -> 396,731 bytes; 4.6 -> 9.9 s at load 5);
# 100: 79 bytes less again for about 8 s more (2026-12-06: 398,720 -> 398,641 bytes; 10.5 -> 18.8 s
# at load 7), paid once per test run (test/integration/package builds the package once); 300 gave
# 52 bytes more for 42 s more.
# Without advzip the .vsix keeps the deflate it was written with (zlib's, by scripts/trim-vsix-manifest.mjs).
set -eu
vsix="${1:?usage: recompress-vsix.sh <file.vsix>}"
if ! command -v advzip >/dev/null 2>&1; then
  echo "recompress-vsix: advzip not found (apt-get install advancecomp); $vsix keeps the deflate it was written with"
  exit 0
fi
advzip --recompress -4 --iter 100 --quiet "$vsix"
advzip --test --quiet "$vsix"
echo "recompress-vsix: $vsix is $(wc -c <"$vsix") bytes"
