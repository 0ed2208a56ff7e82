/**
 * cargo-cache-kept: `cargo build` / `cargo install` in a stage whose layers form the final image
 * leave the crate registry (~/.cargo/registry: index, .crate archives and their sources) and,
 * for `cargo build`, the whole build directory (target/: every dependency compiled, incremental
 * data) in the image. Builder stages are not reported: that is where these belong.
 */
import { appendRepair, cacheRule, flagValue, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { CARGO_TARGET_EXAMPLE as EX, formatBytes } from '../sizes';

const REGISTRY = 'the crate registry (index, .crate archives and unpacked sources)';
/** target/ of one small program: an example of the proportion, not this project's figure. */
const EXAMPLE = `for a small program using serde (with derive), serde_json and regex, target/ of a release build was about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary (measured with ${EX.tool} and Debian's crates)`;
const BASIS = `${REGISTRY} and, for \`cargo build\`, target/ with every compiled dependency, which grow with the crates; ${EXAMPLE}; the registry is not yet measured by our bench`;
const INSTALL_BASIS = `${REGISTRY}; its size depends on the crates and is not yet measured by our bench`;
const REGISTRY_CLEANUP = 'rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry" "${CARGO_HOME:-$HOME/.cargo}/git"';

/** `cargo install` / `cargo fetch`: only the registry is left (install removes its build directory). */
function installs(cmd: CacheCommandContext['cmd']): boolean {
  return /install|fetch/.test(subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't'])!.value);
}

/** True when a handled path is a cargo registry (also written as `${CARGO_HOME:-...}/registry`). */
function registryPath(p: string): boolean {
  return /cargo/i.test(p) && /\/registry\/?(\*)?$/.test(p.replace(/["']/g, ''));
}

export const rule = cacheRule({
  id: 'cargo-cache-kept',
  title: 'cargo registry and build directory in the final image',
  severity: 'warning',
  finalLayersOnly: true,
  docs: {
    summary: '`cargo build` / `cargo install` in a stage whose layers form the final image, leaving ~/.cargo/registry (and target/) without a cache mount or cleanup in the same RUN.',
    why: 'cargo downloads the crate index and every crate into $CARGO_HOME/registry and compiles into target/. The running program needs only the binary. In a builder stage this is fine and expected; in the final image it ships the registry, the sources and all intermediate objects. Best: build in a builder stage and copy the binary into a small final image; at least use cache mounts on the registry and target/.',
    incorrect: 'FROM rust:1.83\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD ["/app/target/release/app"]',
    correct: 'FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/app /usr/local/bin/app\nCMD ["app"]',
    sizeImpact: `Depends on the crates: ${BASIS}. \`cargo install\` removes its own build directory and leaves only the registry. Basis: ${EX.basis}.`,
    fix: `For \`cargo install\` only: appends \`&& ${REGISTRY_CLEANUP}\` (cargo install removes its own build directory; the registry is a pure download cache). For \`cargo build\` no fix: target/ holds the binary the image needs, and the remedy is a builder stage.`,
  },
  words: ['cargo'],
  fills: (cmd) => subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't']),
  cleans: () => false,
  cacheHandled: (handled, { cmd, env, paths = [] }) => {
    const home = env('CARGO_HOME');
    const registry = (home !== undefined && handled(`${home}/registry`)) || handled('~/.cargo/registry') || handled('/usr/local/cargo/registry') || paths.some(registryPath);
    const sub = subcommandOf(cmd, /^cargo$/, ['build', 'b', 'install', 'fetch', 'test', 't'])!.value;
    if (sub === 'install' || sub === 'fetch') return registry;
    const targetDir = flagValue(cmd, '--target-dir') ?? env('CARGO_TARGET_DIR');
    const target = targetDir !== undefined ? handled(targetDir) : paths.some((p) => /(^|\/)target\/?(\*)?$/.test(p.replace(/["']/g, '')));
    return registry && target;
  },
  message: ({ cmd }) => {
    const install = installs(cmd);
    return `cargo leaves ${install ? 'its crate registry' : 'its crate registry and target/'} in the final image: ${install ? INSTALL_BASIS : BASIS}. Build in a builder stage and copy the binary${install ? `, or add \`${REGISTRY_CLEANUP}\`` : ''}.`;
  },
  // An example from another program is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: ({ cmd }: CacheCommandContext) => ({ basis: installs(cmd) ? INSTALL_BASIS : `${BASIS}; example: ${EX.basis}` }),
  repair: ({ model, instr, cmd }) => {
    const sub = subcommandOf(cmd, /^cargo$/, ['install'])?.value;
    return sub === 'install' ? appendRepair(model, instr, REGISTRY_CLEANUP) : undefined;
  },
});
