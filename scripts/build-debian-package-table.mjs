#!/usr/bin/env node
// Builds server/src/sizes/debian-packages.generated.json: for every amd64 package of Debian
// bookworm main (bookworm, bookworm-updates, bookworm-security), its Installed-Size and the names
// in its Depends, Pre-Depends, Recommends and Provides. The size model resolves `apt-get install`
// with it (server/src/sizes/apt.ts).
//
// Input: the package indexes apt already downloaded (`apt-get update` with bookworm sources),
// found with `apt-get indextargets` and decompressed with apt's own `apt-helper cat-file`, so
// whatever compression apt chose (lz4, gz, ...) works. Reproduce: `apt-get update &&
// node scripts/build-debian-package-table.mjs`.
//
// Compactness (it ships inside the extension, and gzip is what the .vsix zip does to it): version
// constraints and architecture qualifiers are dropped, columns are stored one after the other,
// names front-coded, relations as indexes into the name list (see `format` in the output). When a
// package appears in several suites the highest version wins, as apt's candidate would.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { compareDebianVersions } from './debian-version.mjs';
import { frontCoded } from './packedTables.mjs';

const OUT = new URL('../server/src/sizes/debian-packages.generated.json', import.meta.url);
const CODENAME = process.env.DSH_DEBIAN_CODENAME ?? 'bookworm';
const SUITES = [CODENAME, `${CODENAME}-updates`, `${CODENAME}-security`];

function indexFiles() {
  const fmt = '$(FILENAME)\t$(CODENAME)\t$(COMPONENT)\t$(ARCHITECTURE)\t$(ORIGIN)';
  const out = execFileSync('apt-get', ['indextargets', '--format', fmt, 'Identifier: Packages'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [file, codename, component, arch, origin] = l.split('\t');
      return { file, codename, component, arch, origin };
    })
    .filter((t) => t.origin === 'Debian' && t.component === 'main' && t.arch === 'amd64' && SUITES.includes(t.codename));
}

/** Names of a relation field: versions, arch qualifiers and `:any` dropped; `|` kept. */
function relation(value) {
  if (!value) return '';
  return value
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.replace(/\(.*?\)/g, '').replace(/\[.*?\]/g, '').replace(/<.*?>/g, '').trim().replace(/:(any|native)$/, ''))
        .filter(Boolean)
        .join('|'),
    )
    .filter(Boolean)
    .join(',');
}

function* stanzas(text) {
  for (const block of text.split(/\n\n+/)) {
    const fields = {};
    let key = '';
    for (const line of block.split('\n')) {
      if (/^\s/.test(line)) continue; // continuation lines only occur in fields we do not keep
      const i = line.indexOf(':');
      if (i <= 0) continue;
      key = line.slice(0, i);
      fields[key] = line.slice(i + 1).trim();
    }
    if (fields.Package) yield fields;
  }
}

function releaseDate(indexFile) {
  // The InRelease file sits beside the index: same prefix up to `_dists_<suite>_`.
  const m = indexFile.match(/^(.*_dists_[^_]+)_/);
  if (!m) return undefined;
  try {
    const text = readFileSync(`${m[1]}_InRelease`, 'utf8');
    const d = text.match(/^Date: (.*)$/m);
    return d ? new Date(d[1]).toISOString().slice(0, 10) : undefined;
  } catch {
    return undefined;
  }
}

const targets = indexFiles();
const missing = SUITES.filter((s) => !targets.some((t) => t.codename === s));
if (missing.length) {
  console.error(`No downloaded index for ${missing.join(', ')} (main, amd64). Add the sources and run apt-get update first.`);
  process.exit(1);
}

