/**
 * Measures what each size smell costs with real builds: pairs of Dockerfiles (smelly and fixed)
 * built by a private Docker Engine (Debian's docker.io) on a Debian bookworm base made with
 * debootstrap plus the official images' apt configuration (test/support/engine). Records the
 * layer sizes the engine reports and, for apt installs, what the size model predicted.
 *
 * Writes test/bench/measure/results.json, server/src/sizes/constants.ts (the figures the rules
 * cite, generated from the results) and server/src/sizes/debian-base-packages.generated.json,
 * then prints a table. `npm run bench:measure`; needs root and Debian's mirror (apt inside the
 * builds); installs its Debian packages itself (test/setup/install-system-deps.sh).
 * `npm run bench:measure -- go-build-cache` measures only the named toolchain cases
 * (./toolchains.ts) and merges them into the existing results.json; `-- apt-installs` measures
 * only the apt installs (predicted against measured) and replaces that part of it.
 */
import { existsSync, lstatSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BARE_IMAGE, OFFICIAL_LIKE_IMAGE, ensureBaseImages, engineGet, run, startEngine, type Engine } from '../../support/engine';
import { estimateAptInstall, recommendsCost, type AptOptions } from '../../../server/src/sizes/apt';
import { renderConstants } from './constants-template';
import { TOOLCHAIN_CASES, type CaseKit, type ToolchainCase } from './toolchains';
import type { AptPrediction, BuildResult, LayerSize, Measurement, Results } from './types';

const ROOT = resolve(__dirname, '../../../..');
const HERE = join(ROOT, 'test/bench/measure');
const log = (m: string) => process.stderr.write(`[bench:measure] ${m}\n`);

