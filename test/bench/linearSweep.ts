/**
 * A sweep for work that grows faster than the input (issue #7, "nothing hangs"): for each
 * generated shape, every rule's check, the model, the whole analysis, the image estimate, the
 * quick fix of every finding, the code actions and "apply all" are timed at n and 3n. A linear
 * step takes about 3 times as long at 3n; a quadratic one about 9 times.
 *
 *   npx tsc -b && node out/test/bench/linearSweep.js [--shape REGEX] [--step REGEX] [--scale K] [--all] [--confirm]
 *
 * CPU time (process.cpuUsage), best of two, each rule's check on a new model (rules keep what
 * they work out per model). Prints the steps over 4.5 times with 3n at least 10 ms, or over 6 times
 * with 3n at least 2 ms (all of them with --all), then a summary. `--scale 2` doubles every n.
 * Module-level caches (the apt estimates) make the smaller size cheaper when it fits in them, and
 * a collection landing in one of the two timings can double a step of a few milliseconds: most
 * flagged steps are such noise (162 of about 3,000 in one run, a different set each run).
 * `--confirm` times every flagged step again in a process of its own (so no other step's caches
 * or heap are there), at four times the scale, after a run at each size, best of three: a step flagged again there is
 * printed as confirmed, and the sweep exits 1 when there is one. "Apply all" (codeAction:fixAll)
 * is left out unless --step names it: it takes a round per fix of one RUN.
 */
import { spawnSync } from 'node:child_process';
import { buildModel } from '../../server/src/core/model';
import { analyze, fixFor, type Analysis } from '../../server/src/core/analyze';
import { estimateImage } from '../../server/src/core/imageEstimate';
import { fixAll } from '../../server/src/core/edits';
import type { AnalysisEnvironment } from '../../server/src/core/environment';
import { codeActions } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { RULES } from '../../server/src/rules';
import type { RuleContext } from '../../server/src/rules/rule';

