/**
 * cargo-cache-kept: `cargo build` / `cargo install` in a stage whose layers form the final image
 * leave the crate registry ($CARGO_HOME/registry: index, .crate archives and their sources) and,
 * for `cargo build` and `cargo install --path`, the whole build directory (target/: every dependency compiled, incremental
 * data) in the image. Builder stages are not reported: that is where these belong. A RUN that removes
 * target/ or the build's profile folder leaves only the registry; one that removes its deps/ or build/
 * is told what it removed, and that the rest depends on the crates (test/bench/measure/manual-cargo-target.md).
 */
import { lastOwnCommand } from '../core/commands';
import { appendRepair, baseImageOf, cacheRule, envFor, flagValue, homeOf, imageRepository, posixShell, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { programArgs } from '../core/shell';
import { CARGO_TARGET_EXAMPLE as EX, formatBytes } from '../sizes';

const REGISTRY = 'the crate registry (index, .crate archives and unpacked sources)';
/** target/ of one small program: an example of the proportion, not this project's figure. */
const EXAMPLE = `for a small program using serde (with derive), serde_json and regex, target/ of a release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary (measured with ${EX.tool} and Debian's crates)`;
const TARGET = `target/ with every compiled dependency, which grow with the crates; ${EXAMPLE}`;
/** What stays of the registry (`what`), target/ (`target`) and their basis. */
const withTarget = (what: string, target: string) => `${what} and ${target}; the registry is not yet measured by our bench`;
const REGISTRY_CLEANUP = 'rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry" "${CARGO_HOME:-$HOME/.cargo}/git"';

/**
 * `cargo install` / `cargo fetch` that leave only the registry: install builds a registry crate in a
 * temporary folder it removes, but a path source (`--path .`) in the crate's own target/, or a
 * `--target-dir`, which it keeps (cargo 1.95: `cargo install --path .` left target/ beside the binary).
 */
function installs(cmd: CacheCommandContext['cmd']): boolean {
  const sub = cargoFills(cmd)!.value;
  return sub === 'fetch' || (sub === 'install' && flagValue(cmd, '--path') === undefined && flagValue(cmd, '--target-dir') === undefined);
}

const cargoFills = (cmd: CacheCommandContext['cmd']) => subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't']);
/** A cargo command that writes target/ (build, test, install --path): its finding names the registry too, unless the RUN takes care of it. */
const buildsCargo = (cmd: CacheCommandContext['cmd']) => !!cargoFills(cmd) && !installs(cmd);

/**
 * True for a `cargo fetch` that the RUN's last build, after it, reports with target/: the registry
 * is the same (the same CARGO_HOME and home) and what the RUN removes after the build it removes
 * after the fetch too, so the build's finding names all the fetch's finding would. Not `cargo
 * install` of a registry crate: its finding has a fix of its own (the registry's removal).
 */
