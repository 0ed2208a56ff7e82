#!/usr/bin/env node
// Builds server/src/sizes/npm-packages.generated.json: for the npm packages Dockerfiles commonly
// install (SEEDS below) and everything they pull in, the unpacked size and file count of each
// version kept, and which rows its dependencies resolve to. The size model resolves
// `npm install <names>` with it (server/src/sizes/npm.ts).
//
// Reproduce: `node scripts/build-npm-package-table.mjs` (asks the registry in $NPM_REGISTRY, by
// default https://registry.npmjs.org; under a minute here: about 2,300 documents and 2,500
// tarballs), then `npx tsc -b --force` (tsc -b does not copy a changed JSON file to out/ again)
// and `npm run bench:npm`.
//
// Versions kept: for each seed, its `latest` dist-tag, and for the seeds in PREVIOUS_LINE_SEEDS
// also the newest version of the previous major line (of the two previous lines for
// TWO_PREVIOUS_LINES) (for 0.x, a "line" is 0.minor, as `^` reads
// it): the versions a Dockerfile written today names or gets (`express@4`, `npm i -g pm2`). More
// lines would multiply the table (with two previous lines for every seed it held 10,500 versions
// instead of about 4,000). Then the closure: every dependency range of a kept version is resolved the way
// npm picks a version from the registry (the `latest` tag when it satisfies the range, else the
// highest satisfying version) and that version is kept too, so the table holds exactly what npm
// would install for the seeds on the day it was built, and nothing else.
//
// Platform: the optional dependencies that carry native binaries (esbuild's @esbuild/*, sharp's
// @img/*, rollup's, swc's, ...) are kept only when their `os`/`cpu`/`libc` fields accept
// linux-x64-glibc, the platform of the Debian-based images the rest of the size model assumes;
// npm skips the others there, and so does the model. Peer dependencies that are not marked
// optional are followed (npm 7 and later installs them).
//
// Sizes: the registry's `dist.unpackedSize` is the sum of the file sizes in the tarball. The
// registry reachable from our development machines serves documents without it, so the script
// downloads each kept tarball and sums the sizes itself (node-tar, the parser npm uses): the same
// definition, measured. It also records the tarball's and the registry document's byte sizes,
// which is what npm's cache (~/.npm/_cacache) stores for each package.
//
// Compactness (the table ships inside the extension, and the .vsix zip deflates it): one row per
// kept version, rows grouped by package name, names sorted; a row's dependencies are the indexes
// of the rows they resolve to, in base 36 (see `format` in the output).
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'tar';
import semver from 'semver';

const OUT = new URL('../server/src/sizes/npm-packages.generated.json', import.meta.url);
const REGISTRY = (process.env.NPM_REGISTRY ?? 'https://registry.npmjs.org').replace(/\/+$/, '');
const PLATFORM = { os: 'linux', cpu: 'x64', libc: 'glibc' };
const CONCURRENCY = 8;

