/**
 * Tags of official images split into what decides their size: the version (and the line it
 * belongs to), the variant (kind: full / slim / alpine; role: jdk, jre, fpm, cli, apache...; base
 * distribution), and the platform.
 *
 * Official tags follow one shape, `<version>-<role>-<kind><distro>` with parts left out
 * (`3.12`, `3.12-slim-bookworm`, `21-jre-alpine`, `8.3-fpm-alpine3.20`, `mainline-alpine`,
 * `alpine`), so splitting on `-` and classifying each token is enough. Two images use their
 * distribution's release as the version (`debian:bookworm` = `debian:12`, `ubuntu:noble` =
 * `ubuntu:24.04`); a few leave their default role out of the tag (`php:8.3` is the cli image,
 * `eclipse-temurin:21` the jdk one).
 */

export type Kind = 'full' | 'slim' | 'alpine';

/** A tag split into size-relevant parts. */
export interface TagInfo {
  /** The tag as written. */
  tag: string;
  /** Version token as written (`3.12.4`, `bookworm`, `mainline`), undefined for `latest` or no version. */
  versionText?: string;
  /** Numeric version components (`[3, 12, 4]`), when the version is numeric or a known codename. */
  version?: number[];
  /** Named version channel (`mainline`, `stable`, `lts`, `edge`...), when the version is a name. */
  channel?: string;
  /** True for pre-releases (`3.14.0rc1`, `1.26rc2`). */
  prerelease: boolean;
  kind: Kind;
  /** Other variant tokens, sorted and joined with `-` (`jre`, `fpm`, `cli`); the image's default role when none is written. */
  role: string;
  /** True when `role` is the image's default, not written in the tag. */
  roleImplied: boolean;
  /** Base distribution written in the tag (`bookworm`, `alpine3.20`, `alpine-3.21`, `noble`, `ubi9-minimal`), if any. */
  distro?: string;
}

export const DEBIAN_RELEASES: Readonly<Record<string, number>> = {
  jessie: 8, stretch: 9, buster: 10, bullseye: 11, bookworm: 12, trixie: 13, forky: 14, duke: 15,
};
export const UBUNTU_RELEASES: Readonly<Record<string, string>> = {
  bionic: '18.04', focal: '20.04', jammy: '22.04', kinetic: '22.10', lunar: '23.04', mantic: '23.10', noble: '24.04', oracular: '24.10', plucky: '25.04',
  questing: '25.10', resolute: '26.04',
};
/**
 * Node.js's LTS lines by codename, which the node image's tags also use (`node:iron`,
 * `node:jod-bookworm-slim`): the names the Node.js release schedule gives each even major line
 * when it enters long-term support (nodejs/Release).
 */
export const NODE_CODENAMES: Readonly<Record<string, number>> = {
  argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24,
};
const DEBIAN_BY_NUMBER = new Map(Object.entries(DEBIAN_RELEASES).map(([name, n]) => [n, name]));
const UBUNTU_BY_NUMBER = new Map(Object.entries(UBUNTU_RELEASES).map(([name, v]) => [v, name]));

/** The role an image's tags mean when they name none. */
const DEFAULT_ROLE: Readonly<Record<string, string>> = {
  'eclipse-temurin': 'jdk',
  openjdk: 'jdk',
  php: 'cli',
};

const CHANNELS = new Set(['mainline', 'stable', 'lts', 'current', 'edge', 'rolling', 'devel', 'testing', 'unstable', 'sid', 'oldstable', 'rc', 'beta', 'nightly']);
/**
 * Tested on lower-cased tokens. Windows: an edition (`windowsservercore`), with its release after
 * it as one token, or a release alone (ltsc2016 to ltsc2025, sac2016, 1607 to 1909, 2004, 20H2).
 */
