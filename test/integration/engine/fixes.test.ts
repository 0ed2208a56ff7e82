/**
 * Our quick fixes against real builds. Each case is a small build context whose Dockerfile has
 * findings with fixes; the test analyses it and applies the fixes with the code behind
 * `dockerfile-size-hints --fix` (analyseFiles in server/src/cli.ts: fixAll, then the ignore files
 * it creates or edits), then builds the context before and after on a private dockerd (Debian's
 * docker.io, test/support/engine) and checks:
 *   - the fixed Dockerfile builds with every builder that built the original (classic and
 *     BuildKit; `COPY --chmod` is BuildKit's alone on Engine 20.10, as the fix's title says);
 *   - the final image is smaller (the engine's Size), and each stated saving is what the build
 *     shows, within the tolerance of its kind (below);
 *   - the fixed file has no finding of the fixed rules left, a second --fix changes nothing, and
 *     what the program needs is still in the image (a command run in both images prints the same).
 *
 * What a finding's saving means, and how closely the build must agree:
 *   - 'scanned': bytes from the scan of the build context (the files a COPY sends). The engine
 *     counts the same file bytes, so the saving must match to 1% or 4 KiB (an edited ignore file
 *     that is itself copied changes a few bytes).
 *   - 'measured': a figure measured once on our bench and written "about" (apt lists of bookworm,
 *     server/src/sizes/constants.ts). The mirror's lists change with point releases and security
 *     updates (bookworm main's list, most of the bytes, only with point releases), so the saving
 *     must be within 10% of it.
 *   - 'model': Installed-Size from Debian bookworm's package index (server/src/sizes/apt.ts), which
 *     docs/measurements.md compares with real installs (from -0.2% to -9.4% on whole installs); a
 *     saving is a difference of two such estimates, so it must be within 15% of it.
 *   - 'npm table': from the npm package table (server/src/sizes/npm.ts): unpacked sizes (the sum of
 *     the file sizes, what the engine counts) and tarball sizes of the versions a lockfile pins, and
 *     a measured size of npm's cache index per entry. test/bench/npm-model.ts found installs within
 *     -1.3% to +2.7% of it; what it leaves out (node_modules/.package-lock.json, npm's debug logs)
 *     is a few KiB here: within 5% or 16 KiB.
 *   - 'not sized': the message names what is saved without a figure; the image must get smaller.
 * When one case has several findings, their figures add up: one saving is given one figure, by one
 * finding (an index refreshed in its own RUN and the lists that RUN leaves: apt-lists-kept's).
 *
 * Builds run with `--network none`, but for the apt cases, which need Debian's mirror, and the npm
 * cases, which need the npm registry (`--network host`, as test/bench/measure does; the base image
 * needs the mirror on a fresh machine anyway). The npm cases build on Debian's nodejs and npm
 * (NODE_IMAGE, made once and kept: see ensureNodeImage) and install the project in ./npm-app.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { BARE_IMAGE, NODE_IMAGE, OFFICIAL_LIKE_IMAGE, ensureBaseImages, ensureNodeImage, engineGet, runOk, startEngine, type Engine } from '../../support/engine';
import { analyseFiles } from '../../../server/src/cli';
import type { FileReport } from '../../../server/src/core/formats';

type Builder = 'classic' | 'buildkit';
type Claim = 'scanned' | 'measured' | 'model' | 'npm table' | 'not sized';

/** A file of the build context: text (executable when it starts with `#!`), or a number of random bytes. */
type ContextFile = string | number;