// Packages commonly installed in Dockerfiles: web frameworks and their usual middleware, front-end
// frameworks and build tools, process managers and CLIs installed with -g, database clients and
// ORMs, test and lint tools (in builder stages), and the utilities most dependency lists share.
// Our own choice, from what Dockerfiles and package.json files of Node services usually name.
const SEEDS = [
  // package managers and runtimes' helpers
  'npm', 'yarn', 'pnpm', 'corepack', 'node-gyp', 'npm-check-updates', 'turbo',
  // process managers, servers, CLIs installed globally
  'pm2', 'nodemon', 'serve', 'http-server', 'concurrently', 'cross-env', 'dotenv', 'dotenv-cli', 'rimraf', 'wait-on',
  'typescript', 'ts-node', 'tsx', 'ts-node-dev', 'tsc-watch', 'tslib', '@types/node', '@types/express', '@types/react', '@types/react-dom', '@types/jest', '@types/lodash',
  '@nestjs/cli', '@angular/cli', 'mocha',
  'html-minifier-terser', 'uglify-js', 'terser', 'clean-css', 'svgo', 'zx',
  // back-end frameworks and middleware
  'express', 'fastify', 'koa', '@koa/router', 'koa-bodyparser', '@hapi/hapi', 'polka', 'hono', '@hono/node-server', 'elysia',
  '@nestjs/core', '@nestjs/common', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/config', '@nestjs/typeorm', '@nestjs/mongoose', '@nestjs/swagger', '@nestjs/jwt', '@nestjs/passport', 'reflect-metadata', 'rxjs',
  'body-parser', 'cors', 'helmet', 'morgan', 'compression', 'cookie-parser', 'express-session', 'multer', 'express-validator', 'express-rate-limit', 'http-proxy-middleware', 'serve-static', 'connect-redis',
  '@fastify/cors', '@fastify/static', '@fastify/helmet', '@fastify/swagger', 'fastify-plugin',
  'passport', 'passport-jwt', 'passport-local', 'jsonwebtoken', 'bcrypt', 'bcryptjs', 'argon2', 'jose', 'uuid', 'nanoid',
  'socket.io', 'socket.io-client', 'ws', 'graphql', '@apollo/server', 'graphql-yoga', 'type-graphql', '@trpc/server',
  'swagger-ui-express', 'swagger-jsdoc', 'joi', 'yup', 'zod', 'ajv', 'class-validator', 'class-transformer',
  'winston', 'pino', 'pino-pretty', 'bunyan', 'debug', 'chalk', 'commander', 'yargs', 'inquirer', 'ora',
  // databases, queues, cloud SDKs
  'pg', 'pg-promise', 'mysql', 'mysql2', 'mongodb', 'mongoose', 'redis', 'ioredis', 'sqlite3', 'better-sqlite3', 'knex', 'sequelize', 'typeorm', 'prisma', '@prisma/client', 'drizzle-orm', 'drizzle-kit', 'objection', 'mssql', 'oracledb', 'cassandra-driver', 'neo4j-driver', '@elastic/elasticsearch',
  'amqplib', 'kafkajs', 'bullmq', 'bull', 'nats', 'mqtt',
  'aws-sdk', '@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb', '@google-cloud/storage', '@google-cloud/pubsub', 'firebase-admin', '@azure/storage-blob', '@supabase/supabase-js', 'stripe', 'twilio', 'nodemailer', '@sendgrid/mail', 'openai', '@anthropic-ai/sdk',
  // HTTP clients and utilities
  'axios', 'node-fetch', 'got', 'undici', 'superagent', 'cheerio', 'jsdom',
  'lodash', 'underscore', 'ramda', 'moment', 'moment-timezone', 'dayjs', 'date-fns', 'luxon', 'async', 'bluebird', 'fs-extra', 'glob', 'minimist', 'semver', 'mkdirp', 'qs', 'validator', 'xml2js', 'fast-xml-parser', 'js-yaml', 'yaml', 'csv-parse', 'papaparse', 'handlebars', 'ejs', 'pug', 'mustache', 'marked', 'markdown-it', 'dompurify', 'sanitize-html', 'immer', 'uuid', 'crypto-js', 'node-cron', 'cron', 'archiver', 'adm-zip', 'form-data', 'mime-types', 'cookie', 'colors', 'source-map-support', 'core-js', 'regenerator-runtime', 'tslib',
  // native and heavy packages people install in images
  'sharp', 'canvas', 'puppeteer', 'puppeteer-core', 'playwright', 'playwright-core', '@playwright/test', 'pdfkit', 'pdf-lib', 'xlsx', 'ffmpeg-static', 'sass', 'bufferutil', 'utf-8-validate', 'esbuild', '@swc/core',
  // front end
  'react', 'react-dom', 'react-router-dom', 'react-router', 'next', 'vue', 'vue-router', 'pinia', 'vuex', '@angular/core', '@angular/common', '@angular/compiler', '@angular/platform-browser', '@angular/router', '@angular/forms', 'svelte', '@sveltejs/kit', 'preact', 'solid-js',
  'redux', '@reduxjs/toolkit', 'react-redux', 'zustand', '@tanstack/react-query', 'swr', 'styled-components', '@emotion/react', '@emotion/styled', '@mui/material', 'bootstrap', 'tailwindcss', 'postcss', 'autoprefixer', 'classnames', 'clsx', 'framer-motion', 'three', 'chart.js', 'jquery', 'socket.io-client',
  'vite', '@vitejs/plugin-react', '@vitejs/plugin-vue', 'webpack', 'webpack-cli', 'babel-loader', 'css-loader', 'style-loader', 'html-webpack-plugin', 'mini-css-extract-plugin', 'rollup', 'tsup', 'turbopack',
  '@babel/core', '@babel/cli', '@babel/preset-react', '@babel/preset-typescript', '@babel/runtime',
  // test and lint (builder stages and CI images)
  'jest', 'ts-jest', 'vitest', 'chai', 'sinon', 'supertest', 'c8', '@testing-library/react', '@testing-library/jest-dom',
  'eslint', 'prettier', '@typescript-eslint/parser', '@typescript-eslint/eslint-plugin', 'typescript-eslint', 'eslint-config-prettier', 'stylelint', 'husky', 'lint-staged',
];