const OTHER_DISTROS = /^(?:al2|al2023|amazonlinux\d*|ubi\d+(?:-minimal)?|oraclelinux\d+(?:-slim)?|centos\d*|rockylinux\d*|(?:windowsservercore|nanoserver)(?:-\w+)?|(?:ltsc|sac)\d{4}|1[6-9]0\d|2004|\d\dh\d)$/;
/**
 * Distributions written in two tokens (`ubi9-minimal`, Temurin's `alpine-3.21`, `oraclelinux8-slim`,
 * `windowsservercore-ltsc2022`): one token, so that `minimal` or `3.21` is not read as a role, nor
 * `slim` as a -slim kind, nor a Windows release without its edition.
 */
const TWO_PART_DISTRO = /^(?:ubi\d+-minimal|alpine-\d+\.[\d.]+|oraclelinux\d+-slim|(?:windowsservercore|nanoserver)-\w+)$/i;
/** A tag part only Windows images have: an edition (`windowsservercore`, `nanoserver`) or a long-term release (`ltsc2022`). */
const WINDOWS_PART = /^(?:windowsservercore|nanoserver|ltsc\d{4})$/i;

/** True when a tag names a Windows edition or long-term release (`8.0-nanoserver-ltsc2022`, `ltsc2022`); `1809` alone is no Windows. */
export function windowsTag(tag: string): boolean {
  return tag.split('-').some((t) => WINDOWS_PART.test(t));
}

const VERSION = /^v?(\d+(?:\.\d+)*)(?:[._-]?(a|b|rc|alpha|beta|pre)\.?\d*)?$/;

/** Parses a tag of the given official image. */
export function parseTag(image: string, tag: string): TagInfo {
  const tokens: string[] = [];
  for (const t of tag.split('-')) {
    if (t === '') continue;
    const joined = tokens.length > 0 ? `${tokens[tokens.length - 1]}-${t}` : '';
    if (TWO_PART_DISTRO.test(joined)) tokens[tokens.length - 1] = joined;
    else tokens.push(t);
  }
  const info: TagInfo = { tag, prerelease: false, kind: 'full', role: '', roleImplied: false };
  const roles: string[] = [];
  let first = true;
  for (const raw of tokens) {
    const t = raw.toLowerCase();
    const isFirst = first;
    first = false;
    if (isFirst && t === 'latest') continue;
    if (isFirst) {
      const v = VERSION.exec(t);
      if (v) {
        info.versionText = raw;
        info.version = v[1].split('.').map(Number);
        info.prerelease = v[2] !== undefined;
        if (image === 'ubuntu') info.distro = UBUNTU_BY_NUMBER.get(v[1]);
        if (image === 'debian') info.distro = DEBIAN_BY_NUMBER.get(info.version[0]);
        continue;
      }
      if (image === 'debian' && t in DEBIAN_RELEASES) {
        info.versionText = raw;
        info.version = [DEBIAN_RELEASES[t]];
        info.distro = t;
        continue;
      }
      if (image === 'ubuntu' && t in UBUNTU_RELEASES) {
        info.versionText = raw;
        info.version = UBUNTU_RELEASES[t].split('.').map(Number);
        info.distro = t;
        continue;
      }
      if (image === 'node' && t in NODE_CODENAMES) {
        info.versionText = raw;
        info.version = [NODE_CODENAMES[t]];
        continue;
      }
      if (CHANNELS.has(t)) {
        info.versionText = raw;
        info.channel = t;
        continue;
      }
    }
    if (t === 'slim') {
      if (info.kind === 'full') info.kind = 'slim';
      continue;
    }
    const alpine = /^alpine-?(\d+(?:\.\d+)*)?$/.exec(t);
    if (alpine) {
      info.kind = 'alpine';
      if (alpine[1] !== undefined) info.distro = t;
      continue;
    }
    if (t in DEBIAN_RELEASES || t in UBUNTU_RELEASES) {
      info.distro = t;
      continue;
    }
    if (OTHER_DISTROS.test(t)) {
      // Another distribution as written: a tag composed from it names Windows' `20H2` so.
      info.distro = raw;
      continue;
    }
    if (/^\d{8}$/.test(t)) continue; // build date stamp (debian:bookworm-20240110): same content line
    roles.push(t);
  }
  if (image === 'alpine') info.kind = 'alpine';
  if (roles.length === 0 && DEFAULT_ROLE[image] !== undefined) {
    roles.push(DEFAULT_ROLE[image]);
    info.roleImplied = true;
  }
  info.role = roles.sort().join('-');
  return info;
}

