/**
 * Finds the build context Compose uses for a Dockerfile. A service's `build` is either a path
 * (`build: ./api`, meaning context `./api` and its `Dockerfile`) or a mapping with `context`
 * (default `.`) and `dockerfile` (default `Dockerfile`, relative to the context unless
 * absolute). Relative paths count from the Compose file's folder. Contexts that are URLs (Git
 * repositories, remote tarballs) and values with unresolved variables are skipped; `${VAR:-x}`
 * and `${VAR-x}` fall back to `x`, as Compose does when VAR is unset.
 */
import * as path from 'node:path';
import { parseYaml } from '../../core/yaml';
import { readAll } from '../readFirst';

/** File names Compose looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;

export interface ComposeBuildTarget {
  composeFile: string;
  service: string;
  /** Absolute build context directory. */
  contextDir: string;
  /** Absolute Dockerfile path. */
  dockerfile: string;
  /** The stage the service builds (`build.target`), when it names one. */
  target?: string;
}

export interface ComposeFileText {
  path: string;
  text: string;
}

/** Expands `${VAR:-default}` / `${VAR-default}` to the default; undefined if any other variable remains. */
function withDefaults(value: string): string | undefined {
  const out = value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1').replace(/\$\$/g, '\u0000');
  if (out.includes('$')) return undefined;
  return out.replace(/\u0000/g, '$');
}

function isRemote(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || /^github\.com\//.test(context);
}

/** Every service with a local build in one Compose file. Never throws; problems come back as messages. */
export function composeBuildTargets(file: ComposeFileText): { targets: ComposeBuildTarget[]; errors: string[] } {
  const errors: string[] = [];
  let root: unknown;
  try {
    // A file with a syntax error gives no targets: Compose refuses such a file as a whole.
    root = parseYaml(file.text);
  } catch (e) {
    errors.push(`${file.path}: ${(e as Error).message}`);
    return { targets: [], errors };
  }
  const services = (root as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object') return { targets: [], errors };
  const base = path.dirname(file.path);
  const targets: ComposeBuildTarget[] = [];
  for (const [service, def] of Object.entries(services as Record<string, unknown>)) {
    const build = (def as { build?: unknown } | null)?.build;
    let context: string | undefined;
    let dockerfile = 'Dockerfile';
    let target: string | undefined;
    if (typeof build === 'string') context = build;
    else if (build && typeof build === 'object') {
      const b = build as { context?: unknown; dockerfile?: unknown; dockerfile_inline?: unknown; target?: unknown };
      if (b.dockerfile_inline !== undefined) continue;
      context = typeof b.context === 'string' ? b.context : '.';
      if (typeof b.dockerfile === 'string') dockerfile = b.dockerfile;
      if (typeof b.target === 'string') target = withDefaults(b.target);
    } else continue;
    const ctx = withDefaults(context);
    const df = withDefaults(dockerfile);
    if (ctx === undefined || df === undefined || isRemote(ctx)) continue;
    const contextDir = path.resolve(base, ctx);
    targets.push({ composeFile: file.path, service, contextDir, dockerfile: path.resolve(contextDir, df), ...(target ? { target } : {}) });
  }
  return { targets, errors };
}

/** The Compose services that build `dockerfilePath` (absolute), across the given Compose files. */
export function composeTargetsFor(dockerfilePath: string, files: readonly ComposeFileText[]): ComposeBuildTarget[] {
  const wanted = path.resolve(dockerfilePath);
  const same = process.platform === 'win32' || process.platform === 'darwin' ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase() : (a: string, b: string) => a === b;
  return files.flatMap((f) => composeBuildTargets(f).targets).filter((t) => same(t.dockerfile, wanted));
}

/** Reads the Compose files found directly in `dir` (no recursion), all at once; unreadable ones are skipped. */
export function readComposeFiles(dir: string): Promise<ComposeFileText[]> {
  return readAll(COMPOSE_FILE_NAMES.map((name) => path.join(dir, name)));
}