// Seeds whose previous major line is still what many Dockerfiles and lockfiles get (`express@4`,
// `react@18`, CommonJS `node-fetch@2` and `chalk@4`, ...): that line's newest version is kept too.
const PREVIOUS_LINE_SEEDS = new Set([
  'express', 'react', 'react-dom', 'next', 'typescript', 'eslint', 'mongoose', 'pm2', 'nodemon', 'axios', 'node-fetch', 'uuid', 'chalk',
  'commander', 'yargs', '@nestjs/core', '@nestjs/common', '@nestjs/platform-express', 'vite', 'prisma', '@prisma/client', 'sharp', 'puppeteer', 'redis', 'mysql2',
  'bcrypt', 'ws', 'socket.io', 'dotenv', 'pnpm', 'npm', 'glob', 'rimraf', 'mkdirp', 'fs-extra', 'tailwindcss', 'vue', 'react-router-dom', '@types/node', 'ts-node', 'sequelize', 'knex', 'pg',
]);
// Seeds whose major lines move fast enough that the line before the previous one is still what
// many package.json files name (typescript went 5 -> 6 -> 7 within 2026; `^5` is common): two
// previous lines for them.
const TWO_PREVIOUS_LINES = new Set(['typescript', 'next', 'eslint', 'vite']);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function get(url, attempt = 0) {
  try {
    const res = await fetch(url, { headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*' } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res;
  } catch (e) {
    if (attempt >= 3) throw e;
    await sleep(500 * (attempt + 1));
    return get(url, attempt + 1);
  }
}

/** name -> { doc, bytes } (the registry document and its size in bytes), fetched once. */
const packuments = new Map();
function packument(name) {
  if (!packuments.has(name)) {
    packuments.set(
      name,
      (async () => {
        const res = await get(`${REGISTRY}/${name.replace('/', '%2f')}`);
        if (!res) return undefined;
        const text = await res.text();
        return { doc: JSON.parse(text), bytes: Buffer.byteLength(text) };
      })(),
    );
  }
  return packuments.get(name);
}

/** Sum of file sizes and file count of a tarball, and its own size. */
async function tarballSizes(url) {
  const res = await get(url);
  if (!res) throw new Error(`tarball not found: ${url}`);
  let bytes = 0;
  let files = 0;
  let tarballBytes = 0;
  const parser = new Parser({
    onReadEntry(entry) {
      if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
        bytes += entry.size;
        files++;
      }
      entry.resume();
    },
  });
  const body = Readable.fromWeb(res.body);
  body.on('data', (chunk) => (tarballBytes += chunk.length));
  await pipeline(body, parser);
  return { bytes, files, tarballBytes };
}

/** npm-install-checks' reading of `os`/`cpu`/`libc`: a list of allowed values, or of `!excluded` ones. */
function allows(list, value) {
  if (list === undefined || list === null) return true;
  const values = Array.isArray(list) ? list : [list];
  if (values.length === 0 || values.includes('any')) return true;
  if (values.includes(`!${value}`)) return false;
  const positive = values.filter((v) => !v.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}
const fitsPlatform = (m) => allows(m.os, PLATFORM.os) && allows(m.cpu, PLATFORM.cpu) && allows(m.libc, PLATFORM.libc);

/**
 * The version npm would install for `spec` of `name` (npm-pick-manifest, simplified): a dist-tag
 * names its version; for a range, `latest` when it satisfies it, else the highest satisfying
 * version. Returns undefined for specs that are not registry ranges (git, file, URLs).
 */
function pick(doc, spec) {
  const tags = doc['dist-tags'] ?? {};
  const versions = Object.keys(doc.versions ?? {});
  const s = spec.trim() === '' ? '*' : spec.trim();
  if (tags[s]) return tags[s];
  if (semver.validRange(s, { loose: true }) === null) return undefined;
  if (tags.latest && semver.satisfies(tags.latest, s, { loose: true })) return tags.latest;
  return semver.maxSatisfying(versions, s, { loose: true }) ?? undefined;
}

/** `npm:real@range` aliases: the real name and range. */
function unalias(name, spec) {
  const m = /^npm:((?:@[^/]+\/)?[^@]+)(?:@(.*))?$/.exec(spec.trim());
  return m ? { name: m[1], spec: m[2] ?? '*' } : { name, spec };
}

/**
 * The seed versions: `latest`, and for PREVIOUS_LINE_SEEDS the newest version of the previous line
 * (major line, or 0.minor line while the package is at 0.x; a package past 1.0 gets no 0.x line).
 */
function seedVersions(doc) {
  const latest = doc['dist-tags']?.latest;
  if (!latest || !semver.valid(latest) || !PREVIOUS_LINE_SEEDS.has(doc.name)) return latest ? [latest] : [];
  const line = (v) => (semver.major(v) === 0 ? `0.${semver.minor(v)}` : `${semver.major(v)}`);
  const lines = new Map();
  for (const v of Object.keys(doc.versions)) {
    if (!semver.valid(v) || semver.prerelease(v) || semver.gt(v, latest)) continue;
    if (semver.major(latest) > 0 && semver.major(v) === 0) continue;
    const l = line(v);
    if (l === line(latest)) continue;
    if (!lines.has(l) || semver.gt(v, lines.get(l))) lines.set(l, v);
  }
  return [latest, ...[...lines.values()].sort(semver.rcompare).slice(0, TWO_PREVIOUS_LINES.has(doc.name) ? 2 : 1)];
}

// ---- closure ----
const now = Date.now();
/** "name@version" -> { name, version, manifest, deps: [{ key, mark }], unknown: [names] } */
const rows = new Map();
const unresolved = new Set();
const queue = [];

async function keep(name, version) {
  const key = `${name}@${version}`;
  if (rows.has(key)) return key;
  const p = await packument(name);
  const manifest = p?.doc.versions?.[version];
  if (!manifest) return undefined;
  if (rows.has(key)) return key;
  rows.set(key, { name, version, manifest, deps: [], unknown: [], reads: [] });
  queue.push(key);
  return key;
}

async function resolve(name, spec) {
  const real = unalias(name, spec);
  const p = await packument(real.name);
  if (!p) return undefined;
  const v = pick(p.doc, real.spec);
  return v === undefined ? undefined : { name: real.name, version: v, manifest: p.doc.versions[v] };
}

async function expand(key) {
  const row = rows.get(key);
  const m = row.manifest;
  const edges = [];
  const optional = m.optionalDependencies ?? {};
  // The mark says what kind of edge it is ('' dependency, '~' optional, '^' peer), so the model
  // can follow `--omit=optional` and `--legacy-peer-deps`.
  for (const [n, s] of Object.entries(m.dependencies ?? {})) if (!(n in optional)) edges.push([n, s, '']);
  for (const [n, s] of Object.entries(optional)) edges.push([n, s, '~']);
  const peerMeta = m.peerDependenciesMeta ?? {};
  for (const [n, s] of Object.entries(m.peerDependencies ?? {})) if (!peerMeta[n]?.optional && !(n in (m.dependencies ?? {}))) edges.push([n, s, '^']);
  // npm also reads the registry documents of optional peers it does not install, and those of
  // their own peers (NestJS's optional @nestjs/microservices brings kafkajs, mqtt, amqplib...), and
  // keeps them in its cache: recorded by name (`reads`), for the cache estimate.
  const readPeers = async (manifest, depth) => {
    const meta = manifest.peerDependenciesMeta ?? {};
    for (const [n, spec] of Object.entries(manifest.peerDependencies ?? {})) {
      if (depth === 0 && (!meta[n]?.optional || n in (manifest.dependencies ?? {}))) continue;
      if (row.reads.includes(n)) continue;
      const target = await resolve(n, String(spec));
      if (!target) continue;
      row.reads.push(target.name);
      if (depth < 2) await readPeers(target.manifest, depth + 1);
    }
  };
  await readPeers(m, 0);
  // Bundled dependencies ship inside the package's own tarball (npm itself bundles all of its
  // own): their bytes are already in its size, and npm does not fetch them again.
  const bundled = m.bundleDependencies ?? m.bundledDependencies;
  const isBundled = (n) => bundled === true || (Array.isArray(bundled) && bundled.includes(n));
  for (const [n, s, mark] of edges) {
    if (isBundled(n)) continue;
    const opt = mark === '~';
    const target = await resolve(n, String(s));
    if (!target) {
      if (!opt) {
        row.unknown.push(n);
        unresolved.add(`${n}@${s}`);
      }
      continue;
    }
    if (opt && !fitsPlatform(target.manifest)) {
      // Another platform's binary: not installed, but npm read its document to find that out.
      row.reads.push(target.name);
      continue;
    }
    const k = await keep(target.name, target.version);
    if (k && k !== key && !row.deps.some((d) => d.key === k)) row.deps.push({ key: k, mark });
  }
}

async function pool(items, fn) {
  let i = 0;
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (i < items.length) {
      const item = items[i++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

const seeds = [...new Set(SEEDS)];
const seedKeys = new Set();
const missingSeeds = [];
await pool(seeds, async (name) => {
  const p = await packument(name);
  if (!p) {
    missingSeeds.push(name);
    return;
  }
  for (const v of seedVersions(p.doc)) {
    const k = await keep(name, v);
    if (k) seedKeys.add(k);
  }
});
while (queue.length) {
  const batch = queue.splice(0, queue.length);
  await pool(batch, expand);
}
process.stderr.write(`${rows.size} package versions from ${seeds.length} seeds; measuring tarballs\n`);
if (process.env.DSH_NPM_TABLE_STATS) {
  // How many versions each seed version pulls in: to choose what the table can afford.
  const closure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const d of rows.get(key).deps) closure(d.key, seen);
    return seen;
  };
  const sizes = [...seedKeys].map((k) => [k, closure(k).size]).sort((a, b) => b[1] - a[1]);
  for (const [k, n] of sizes) console.log(`${n}\t${k}`);
  console.log(`${rows.size}\tall`);
  process.exit(0);
}

let done = 0;
await pool([...rows.keys()], async (key) => {
  const row = rows.get(key);
  Object.assign(row, await tarballSizes(row.manifest.dist.tarball));
  if (++done % 250 === 0) process.stderr.write(`  ${done}/${rows.size}\n`);
});

// ---- output ----
const keys = [...rows.keys()].sort((a, b) => {
  const ra = rows.get(a);
  const rb = rows.get(b);
  return ra.name < rb.name ? -1 : ra.name > rb.name ? 1 : semver.compare(ra.version, rb.version);
});
const index = new Map(keys.map((k, i) => [k, i]));
// Every name: the packages with versions kept, and those whose documents npm only reads.
const names = [...new Set([...[...rows.values()].map((r) => r.name), ...[...rows.values()].flatMap((r) => r.reads)])].sort();
const nameIndex = new Map(names.map((n, i) => [n, i]));
const packages = [];
for (const name of names) {
  const p = await packument(name);
  const held = keys.filter((k) => rows.get(k).name === name);
  const latest = p.doc['dist-tags']?.latest ?? '';
  // '' when `latest` is the newest version kept (most packages): the model reads it so.
  const entry = [name, p.bytes, held.length && latest === rows.get(held[held.length - 1]).version ? '' : latest];
  for (const key of held) {
    const row = rows.get(key);
    const deps = [...row.deps.map((d) => d.mark + index.get(d.key).toString(36)), ...[...new Set(row.reads)].map((n) => `?${nameIndex.get(n).toString(36)}`)].join(',');
    entry.push([row.version, row.bytes, row.files, row.tarballBytes, deps, row.unknown.join(',')].join(';'));
  }
  packages.push(entry.join('\t'));
}
const table = {
  source: REGISTRY,
  generatedOn: new Date(now).toISOString().slice(0, 10),
  platform: `${PLATFORM.os}-${PLATFORM.cpu}-${PLATFORM.libc}`,
  generator: 'scripts/build-npm-package-table.mjs',
  format:
    'packages: one line per package, sorted by name, tab-separated: name, bytes of the registry document, its latest dist-tag ("" when that is the last version kept), then one field per version kept, in version order. ' +
    'A version is semicolon-separated: version, unpacked bytes (sum of file sizes in the tarball), file count, tarball bytes, ' +
    'dependencies (comma-separated base-36 indexes of versions counted across all packages in order, each prefixed by ~ when optional and ^ when a peer, and ?-prefixed base-36 indexes of packages whose registry document npm reads without installing them: other platforms, optional peers), ' +
    'names of dependencies that do not resolve to a registry version (comma-separated, usually empty). A package without versions is one whose document npm only reads. ' +
    'One string rather than nested arrays: the bundle then carries a single string literal, which costs the language server less to load than a large object literal. ' +
    'seeds: base-36 indexes of the versions kept as seeds.',
  seeds: [...seedKeys].map((k) => index.get(k)).sort((a, b) => a - b).map((i) => i.toString(36)).join(','),
  packages: packages.join('\n'),
};
const json = JSON.stringify(table);
writeFileSync(OUT, json + '\n');
process.stderr.write(
  `wrote ${OUT.pathname}: ${names.length} packages (${packages.filter((p) => p.split('\t').length === 3).length} only read), ${keys.length} versions, ${json.length} bytes, ${gzipSync(json).length} gzipped` +
    (missingSeeds.length ? `; seeds not in the registry: ${missingSeeds.join(', ')}` : '') +
    (unresolved.size ? `; unresolved specs: ${[...unresolved].slice(0, 20).join(', ')}` : '') +
    '\n',
);