const best = new Map();
const dates = {};
for (const t of targets) {
  dates[t.codename] = releaseDate(t.file);
  const text = execFileSync('/usr/lib/apt/apt-helper', ['cat-file', t.file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  for (const f of stanzas(text)) {
    const prev = best.get(f.Package);
    if (prev && compareDebianVersions(prev.Version, f.Version) >= 0) continue;
    best.set(f.Package, f);
  }
}

// Source-library packages of language ecosystems that ship their own package managers: Debian
// carries them to build Debian itself, Dockerfiles do not apt-install them, and they are a third
// of the table (Rust crates alone add tens of thousands of Provides). Naming one gives "unknown".
const PRUNED = /^(librust-.*|libghc-.*|golang-.*-dev)$/;
for (const name of [...best.keys()]) if (PRUNED.test(name)) best.delete(name);

// The table ships inside the extension (the whole index would triple the .vsix), so it keeps
// what Dockerfiles install and what that pulls in: the seeds are Debian's required, important and
// standard packages plus the list below (language runtimes and their package managers, build
// tools, the -dev packages and libraries images commonly install, common command-line tools), and
// their closure over Depends, Pre-Depends and Recommends (every alternative and provider) is kept.
// Naming a package outside the table gives "unknown", never zero; add it to SEEDS to size it.
const SEEDS = /^(python3|python3-(pip|venv|dev|setuptools|wheel|distutils|minimal)|python3\.\d+(-dev|-venv|-minimal)?|python-is-python3|pipx|nodejs|npm|yarnpkg|perl|perl-base|perl-modules-.*|cpanminus|ruby|ruby-dev|ruby-bundler|bundler|rubygems-integration|php|php-cli|php-fpm|php-dev|php-pear|php\d\.\d-.*|composer|default-jdk|default-jdk-headless|default-jre|default-jre-headless|openjdk-\d+-(jdk|jre)(-headless)?|maven|gradle|ant|golang-go|golang|rustc|cargo|ghc|cabal-install|locales|locales-all|tzdata|fonts-liberation2?|fonts-dejavu(-core)?|fonts-noto(-core|-color-emoji)?|fontconfig|ffmpeg|imagemagick|graphicsmagick|libvips-tools|ghostscript|poppler-utils|tesseract-ocr.*|wkhtmltopdf|chromium|chromium-driver|firefox-esr|xvfb|mariadb-client|default-mysql-client|postfix|msmtp|mutt|ca-certificates|gnupg2?|gpg|gpg-agent|dirmngr|unzip|zip|p7zip-full|jq|procps|iproute2|iputils-ping|netcat-openbsd|netcat-traditional|openssh-client|openssh-server|rsync|less|file|xz-utils|bzip2|zstd|tini|dumb-init|gosu|sudo|tar|gzip|patch|lsb-release|apt-transport-https|apt-utils|software-properties-common|dnsutils|bind9-dnsutils|net-tools|supervisor|cron|htop|tree|telnet|socat|strace|lsof|time|debconf-utils|tmux|screen|gettext-base|gettext|moreutils|pkg-config|pkgconf|bash-completion|tcl|tk|lua5\.\d|tclsh|bc|dos2unix|inotify-tools|logrotate|rsyslog|openssl|krb5-user|ldap-utils|sqlite3|postgresql-client(-\d+)?|redis-tools|awscli|ncat|nmap|iptables|tcpdump|traceroute|mtr-tiny|whois|ftp|lftp|s3cmd|parallel|binutils|upx-ucl|build-essential|gcc(-\d+)?|g\+\+(-\d+)?|cpp|make|cmake|ninja-build|meson|autoconf|automake|libtool|libtool-bin|bison|flex|gdb|valgrind|clang(-\d+)?|llvm(-\d+)?|git|git-lfs|subversion|mercurial|curl|wget|nginx|nginx-light|apache2|apache2-utils|vim|vim-tiny|nano|emacs-nox|zsh|fish|bash|dash|postgresql(-\d+)?|postgresql-contrib|mariadb-server|default-mysql-server|redis-server|memcached|sqlite3|libsqlite3-dev|swig|gfortran|nasm|yasm|ccache|protobuf-compiler|golang-go|default-libmysqlclient-dev|libpq-dev|libssl-dev|libffi-dev|zlib1g-dev|libxml2-dev|libxslt1-dev|libjpeg-dev|libjpeg62-turbo-dev|libpng-dev|libfreetype6?-dev|libcurl4-openssl-dev|libbz2-dev|liblzma-dev|libreadline-dev|libncurses-dev|libncurses5-dev|libyaml-dev|libgdbm-dev|libdb-dev|libgmp-dev|libsodium-dev|libzmq3-dev|libmagic-dev|libmagickwand-dev|libgl1|libglib2\.0-0|libsm6|libxext6|libxrender1|libgl1-mesa-glx|libgomp1|libopenblas-dev|liblapack-dev|libblas-dev|libhdf5-dev|libgeos-dev|libproj-dev|gdal-bin|libgdal-dev|libsasl2-dev|libldap2-dev|libkrb5-dev|libsnappy-dev|libicu-dev|libonig-dev|libzip-dev|libevent-dev|libuv1-dev|libboost-all-dev|libboost-dev|libeigen3-dev|libopencv-dev|libpoppler-cpp-dev|libcairo2-dev|libpango1\.0-dev|libgirepository1\.0-dev|libwebp-dev|libtiff-dev|libharfbuzz-dev|libfribidi-dev|libmariadb-dev(-compat)?|unixodbc-dev|libaio1|libnss3|libatk-bridge2\.0-0|libgtk-3-0|libgbm1|libasound2|libxss1|libxtst6|libx11-xcb1|libxcomposite1|libxdamage1|libxrandr2|libcups2|libdrm2|libxkbcommon0)$/;
{
  const seeds = [...best.keys()].filter((n) => SEEDS.test(n) || ['required', 'important', 'standard'].includes(best.get(n).Priority));
  const providers = new Map();
  for (const [n, f] of best) for (const v of relation(f.Provides).split(',').filter(Boolean)) {
    if (!providers.has(v)) providers.set(v, []);
    providers.get(v).push(n);
  }
  const keep = new Set();
  const todo = [...seeds];
  while (todo.length) {
    const n = todo.pop();
    if (keep.has(n) || !best.has(n)) continue;
    keep.add(n);
    const f = best.get(n);
    for (const field of ['Depends', 'Pre-Depends', 'Recommends']) {
      for (const g of relation(f[field]).split(',').filter(Boolean)) for (const a of g.split('|')) {
        if (best.has(a)) todo.push(a);
        for (const p of providers.get(a) ?? []) todo.push(p);
      }
    }
  }
  for (const name of [...best.keys()]) if (!keep.has(name)) best.delete(name);
}

const groups = (v) => [...new Set(relation(v).split(','))].filter(Boolean);
const pkgs = new Map();
for (const [name, f] of best) {
  pkgs.set(name, {
    size: Number(f['Installed-Size'] ?? 0) | 0,
    depends: groups(f.Depends),
    preDepends: groups(f['Pre-Depends']),
    recommends: groups(f.Recommends),
    provides: groups(f.Provides),
  });
}

// Transitive reduction of the hard dependencies, which loses nothing for an install closure:
// when n needs s and s (transitively) needs g, n's own edge to g is redundant. Only edges that
// are a single name (no alternatives) take part, and s must sit strictly below n and g strictly
// below s in the dependency order (neither reaches back), so cycles never drop an edge they need.
const hard = (p) => [...p.depends, ...p.preDepends].filter((g) => !g.includes('|'));
const closures = new Map();
function closure(start) {
  let c = closures.get(start);
  if (c) return c;
  c = new Set();
  const todo = [start];
  while (todo.length) {
    const n = todo.pop();
    const p = pkgs.get(n);
    if (!p) continue;
    for (const d of hard(p)) if (!c.has(d)) { c.add(d); todo.push(d); }
  }
  closures.set(start, c);
  return c;
}
let edgesBefore = 0;
let edgesAfter = 0;
for (const [name, p] of pkgs) {
  const singles = hard(p).filter((s) => !closure(s).has(name));
  const implied = (g) => singles.some((s) => s !== g && closure(s).has(g) && !closure(g).has(s));
  for (const key of ['depends', 'preDepends']) {
    edgesBefore += p[key].length;
    p[key] = p[key].filter((g) => g.includes('|') || !implied(g));
    edgesAfter += p[key].length;
  }
}
closures.clear();

// Every name the table mentions gets an index: real packages and names that appear in a
// relation (virtual packages, or packages outside the table). A provided name that no relation
// mentions is dropped from Provides: nothing resolves through it (a user naming such a virtual
// package gets "unknown").
const all = new Set(pkgs.keys());
for (const p of pkgs.values()) for (const list of [p.depends, p.preDepends, p.recommends]) for (const g of list) for (const a of g.split('|')) all.add(a);
let providesDropped = 0;
for (const p of pkgs.values()) {
  const kept = p.provides.filter((n) => all.has(n));
  providesDropped += p.provides.length - kept.length;
  p.provides = kept;
}
const names = [...all].sort();
const index = new Map(names.map((n, i) => [n, i]));
const enc = (list) => list.map((g) => g.split('|').map((a) => index.get(a).toString(36)).join('|')).join(',');
// Front coding (the npm table's names are stored so in the bundles too): one character (0-9a-zA-Z,
// so at most 61) for the length of the prefix shared with the previous name, then the rest of the name.
const frontCodedNames = frontCoded(names);
const column = (f) => names.map((n) => { const p = pkgs.get(n); return p ? f(p) : ''; }).join('\n');

const table = {
  source: `Debian ${CODENAME} main amd64 package indexes (${SUITES.join(', ')}): Installed-Size, Depends, Pre-Depends, Recommends, Provides`,
  releaseDates: dates,
  generatedOn: new Date().toISOString().slice(0, 10),
  generatedBy: 'node scripts/build-debian-package-table.mjs (after apt-get update)',
  pruned: 'librust-*, libghc-*, golang-*-dev; then only the required/important/standard packages and the commonly installed ones listed in SEEDS in the script, with everything they depend on or recommend',
  format:
    'Columns have one line per name. names: front-coded (one character of 0-9a-zA-Z giving the length of the prefix shared with the previous name, then the rest). ' +
    'sizeKiB: Installed-Size, empty for a name that is not a package here. depends/preDepends/recommends/provides: base-36 name indexes, ' +
    '"," between groups, "|" between alternatives; hard dependencies are transitively reduced.',
  packages: pkgs.size,
  names: frontCodedNames.join('\n'),
  sizeKiB: column((p) => String(p.size)),
  depends: column((p) => enc(p.depends)),
  preDepends: column((p) => enc(p.preDepends)),
  recommends: column((p) => enc(p.recommends)),
  provides: column((p) => enc(p.provides)),
};
const json = JSON.stringify(table);
writeFileSync(OUT, json + '\n');
console.log(
  `${pkgs.size} packages, ${names.length} names; hard edges ${edgesBefore} -> ${edgesAfter} after reduction; ${providesDropped} unreferenced Provides dropped; ` +
    `${(json.length / 1024).toFixed(0)} KiB raw, ${(gzipSync(json, { level: 9 }).length / 1024).toFixed(0)} KiB gzipped -> ${OUT.pathname}`,
);
