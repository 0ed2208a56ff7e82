/**
 * Makes the Debian bookworm base images the size bench builds on, without pulling anything:
 * `debootstrap --variant=minbase bookworm` from Debian's mirror, imported as
 * `localhost/debian-minbase:bookworm` (bare), and the same root file system with the apt and dpkg
 * configuration the official `debian` images ship, imported as
 * `localhost/debian-official-like:bookworm`. Measuring on the bare rootfs would mislead: there apt
 * keeps every downloaded .deb and its binary caches, so `apt-get clean` looks like a big saving
 * that users of the official images never get.
 *
 * The debootstrap result is cached as a tarball in `$DSH_CACHE_DIR` or
 * `~/.cache/dockerfile-size-hints/`, so only the first run on a machine waits for the mirror.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runOk, which } from './exec';
import type { Engine } from './dockerd';

export const BARE_IMAGE = 'localhost/debian-minbase:bookworm';
export const OFFICIAL_LIKE_IMAGE = 'localhost/debian-official-like:bookworm';
export const NODE_IMAGE = 'localhost/debian-node:bookworm';

/** Where the debootstrap tarball is kept between runs. */
export function cacheDir(): string {
  return process.env.DSH_CACHE_DIR ?? join(homedir(), '.cache', 'dockerfile-size-hints');
}

const MIRROR = process.env.DSH_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const SECURITY_MIRROR = process.env.DSH_DEBIAN_SECURITY_MIRROR ?? 'http://deb.debian.org/debian-security';

/**
 * The configuration files of the official Debian images, rewritten here from what they do.
 * Keys are paths inside the root file system; a value starting with `#!` is made executable.
 */
export const OFFICIAL_CONFIG: Readonly<Record<string, string>> = {
  // Downloaded .deb files are deleted once dpkg has installed them, and apt keeps no binary
  // package cache (pkgcache.bin, srcpkgcache.bin): both would only add bytes to every layer that
  // runs apt, and a container image is rebuilt rather than updated in place.
  '/etc/apt/apt.conf.d/docker-clean': [
    '// Container images: keep no downloaded packages and no binary caches in any layer.',
    'APT::Keep-Downloaded-Packages "false";',
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
    'Dir::Cache::pkgcache "";',
    'Dir::Cache::srcpkgcache "";',
    '',
  ].join('\n'),
  // Package lists stay compressed on disk (despite the option's name, apt 2.6 keeps them as lz4),
  // so an `apt-get update` that nobody cleans up leaves about half of what it would.
  '/etc/apt/apt.conf.d/docker-gzip-indexes': '// Container images: keep the package lists compressed on disk.\nAcquire::GzipIndexes "true";\n',
  // No translated package descriptions are downloaded.
  '/etc/apt/apt.conf.d/docker-no-languages': '// Container images: fetch no Translation-* files.\nAcquire::Languages "none";\n',
  // `apt-get purge --auto-remove` also removes packages that something else only suggests, so
  // the install-build-purge pattern really gives the space back.
  '/etc/apt/apt.conf.d/docker-autoremove-suggests':
    '// Container images: a Suggests does not keep an automatically installed package.\nApt::AutoRemove::SuggestsImportant "false";\n',
  // dpkg skips its fsync calls: a build that fails is simply run again.
  '/etc/dpkg/dpkg.cfg.d/docker-apt-speedup': '# Container images: no fsync per unpacked file.\nforce-unsafe-io\n',
  // Package maintainer scripts may not start services inside a build.
  '/usr/sbin/policy-rc.d': '#!/bin/sh\n# Container images: never start or restart services from package scripts.\nexit 101\n',
  // deb822 sources for bookworm, its point-release updates and its security archive.
  '/etc/apt/sources.list.d/debian.sources': [
    'Types: deb',
    `URIs: ${MIRROR}`,
    'Suites: bookworm bookworm-updates',
    'Components: main',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    '',
    'Types: deb',
    `URIs: ${SECURITY_MIRROR}`,
    'Suites: bookworm-security',
    'Components: main',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    '',
  ].join('\n'),
};