/** A generated Dockerfile of size `n`, and the n the sweep starts from. */
export interface Shape {
  name: string;
  n: number;
  make: (n: number) => string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** One RUN with `n` copies of `cmd(i)` chained by &&. */
const chain = (from: string, cmd: (i: number) => string, tail = 'true') => (n: number) => `FROM ${from}\nWORKDIR /app\nRUN ${range(n).map(cmd).join(' && ')} && ${tail}\nCMD ["sh"]\n`;
/** One RUN over n continuation lines. */
const lines = (from: string, cmd: (i: number) => string) => (n: number) => `FROM ${from}\nRUN ${range(n).map((i) => `${cmd(i)} && \\\n    `).join('')}true\n`;
/** n instructions in one stage. */
const instrs = (from: string, instr: (i: number) => string, tail = '') => (n: number) => `FROM ${from}\nWORKDIR /app\n${range(n).map((i) => instr(i) + '\n').join('')}${tail}`;

/** Installs told their cache folder (`d`) on the command line or in front of it, with their base image. */
const OWN_CACHE: Record<string, [string, (d: string, i: number) => string]> = {
  pip: ['python:3.12', (d, i) => `pip install --cache-dir ${d} a${i}`],
  uv: ['python:3.12', (d, i) => `uv pip install --cache-dir ${d} a${i}`],
  npm: ['node:22-slim', (d, i) => `npm install --cache ${d} p${i}`],
  yarn: ['node:22-slim', (d, i) => `yarn add --cache-folder ${d} p${i}`],
  pnpm: ['node:22-slim', (d, i) => `pnpm add --store-dir ${d} p${i}`],
  poetry: ['python:3.12', (d) => `POETRY_CACHE_DIR=${d} poetry install`],
  pipenv: ['python:3.12', (d) => `PIPENV_CACHE_DIR=${d} pipenv install`],
  go: ['golang:1.22', (d) => `GOCACHE=${d} go build ./...`],
  cargo: ['rust:1.83', (d) => `CARGO_HOME=${d} cargo install x`],
  composer: ['php:8.3-cli', (d) => `COMPOSER_CACHE_DIR=${d} composer install`],
  bun: ['oven/bun:1', (d) => `BUN_INSTALL_CACHE_DIR=${d} bun install`],
  apk: ['alpine:3.21', (d, i) => `apk add --cache-dir ${d} p${i}`],
  conda: ['debian:bookworm', (d, i) => `CONDA_PKGS_DIRS=${d} conda install -y a${i}`],
  gradle: ['gradle:8', (d) => `gradle -g ${d} build`],
  maven: ['maven:3', (d) => `mvn -Dmaven.repo.local=${d} package`],
  dnf: ['fedora:40', (d, i) => `dnf install -y --setopt=cachedir=${d} a${i}`],
  bundler: ['ruby:3.3', (d) => `BUNDLE_CACHE_PATH=${d} bundle install`],
};

const KINDS: Record<string, (i: number) => string> = {
  apt: (i) => `apt-get update && apt-get install -y curl p${i} && apt-get clean && rm -rf /var/lib/apt/lists/*`,
  aptInstall: (i) => `apt-get install -y p${i}`,
  aptUpdate: () => 'apt-get update',
  rmCaches: (i) => `rm -rf /var/cache/apk/* /root/.cache /tmp/x${i} ~/.npm /var/lib/apt/lists/*`,
  apk: (i) => `apk add curl p${i} && apk update && apk del p${i}`,
  apkVirtual: (i) => `apk add --virtual .b${i} gcc libffi-dev && apk del .b${i}`,
  pip: (i) => `pip install a${i}`,
  pipReq: (i) => `pip install -r requirements${i}.txt && pip install -r requirements-dev.txt`,
  npmCi: () => 'npm ci',
  npmInstall: (i) => `npm install p${i}`,
  cdNpm: () => 'cd /src && npm ci',
  cdRelNpm: (i) => `cd d${i % 7} && npm install`,
  yarn: (i) => `yarn install && yarn add p${i}`,
  pnpm: (i) => `pnpm install && pnpm add p${i}`,
  corepack: () => 'corepack enable && corepack prepare pnpm@8.15.0 --activate && pnpm install',
  cd: (i) => `cd /a${i}`,
  cdRel: (i) => `cd d${i % 5}`,
  export: (i) => `export A${i % 10}=1 && export PIP_NO_CACHE_DIR=${i % 2}`,
  chmod: (i) => `chmod -R 755 /app/d${i} && chown -R u:u /app/d${i}`,
  curlTar: (i) => `curl -fsSLO https://x.example/a${i}.tar.gz && tar xzf a${i}.tar.gz`,
  wgetZip: (i) => `wget https://x.example/b${i}.zip && unzip b${i}.zip -d /opt`,
  tar: (i) => `tar -xzf /tmp/a${i}.tar.gz -C /opt`,
  useradd: (i) => `useradd -m u${i} && groupadd g${i}`,
  go: () => 'go mod download && go build -o /out/app ./...',
  cargo: () => 'cargo build --release && cargo install x',
  mvn: () => 'mvn package && mvn dependency:go-offline',
  gradle: () => 'gradle build && ./gradlew assemble',
  shc: (i) => `sh -c "apt-get install -y a${i} && pip install b${i}"`,
  group: (i) => `(cd /a${i} && npm ci && pip install x)`,
  ifThen: (i) => `if [ -f a${i} ]; then pip install a${i}; else apk add b${i}; fi`,
  rpm: (i) => `dnf install -y a${i} && yum install -y b${i} && microdnf install c${i} && zypper install -y d${i}`,
  ruby: (i) => `gem install a${i} && bundle install`,
  php: () => 'composer install',
  conda: (i) => `conda install -y a${i}`,
  pyTools: (i) => `uv pip install a${i} && poetry install && pipenv install`,
  bun: () => 'bun install',
  upgrade: () => 'apt-get upgrade -y && apk upgrade',
};
const MIXED = Object.values(KINDS);
const mixed = (i: number) => MIXED[i % MIXED.length](i);

const BASE: Record<string, string> = { apk: 'alpine:3.21', apkVirtual: 'python:3.12-alpine', rpm: 'fedora:40', corepack: 'node:22-slim', yarn: 'node:22-slim', pnpm: 'node:22-slim', npmCi: 'node:22', npmInstall: 'node:22', cdNpm: 'node:22-slim', cdRelNpm: 'node:22-slim', bun: 'oven/bun:1' };

export const SHAPES: Shape[] = [
  // About 600 commands at n: n / the commands of one.
  ...Object.entries(KINDS).map(([kind, cmd]) => ({ name: `run:${kind}`, n: Math.round(600 / cmd(1).split(/&&|;/).length / 10) * 10, make: chain(BASE[kind] ?? 'debian:bookworm', cmd) })),
  // Each install with a cache folder of its own (written out, or in a variable), then a removal of another folder.
  ...Object.entries(OWN_CACHE).flatMap(([kind, [from, cmd]]) => [
    { name: `run:${kind}Dir`, n: 300, make: chain(from, (i) => `${cmd(`/c/${i}`, i)} && rm -rf /tmp/x${i}`) },
    { name: `run:${kind}DirVar`, n: 200, make: chain(from, (i) => `D=/c/${i}; ${cmd('$D', i)} && rm -rf /tmp/x${i}`) },
  ]),
  { name: 'run:mixed', n: 500, make: chain('debian:bookworm', mixed) },
  { name: 'run:mixed-continued', n: 400, make: lines('debian:bookworm', mixed) },
  { name: 'run:heredoc', n: 500, make: (n) => `FROM debian:bookworm\nRUN <<EOF\n${range(n).map((i) => mixed(i) + '\n').join('')}EOF\n` },
  { name: 'run:heredocs', n: 300, make: instrs('debian:bookworm', (i) => `RUN <<EOF\napt-get install -y p${i}\npip install q${i}\nEOF`) },
  { name: 'instrs:runs-mixed', n: 500, make: instrs('debian:bookworm', (i) => `RUN ${mixed(i)}`, 'CMD ["sh"]\n') },
  { name: 'instrs:apt-runs', n: 500, make: instrs('debian:bookworm', (i) => (i % 2 ? `RUN apt-get install -y p${i}` : 'RUN apt-get update')) },
  { name: 'instrs:npm-runs', n: 500, make: instrs('node:22', (i) => `RUN npm ci && npm install p${i}`) },
  { name: 'instrs:env', n: 500, make: instrs('python:3.12', (i) => `ENV A${i}=\${A${i - 1}:-x} PIP_NO_CACHE_DIR=${i % 2}`, 'RUN pip install a && npm ci\n') },
  { name: 'instrs:env-run', n: 500, make: instrs('python:3.12', (i) => `ENV A${i}=1\nRUN pip install a${i} && npm ci`) },
  { name: 'instrs:arg', n: 500, make: (n) => `${range(n).map((i) => `ARG V${i}=${i}\n`).join('')}FROM debian:\${V${n - 1}}\n${range(n).map((i) => `ARG V${i}\nRUN echo $V${i}\n`).join('')}` },
  { name: 'instrs:copy', n: 500, make: instrs('node:22', (i) => `COPY src${i} /app/s${i}`, 'COPY . .\n') },
  { name: 'instrs:copy-then-rm', n: 500, make: instrs('node:22', (i) => `COPY f${i}.tar.gz /tmp/\nRUN tar xzf /tmp/f${i}.tar.gz && rm /tmp/f${i}.tar.gz`) },
  { name: 'instrs:add', n: 500, make: instrs('debian:bookworm', (i) => (i % 2 ? `ADD https://x.example/a${i}.tar.gz /tmp/` : `ADD a${i}.tar.gz /opt/`)) },
  { name: 'instrs:chown-later', n: 500, make: instrs('debian:bookworm', (i) => `COPY d${i} /app/d${i}\nRUN chmod -R 755 /app/d${i}`) },
  { name: 'instrs:workdir-user', n: 500, make: instrs('debian:bookworm', (i) => `WORKDIR /w${i}\nUSER u${i}\nRUN npm ci`) },
  { name: 'stages:copy-from-chain', n: 100, make: (n) => range(n).map((i) => `FROM node:22 AS s${i}\n${i ? `COPY --from=s${i - 1} /app /app\n` : ''}RUN npm ci && apt-get update && apt-get install -y p${i}\n`).join('') + 'FROM debian:bookworm-slim\nCOPY --from=s' + (n - 1) + ' /app /app\n' },
  { name: 'stages:from-chain', n: 100, make: (n) => 'FROM node:22 AS s0\nRUN npm ci\n' + range(n).map((i) => `FROM s${i} AS s${i + 1}\nRUN npm install p${i} && rm -rf ~/.npm\n`).join('') },
  { name: 'stages:fan-in', n: 100, make: (n) => range(n).map((i) => `FROM golang:1.22 AS b${i}\nRUN go build -o /out/a${i} .\n`).join('') + 'FROM debian:bookworm-slim\n' + range(n).map((i) => `COPY --from=b${i} /out/a${i} /usr/bin/\n`).join('') },
  { name: 'stages:whole-copies', n: 100, make: (n) => range(n).map((i) => `FROM debian:bookworm AS s${i}\nRUN apt-get update && apt-get install -y p${i}\n${i ? `COPY --from=s${i - 1} / /\n` : ''}`).join('') },
];

const EMPTY: AnalysisEnvironment = { context: {} };

function cpu(f: () => void): number {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** The smallest of `times` timings (each call returns its own CPU milliseconds). */
function best(times: number, f: () => number): number {
  let min = Infinity;
  for (let k = 0; k < times; k++) min = Math.min(min, f());
  return min;
}

export interface Row {
  shape: string;
  step: string;
  n: number;
  a: number;
  b: number;
  ratio: number;
}

const URI = 'file:///x/Dockerfile';

/**
 * The steps timed for one text: name -> a function that does the step once and returns its CPU
 * time, the inputs it starts from (a new model, an analysis) made outside the timing.
 */
function steps(text: string, stepFilter: RegExp): Map<string, () => number> {
  const out = new Map<string, () => number>();
  const add = (name: string, f: () => number) => {
    if (stepFilter.test(name)) out.set(name, f);
  };
  add('model', () => cpu(() => buildModel(text)));
  for (const rule of RULES) {
    add(`check:${rule.id}`, () => {
      const ctx: RuleContext = { model: buildModel(text), env: EMPTY, settings: {} };
      return cpu(() => rule.check(ctx));
    });
  }
  add('analyze', () => cpu(() => analyze(text, EMPTY)));
  add('estimate', () => {
    const model = buildModel(text);
    return cpu(() => estimateImage(model, EMPTY));
  });
  add('fixes', () => {
    const analysis = analyze(text, EMPTY);
    return cpu(() => {
      for (const f of analysis.findings) fixFor(analysis, f, EMPTY);
    });
  });
  add('codeAction:last', () => {
    const analysis = analyze(text, EMPTY);
    const f = analysis.findings[analysis.findings.length - 1];
    return cpu(() => f && codeActions(doc(analysis), { textDocument: { uri: URI }, range: f.range, context: { diagnostics: [toDiagnostic(f)], triggerKind: 1 } }));
  });
  add('codeAction:fixAll', () => {
    const analysis = analyze(text, EMPTY);
    // What the source.fixAll action works out (in slices, with a cap: codeActions.ts fixAllEdit).
    return cpu(() => fixAll(text, EMPTY, {}, { analysis }));
  });
  return out;
}

function doc(analysis: Analysis) {
  return { uri: URI, version: 1, kind: 'dockerfile' as const, analysis, env: EMPTY, configProblems: [], settings: {} };
}

/** `warm`: also runs each step at 3n once before timing (a confirming run times one step, still cold). */
export function sweep(shapes: Shape[], stepFilter: RegExp, scale: number, repeat = 2, warm = false): Row[] {
  const rows: Row[] = [];
  for (const shape of shapes) {
    const n = shape.n * scale;
    const sSteps = steps(shape.make(n), stepFilter);
    const lSteps = steps(shape.make(3 * n), stepFilter);
    for (const [name, f] of sSteps) {
      f(); // warm up
      if (warm) lSteps.get(name)!();
      const a = Math.max(0.1, best(repeat, f));
      const b = Math.max(0.1, best(repeat, lSteps.get(name)!));
      rows.push({ shape: shape.name, step: name, n, a, b, ratio: b / a });
    }
  }
  return rows;
}

/** The sweep's threshold: a step whose time grows this much from n to 3n is reported. */
function flaggedRow(r: Row): boolean {
  return (r.b >= 10 && r.ratio > 4.5) || (r.b >= 2 && r.ratio > 6);
}

function line(r: Row, mark: string): string {
  return `${mark} ${r.shape.padEnd(24)} ${r.step.padEnd(40)} n=${String(r.n).padStart(5)} ${r.a.toFixed(1).padStart(8)} ${r.b.toFixed(1).padStart(9)} ms  x${r.ratio.toFixed(1)}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One flagged step timed again in a child process at `scale`, best of three; undefined when the child failed. */
function confirm(r: Row, scale: number): Row | undefined {
  const child = spawnSync(process.execPath, [__filename, '--child', r.shape, r.step, String(scale)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    console.log(`  ${r.shape} ${r.step}: the confirming run failed (${child.status}): ${child.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(child.stdout) as Row;
}

if (require.main === module && process.argv[2] === '--child') {
  const [shapeName, step, scale] = process.argv.slice(3);
  const shape = SHAPES.find((s) => s.name === shapeName)!;
  const [row] = sweep([shape], new RegExp(`^${escape(step)}$`), Number(scale), 3, true);
  process.stdout.write(JSON.stringify(row));
} else if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const shapeFilter = new RegExp(arg('--shape') ?? '.');
  // "Apply all" takes a round per fix of one RUN (see the report): slow; asked for with --step.
  const stepFilter = new RegExp(arg('--step') ?? '^(?!codeAction:fixAll)');
  const scale = Number(arg('--scale') ?? '1');
  const all = process.argv.includes('--all');
  const confirming = process.argv.includes('--confirm');
  const shapes = SHAPES.filter((s) => shapeFilter.test(s.name));
  const started = Date.now();
  const flagged: Row[] = [];
  let count = 0;
  for (const shape of shapes) {
    const rows = sweep([shape], stepFilter, scale);
    for (const r of rows) {
      count++;
      if (flaggedRow(r)) flagged.push(r);
      if (flaggedRow(r) || all) console.log(line(r, flaggedRow(r) ? '!' : ' '));
    }
  }
  console.log(`${count} steps on ${shapes.length} shapes, ${flagged.length} over 4.5 times (3n at least 10 ms), ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (confirming && flagged.length > 0) {
    console.log(`Confirming the ${flagged.length} flagged steps, each in a process of its own at scale ${scale * 4}:`);
    const confirmed: Row[] = [];
    for (const r of flagged) {
      const again = confirm(r, scale * 4);
      if (!again) continue;
      const still = flaggedRow(again);
      if (still) confirmed.push(again);
      console.log(line(again, still ? '!' : ' '));
    }
    console.log(`${confirmed.length} of ${flagged.length} confirmed, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
    if (confirmed.length > 0) process.exitCode = 1;
  }
}