interface Case {
  name: string;
  /** `none` unless a RUN needs Debian's mirror. */
  network?: 'none' | 'host';
  /** The builders the fixed file must build with, the original too (default: both). */
  builders?: Builder[];
  /** Why a builder is left out, printed with the case. */
  note?: string;
  /** Paths relative to the context; `Dockerfile` is written from `dockerfile`. */
  files: Record<string, ContextFile>;
  /** Folders of the context packed into a .tar.gz (archive -> folder, which the archive holds by name), then removed. */
  archives?: Record<string, string>;
  dockerfile: string;
  /** The findings the original must have, by rule, with the kind of saving each states. */
  findings: Record<string, Claim>;
  /** The fixes applied: the preferred ones (`--fix`, the default) or all (`--fix --unsafe-fixes`). */
  fix?: 'safe' | 'all';
  /** Run with `sh -c` in the images before and after the fix: both must print the same. */
  check: string;
  /** Paths the image has before the fix and not after (what the fix leaves out). */
  gone?: string[];
  /**
   * A Dockerfile built FROM the case's image (`{image}`), before and after the fix: what is
   * measured and checked, for findings on ONBUILD triggers, which run in such builds.
   */
  child?: string;
}

const TOLERANCE = { scanned: { relative: 0.01, bytes: 4096 }, measured: { relative: 0.1, bytes: 0 }, model: { relative: 0.15, bytes: 0 }, 'npm table': { relative: 0.05, bytes: 16384 } };

/** Lists a tree with modes, owners and sizes: what an application would see of its files. */
const LIST = (dir: string) => `find ${dir} -printf '%p %m %u:%g %s\\n' | sort`;

/** A stand-in for curl that "downloads" from a folder of the image (/srv/mirror), so the build needs no network. */
const FAKE_CURL = '#!/bin/sh\nout=; url=\nwhile [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2;; -*) shift;; *) url=$1; shift;; esac; done\nexec cp "/srv/mirror/${url##*/}" "$out"\n';

/**
 * A small project, its lockfile written by npm 11.19.1 (`npm install --package-lock-only
 * --omit-lockfile-registry-resolved=false`): express 4.22.3 (71 packages) and the devDependency
 * typescript 5.9.3, versions the npm package table holds.
 */
const NPM_APP: Record<string, ContextFile> = Object.fromEntries(
  ['package.json', 'package-lock.json', 'server.js'].map((f) => [f, readFileSync(path.join(__dirname, '../../../../test/integration/engine/npm-app', f), 'utf8')]),
);
/** The app's production require, and every production package npm finds installed. */
const NPM_CHECK = 'cd /app && node server.js && npm ls --omit=dev --all --parseable | sort';

