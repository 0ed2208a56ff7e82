/**
 * cargo-cache-kept: `cargo build` / `cargo install` in a stage whose layers form the final image
 * leave the crate registry ($CARGO_HOME/registry: index, .crate archives and their sources) and,
 * for `cargo build` and `cargo install --path`, the whole build directory (target/: every dependency compiled, incremental
 * data) in the image. Builder stages are not reported: that is where these belong.
 */
import { appendRepair, baseImageOf, cacheRule, flagValue, imageRepository, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { CARGO_TARGET_EXAMPLE as EX, formatBytes } from '../sizes';

const REGISTRY = 'the crate registry (index, .crate archives and unpacked sources)';
/** target/ of one small program: an example of the proportion, not this project's figure. */
const EXAMPLE = `for a small program using serde (with derive), serde_json and regex, target/ of a release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary (measured with ${EX.tool} and Debian's crates)`;
const TARGET = `target/ with every compiled dependency, which grow with the crates; ${EXAMPLE}`;
/** What stays of the registry (`what`), target/ and their basis. */
const withTarget = (what: string) => `${what} and ${TARGET}; the registry is not yet measured by our bench`;
const REGISTRY_CLEANUP = 'rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry" "${CARGO_HOME:-$HOME/.cargo}/git"';

/**
 * `cargo install` / `cargo fetch` that leave only the registry: install builds a registry crate in a
 * temporary folder it removes, but a path source (`--path .`) in the crate's own target/, or a
 * `--target-dir`, which it keeps (cargo 1.95: `cargo install --path .` left target/ beside the binary).
 */
function installs(cmd: CacheCommandContext['cmd']): boolean {
  const sub = subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't'])!.value;
  return sub === 'fetch' || (sub === 'install' && flagValue(cmd, '--path') === undefined && flagValue(cmd, '--target-dir') === undefined);
}

/** True when a handled path is the registry written with CARGO_HOME unknown here (`${CARGO_HOME:-...}/registry`), or its folder `part` (`/index`). */
function registryPath(p: string, part = ''): boolean {
  return p.includes('CARGO_HOME') && new RegExp(`/registry${part}/?(\\*)?$`).test(p.replace(/["']/g, ''));
}

/** The registry's folders, by what they hold. */
const PARTS: Record<string, string> = { index: 'index', cache: '.crate archives', src: 'unpacked sources' };
/** registryPath of the whole registry and of each folder, one function each (pathsSome reads a RUN once per function). */
const REGISTRY_TESTS: Record<string, (p: string) => boolean> = {};
for (const part of ['', '/index', '/cache', '/src']) REGISTRY_TESTS[part] = (p) => registryPath(p, part);

/**
 * The registry's folders that stay: none when the registry goes whole, else those no removal or mount takes (`rm -rf $CARGO_HOME/registry/cache $CARGO_HOME/registry/src` leaves index).
 * It is in CARGO_HOME: the official rust image's ENV sets /usr/local/cargo, where ~/.cargo is none; an image unknown here may be built on it.
 */
function registryLeft(handled: (dir: string) => boolean, { instr, env, pathsSome }: CacheCommandContext): string[] {
  const set = env('CARGO_HOME');
  const homes = set !== undefined ? [set] : imageRepository(baseImageOf(instr)) === 'rust' ? ['/usr/local/cargo'] : ['~/.cargo', '/usr/local/cargo'];
  const covers = (part: string) => homes.some((home) => handled(`${home}/registry${part}`)) || pathsSome?.(REGISTRY_TESTS[part]) === true;
  return covers('') ? [] : Object.keys(PARTS).filter((part) => !covers(`/${part}`));
}

/** A removed or mounted path named target (`target/`, `/app/target/*`). */
const isTarget = (p: string) => /(^|\/)target\/?(\*)?$/.test(p.replace(/["']/g, ''));

/** True when `cargo build`'s target/ stays (no removal or mount of it). */
function targetLeft(handled: (dir: string) => boolean, { cmd, env, pathsSome }: CacheCommandContext): boolean {
  const targetDir = flagValue(cmd, '--target-dir') ?? env('CARGO_TARGET_DIR');
  return !(targetDir !== undefined ? handled(targetDir) : pathsSome?.(isTarget) === true);
}

/** What stays of the registry, for the message and the basis: the whole registry, the folders left of it, or nothing (a build whose target/ stays). */
function registryStays(c: CacheCommandContext): { name: string; basis: string } | undefined {
  const left = c.handled ? registryLeft(c.handled, c) : Object.keys(PARTS);
  if (left.length === 0) return undefined;
  if (left.length === Object.keys(PARTS).length) return { name: 'its crate registry', basis: REGISTRY };
  const what = left.map((p) => PARTS[p]).join(' and ');
  const where = left.map((p) => `registry/${p}`).join(', ');
  const part = `crate registry's ${what} (${where})`;
  return { name: `its ${part}`, basis: `the ${part}` };
}

/** The finding's basis: what stays and what that costs. */
function basisFor(c: CacheCommandContext): string {
  const registry = registryStays(c);
  // A cargo install whose registry goes is no finding (cacheHandled).
  if (installs(c.cmd)) return `${registry!.basis}; its size depends on the crates and is not yet measured by our bench`;
  return registry ? withTarget(registry.basis) : TARGET;
}

export const rule = cacheRule({
  id: 'cargo-cache-kept',
  title: 'cargo registry and build directory in the final image',
  severity: 'warning',
  finalLayersOnly: true,
  docs: {
    summary: '`cargo build` / `cargo install` in a stage whose layers form the final image, leaving $CARGO_HOME/registry (and target/) without a cache mount or cleanup in the same RUN.',
    why: 'cargo downloads the crate index and every crate into $CARGO_HOME/registry and compiles into target/. The program needs only the binary. Best: build in a builder stage and copy the binary; at least use cache mounts.',
    incorrect: 'FROM rust:1.83\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD ["/app/target/release/app"]',
    correct: 'FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/app /usr/local/bin/app\nCMD ["app"]',
    sizeImpact: `Depends on the crates (the registry is not yet measured by our bench): target/ of a small release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary. \`cargo install\` of a registry crate leaves only the registry (target/ too with \`--path\` or \`--target-dir\`). Basis: ${EX.basis}.`,
    fix: `For \`cargo install\` of a registry crate only: appends \`&& ${REGISTRY_CLEANUP}\`. None for \`cargo build\` or \`install --path\`, whose target/ holds the binary: use a builder stage.`,
  },
  words: ['cargo'],
  fills: (cmd) => subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't']),
  cleans: () => false,
  cacheHandled: (handled, c) => registryLeft(handled, c).length === 0 && (installs(c.cmd) || !targetLeft(handled, c)),
  message: (c) => {
    const install = installs(c.cmd);
    const registry = registryStays(c)?.name;
    return `cargo leaves ${install ? registry : registry ? `${registry} and target/` : 'target/'} in the final image: ${basisFor(c)}. Build in a builder stage and copy the binary${install ? `, or add \`${REGISTRY_CLEANUP}\`` : ''}.`;
  },
  // An example from another program is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: (c: CacheCommandContext) => ({ basis: installs(c.cmd) ? basisFor(c) : `${basisFor(c)}; example: ${EX.basis}` }),
  // Not where target/ stays too: the registry's removal would leave the finding.
  repair: ({ model, instr, cmd }) => (subcommandOf(cmd, /^cargo$/, ['install']) && installs(cmd) ? appendRepair(model, instr, REGISTRY_CLEANUP) : undefined),
});
