#!/usr/bin/env bash
# Installs the Debian packages the test suites need (listed in apt-packages.txt, one per line,
# '#' starts a comment). Idempotent: when every package is already installed it returns at once
# without touching apt. `apt-get update` runs only when a package is missing and the package
# lists look absent or stale, so a warm machine never waits on the network.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="${1:-$here/apt-packages.txt}"

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]\+/\n/g' "$list" | grep -v '^$' | sort -u)
if [ "${#wanted[@]}" -eq 0 ]; then
  echo "install-system-deps: nothing listed in $list"
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all ${#wanted[@]} packages already installed (${wanted[*]})"
  exit 0
fi

echo "install-system-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

# Refresh the package lists only when they are missing or older than a day, or when a package
# cannot be found in the lists we have.
lists_fresh() {
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]
}
all_known() {
  local p
  for p in "${missing[@]}"; do
    apt-cache show "$p" >/dev/null 2>&1 || return 1
  done
}
if ! lists_fresh || ! all_known; then
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 update
fi

"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}"
echo "install-system-deps: done"