const CASES: Case[] = [
  {
    name: 'chown -R of a copied folder becomes COPY --chown',
    files: { 'app/lib/data.bin': 300_000, 'app/run.sh': '#!/bin/sh\necho ok\n' },
    dockerfile: `FROM ${BARE_IMAGE}\nCOPY app/ /opt/app/\nRUN chown -R 1000:1000 /opt/app\n`,
    findings: { 'files-changed-in-later-layer': 'scanned' },
    check: LIST('/opt/app'),
  },
  {
    name: 'chmod -R of a copied folder becomes COPY --chmod',
    builders: ['buildkit'],
    note: 'the classic builder of Engine 20.10 refuses --chmod; the fix says it needs BuildKit',
    files: { 'app/data.bin': 250_000, 'app/run.sh': '#!/bin/sh\necho ok\n' },
    dockerfile: `FROM ${BARE_IMAGE}\nCOPY app/ /opt/app/\nRUN chmod -R 750 /opt/app\n`,
    findings: { 'files-changed-in-later-layer': 'scanned' },
    check: LIST('/opt/app'),
  },
  {
    // `app` without a trailing slash may be a file or a folder; the scan of the context says it is a folder.
    name: 'chmod -R of a folder copied as `COPY app /opt/app` becomes COPY --chmod',
    builders: ['buildkit'],
    note: 'the classic builder of Engine 20.10 refuses --chmod; a subfolder checks that --chmod sets folders as chmod -R does',
    files: { 'app/lib/data.bin': 200_000, 'app/run.sh': '#!/bin/sh\necho ok\n' },
    dockerfile: `FROM ${BARE_IMAGE}\nCOPY app /opt/app\nRUN chmod -R 750 /opt/app\n`,
    findings: { 'files-changed-in-later-layer': 'scanned' },
    check: LIST('/opt/app'),
  },
  {
    name: 'a file deleted one RUN later is deleted in the RUN that wrote it',
    files: {},
    dockerfile: [
      `FROM ${BARE_IMAGE}`,
      'RUN mkdir -p /opt/data && head -c 300000 /dev/urandom > /tmp/a.bin && mv /tmp/a.bin /opt/data/blob.bin && head -c 200000 /dev/urandom > /tmp/b.bin && mv /tmp/b.bin /opt/data/scratch.bin',
      'RUN rm /opt/data/scratch.bin',
      '',
    ].join('\n'),
    findings: { 'files-changed-in-later-layer': 'not sized' },
    check: LIST('/opt/data'),
  },
  {
    // A chmod without -R of a file copies that file into its layer.
    name: 'chmod 600 of a file an earlier RUN moved goes into that RUN',
    files: {},
    dockerfile: [
      `FROM ${BARE_IMAGE}`,
      'RUN mkdir -p /opt/data && head -c 300000 /dev/urandom > /tmp/a.bin && mv /tmp/a.bin /opt/data/blob.bin',
      'RUN chmod 600 /opt/data/blob.bin',
      '',
    ].join('\n'),
    findings: { 'files-changed-in-later-layer': 'not sized' },
    check: LIST('/opt/data'),
  },
  {
    // The extraction into /opt may have put a blob.bin there; the later mv replaced it, so the
    // chmod copies only the mv's file, and moves into that RUN (it was not offered: two writers).
    name: 'chmod 600 of a file written again after an extraction above it goes into the RUN that wrote it last',
    files: {},
    dockerfile: [
      `FROM ${BARE_IMAGE}`,
      'RUN mkdir -p /tmp/t/data && echo old > /tmp/t/data/blob.bin && tar -cf /tmp/t.tar -C /tmp/t data && tar -xf /tmp/t.tar -C /opt && rm -rf /tmp/t /tmp/t.tar',
      'RUN head -c 300000 /dev/urandom > /tmp/a.bin && mv /tmp/a.bin /opt/data/blob.bin',
      'RUN chmod 600 /opt/data/blob.bin',
      '',
    ].join('\n'),
    findings: { 'files-changed-in-later-layer': 'not sized' },
    check: LIST('/opt/data'),
  },
  {
    name: 'a tar archive copied in and extracted becomes ADD',
    files: { 'payload/tool.bin': 400_000, 'payload/README': 'tool\n' },
    archives: { 'app.tar.gz': 'payload' },
    dockerfile: `FROM ${BARE_IMAGE}\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz\n`,
    findings: { 'copied-archive-extracted': 'scanned' },
    check: `${LIST('/opt/payload')}; ls -A /tmp`,
  },
  {
    name: 'a downloaded archive is deleted in the RUN that extracts it',
    files: {
      'fake/usr/local/bin/curl': FAKE_CURL,
      'tool/tool.bin': 300_000,
    },
    archives: { 'fake/srv/mirror/tool.tar.gz': 'tool' },
    dockerfile: [
      `FROM ${BARE_IMAGE}`,
      'COPY fake/ /',
      'RUN curl -fsSL -o /tmp/tool.tar.gz https://downloads.example.invalid/tool.tar.gz && tar -xzf /tmp/tool.tar.gz -C /opt',
      '',
    ].join('\n'),
    findings: { 'archive-kept': 'not sized' },
    check: LIST('/opt/tool'),
  },
  {
    name: 'a downloaded archive named with a build argument is deleted in the RUN that extracts it, by the same name',
    files: {
      'fake/usr/local/bin/curl': FAKE_CURL,
      'tool/tool.bin': 300_000,
    },
    archives: { 'fake/srv/mirror/tool-1.2.tar.gz': 'tool' },
    dockerfile: [
      `FROM ${BARE_IMAGE}`,
      'ARG TOOL_VERSION=1.2',
      'COPY fake/ /',
      'RUN curl -fsSL -o /tmp/tool-$TOOL_VERSION.tar.gz https://downloads.example.invalid/tool-${TOOL_VERSION}.tar.gz && tar -xzf /tmp/tool-${TOOL_VERSION}.tar.gz -C /opt',
      '',
    ].join('\n'),
    findings: { 'archive-kept': 'not sized' },
    check: LIST('/opt/tool'),
  },
  {
    name: 'COPY . with node_modules not ignored: node_modules goes into the .dockerignore',
    files: { '.dockerignore': '*.log\n', 'node_modules/left-pad/big.bin': 2_000_000, 'src/index.js': 'console.log("ok");\n', 'debug.log': 'x\n' },
    dockerfile: `FROM ${BARE_IMAGE}\nWORKDIR /app\nCOPY . .\n`,
    findings: { 'context-large-paths': 'scanned' },
    check: `${LIST('/app/src')}; cat /app/src/index.js`,
  },
  {
    name: 'COPY . without a .dockerignore: the fix creates one',
    files: { '.git/objects/pack/pack-1.pack': 1_500_000, '.git/HEAD': 'ref: refs/heads/main\n', 'src/app.py': 'print("ok")\n' },
    dockerfile: `FROM ${BARE_IMAGE}\nWORKDIR /app\nCOPY . .\n`,
    findings: { 'context-without-dockerignore': 'scanned' },
    check: `${LIST('/app/src')}; cat /app/src/app.py`,
  },
  {
    name: 'apt-get update in its own RUN: merged, and the lists removed',
    network: 'host',
    files: {},
    dockerfile: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends less && apt-get clean\n`,
    // The lists' figure is apt-lists-kept's; index-update-in-separate-run says it is counted there (1b842d1).
    findings: { 'apt-lists-kept': 'measured', 'index-update-in-separate-run': 'not sized' },
    check: 'less --version | head -n 1; dpkg-query -W less',
  },
  {
    // -e after -c: the script is the first word that is no option (read since this case was added).
    name: 'an exec-form sh -c -e script that keeps the apt lists: removed inside its string',
    network: 'host',
    files: {},
    dockerfile: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN ["sh", "-c", "-e", "apt-get update && apt-get install -y --no-install-recommends less"]\n`,
    findings: { 'apt-lists-kept': 'measured' },
    check: 'less --version | head -n 1; dpkg-query -W less',
  },
  {
    name: 'an ONBUILD trigger that keeps the apt lists: removed in the trigger, measured in an image built FROM this one',
    network: 'host',
    files: {},
    dockerfile: `FROM ${OFFICIAL_LIKE_IMAGE}\nONBUILD RUN apt-get update && apt-get install -y --no-install-recommends less\n`,
    child: 'FROM {image}\n',
    findings: { 'apt-lists-kept': 'measured' },
    check: 'less --version | head -n 1; dpkg-query -W less',
  },
  {
    // The second update finds the first RUN's lists and rewrites only the InRelease files (the
    // mirror unchanged between the two RUNs): its finding gives APT_LISTS_SECOND_UPDATE, added to
    // the first's whole lists.
    name: 'apt-get update in two RUNs, the first keeping its lists: both removed, the second saving the InRelease files',
    network: 'host',
    files: {},
    dockerfile: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN apt-get update && apt-get install -y --no-install-recommends less\nRUN apt-get update && apt-get install -y --no-install-recommends file\n`,
    findings: { 'apt-lists-kept': 'measured' },
    check: 'less --version | head -n 1; dpkg-query -W less file',
  },
  {
    // gpg alone has no gpg-agent (its Recommends: gnupg brings it): `gpg --import` of a public key
    // then exits 2, "can't connect to the agent" (measured). The fix keeps gpg-agent by naming it.
    name: 'gpg installed with its recommendations and a key imported later: the fix keeps gpg-agent',
    network: 'host',
    files: { 'key.asc': '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEaxOWGRYJKwYBBAHaRw8BAQdAR6RCQFwL+JeraW7/8caM5DxLu2ypUmTD8e1B\np5YtlAS0CVQgPHRAZS54PoiQBBMWCAA4FiEEGDlf+2P4MUIx438GzKb8Br+dM1EF\nAmsTlhkCGwMFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AACgkQzKb8Br+dM1EKugD/\nXZOm+X4Np5SkmAH0H1ZvnrK4nx8AD+XXXKKsBF+nEKIA/2f+2OF7yAgEjvIMUxki\ngKFAsiRZAxbAmQ1UdaW6B34L\n=fWqJ\n-----END PGP PUBLIC KEY BLOCK-----\n' },
    dockerfile: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN apt-get update && apt-get install -y gpg && rm -rf /var/lib/apt/lists/*\nCOPY key.asc /tmp/\nRUN gpg --batch --import /tmp/key.asc\n`,
    findings: { 'apt-recommends': 'model' },
    check: 'gpg --list-keys --with-colons | grep ^fpr; dpkg-query -W gpg gpg-agent',
  },
  {
    // git alone has no ssh programs (its Recommends: ssh-client): ssh-keygen, and a clone over
    // ssh ("cannot run ssh", measured), then fail. The fix keeps openssh-client by naming it.
    name: 'git installed with its recommendations and an ssh key made later: the fix keeps openssh-client',
    network: 'host',
    files: {},
    dockerfile: `FROM ${OFFICIAL_LIKE_IMAGE}\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\nRUN mkdir -p /root/.ssh && ssh-keygen -q -t ed25519 -N '' -C build -f /root/.ssh/id_ed25519\n`,
    findings: { 'apt-recommends': 'model' },
    check: 'git --version; dpkg-query -W git openssh-client; cut -d" " -f1,3 /root/.ssh/id_ed25519.pub',
  },
  {
    // The lockfile gives each tarball's URL, as npm writes it by default: npm downloads the 71
    // tarballs and reads no registry document, so the cache is the tarballs and their index.
    name: 'npm ci --omit=dev keeps its cache: npm cache clean --force appended',
    network: 'host',
    files: NPM_APP,
    dockerfile: `FROM ${NODE_IMAGE}\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY server.js ./\nCMD ["node", "server.js"]\n`,
    findings: { 'npm-cache-kept': 'npm table' },
    check: NPM_CHECK,
  },
  {
    // Not preferred (a prepare script may need a devDependency): applied with --unsafe-fixes.
    name: 'npm ci installs the devDependencies: --omit=dev inserted',
    network: 'host',
    fix: 'all',
    files: NPM_APP,
    dockerfile: `FROM ${NODE_IMAGE}\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci && npm cache clean --force\nCOPY server.js ./\nCMD ["node", "server.js"]\n`,
    findings: { 'npm-dev-dependencies': 'npm table' },
    check: NPM_CHECK,
    gone: ['/app/node_modules/typescript', '/app/node_modules/.bin/tsc'],
  },
];