/** Files the official images do not carry: one-line sources, apt's lists and caches, logs. */
const REMOVE_FROM_OFFICIAL = ['/etc/apt/sources.list', '/var/lib/apt/lists', '/var/cache/apt', '/var/log', '/var/cache/ldconfig/aux-cache'];

/** Makes (or reuses) the cached bare debootstrap tarball and returns its path. */
export async function debootstrapTarball(log: (m: string) => void = () => undefined): Promise<string> {
  const dir = cacheDir();
  const tarball = join(dir, 'debootstrap-minbase-bookworm-amd64.tar');
  if (existsSync(tarball)) return tarball;
  const debootstrap = which('debootstrap');
  if (!debootstrap) throw new Error('debootstrap is not installed (Debian package debootstrap; see test/setup/apt-packages.txt)');
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'dsh-debootstrap-'));
  try {
    const rootfs = join(work, 'rootfs');
    log(`debootstrap --variant=minbase bookworm from ${MIRROR} (about a minute)...`);
    await runOk(debootstrap, ['--variant=minbase', '--arch=amd64', 'bookworm', rootfs, MIRROR], { timeoutMs: 900_000 });
    await runOk('tar', ['--numeric-owner', '--xattrs', '-C', rootfs, '-cf', `${tarball}.part`, '.']);
    renameSync(`${tarball}.part`, tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tarball;
}

/** Writes the official images' configuration into an extracted root file system. */
export function applyOfficialConfig(rootfs: string): void {
  for (const p of REMOVE_FROM_OFFICIAL) {
    const abs = join(rootfs, p);
    if (!existsSync(abs)) continue;
    if (statSync(abs).isDirectory()) {
      // Keep the directories (apt expects them), empty their content but for the lock/partial dirs.
      for (const entry of readdirSync(abs)) {
        if (entry === 'partial' || entry === 'lock' || entry === 'archives' || entry === 'apt') continue;
        rmSync(join(abs, entry), { recursive: true, force: true });
      }
      if (p === '/var/cache/apt') rmSync(join(abs, 'archives'), { recursive: true, force: true });
      if (p === '/var/log') for (const f of ['apt']) rmSync(join(abs, f), { recursive: true, force: true });
    } else {
      rmSync(abs, { force: true });
    }
  }
  mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
  mkdirSync(join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
  mkdirSync(join(rootfs, 'var/log/apt'), { recursive: true });
  for (const [path, content] of Object.entries(OFFICIAL_CONFIG)) {
    const abs = join(rootfs, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    chmodSync(abs, content.startsWith('#!') ? 0o755 : 0o644);
  }
}

/**
 * Imports the bare image alone, with `CMD ["bash"]` and no other configuration (from the cached
 * tarball; debootstrap runs only when the cache is empty), for tests that build on it. Returns the
 * tarball's path.
 */
export async function importBareImage(engine: Engine, log: (m: string) => void = () => undefined): Promise<string> {
  const tarball = await debootstrapTarball(log);
  await engine.dockerOk(['import', '--change', 'CMD ["bash"]', tarball, BARE_IMAGE], { timeoutMs: 300_000 });
  return tarball;
}

const IMPORT_CHANGES = ['--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["bash"]'];

export interface BaseImages {
  bare: string;
  officialLike: string;
  /** Packages installed in the official-like image (`dpkg-query -W` inside it), sorted. */
  officialLikePackages: string[];
}

/**
 * Imports both base images into the engine (from the cached tarball; debootstrap runs only when
 * the cache is empty) and lists the official-like image's packages.
 */
export async function ensureBaseImages(engine: Engine, log: (m: string) => void = () => undefined): Promise<BaseImages> {
  const tarball = await debootstrapTarball(log);
  await engine.dockerOk(['import', ...IMPORT_CHANGES, tarball, BARE_IMAGE], { timeoutMs: 300_000 });
  const work = mkdtempSync(join(tmpdir(), 'dsh-rootfs-'));
  try {
    await runOk('tar', ['--numeric-owner', '--xattrs', '-C', work, '-xf', tarball]);
    applyOfficialConfig(work);
    const official = join(tmpdir(), `${work.split('/').pop()}.tar`);
    try {
      await runOk('tar', ['--numeric-owner', '--xattrs', '-C', work, '-cf', official, '.']);
      await engine.dockerOk(['import', ...IMPORT_CHANGES, official, OFFICIAL_LIKE_IMAGE], { timeoutMs: 300_000 });
    } finally {
      rmSync(official, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const list = await engine.dockerOk(['run', '--rm', '--network', 'none', OFFICIAL_LIKE_IMAGE, 'dpkg-query', '-W', '-f', '${Package}\\n']);
  const officialLikePackages = list.split('\n').map((s) => s.trim()).filter(Boolean).sort();
  return { bare: BARE_IMAGE, officialLike: OFFICIAL_LIKE_IMAGE, officialLikePackages };
}

/**
 * Imports (or builds) {@link NODE_IMAGE}: the official-like image with Debian's `nodejs` and `npm`
 * (node 18.20, npm 9.2.0 in bookworm), installed without recommendations, for builds that run npm.
 * Debian's npm pulls node-gyp and with it gcc, g++, make and python3: 387 packages, 47 MB to
 * download and 236 MB installed, 5 minutes on a busy 2-core machine (load 9). So it is built once
 * and kept beside the debootstrap tarball with `docker save` (about 390 MB; `docker load` takes
 * about 15 s), named by a hash of what it is built from. When this machine gives Node an extra
 * certificate authority (NODE_EXTRA_CA_CERTS: a proxy that inspects TLS), the image trusts it too,
 * so npm in a build reaches the registry as npm here does. Call {@link ensureBaseImages} first.
 */
export async function ensureNodeImage(engine: Engine, log: (m: string) => void = () => undefined): Promise<string> {
  const caFile = process.env.NODE_EXTRA_CA_CERTS;
  const ca = caFile && existsSync(caFile) ? readFileSync(caFile) : undefined;
  const dockerfile = [
    `FROM ${OFFICIAL_LIKE_IMAGE}`,
    'RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*',
    ...(ca ? ['COPY extra-ca.crt /usr/local/share/ca-certificates/dsh-extra-ca.crt', 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/dsh-extra-ca.crt'] : []),
    '',
  ].join('\n');
  const key = createHash('sha256').update(dockerfile).update(ca ?? '').digest('hex').slice(0, 16);
  const dir = cacheDir();
  const tarball = join(dir, `debian-node-bookworm-${key}.tar`);
  if (existsSync(tarball)) {
    await engine.dockerOk(['load', '-i', tarball], { timeoutMs: 300_000 });
    return NODE_IMAGE;
  }
  const ctx = mkdtempSync(join(tmpdir(), 'dsh-node-image-'));
  try {
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
    if (ca) writeFileSync(join(ctx, 'extra-ca.crt'), ca);
    log(`building ${NODE_IMAGE}: Debian's nodejs and npm from ${MIRROR} (minutes; kept in ${dir} afterwards)...`);
    await engine.dockerOk(['build', '--network', 'host', '-t', NODE_IMAGE, ctx], { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 900_000 });
    mkdirSync(dir, { recursive: true });
    // One image kept: those built from something else are stale.
    for (const old of readdirSync(dir)) if (/^debian-node-bookworm-.*\.tar(\.part)?$/.test(old)) rmSync(join(dir, old), { force: true });
    await engine.dockerOk(['save', '-o', `${tarball}.part`, NODE_IMAGE], { timeoutMs: 300_000 });
    renameSync(`${tarball}.part`, tarball);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return NODE_IMAGE;
}
