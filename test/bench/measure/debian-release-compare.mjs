#!/usr/bin/env node
// How well Debian bookworm's package index stands in for another release's in the apt install
// estimates: for a few common installs, the Installed-Size of what apt would add on each release's
// minbase root (its own package index and base package list, from debian-release.sh), resolved
// the way server/src/sizes/apt.ts resolves them (Pre-Depends, Depends, and Recommends when asked;
// a group is met by any alternative or provider already there, else its first alternative that
// exists, a virtual name by its first provider; the newest version of each package across the
// suites). Also prints the bundled model's figure (out/, after `npx tsc -b`) for bookworm.
// Usage: node test/bench/measure/debian-release-compare.mjs DIR_BOOKWORM DIR_OTHER
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { compareDebianVersions } from '../../../scripts/debian-version.mjs';

const INSTALLS = [
  ['curl', false], ['curl', true], ['ca-certificates', false], ['git', false], ['git', true],
  ['build-essential', false], ['libpq-dev', false], ['python3', false], ['python3-pip', true],
  ['default-jre-headless', false], ['openssh-client', false], ['gnupg', false], ['imagemagick', false],
];

function names(value) {
  if (!value) return [];
  return value.split(',').map((g) => g.split('|').map((a) => a.replace(/\(.*?\)|\[.*?\]|<.*?>/g, '').trim().replace(/:(any|native)$/, '')).filter(Boolean)).filter((g) => g.length);
}

function load(dir) {
  const best = new Map();
  for (const block of readFileSync(`${dir}/Packages`, 'utf8').split(/\n\n+/)) {
    const f = {};
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !/^\s/.test(line)) f[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    if (!f.Package) continue;
    const prev = best.get(f.Package);
    if (!prev || compareDebianVersions(prev.Version, f.Version) < 0) best.set(f.Package, f);
  }
  const providers = new Map();
  for (const [n, f] of best) for (const [v] of names(f.Provides)) (providers.get(v) ?? providers.set(v, []).get(v)).push(n);
  const base = new Set(readFileSync(`${dir}/base-packages.txt`, 'utf8').split('\n').filter(Boolean));
  return { best, providers, base, date: readFileSync(`${dir}/date.txt`, 'utf8').trim() };
}

function closure({ best, providers, base }, pkg, recommends) {
  const present = new Set(base);
  const selected = [];
  const satisfied = (n) => (best.has(n) && present.has(n)) || (providers.get(n) ?? []).some((p) => present.has(p));
  const candidate = (n) => (best.has(n) ? n : providers.get(n)?.[0]);
  const select = (n) => { if (!present.has(n)) { present.add(n); selected.push(n); } };
  if (!satisfied(pkg)) select(candidate(pkg));
  for (let k = 0; k < selected.length; k++) {
    const f = best.get(selected[k]);
    for (const field of ['Pre-Depends', 'Depends', ...(recommends ? ['Recommends'] : [])]) {
      for (const group of names(f[field])) {
        if (group.some(satisfied)) continue;
        const pick = group.map(candidate).find((c) => c !== undefined);
        if (pick !== undefined) select(pick);
      }
    }
  }
  return { count: selected.length, bytes: selected.reduce((s, n) => s + Number(best.get(n)['Installed-Size'] ?? 0) * 1024, 0) };
}

const [dirA, dirB] = process.argv.slice(2);
const a = load(dirA);
const b = load(dirB);
let model;
try {
  model = createRequire(import.meta.url)('../../../out/server/src/sizes/apt.js');
} catch {
  model = undefined;
}
const mb = (n) => (n / 1e6).toFixed(2);
console.log(`| install | ${dirA} | ${dirB} | difference | bundled model (bookworm) |`);
console.log('|---|---:|---:|---:|---:|');
for (const [pkg, rec] of INSTALLS) {
  const x = closure(a, pkg, rec);
  const y = closure(b, pkg, rec);
  const m = model?.estimateAptInstall([pkg], { recommends: rec, basePackages: model.OFFICIAL_BASE_PACKAGES });
  const diff = (((y.bytes - x.bytes) / x.bytes) * 100).toFixed(1);
  console.log(`| \`${pkg}\`${rec ? ' (with Recommends)' : ''} | ${mb(x.bytes)} MB (${x.count}) | ${mb(y.bytes)} MB (${y.count}) | ${diff > 0 ? '+' : ''}${diff}% | ${m ? `${mb(m.installedBytes)} MB (${m.packages.length})` : ''} |`);
}
console.log(`\nIndexes of ${a.date} and ${b.date}; base packages ${a.base.size} and ${b.base.size}.`);