async function writeContext(dir: string, c: Case): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [rel, content] of Object.entries(c.files)) {
    const abs = path.join(dir, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    // A script (`#!`) is executable, as COPY keeps the mode.
    await fs.writeFile(abs, typeof content === 'number' ? randomBytes(content) : content, { mode: typeof content === 'string' && content.startsWith('#!') ? 0o755 : 0o644 });
  }
  for (const [archive, folder] of Object.entries(c.archives ?? {})) {
    await fs.mkdir(path.dirname(path.join(dir, archive)), { recursive: true });
    await runOk('tar', ['-czf', path.join(dir, archive), '-C', dir, folder]);
    await fs.rm(path.join(dir, folder), { recursive: true });
  }
  await fs.writeFile(path.join(dir, 'Dockerfile'), c.dockerfile);
}

/** Every file of a folder with its text, to tell whether a second --fix changed anything. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, abs)] = (await fs.readFile(abs)).toString('base64');
  }
  return out;
}

const rules = (r: FileReport) => r.findings.map((f) => f.ruleId).sort();

describe('quick fixes against real builds (real dockerd)', function () {
  this.timeout(300_000);
  let engine: Engine;
  let dir: string;
  const started = Date.now();
  const table: string[] = [];

  before(async function () {
    // Building NODE_IMAGE when it is not kept yet takes minutes.
    this.timeout(1_200_000);
    // Missing tools fail here with the Debian package to install (startEngine / ensureBaseImages say which).
    engine = await startEngine();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-fixes-'));
    await ensureBaseImages(engine, (m) => console.log(`      ${m}`));
    const bases = Date.now();
    console.log(`      engine ${engine.version} ready, both base images imported in ${((bases - started) / 1000).toFixed(1)} s`);
    await ensureNodeImage(engine, (m) => console.log(`      ${m}`));
    console.log(`      ${NODE_IMAGE} ready in ${((Date.now() - bases) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    await engine?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    if (table.length) console.log(['      saving claimed vs measured (engine Size, before - after):', ...table.map((l) => `        ${l}`)].join('\n'));
    console.log(`      fixes suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  async function imageSize(image: string): Promise<number> {
    const r = await engineGet(engine.socket, `/images/${encodeURIComponent(image)}/json`, 10_000);
    assert.equal(r.status, 200, `inspect ${image}: ${r.body}`);
    return (JSON.parse(r.body) as { Size: number }).Size;
  }

  async function build(ctx: string, tag: string, builder: Builder, network: 'none' | 'host' = 'none'): Promise<number> {
    const r = await engine.docker(['build', '--network', network, '-t', tag, ctx], { env: { DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' }, timeoutMs: 240_000 });
    assert.equal(r.code, 0, `${builder} build of ${tag} failed:\n${await fs.readFile(path.join(ctx, 'Dockerfile'), 'utf8')}\n${(r.stdout + r.stderr).slice(-3000)}`);
    return imageSize(tag);
  }

  const inImage = (image: string, script: string) => engine.dockerOk(['run', '--rm', '--network', 'none', image, 'sh', '-c', script]);

  // The rule's premise, checked where it does not hold: shadow 4.13's useradd (Debian 12) writes no
  // lastlog or faillog record for a new UID, so on a bookworm base there is nothing to report.
  it('useradd with a large UID on Debian 12: no finding, and -l saves nothing (classic and buildkit)', async () => {
    const ctx = path.join(dir, 'useradd');
    const text = `FROM ${BARE_IMAGE}\nRUN useradd -u 100000 svc\n`;
    await fs.mkdir(ctx);
    await fs.writeFile(path.join(ctx, 'Dockerfile'), text);
    const [report] = await analyseFiles([path.join(ctx, 'Dockerfile')]);
    assert.deepEqual(rules(report), []);
    const withFlag = path.join(dir, 'useradd-l');
    await fs.mkdir(withFlag);
    await fs.writeFile(path.join(withFlag, 'Dockerfile'), text.replace('useradd', 'useradd -l'));
    for (const builder of ['classic', 'buildkit'] as const) {
      const without = await build(ctx, `dsh-fixes/useradd-${builder}:without`, builder);
      const withL = await build(withFlag, `dsh-fixes/useradd-${builder}:with`, builder);
      table.push(`useradd -u 100000 on Debian 12 [${builder}]: no finding; -l would save ${(without - withL).toLocaleString('en-US')}`);
      assert.equal(without, withL);
      assert.equal(await inImage(`dsh-fixes/useradd-${builder}:without`, 'id -u svc; stat -c %s /var/log/lastlog /var/log/faillog'), '100000\n0\n0\n');
    }
  });

  CASES.forEach((c, index) => {
    const builders = c.builders ?? ['classic', 'buildkit'];
    it(`${c.name} (${builders.join(' and ')}${c.note ? `; ${c.note}` : ''})`, async () => {
      const before = path.join(dir, `case${index}`, 'before');
      const after = path.join(dir, `case${index}`, 'after');
      await writeContext(before, c);
      await fs.cp(before, after, { recursive: true });

      // The findings of the original, as the CLI reports them.
      const [found] = await analyseFiles([path.join(before, 'Dockerfile')]);
      assert.equal(found.error, undefined);
      assert.deepEqual([...new Set(rules(found))], Object.keys(c.findings).sort(), JSON.stringify(found.findings, null, 1));
      for (const f of found.findings) {
        const sized = f.saving?.bytes !== undefined;
        assert.equal(sized, c.findings[f.ruleId] !== 'not sized', `${f.ruleId}: ${f.message}`);
      }

      // --fix, then the file once more: nothing of the fixed rules is left, and a second --fix changes nothing.
      const fix = c.fix ?? 'safe';
      await analyseFiles([path.join(after, 'Dockerfile')], fix);
      const fixedText = await fs.readFile(path.join(after, 'Dockerfile'), 'utf8');
      assert.notEqual(fixedText + JSON.stringify(await snapshot(after)), c.dockerfile + JSON.stringify(await snapshot(before)), 'the fix changed nothing');
      const [again] = await analyseFiles([path.join(after, 'Dockerfile')]);
      assert.deepEqual(again.findings.filter((f) => f.ruleId in c.findings).map((f) => `${f.ruleId}: ${f.message}`), [], `after the fix:\n${fixedText}`);
      const fixedFiles = await snapshot(after);
      await analyseFiles([path.join(after, 'Dockerfile')], fix);
      assert.deepEqual(await snapshot(after), fixedFiles, 'a second --fix changed the files');

      const claimed = found.findings.filter((f) => f.saving?.bytes !== undefined).map((f) => ({ rule: f.ruleId, bytes: f.saving!.bytes!, kind: c.findings[f.ruleId] as Exclude<Claim, 'not sized'> }));
      for (const builder of builders) {
        let tag = `dsh-fixes/case${index}-${builder}`;
        let sizeBefore = await build(before, `${tag}:before`, builder, c.network);
        let sizeAfter = await build(after, `${tag}:after`, builder, c.network);
        if (c.child) {
          // The triggers run here: the images built FROM each are the ones compared.
          const parent = tag;
          tag = `${parent}-child`;
          const sizes: number[] = [];
          for (const version of ['before', 'after']) {
            const ctx = path.join(dir, `case${index}`, `child-${builder}-${version}`);
            await fs.mkdir(ctx, { recursive: true });
            await fs.writeFile(path.join(ctx, 'Dockerfile'), c.child.replace('{image}', `${parent}:${version}`));
            sizes.push(await build(ctx, `${tag}:${version}`, builder, c.network));
          }
          assert.equal(sizeAfter, sizeBefore, `${builder}: the image with the triggers changed size`);
          [sizeBefore, sizeAfter] = sizes;
        }
        const saving = sizeBefore - sizeAfter;
        const claim = claimed.length === 0 ? 'not sized' : claimed.map((x) => `${x.rule} ${x.bytes.toLocaleString('en-US')}`).join(' + ');
        table.push(`${c.name} [${builder}]: claimed ${claim}; measured ${saving.toLocaleString('en-US')} (${sizeBefore.toLocaleString('en-US')} -> ${sizeAfter.toLocaleString('en-US')})`);
        assert.ok(saving > 0, `${builder}: the fixed image is not smaller (${sizeBefore} -> ${sizeAfter} bytes)\n${fixedText}`);
        const groups = claimed.length ? [claimed] : [];
        for (const group of groups) {
          const bytes = group.reduce((n, x) => n + x.bytes, 0);
          // Each figure brings its own allowance.
          const allowed = group.reduce((n, x) => n + Math.max(TOLERANCE[x.kind].bytes, x.bytes * TOLERANCE[x.kind].relative), 0);
          assert.ok(
            Math.abs(saving - bytes) <= allowed,
            `${builder}: ${group.map((x) => `${x.rule} (${x.kind})`).join(' + ')} claimed ${bytes} bytes (within ${allowed.toFixed(0)}), the build saved ${saving}`,
          );
        }
        assert.equal(await inImage(`${tag}:after`, c.check), await inImage(`${tag}:before`, c.check), `${builder}: \`${c.check}\` prints something else after the fix`);
        for (const p of c.gone ?? []) {
          const has = (image: string) => inImage(image, `test -e ${p} && echo yes || echo no`);
          assert.deepEqual([await has(`${tag}:before`), await has(`${tag}:after`)], ['yes\n', 'no\n'], `${builder}: ${p} before and after the fix`);
        }
      }
    });
  });
});