async function installSystemDeps(): Promise<void> {
  const script = join(ROOT, 'test/setup/install-system-deps.sh');
  const r = existsSync(script)
    ? await run('bash', [script], { echo: true, timeoutMs: 1_800_000 })
    : await run('apt-get', ['-o', 'DPkg::Lock::Timeout=900', 'install', '-y', '--no-install-recommends', 'docker.io', 'debootstrap'], {
        echo: true,
        timeoutMs: 1_800_000,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
  if (r.code !== 0) throw new Error(`installing the bench's Debian packages failed:\n${r.stderr.slice(-2000)}`);
}

/** Per-layer sizes from the Engine API (exact bytes; `docker history` rounds them). */
async function history(engine: Engine, image: string): Promise<LayerSize[]> {
  const r = await engineGet(engine.socket, `/images/${encodeURIComponent(image)}/history`, 10_000);
  if (r.status !== 200) throw new Error(`history of ${image}: HTTP ${r.status} ${r.body}`);
  const rows = JSON.parse(r.body) as { CreatedBy: string; Size: number }[];
  // The API lists the newest layer first.
  return rows.reverse().map((l) => ({ createdBy: l.CreatedBy.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').trim(), bytes: l.Size }));
}

async function imageSize(engine: Engine, image: string): Promise<number> {
  const r = await engineGet(engine.socket, `/images/${encodeURIComponent(image)}/json`, 10_000);
  if (r.status !== 200) throw new Error(`inspect ${image}: HTTP ${r.status}`);
  return (JSON.parse(r.body) as { Size: number }).Size;
}

let buildCounter = 0;

/**
 * Builds a Dockerfile (the base image's layers are excluded from `addedLayers`) and returns the
 * sizes of the layers it added. `files` are written into the build context first.
 */
async function build(
  engine: Engine,
  dockerfile: string,
  opts: { network: 'host' | 'none'; files?: Record<string, string>; tag?: string; buildkit?: boolean },
): Promise<BuildResult> {
  const ctx = mkdtempSync(join(tmpdir(), 'dsh-bench-ctx-'));
  const tag = opts.tag ?? `localhost/dsh-bench:${++buildCounter}`;
  try {
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
    for (const [name, content] of Object.entries(opts.files ?? {})) {
      mkdirSync(join(ctx, name, '..'), { recursive: true });
      writeFileSync(join(ctx, name), content);
    }
    const started = Date.now();
    const r = await engine.docker(['build', '--network', opts.network, '-t', tag, ctx], {
      timeoutMs: 1_200_000,
      env: opts.buildkit ? { DOCKER_BUILDKIT: '1' } : undefined,
    });
    if (r.code !== 0) throw new Error(`docker build failed for:\n${dockerfile}\n${(r.stdout + r.stderr).slice(-3000)}`);
    const from = /^FROM\s+(\S+)/m.exec(dockerfile)?.[1] ?? '';
    const baseLayers = (await history(engine, from)).length;
    const layers = await history(engine, tag);
    return {
      dockerfile,
      addedLayers: layers.slice(baseLayers),
      imageBytes: await imageSize(engine, tag),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

const lastLayer = (b: BuildResult) => b.addedLayers[b.addedLayers.length - 1]?.bytes ?? 0;

async function measurePair(
  engine: Engine,
  m: { id: string; title: string; base: string; network: 'host' | 'none'; smelly: string; fixed: string; files?: Record<string, string>; note: string },
): Promise<Measurement> {
  log(`${m.id}: ${m.title}`);
  const smelly = await build(engine, m.smelly, { network: m.network, files: m.files });
  const smellyTag = `localhost/dsh-bench:${buildCounter}`;
  const fixed = await build(engine, m.fixed, { network: m.network, files: m.files });
  // What the smelly image holds in the places the fixes clean, for the record.
  const contents = await engine.dockerOk(['run', '--rm', '--network', 'none', smellyTag, 'sh', '-c', 'du -ab /var/lib/apt/lists /var/cache/apt /root/.cache 2>/dev/null | sort -k2 | grep -v /partial']);
  return { id: m.id, title: m.title, base: m.base, smelly, fixed, deltaBytes: smelly.imageBytes - fixed.imageBytes, smellyContents: contents.trim().split('\n'), note: m.note };
}

const INSTALL = (pkgs: string, recommends: boolean) =>
  `apt-get update && apt-get install -y ${recommends ? '' : '--no-install-recommends '}${pkgs} && rm -rf /var/lib/apt/lists/*`;

/** A small Python script, run inside the image, that writes a wheel of `mb` MB of random bytes. */
const MAKE_WHEEL = `
import os, sys, zipfile, hashlib, base64
mb = int(sys.argv[1])
d = '/srv/index/simple/dsh-demo'
os.makedirs(d, exist_ok=True)
name = 'dsh_demo-1.0-py3-none-any.whl'
files = {'dsh_demo/__init__.py': b'', 'dsh_demo/blob.bin': os.urandom(mb * 1024 * 1024),
         'dsh_demo-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: dsh-demo\\nVersion: 1.0\\n',
         'dsh_demo-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\\nGenerator: dsh\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}
record = ''
with zipfile.ZipFile(os.path.join(d, name), 'w', zipfile.ZIP_DEFLATED) as z:
    for n, data in files.items():
        z.writestr(n, data)
        h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
        record += f'{n},sha256={h},{len(data)}\\n'
    record += 'dsh_demo-1.0.dist-info/RECORD,,\\n'
    z.writestr('dsh_demo-1.0.dist-info/RECORD', record)
with open(os.path.join(d, 'index.html'), 'w') as f:
    f.write(f'<html><body><a href="{name}">{name}</a></body></html>')
print(os.path.getsize(os.path.join(d, name)))
`;

/**
 * A loopback package index that answers like PyPI's file host: wheel files come with a year-long
 * `Cache-Control` (pip's HTTP cache keeps a response only when it is cacheable, and PyPI's files
 * are), index pages with none.
 */
const SERVE_INDEX = `
import functools, http.server
class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        if self.path.endswith('.whl'):
            self.send_header('Cache-Control', 'max-age=365000000, immutable, public')
        super().end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', 8765), functools.partial(Handler, directory='/srv/index')).serve_forever()
`;

/**
 * Starts the index inside the build container, waits for it (bounded polling), then runs pip.
 * pip caches only responses from secure or trusted origins (PyPI is https), so the loopback index
 * is named a trusted host.
 */
const PIP_INSTALL = (flags: string) =>
  `(python3 /srv/serve_index.py &) && ` +
  `for i in $(seq 1 100); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8765/simple/')" 2>/dev/null && break; sleep 0.1; done && ` +
  `pip install ${flags}--trusted-host 127.0.0.1 --break-system-packages --index-url http://127.0.0.1:8765/simple/ dsh-demo`;

/** Sum of the sizes of files matching a find(1) expression inside an image. */
async function bytesOfFiles(engine: Engine, image: string, findArgs: string): Promise<number> {
  const out = await engine.dockerOk(['run', '--rm', '--network', 'none', image, 'sh', '-c', `find / -xdev ${findArgs} -type f -printf '%s\\n' | awk '{s+=$1} END {print s+0}'`]);
  return Number(out.trim());
}

async function packageVersions(engine: Engine, image: string): Promise<Map<string, string>> {
  const out = await engine.dockerOk(['run', '--rm', '--network', 'none', image, 'dpkg-query', '-W', '-f', '${Package} ${Version}\\n']);
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

interface AptBuild {
  packages: string[];
  recommends: boolean;
  build: BuildResult;
  /** The layer's bytes by where they are (see layerParts). */
  parts: Record<string, number>;
  /** Packages dpkg lists in the built image, with versions. */
  versions: Map<string, string>;
  /** Bytes of .pyc files in the image (the base has no Python, so all come from this layer). */
  pycBytes: number;
}

async function aptBuild(engine: Engine, pkgs: string[], recommends: boolean): Promise<AptBuild> {
  log(`apt install ${pkgs.join(' ')} (${recommends ? 'with' : 'without'} Recommends)`);
  const b = await build(engine, `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN ${INSTALL(pkgs.join(' '), recommends)}\n`, { network: 'host' });
  const tag = `localhost/dsh-bench:${buildCounter}`;
  return { packages: pkgs, recommends, build: b, parts: await layerParts(engine, tag), versions: await packageVersions(engine, tag), pycBytes: await bytesOfFiles(engine, tag, "-name '*.pyc'") };
}

/** Where a layer's bytes are that the packages' files are not: dpkg's and debconf's records, logs, ld.so.cache. */
const LAYER_PARTS: [string, RegExp][] = [
  ['dpkg status and status-old', /^\/var\/lib\/dpkg\/status(-old)?$/],
  ['dpkg info', /^\/var\/lib\/dpkg\/info\//],
  ['debconf templates.dat', /^\/var\/cache\/debconf\/templates\.dat$/],
  ['debconf templates.dat-old', /^\/var\/cache\/debconf\/templates\.dat-old$/],
  ['debconf other', /^\/var\/cache\/debconf\//],
  ['logs', /^\/var\/log\//],
  ['ld.so.cache', /^\/(etc\/ld\.so\.cache|var\/cache\/ldconfig\/)/],
  ['/etc/ssl/certs', /^\/etc\/ssl\/certs\//],
  ['.pyc', /\.pyc$/],
];

/**
 * The bytes of an image's last layer by LAYER_PARTS ('rest': the packages' files and all else),
 * read from the layer's own directory (overlay2's diff, on this machine since the engine is ours).
 * Counts what the engine counts: files and symlinks by their size, no directories; a hard link once.
 */
async function layerParts(engine: Engine, image: string): Promise<Record<string, number>> {
  const dir = (await engine.dockerOk(['inspect', '-f', '{{.GraphDriver.Data.UpperDir}}', image])).trim();
  const parts: Record<string, number> = {};
  const seen = new Set<string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const st = lstatSync(join(dir, path));
      if (st.nlink > 1 && !st.isSymbolicLink()) {
        if (seen.has(`${st.dev}:${st.ino}`)) continue;
        seen.add(`${st.dev}:${st.ino}`);
      }
      const part = LAYER_PARTS.find(([, re]) => re.test(path))?.[0] ?? 'rest';
      parts[part] = (parts[part] ?? 0) + st.size;
    }
  };
  walk('');
  return parts;
}

const pct = (predicted: number, measured: number) => Math.round(((predicted - measured) / measured) * 1000) / 10;

function compare(a: AptBuild, baseVersions: Map<string, string>, bytecodeRatio: number, bookkeeping: AptOptions['bookkeeping']): AptPrediction {
  const base = new Set(baseVersions.keys());
  const est = estimateAptInstall(a.packages, { recommends: a.recommends, basePackages: base, bytecodeRatio, bookkeeping });
  const measured = lastLayer(a.build);
  const added = [...a.versions.keys()].filter((p) => !base.has(p)).sort();
  const predicted = new Set(est.packages);
  return {
    packages: a.packages,
    recommends: a.recommends,
    measuredLayerBytes: measured,
    measuredPycBytes: a.pycBytes,
    predictedInstalledBytes: est.installedBytes,
    predictedBytecodeBytes: est.bytecodeBytes,
    predictedBytes: est.bytes,
    errorPct: pct(est.bytes, measured),
    installedSizeOnlyErrorPct: pct(est.installedBytes, measured),
    predictedBookkeepingBytes: est.bookkeepingBytes,
    withoutBookkeepingErrorPct: pct(est.bytes - est.bookkeepingBytes, measured),
    layerParts: a.parts,
    measuredPackageCount: added.length,
    addedPackages: added,
    predictedPackageCount: est.packages.length,
    missedPackages: added.filter((p) => !predicted.has(p)),
    extraPackages: est.packages.filter((p) => !a.versions.has(p)),
    upgradedBasePackages: [...baseVersions].filter(([p, v]) => a.versions.has(p) && a.versions.get(p) !== v).map(([p, v]) => `${p} ${v} -> ${a.versions.get(p)}`),
    unknown: [...est.unknown],
    dockerfile: a.build.dockerfile,
  };
}

/**
 * Sets measured with and without Recommends (the first is the one the .pyc ratio is fitted on),
 * then sets measured without them only (installs of a few MB, where the bookkeeping shows).
 */
const APT_SETS = [['python3'], ['curl'], ['build-essential'], ['git'], ['python3-pip'], ['openssh-client']];
const APT_SETS_LEAN = [['ca-certificates'], ['ca-certificates', 'libssl3'], ['tzdata'], ['locales'], ['gnupg'], ['libpq-dev'], ['postgresql-client'], ['nginx'], ['build-essential', 'libpq-dev']];

/**
 * apt installs: predicted vs measured. The .pyc ratio is fitted on python3 alone (the first set)
 * and the bookkeeping on the sets that neither upgrade a base package nor register debconf
 * templates; both are then used unchanged for every set, which tests them.
 */
async function measureAptInstalls(engine: Engine, basePackages: readonly string[]): Promise<Pick<Results, 'bytecode' | 'aptPredictions' | 'recommends'> & { aptBookkeeping: NonNullable<Results['aptBookkeeping']> }> {
  const base = new Set(basePackages);
  const baseVersions = await packageVersions(engine, OFFICIAL_LIKE_IMAGE);
  const builds: AptBuild[] = [];
  for (const set of APT_SETS) for (const recommends of [false, true]) builds.push(await aptBuild(engine, set, recommends));
  for (const set of APT_SETS_LEAN) builds.push(await aptBuild(engine, set, false));
  const fit = builds[0] as AptBuild;
  const fitCompiled = estimateAptInstall(fit.packages, { recommends: false, basePackages: base, bytecodeRatio: 1 }).bytecodeBytes;
  const bytecodeRatio = Math.round((fit.pycBytes / fitCompiled) * 1000) / 1000;
  const debconfTemplatesBytes = Number((await engine.dockerOk(['run', '--rm', '--network', 'none', OFFICIAL_LIKE_IMAGE, 'stat', '-c', '%s', '/var/cache/debconf/templates.dat'])).trim());
  const plain = (b: AptBuild) => estimateAptInstall(b.packages, { recommends: b.recommends, basePackages: base, bytecodeRatio, bookkeeping: { layer: 0, debconfTemplates: 1, caCertificates: 1 } });
  const clean = builds.filter((b) => plain(b).bookkeepingBytes === 0 && [...baseVersions].every(([p, v]) => b.versions.get(p) === v));
  const residuals = clean.map((b) => lastLayer(b.build) - plain(b).installedBytes - b.pycBytes).sort((x, y) => x - y);
  const mid = residuals.length >> 1;
  const layerBytes = Math.round(residuals.length % 2 ? residuals[mid]! : (residuals[mid - 1]! + residuals[mid]!) / 2);
  // What ca-certificates' postinst (update-ca-certificates) writes: the bundle and a link per certificate.
  const caBuild = builds.find((b) => b.packages.join() === 'ca-certificates' && !b.recommends);
  const caCertificatesBytes = caBuild?.parts['/etc/ssl/certs'] ?? 0;
  const bookkeeping = { layer: layerBytes, debconfTemplates: debconfTemplatesBytes, caCertificates: caCertificatesBytes };
  const predictions = builds.map((b) => compare(b, baseVersions, bytecodeRatio, bookkeeping));
  const recommends = [];
  for (const set of APT_SETS) {
    const without = predictions.find((p) => p.packages.join() === set.join() && !p.recommends);
    const withRec = predictions.find((p) => p.packages.join() === set.join() && p.recommends);
    if (!without || !withRec) continue;
    const measuredDelta = withRec.measuredLayerBytes - without.measuredLayerBytes;
    const predictedDelta = recommendsCost(set, { basePackages: base, bytecodeRatio, bookkeeping }).bytes;
    recommends.push({ packages: set, measuredDeltaBytes: measuredDelta, predictedDeltaBytes: predictedDelta, errorPct: pct(predictedDelta, measuredDelta) });
  }
  return {
    bytecode: { ratio: bytecodeRatio, fittedOn: fit.packages.join(' '), pycBytes: fit.pycBytes, compiledInstalledBytes: fitCompiled },
    aptPredictions: predictions,
    recommends,
    aptBookkeeping: {
      id: 'apt-installs',
      layerBytes,
      fittedOn: clean.map((b) => `${b.packages.join(' ')}${b.recommends ? '' : ' --no-install-recommends'}`),
      debconfTemplatesBytes,
      caCertificatesBytes,
      measuredOn: new Date().toISOString(),
    },
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/**
 * A second `apt-get update` in a later RUN of the stage, the first RUN having kept its lists: what
 * its layer holds of the lists (the saving of removing them in that RUN). Built right after the
 * first, the mirror unchanged, apt rewrites the InRelease files only and leaves the Packages lists
 * in the earlier layer; a mirror that changed in between has its changed lists written again.
 * Runs alone too: `npm run bench:measure -- apt-lists-second-update`.
 */
const APT_SECOND_UPDATE: ToolchainCase = {
  id: 'apt-lists-second-update',
  title: 'apt lists a second `apt-get update` writes in a later RUN when the first RUN kept its lists (mirror unchanged)',
  measure: async (kit) => ({
    ...(await measurePair(kit.engine, {
      id: 'apt-lists-second-update',
      title: 'apt lists a second `apt-get update` writes in a later RUN when the first RUN kept its lists (mirror unchanged)',
      base: OFFICIAL_LIKE_IMAGE,
      network: 'host',
      smelly: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN apt-get update && apt-get install -y --no-install-recommends less\nRUN apt-get update && apt-get install -y --no-install-recommends file\n`,
      fixed: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN apt-get update && apt-get install -y --no-install-recommends less\nRUN apt-get update && apt-get install -y --no-install-recommends file && rm -rf /var/lib/apt/lists/*\n`,
      note: 'the two builds share the first layer (cached); the delta is what the second layer holds of the lists: the InRelease files apt rewrites on each update, the Packages lists staying in the first layer while the mirror has not changed',
    })),
    measuredOn: new Date().toISOString(),
  }),
};

/** The cases `npm run bench:measure -- <id>` runs alone (besides apt-installs). */
const ALONE_CASES: ToolchainCase[] = [...TOOLCHAIN_CASES, APT_SECOND_UPDATE];

function caseKit(engine: Engine): CaseKit {
  return {
    engine,
    officialImage: OFFICIAL_LIKE_IMAGE,
    log,
    build: (dockerfile, opts) => build(engine, dockerfile, opts),
    contents: async (image, paths) =>
      // Apparent sizes, directories included (the engine counts file bytes only), two levels deep.
      (await engine.dockerOk(['run', '--rm', '--network', 'none', image, 'sh', '-c', `du -b --max-depth=2 ${paths} 2>/dev/null | sort -k2`]))
        .trim()
        .split('\n'),
  };
}

/**
 * `npm run bench:measure -- ID...`: measures only the named toolchain cases and merges them into
 * the existing results.json (a measurement with the same id is replaced, all others are kept),
 * then regenerates constants.ts from the merged results.
 */
async function measureOnly(engine: Engine, ids: string[]): Promise<void> {
  const unknown = ids.filter((id) => id !== 'apt-installs' && !ALONE_CASES.some((c) => c.id === id));
  if (unknown.length) throw new Error(`no such case: ${unknown.join(', ')} (cases that run alone: apt-installs, ${ALONE_CASES.map((c) => c.id).join(', ')})`);
  const bases = await ensureBaseImages(engine, log);
  const file = join(HERE, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const kit = caseKit(engine);
  let apt: Awaited<ReturnType<typeof measureAptInstalls>> | undefined;
  if (ids.includes('apt-installs')) {
    // The whole apt part is replaced (its .pyc fit and bookkeeping go with its sets); the base's
    // package list is the model's too.
    apt = await measureAptInstalls(engine, bases.officialLikePackages);
    Object.assign(results, apt);
  }
  for (const id of ids.filter((x) => x !== 'apt-installs')) {
    const m = await ALONE_CASES.find((c) => c.id === id)!.measure(kit);
    const at = results.measurements.findIndex((x) => x.id === id);
    if (at >= 0) results.measurements[at] = m;
    else results.measurements.push(m);
  }
  results.partialRuns = [
    ...(results.partialRuns ?? []),
    { date: new Date().toISOString(), command: `npm run bench:measure -- ${ids.join(' ')}`, engine: engine.version, cases: ids },
  ];
  writeFileSync(file, JSON.stringify(results, null, 1) + '\n');
  writeFileSync(join(ROOT, 'server/src/sizes/constants.ts'), renderConstants(results));
  printTable({ ...results, date: results.partialRuns[results.partialRuns.length - 1]!.date, measurements: results.measurements.filter((m) => ids.includes(m.id)), aptPredictions: apt?.aptPredictions ?? [], recommends: apt?.recommends ?? [] });
}

async function main(): Promise<void> {
  if (process.env.DSH_SKIP_INSTALL !== '1') await installSystemDeps();
  const engine = await startEngine();
  log(`dockerd ${engine.version} in ${engine.dir}`);
  const only = process.argv.slice(2);
  try {
    if (only.length) return await measureOnly(engine, only);
    const bases = await ensureBaseImages(engine, log);
    const officialBytes = await imageSize(engine, OFFICIAL_LIKE_IMAGE);
    const bareBytes = await imageSize(engine, BARE_IMAGE);
    const measurements: Measurement[] = [];
    const O = OFFICIAL_LIKE_IMAGE;

    measurements.push(
      await measurePair(engine, {
        id: 'apt-lists',
        title: 'apt lists left by `apt-get update` (DL3009)',
        base: O,
        network: 'host',
        smelly: `FROM ${O}\nRUN apt-get update\n`,
        fixed: `FROM ${O}\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\n`,
        note: 'bookworm, bookworm-updates, bookworm-security main amd64, kept compressed on disk (Acquire::GzipIndexes; apt 2.6 picks lz4), no translations',
      }),
    );
    measurements.push(
      await measurePair(engine, {
        id: 'apt-lists-bare',
        title: 'apt lists and caches left by `apt-get update` on a bare debootstrap (none of the official apt settings)',
        base: BARE_IMAGE,
        network: 'host',
        smelly: `FROM ${BARE_IMAGE}\nRUN apt-get update\n`,
        fixed: `FROM ${BARE_IMAGE}\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\n`,
        note: 'debootstrap leaves the uncompressed bookworm main Packages list in the base, so the delta is only what update adds (Translation-en); pkgcache.bin and srcpkgcache.bin stay even after rm -rf lists. See smellyContents for the full lists.',
      }),
    );
    measurements.push(
      await measurePair(engine, {
        id: 'apt-lists-with-install',
        title: 'apt lists kept next to an install (curl, --no-install-recommends)',
        base: O,
        network: 'host',
        smelly: `FROM ${O}\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n`,
        fixed: `FROM ${O}\nRUN ${INSTALL('curl', false)}\n`,
        note: 'the same saving as apt-lists, seen in a realistic RUN',
      }),
    );
    measurements.push(
      await measurePair(engine, {
        id: 'apt-clean-official',
        title: '`apt-get clean` after an install, official-like base',
        base: O,
        network: 'host',
        smelly: `FROM ${O}\nRUN ${INSTALL('curl', false)}\n`,
        fixed: `FROM ${O}\nRUN ${INSTALL('curl', false)} && apt-get clean\n`,
        note: 'docker-clean already deletes downloaded .debs and keeps no pkgcache.bin, so clean frees nothing',
      }),
    );
    measurements.push(
      await measurePair(engine, {
        id: 'apt-clean-bare',
        title: '`apt-get clean` after an install, bare debootstrap base',
        base: BARE_IMAGE,
        network: 'host',
        smelly: `FROM ${BARE_IMAGE}\nRUN ${INSTALL('curl', false)}\n`,
        fixed: `FROM ${BARE_IMAGE}\nRUN ${INSTALL('curl', false)} && apt-get clean\n`,
        note: 'without docker-clean apt keeps the downloaded .debs and its binary caches in the layer',
      }),
    );
    measurements.push(
      await measurePair(engine, {
        id: 'delete-later-layer',
        title: 'apt lists deleted in a later RUN instead of the same one',
        base: O,
        network: 'host',
        smelly: `FROM ${O}\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\n`,
        fixed: `FROM ${O}\nRUN ${INSTALL('curl', false)}\n`,
        note: 'the later RUN adds a 0-byte layer; the deleted files stay in the earlier one',
      }),
    );

    // pip: a wheel served from a loopback index inside the build (PyPI is not reachable here).
    // The prep image (pip from Debian, the wheel, the index) needs the mirror; the measured pair
    // runs with no network at all, the index listening on the build container's own loopback.
    const WHEEL_MB = 20;
    const PIP_BASE = 'localhost/dsh-bench:pip-base';
    log('pip-cache: preparing python3-pip and a local index');
    await build(engine, `FROM ${O}\nRUN ${INSTALL('python3-pip', false)}\nCOPY make_wheel.py serve_index.py /srv/\nRUN python3 /srv/make_wheel.py ${WHEEL_MB}\n`, {
      network: 'host',
      files: { 'make_wheel.py': MAKE_WHEEL, 'serve_index.py': SERVE_INDEX },
      tag: PIP_BASE,
    });
    const wheelBytes = Number(
      (await engine.dockerOk(['run', '--rm', '--network', 'none', PIP_BASE, 'sh', '-c', 'stat -c %s /srv/index/simple/dsh-demo/*.whl'])).trim(),
    );
    measurements.push(
      await measurePair(engine, {
        id: 'pip-cache',
        title: `pip cache left by \`pip install\` (${WHEEL_MB} MB wheel, local index)`,
        base: O,
        network: 'none',
        smelly: `FROM ${PIP_BASE}\nRUN ${PIP_INSTALL('')}\n`,
        fixed: `FROM ${PIP_BASE}\nRUN ${PIP_INSTALL('--no-cache-dir ')}\n`,
        note: 'pip (Debian python3-pip 23.0) keeps each downloaded wheel in ~/.cache/pip/http; the wheel holds random (incompressible) bytes, as real wheels are already compressed',
      }),
    );

    for (const c of ALONE_CASES) measurements.push(await c.measure(caseKit(engine)));

    const apt = await measureAptInstalls(engine, bases.officialLikePackages);

    const results: Results = {
      date: new Date().toISOString(),
      command: 'npm run bench:measure',
      engine: { server: engine.version, client: engine.client, builder: 'classic (DOCKER_BUILDKIT=0)' },
      baseImages: {
        officialLike: { name: OFFICIAL_LIKE_IMAGE, bytes: officialBytes, packages: bases.officialLikePackages.length },
        bare: { name: BARE_IMAGE, bytes: bareBytes },
      },
      measurements,
      pip: { wheelBytes },
      bytecode: apt.bytecode,
      aptPredictions: apt.aptPredictions,
      recommends: apt.recommends,
      aptBookkeeping: apt.aptBookkeeping,
    };
    // A whole run supersedes earlier partial ones; each toolchain case still carries its measuredOn.
    writeFileSync(join(HERE, 'results.json'), JSON.stringify(results, null, 1) + '\n');
    writeFileSync(
      join(ROOT, 'server/src/sizes/debian-base-packages.generated.json'),
      JSON.stringify(
        {
          image: OFFICIAL_LIKE_IMAGE,
          basis: "debootstrap --variant=minbase bookworm with the official images' apt configuration (test/support/engine/base-image.ts)",
          command: `docker run --rm --network none ${OFFICIAL_LIKE_IMAGE} dpkg-query -W -f '\${Package}\\n'`,
          measuredOn: results.date.slice(0, 10),
          source: 'test/bench/measure/run.ts',
          packages: bases.officialLikePackages,
        },
        null,
        1,
      ) + '\n',
    );
    writeFileSync(join(ROOT, 'server/src/sizes/constants.ts'), renderConstants(results));
    printTable(results);
  } finally {
    await engine.stop();
  }
}

function printTable(r: Results): void {
  const lines = [
    `Measured ${r.date} with dockerd ${r.engine.server}; base ${r.baseImages.officialLike.name} ${mb(r.baseImages.officialLike.bytes)}, bare ${mb(r.baseImages.bare.bytes)}`,
    '',
    'smell                                   smelly image   fixed image    saving',
    ...r.measurements.map((m) => `${m.id.padEnd(38)} ${mb(m.smelly.imageBytes).padStart(12)} ${mb(m.fixed.imageBytes).padStart(12)} ${mb(m.deltaBytes).padStart(11)}`),
    ...r.measurements
      .filter((m) => m.cacheMount)
      .map((m) => `${m.id}: ${m.toolVersion}; with a cache mount ${mb(m.cacheMount!.imageBytes)}; ${m.output} ${mb(m.outputBytes ?? 0)}`),
    '',
    `apt install (official-like base; .pyc ratio ${r.bytecode.ratio} fitted on ${r.bytecode.fittedOn}; bookkeeping ${mb(r.aptBookkeeping?.layerBytes ?? 0)}, debconf templates ${mb(r.aptBookkeeping?.debconfTemplatesBytes ?? 0)}, ca-certificates ${mb(r.aptBookkeeping?.caCertificatesBytes ?? 0)})`,
    'set                                      measured layer  Installed-Size  error  +.pyc model   error  +bookkeeping   error  packages measured/predicted',
    ...r.aptPredictions.map(
      (p) =>
        `${(p.packages.join(' ') + (p.recommends ? ' +recommends' : ' --no-install-recommends')).padEnd(40)} ${mb(p.measuredLayerBytes).padStart(12)} ${mb(p.predictedInstalledBytes).padStart(12)} ${`${p.installedSizeOnlyErrorPct}%`.padStart(7)} ${mb(p.predictedBytes - (p.predictedBookkeepingBytes ?? 0)).padStart(11)} ${`${p.withoutBookkeepingErrorPct ?? p.errorPct}%`.padStart(7)} ${mb(p.predictedBytes).padStart(12)} ${`${p.errorPct}%`.padStart(7)}   ${p.measuredPackageCount}/${p.predictedPackageCount}` +
        (p.upgradedBasePackages.length ? `  (upgraded in base: ${p.upgradedBasePackages.map((u) => u.split(' ')[0]).join(', ')})` : ''),
    ),
    '',
    'Recommends cost                 measured    predicted   error',
    ...r.recommends.map((x) => `${x.packages.join(' ').padEnd(28)} ${mb(x.measuredDeltaBytes).padStart(11)} ${mb(x.predictedDeltaBytes).padStart(11)} ${`${x.errorPct}%`.padStart(7)}`),
    '',
    'apk: not measured (no Alpine base image can be had here: Docker Hub and Alpine mirrors are unreachable, Debian has no apk-tools).',
  ];
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
