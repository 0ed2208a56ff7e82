/**
 * cargo-cache-kept: `cargo build` / `cargo install` in a stage whose layers form the final image
 * leave the crate registry ($CARGO_HOME/registry: index, .crate archives and their sources) and,
 * for `cargo build` and `cargo install --path`, the whole build directory (target/: every dependency compiled, incremental
 * data) in the image. Builder stages are reported only when the final image copies them out (the
 * whole file system, or CARGO_HOME after a cargo install; on a Windows base only /: heldFolder). A RUN that removes
 * target/ or the build's profile folder leaves only the registry; one that removes its deps/ or build/
 * is told what it removed, and that the rest depends on the crates (test/bench/measure/manual-cargo-target.md).
 */
import { lastOwnCommand } from '../core/commands';
import { appendRepair, baseImageOf, cacheRule, envFor, flagValue, homeOf, imageRepository, posixShell, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { programArgs } from '../core/shell';
import { namedPath } from '../core/paths';
import { CARGO_TARGET_EXAMPLE as EX, formatBytes } from '../sizes';

const REGISTRY = 'the crate registry (index, .crate archives and unpacked sources)';
/** target/ of one small program: an example of the proportion, not this project's figure. */
const EXAMPLE = `for a small program using serde (with derive), serde_json and regex, target/ of a release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary (measured with ${EX.tool} and Debian's crates)`;
const TARGET = `with every compiled dependency, which grow with the crates; ${EXAMPLE}`;
/** What stays of the registry (`what`), target/ (`target`) and their basis. */
const withTarget = (what: string, target: string) => `${what} and ${target}; the registry is not yet measured by our bench`;
const REGISTRY_CLEANUP = 'rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry" "${CARGO_HOME:-$HOME/.cargo}/git"';

/**
 * `cargo install` / `cargo fetch` that leave only the registry: install builds a registry crate in a
 * temporary folder it removes, but a path source (`--path .`) in the crate's own target/, or a
 * `--target-dir`, which it keeps (cargo 1.95: `cargo install --path .` left target/ beside the binary).
 */
function installs(instr: CacheCommandContext['instr'], cmd: CacheCommandContext['cmd']): boolean {
  const sub = cargoFills(cmd)!.value;
  return sub === 'fetch' || (sub === 'install' && flagValue(cmd, '--path') === undefined && targetDirOf({ cmd, env: (name) => envFor(instr, cmd, name) }) === undefined);
}

const cargoFills = (cmd: CacheCommandContext['cmd']) => subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't']);
/** A cargo command that writes target/ (build, test, install --path): its finding names the registry too, unless the RUN takes care of it. */
const buildsCargo = (instr: CacheCommandContext['instr']) => (cmd: CacheCommandContext['cmd']) => !!cargoFills(cmd) && !installs(instr, cmd);

/**
 * True for a `cargo fetch` that the RUN's last build, after it, reports with target/: the registry
 * is the same (the same CARGO_HOME and home) and what the RUN removes after the build it removes
 * after the fetch too, so the build's finding names all the fetch's finding would. Not `cargo
 * install` of a registry crate: its finding has a fix of its own (the registry's removal).
 */
