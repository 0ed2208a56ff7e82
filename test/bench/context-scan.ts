/**
 * Build-context scan benchmark: generates a context of N files (default 100,000) in a temporary
 * folder, scans it with the ignore rules, and reports how long the scan takes, how long the event
 * loop was ever blocked during it (what an LSP hover would wait at worst), and how quickly an
 * abort takes effect.
 *
 *   npx tsc -b && node out/test/bench/context-scan.js [--files 100000] [--keep]
 *
 * The tree looks like a JavaScript monorepo: 60% sources in folders of 100 files, 30% under
 * node_modules (ignored), 10% under .git (ignored). File sizes are 0..1023 bytes.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDockerignoreMatcher } from '../../server/src/core/dockerignore';
import { scanBuildContext, type ContextScanOptions, type ContextScanResult } from '../../server/src/sources/context/scan';

const IGNORE = 'node_modules\n.git\n**/*.map\n';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function generate(root: string, total: number): Promise<void> {
  const perDir = 100;
  const dirs = Math.ceil(total / perDir);
  for (let d = 0; d < dirs; d++) {
    const share = d / dirs;
    const rel = share < 0.6 ? `packages/p${d % 40}/src/m${d}` : share < 0.9 ? `node_modules/dep${d % 300}/lib/m${d}` : `.git/objects/${(d % 256).toString(16)}/m${d}`;
    const dir = path.join(root, rel);
    await fs.mkdir(dir, { recursive: true });
    const n = Math.min(perDir, total - d * perDir);
    await Promise.all(
      Array.from({ length: n }, (_, i) => fs.writeFile(path.join(dir, `f${i}${i % 10 === 0 ? '.js.map' : '.js'}`), 'x'.repeat((d * 7 + i * 13) % 1024))),
    );
  }
  await fs.writeFile(path.join(root, '.dockerignore'), IGNORE);
}

/** Runs one scan while Node's event-loop delay monitor samples every 2 ms. */
async function timed(root: string, options: ContextScanOptions): Promise<{ r: ContextScanResult; ms: number; p99StallMs: number; maxStallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 2 });
  delay.enable();
  const t0 = performance.now();
  const r = await scanBuildContext(root, options);
  const ms = performance.now() - t0;
  delay.disable();
  return { r, ms, p99StallMs: delay.percentile(99) / 1e6, maxStallMs: delay.max / 1e6 };
}

async function main(): Promise<void> {
  const total = arg('--files', 100_000);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-bench-context-'));
  try {
    const g0 = performance.now();
    await generate(root, total);
    console.log(`generated ${total} files in ${((performance.now() - g0) / 1000).toFixed(1)} s under ${root}`);
    const matcher = createDockerignoreMatcher(IGNORE);
    const budget = { maxEntries: 1_000_000, maxMillis: 120_000 };

    const inc = await timed(root, { matcher, measureExcluded: false, ...budget });
    console.log(
      `included part only: ${inc.ms.toFixed(0)} ms, ${inc.r.entries} entries, ${inc.r.included.files} files / ${inc.r.included.bytes} bytes sent, event-loop delay p99 ${inc.p99StallMs.toFixed(0)} ms / max ${inc.maxStallMs.toFixed(0)} ms`,
    );
    const all = await timed(root, { matcher, ...budget });
    console.log(
      `full (excluded folders measured too): ${all.ms.toFixed(0)} ms, ${all.r.entries} entries, excluded ${all.r.excluded.files} files / ${all.r.excluded.bytes} bytes, event-loop delay p99 ${all.p99StallMs.toFixed(0)} ms / max ${all.maxStallMs.toFixed(0)} ms`,
    );

    const controller = new AbortController();
    const started = performance.now();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 200);
    const outcome = await scanBuildContext(root, { matcher, signal: controller.signal, ...budget }).then(
      () => 'finished before the abort',
      (e: Error) => e.name,
    );
    const stopMs = performance.now() - abortedAt;
    console.log(`abort after 200 ms: ${outcome}, promise settled ${stopMs.toFixed(0)} ms after abort() (${(performance.now() - started).toFixed(0)} ms total)`);
    console.log(
      JSON.stringify({
        files: total,
        includedOnlyMs: Math.round(inc.ms),
        fullMs: Math.round(all.ms),
        p99DelayMs: Math.round(Math.max(inc.p99StallMs, all.p99StallMs)),
        maxDelayMs: Math.round(Math.max(inc.maxStallMs, all.maxStallMs)),
        abortSettledMs: Math.round(stopMs),
        cpus: os.cpus().length,
        loadavg: os.loadavg().map((l) => Number(l.toFixed(1))),
        node: process.version,
      }),
    );
  } finally {
    if (!process.argv.includes('--keep')) await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