function reportedByBuild({ instr, cmd, env }: CacheCommandContext): boolean {
  if (!subcommandOf(cmd, /^cargo$/, ['fetch'])) return false;
  const build = lastOwnCommand(instr.run!, buildsCargo);
  return !!build && build.start > cmd.start && homeOf(instr, build) === homeOf(instr, cmd) && envFor(instr, build, 'CARGO_HOME') === env('CARGO_HOME');
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

/**
 * The folders of a profile's output a RUN may remove on their own: the compiled dependencies, the
 * build scripts and their output. Not incremental/ (debug builds only; 2.5 of 124 MB measured):
 * without it, target/ with every compiled dependency still stays.
 */
const PARTS_OUT = ['deps', 'build'];
/**
 * A removed or mounted path named target (`target/`, `/app/target/*`) or target/<profile>[/<part>],
 * one function each, under '' and the folder's name (pathsSome reads a RUN once per function).
 */
const TARGET_TESTS: Record<string, (p: string) => boolean> = {};
for (const dir of ['', ...['release', 'debug'].flatMap((profile) => [profile, ...PARTS_OUT.map((part) => `${profile}/${part}`)])]) {
  const re = new RegExp(`(^|/)target${dir && '/'}${dir}/?(\\*)?$`);
  TARGET_TESTS[dir] = (p) => re.test(p.replace(/["']/g, ''));
}

/**
 * What of `cargo build`'s target/ the RUN removes or mounts: true for all of it (target/, or the
 * profile's folder: cargo 1.95 left 1,210 bytes beside a removed target/release), else the profile's
 * folders it takes (a release build writes nothing to target/debug: removing it changes nothing).
 */
function targetTaken(handled: (dir: string) => boolean, { cmd, env, pathsSome }: CacheCommandContext): true | string[] {
  const targetDir = flagValue(cmd, '--target-dir') ?? env('CARGO_TARGET_DIR');
  const taken = (dir: string) => (targetDir !== undefined ? handled(`${targetDir}/${dir}`) : pathsSome?.(TARGET_TESTS[dir]) === true);
  // The folder of target/ it writes to: release for `--release`, `-r` and `cargo install` (unless `--debug`), else debug;
  // none known with `--profile` or `--target` (cargo then writes to target/<triple>/<profile>, the build scripts to target/<profile>).
  const args = programArgs(cmd).map((w) => w.value);
  const profile = (flagValue(cmd, '--target') ?? flagValue(cmd, '--profile')) !== undefined ? undefined : args.includes('--release') || args.includes('-r') || (subcommandOf(cmd, /^cargo$/, ['install']) && !args.includes('--debug')) ? 'release' : 'debug';
  if ((targetDir !== undefined ? handled(targetDir) : pathsSome?.(TARGET_TESTS['']) === true) || (profile && taken(profile))) return true;
  return profile ? PARTS_OUT.map((part) => `${profile}/${part}`).filter(taken) : [];
}

/** True when `cargo build`'s target/ stays (no removal or mount of it), whole or in part. */
const targetLeft = (handled: (dir: string) => boolean, c: CacheCommandContext) => targetTaken(handled, c) !== true;

/** What the RUN takes of this build's target/ (nothing for `cargo install` of a registry crate or `cargo fetch`, which write none). */
const takenOf = (c: CacheCommandContext) => (c.handled && !installs(c.cmd) ? targetTaken(c.handled, c) : []);

/** Whether only the registry stays: `cargo install` of a registry crate, `cargo fetch`, or a build whose target/ the RUN removes or mounts. */
const registryOnly = (c: CacheCommandContext) => installs(c.cmd) || takenOf(c) === true;

/** What stays of target/, for the basis: the measured example when all of it does, else what the RUN removes and "depends on". */
function targetStays(c: CacheCommandContext): string {
  const parts = takenOf(c);
  return parts === true || parts.length === 0 ? TARGET : `target/ less ${parts.join(' and ')} (removed here): the rest depends on the crates`;
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
  if (registryOnly(c)) return `${registry!.basis}; its size depends on the crates and is not yet measured by our bench`;
  const target = targetStays(c);
  return registry ? withTarget(registry.basis, target) : target;
}

export const rule = cacheRule({
  id: 'cargo-cache-kept',
  title: 'cargo registry and build directory in the final image',
  severity: 'warning',
  finalLayersOnly: true,
  docs: {
    summary: '`cargo build` / `cargo install` leaving $CARGO_HOME/registry (and target/) in the final image without a cache mount or cleanup in the same RUN.',
    why: 'cargo downloads the crate index and every crate into $CARGO_HOME/registry and compiles into target/. The program needs only the binary. Best: build in a builder stage and copy the binary; at least use cache mounts.',
    incorrect: 'FROM rust:1.83\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD ["/app/target/release/app"]',
    correct: 'FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/app /usr/local/bin/app\nCMD ["app"]',
    sizeImpact: `Depends on the crates (the registry is not yet measured by our bench): target/ of a small release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary. \`cargo install\` of a registry crate leaves only the registry (target/ too with \`--path\` or \`--target-dir\`). Basis: ${EX.basis}.`,
    fix: `For \`cargo install\` of a registry crate only: appends \`&& ${REGISTRY_CLEANUP}\`. None for \`cargo build\` or \`install --path\`, whose target/ holds the binary: use a builder stage.`,
  },
  words: ['cargo'],
  fills: cargoFills,
  cleans: () => false,
  cacheHandled: (handled, c) => (registryLeft(handled, c).length === 0 && (installs(c.cmd) || !targetLeft(handled, c))) || reportedByBuild(c),
  message: (c) => {
    const install = registryOnly(c);
    const registry = registryStays(c)?.name;
    return `cargo leaves ${install ? registry : registry ? `${registry} and target/` : 'target/'} in the final image: ${basisFor(c)}. Build in a builder stage and copy the binary${install && posixShell(c.instr) ? `, or add \`${REGISTRY_CLEANUP}\`` : ''}.`;
  },
  // An example from another program is no estimate for this one: no `bytes`, the example stays in the basis.
  // Nor where the RUN removes part of target/: the example is a whole one.
  saving: (c: CacheCommandContext) => ({ basis: registryOnly(c) || targetStays(c) !== TARGET ? basisFor(c) : `${basisFor(c)}; example: ${EX.basis}` }),
  // Not where target/ stays too: the registry's removal would leave the finding.
  repair: ({ model, instr, cmd }) => (subcommandOf(cmd, /^cargo$/, ['install']) && installs(cmd) ? appendRepair(model, instr, REGISTRY_CLEANUP) : undefined),
});