function reportedByBuild({ instr, cmd, env }: CacheCommandContext): boolean {
  if (!subcommandOf(cmd, /^cargo$/, ['fetch'])) return false;
  const build = lastOwnCommand(instr.run!, buildsCargo(instr));
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
function registryLeft(handled: (dir: string) => boolean, c: CacheCommandContext): string[] {
  const home = cargoHome(c);
  const homes = home !== undefined ? [home] : ['~/.cargo', '/usr/local/cargo'];
  const covers = (part: string) => homes.some((home) => handled(`${home}/registry${part}`)) || c.pathsSome?.(REGISTRY_TESTS[part]) === true;
  return covers('') ? [] : Object.keys(PARTS).filter((part) => !covers(`/${part}`));
}

/** CARGO_HOME where it is known: set, or the official rust image's. */
const cargoHome = ({ instr, env }: CacheCommandContext) => env('CARGO_HOME') ?? (imageRepository(baseImageOf(instr)) === 'rust' ? '/usr/local/cargo' : undefined);

/**
 * The folders of a profile's output a RUN may remove on their own: the compiled dependencies, the
 * build scripts and their output. Not incremental/ (debug builds only; 2.5 of 124 MB measured):
 * without it, target/ with every compiled dependency still stays.
 */
const PARTS_OUT = ['deps', 'build'];
/** A removed or mounted path named target (`target/`, `/app/target/*`) or target/<dir> or a parent in it, one function per dir (pathsSome reads a RUN once per function). */
const TARGET_TESTS = new Map<string, (p: string) => boolean>();
function targetTest(dir: string): (p: string) => boolean {
  let test = TARGET_TESTS.get(dir);
  if (!test) {
    if (TARGET_TESTS.size > 64) TARGET_TESTS.clear();
    // target/<triple>/release is taken by a removal of target/<triple> too.
    const names = dir ? dir.split('/').map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : [];
    const re = new RegExp(`(^|/)target${names.map((n, i) => `${i ? '(' : ''}/${n}`).join('')}${names.length > 1 ? ')?'.repeat(names.length - 1) : ''}/?(\\*)?$`);
    TARGET_TESTS.set(dir, (test = (p) => re.test(p.replace(/["']/g, ''))));
  }
  return test;
}

/**
 * The folder cargo builds in: `--target-dir`, else CARGO_TARGET_DIR, else CARGO_BUILD_TARGET_DIR
 * (that order: cargo 1.95.0, 2026-12-06), else target; with `$` in it, the word itself.
 */
const targetDirOf = ({ cmd, env }: Pick<CacheCommandContext, 'cmd' | 'env'>) => flagValue(cmd, '--target-dir') ?? env('CARGO_TARGET_DIR') ?? env('CARGO_BUILD_TARGET_DIR');
/** How a message names it: `target/`, the folder named (`/out/`), or no path where a variable names it. */
function targetName(c: CacheCommandContext): string {
  const dir = targetDirOf(c);
  return dir === undefined ? 'target/' : /[$`]/.test(dir) ? 'the build folder' : `${dir.replace(/\/+$/, '')}/`;
}

/**
 * The folders of target/ a build writes to (cargo 1.95.0, 2026-12-06): the profile's (`--release`,
 * `-r` and `cargo install` without `--debug`: release; `--profile dev` or `test`: debug, `bench`:
 * release, another: its name), and with `--target <triple>` (or CARGO_BUILD_TARGET) <triple>/<that>
 * before it, the profile's holding the build scripts and proc macros only. None known where a variable names one.
 */
function outFolders({ cmd, env }: CacheCommandContext): string[] {
  const args = programArgs(cmd).map((w) => w.value);
  const profile = flagValue(cmd, '--profile') ?? (args.includes('--release') || args.includes('-r') || (subcommandOf(cmd, /^cargo$/, ['install']) && !args.includes('--debug')) ? 'release' : 'dev');
  const folder = ({ dev: 'debug', test: 'debug', bench: 'release' } as Record<string, string>)[profile] ?? profile;
  const triple = flagValue(cmd, '--target') ?? env('CARGO_BUILD_TARGET');
  const out = triple === undefined ? [folder] : [`${triple}/${folder}`, folder];
  return out.some((f) => /[$`]/.test(f)) ? [] : out;
}

/**
 * What of `cargo build`'s target/ the RUN removes or mounts: true for all of it (target/, or the
 * profile's folders: cargo 1.95 left 1,210 bytes beside a removed target/release), else the
 * folders it takes, or their deps/ and build/ (a release build writes nothing to target/debug: removing it changes nothing).
 */
function targetTaken(handled: (dir: string) => boolean, c: CacheCommandContext): true | string[] {
  const dir = targetDirOf(c);
  const taken = (sub: string) => (dir !== undefined ? handled(sub ? `${dir}/${sub}` : dir) : c.pathsSome?.(targetTest(sub)) === true);
  const folders = outFolders(c);
  if (taken('') || (folders.length > 0 && folders.every(taken))) return true;
  return folders.flatMap((f) => (taken(f) ? [f] : PARTS_OUT.map((part) => `${f}/${part}`).filter(taken)));
}

/** True when `cargo build`'s target/ stays (no removal or mount of it), whole or in part. */
const targetLeft = (handled: (dir: string) => boolean, c: CacheCommandContext) => targetTaken(handled, c) !== true;

/** What the RUN takes of this build's target/ (nothing for `cargo install` of a registry crate or `cargo fetch`, which write none). */
const takenOf = (c: CacheCommandContext) => (c.handled && !installs(c.instr, c.cmd) ? targetTaken(c.handled, c) : []);

/** Whether only the registry stays: `cargo install` of a registry crate, `cargo fetch`, or a build whose target/ the RUN removes or mounts. */
const registryOnly = (c: CacheCommandContext) => installs(c.instr, c.cmd) || takenOf(c) === true;

/** The folders of the build's target/ the RUN removes, or undefined when it removes none of it or all of it (the measured example is then the basis). */
function partsRemoved(c: CacheCommandContext): string[] | undefined {
  const parts = takenOf(c);
  return parts === true || parts.length === 0 ? undefined : parts;
}

/** What stays of target/, for the basis: the measured example when all of it does, else what the RUN removes and "depends on". */
function targetStays(c: CacheCommandContext): string {
  const parts = partsRemoved(c);
  return `${targetName(c)} ${parts ? `less ${parts.join(' and ')} (removed here): the rest depends on the crates` : TARGET}`;
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
    why: 'cargo downloads the crate index and every crate into $CARGO_HOME/registry and compiles into target/. The program needs only the binary: build it in a builder stage and copy it; at least use cache mounts.',
    incorrect: 'FROM rust:1.83\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD ["/app/target/release/app"]',
    correct: 'FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/app /usr/local/bin/app\nCMD ["app"]',
    sizeImpact: `Depends on the crates (the registry is not yet measured by our bench): target/ of a small release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary. \`cargo install\` of a registry crate leaves only the registry (target/ too with \`--path\` or \`--target-dir\`). Basis: ${EX.basis}.`,
    fix: `For \`cargo install\` of a registry crate only: appends \`&& ${REGISTRY_CLEANUP}\`. None for \`cargo build\` or \`install --path\`, whose target/ holds the binary: use a builder stage.`,
  },
  words: ['cargo'],
  fills: cargoFills,
  cleans: () => false,
  cacheHandled: (handled, c) => (registryLeft(handled, c).length === 0 && (installs(c.instr, c.cmd) || !targetLeft(handled, c))) || reportedByBuild(c),
  // The registry where only it stays and CARGO_HOME is known; else / (target/ is elsewhere): only a copy of the whole file system is known to carry both.
  holds: (c) => {
    const home = cargoHome(c);
    return (home !== undefined && registryOnly(c) && namedPath(c.instr, c.cmd, `${home}/registry`)) || '/';
  },
  message: (c) => {
    const install = registryOnly(c);
    const registry = registryStays(c)?.name;
    return `cargo leaves ${install ? registry : registry ? `${registry} and ${targetName(c)}` : targetName(c)} in the final image: ${basisFor(c)}. Build in a builder stage and copy the binary${install && posixShell(c.instr) ? `, or add \`${REGISTRY_CLEANUP}\`` : ''}.`;
  },
  // An example from another program is no estimate for this one: no `bytes`, the example stays in the basis.
  // Nor where the RUN removes part of target/: the example is a whole one.
  saving: (c: CacheCommandContext) => ({ basis: registryOnly(c) || partsRemoved(c) ? basisFor(c) : `${basisFor(c)}; example: ${EX.basis}` }),
  // Not where target/ stays too: the registry's removal would leave the finding.
  repair: ({ model, instr, cmd }) => (subcommandOf(cmd, /^cargo$/, ['install']) && installs(instr, cmd) ? appendRepair(model, instr, REGISTRY_CLEANUP) : undefined),
});
