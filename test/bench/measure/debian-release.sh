#!/bin/sh
# Measures, for one Debian release, what the size model takes from bookworm: the apt lists an
# `apt-get update` leaves on an official-like base, and the base's package list and package index
# (for test/bench/measure/debian-release-compare.mjs). Root, Debian's mirror, debootstrap; about a
# minute per release. Usage: sh test/bench/measure/debian-release.sh trixie [OUT_DIR]
#
# The root is `debootstrap --variant=minbase` with those of the official images' apt settings that
# touch the lists and apt's caches (as test/support/engine/base-image.ts writes them in
# OFFICIAL_CONFIG), and deb822 sources for this release, its -updates and its -security.
# Without a Docker Engine: the lists are the files `apt-get update` writes in a chroot, summed by
# size, which is what the engine counts for a layer (file bytes). Run on bookworm, it gives the
# bench's APT_LISTS again to within the index's growth since (docs/measurements.md).
set -eu
release=${1:?release codename, e.g. trixie}
out=${2:-/tmp/dsh-debian-$release}
mirror=${DSH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DSH_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
root=$out/root
mkdir -p "$out"
[ -x "$root/usr/bin/apt-get" ] || debootstrap --variant=minbase --arch=amd64 "$release" "$root" "$mirror" >"$out/debootstrap.log"

conf=$root/etc/apt/apt.conf.d
rm -f "$root/etc/apt/sources.list"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
mkdir -p "$root/var/lib/apt/lists/partial"
printf 'APT::Keep-Downloaded-Packages "false";\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' >"$conf/docker-clean"
printf 'Acquire::GzipIndexes "true";\n' >"$conf/docker-gzip-indexes"
printf 'Acquire::Languages "none";\n' >"$conf/docker-no-languages"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $release $release-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $release-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

chroot "$root" apt-get -qq update
chroot "$root" apt-get --version | head -1 >"$out/apt-version.txt"
date -u +%Y-%m-%d >"$out/date.txt"
chroot "$root" dpkg-query -W -f '${Package}\n' | sort >"$out/base-packages.txt"
# Every file under the lists, with its size; the total is the figure.
(cd "$root/var/lib/apt/lists" && find . -type f -printf '%s\t%P\n' | sort -k2) >"$out/lists.tsv"
awk -F'\t' '{ s += $1 } END { print s }' "$out/lists.tsv" >"$out/lists-bytes.txt"
# The amd64 main Packages indexes, decompressed with apt's own reader, for the closure comparison.
chroot "$root" apt-get indextargets --format '$(FILENAME)' 'Identifier: Packages' 'Architecture: amd64' 'Component: main' |
  while read -r f; do chroot "$root" /usr/lib/apt/apt-helper cat-file "$f"; printf '\n'; done >"$out/Packages"
echo "$release: $(cat "$out/lists-bytes.txt") bytes of lists, $(wc -l <"$out/base-packages.txt") base packages ($(cat "$out/apt-version.txt"), $(cat "$out/date.txt"))"