/**
 * Composes a tag of an official image from parts, in the order official tags use:
 * `<version>-<role>-<kind>-<distro>`, except that node writes the distro before `slim`
 * (`22-bookworm-slim`) and debian's slim tags are `<release>-slim`. Returns undefined when the
 * parts name no tag (a full image without version is `latest`, which the caller writes).
 */
export function composeTag(image: string, parts: { versionText?: string; role?: string; kind: Kind; distro?: string }): string | undefined {
  const out: string[] = [];
  const versionIsDistro = image === 'debian' || image === 'ubuntu';
  if (parts.versionText !== undefined) out.push(parts.versionText);
  else if (image === 'debian' && parts.kind === 'slim') out.push('stable');
  if (parts.role) out.push(parts.role);
  const distro = versionIsDistro ? undefined : parts.distro;
  if (parts.kind === 'slim') {
    if (image === 'node' && distro !== undefined) out.push(distro, 'slim');
    else out.push('slim', ...(distro !== undefined ? [distro] : []));
  } else if (parts.kind === 'alpine') {
    if (image !== 'alpine') out.push(distro !== undefined && distro.startsWith('alpine') ? distro : 'alpine');
  } else if (distro !== undefined) out.push(distro);
  return out.length > 0 ? out.join('-') : undefined;
}

/** Where a tag's numeric version sits relative to another's. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `prefix` equals the first components of `v`. */
export function isVersionPrefix(prefix: readonly number[], v: readonly number[]): boolean {
  return prefix.length <= v.length && prefix.every((x, i) => x === v[i]);
}

/** The default platform of `docker pull` on the machines that build most images. */
export const DEFAULT_PLATFORM = 'linux/amd64';

const ARCH_ALIASES: Readonly<Record<string, string>> = {
  amd64: 'amd64', x86_64: 'amd64', 'x86-64': 'amd64',
  arm64: 'arm64/v8', aarch64: 'arm64/v8', 'arm64/v8': 'arm64/v8', arm64v8: 'arm64/v8',
  arm: 'arm/v7', armhf: 'arm/v7', 'arm/v7': 'arm/v7', arm32v7: 'arm/v7', 'arm/v6': 'arm/v6', arm32v6: 'arm/v6', armel: 'arm/v5', 'arm/v5': 'arm/v5',
  '386': '386', i386: '386', x86: '386', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips64le: 'mips64le',
};

/**
 * Normalises a `--platform` value the way the registry matches it: `linux/arm64` =
 * `linux/arm64/v8`, `arm64` = `linux/arm64/v8`, `linux/x86_64` = `linux/amd64`; undefined or a
 * value that still holds an ARG (`$BUILDPLATFORM`) gives the default, `linux/amd64`.
 * Unknown values are returned lower-cased as written.
 */
export function normalizePlatform(platform?: string): string {
  const p = (platform ?? '').trim().toLowerCase();
  if (p === '' || p.includes('$')) return DEFAULT_PLATFORM;
  const slash = p.indexOf('/');
  const os = slash >= 0 ? p.slice(0, slash) : 'linux';
  const arch = slash >= 0 ? p.slice(slash + 1) : p;
  const known = ARCH_ALIASES[arch];
  if (os === 'linux' && known !== undefined) return `linux/${known}`;
  if (slash < 0 && known === undefined) return p;
  return known !== undefined ? `${os}/${known}` : p;
}

/** Docker Hub's per-architecture namespaces of official images (`arm64v8/python`) and their platforms. */
export const ARCH_NAMESPACES: Readonly<Record<string, string>> = {
  amd64: 'linux/amd64', arm64v8: 'linux/arm64/v8', arm32v7: 'linux/arm/v7', arm32v6: 'linux/arm/v6',
  arm32v5: 'linux/arm/v5', i386: 'linux/386', ppc64le: 'linux/ppc64le', s390x: 'linux/s390x', riscv64: 'linux/riscv64',
};
