/**
 * Platforms ("linux/arm64/v8") and how an index entry is chosen for one. Registries list the
 * same platform in different spellings: arm64 entries may carry variant "v8" or none, 32-bit
 * arm usually carries "v7"/"v6", and amd64 entries have no variant. We normalise the implied
 * defaults (arm64 -> v8, arm -> v7) before comparing, as containerd's matcher does, so that
 * "linux/arm64" and "linux/arm64/v8" are the same platform.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, Platform | undefined> = {
  x86_64: { os: '', architecture: 'amd64' },
  'x86-64': { os: '', architecture: 'amd64' },
  aarch64: { os: '', architecture: 'arm64' },
  armhf: { os: '', architecture: 'arm', variant: 'v7' },
  armel: { os: '', architecture: 'arm', variant: 'v6' },
  i386: { os: '', architecture: '386' },
  i686: { os: '', architecture: '386' },
  x86: { os: '', architecture: '386' },
};

/** Parses "os/arch[/variant]" (or a bare "arch", taken as linux); undefined when malformed. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) return undefined;
  if (parts.length === 1) return normalisePlatform({ os: 'linux', architecture: parts[0]! });
  if (parts.length === 2) return normalisePlatform({ os: parts[0]!, architecture: parts[1]! });
  if (parts.length === 3) return normalisePlatform({ os: parts[0]!, architecture: parts[1]!, variant: parts[2]! });
  return undefined;
}

/** Applies architecture aliases and the implied default variants. */
export function normalisePlatform(p: Platform): Platform {
  let os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  const alias = ARCH_ALIASES[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant = variant ?? alias.variant;
  }
  if (os === 'macos' || os === 'osx') os = 'darwin';
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) variant = 'v8';
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'arm' && /^[5-8]$/.test(variant ?? '')) variant = `v${variant}`;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** "linux/arm64/v8"; amd64 and others without variant print as "os/arch". */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/**
 * Whether an index entry's platform satisfies the wanted one. A wanted platform without a
 * variant accepts any variant of that os/arch (except where a default variant is implied).
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const w = normalisePlatform(wanted);
  const c = normalisePlatform(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  if (w.variant === undefined) return true;
  return w.variant === c.variant;
}

/**
 * Picks the best entry for a platform from index descriptors: an exact variant match first,
 * then (for a wanted platform without variant) the first entry of that os/arch.
 */
export function selectPlatform<T extends { platform?: Platform }>(entries: readonly T[], wanted: Platform): T | undefined {
  const w = normalisePlatform(wanted);
  const usable = entries.filter((e) => e.platform && e.platform.os !== 'unknown' && e.platform.architecture !== 'unknown');
  return usable.find((e) => platformMatches(w, e.platform!));
}

/**
 * The platform a container on this host would use: Docker Desktop on macOS and Windows runs
 * Linux containers, so the OS is always linux here; the architecture follows Node's.
 */
export function hostPlatform(arch: string = process.arch): Platform {
  switch (arch) {
    case 'x64': return { os: 'linux', architecture: 'amd64' };
    case 'arm64': return { os: 'linux', architecture: 'arm64', variant: 'v8' };
    case 'arm': return { os: 'linux', architecture: 'arm', variant: 'v7' };
    case 'ia32': return { os: 'linux', architecture: '386' };
    case 'ppc64': return { os: 'linux', architecture: 'ppc64le' };
    default: return { os: 'linux', architecture: arch };
  }
}
