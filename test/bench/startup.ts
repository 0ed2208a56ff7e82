/**
 * Startup benchmark: many startup-only sessions of both servers, taking turns, on the same small
 * real Dockerfile the LSP benchmark starts with (examples/python-naive). The LSP benchmark takes
 * the startup figure from a few sessions; this one repeats them (default 20 per server) and splits
 * each into its two phases, so a change to what the server loads can be told from one to its
 * first analysis:
 *
 *   npm run compile && node out/test/bench/startup.js [--rounds 20] [--ours path/to/server.js]
 *
 * Per server: spawn -> initialize answered (loading the code), didOpen -> first diagnostics (the
 * first, cold analysis), both in wall time and in the server's CPU time (utime + stime from
 * /proc, in clock ticks of 10 ms, hence means rather than medians), and VmRSS once the
 * diagnostics arrived. The machine is shared: read the ratios, and repeat.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BenchServer, procStats } from './lsp/client';
import { SERVER_NODE_OPTIONS, serverArgs } from '../../server/src/launch';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Sample {
  loadMs: number;
  loadCpuMs: number;
  firstMs: number;
  firstCpuMs: number;
  rssMb: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function sample(script: string, nodeArgs: readonly string[], args: string[], uri: string, text: string): Promise<Sample> {
  const t0 = performance.now();
  const server = await BenchServer.start(script, [...nodeArgs], null, args);
  const t1 = performance.now();
  const loaded = procStats(server.pid);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  await server.waitPublications(uri, 1, 60_000);
  const t2 = performance.now();
  const done = procStats(server.pid);
  await server.stop();
  return { loadMs: t1 - t0, loadCpuMs: loaded.cpuMs, firstMs: t2 - t1, firstCpuMs: done.cpuMs - loaded.cpuMs, rssMb: done.rssKb / 1024 };
}

async function main(): Promise<void> {
  const rounds = Number(arg('--rounds') ?? 20);
  const scripts = {
    ours: path.resolve(arg('--ours') ?? path.join(ROOT, 'dist', 'server.js')),
    peer: path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'bin', 'docker-langserver'),
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-startup-'));
  try {
    fs.cpSync(path.join(ROOT, 'examples', 'python-naive'), dir, { recursive: true });
    const file = path.join(dir, 'Dockerfile');
    const uri = pathToFileURL(file).toString();
    const text = fs.readFileSync(file, 'utf8');
    console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores; ${rounds} startups per server, taking turns`);
    // Ours as the VS Code client starts it: with a code cache folder (entry.ts), empty at first.
    const oursArgs = process.argv.includes('--no-code-cache') ? [] : serverArgs(path.join(dir, 'storage'));
    const run = (side: 'ours' | 'peer') => sample(scripts[side], side === 'ours' ? SERVER_NODE_OPTIONS : [], side === 'ours' ? oursArgs : [], uri, text);
    // The first start compiles everything and writes the cache: reported apart, not in the means.
    const first = await run('ours');
    const samples: Record<'ours' | 'peer', Sample[]> = { ours: [], peer: [] };
    for (let i = 0; i < rounds; i++) {
      for (const side of i % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const)) samples[side].push(await run(side));
    }
    const rows: [string, (s: Sample) => number][] = [
      ['spawn -> initialized, wall (ms)', (s) => s.loadMs],
      ['spawn -> initialized, CPU (ms)', (s) => s.loadCpuMs],
      ['didOpen -> first diagnostics, wall (ms)', (s) => s.firstMs],
      ['didOpen -> first diagnostics, CPU (ms)', (s) => s.firstCpuMs],
      ['startup to first diagnostics, wall (ms)', (s) => s.loadMs + s.firstMs],
      ['startup to first diagnostics, CPU (ms)', (s) => s.loadCpuMs + s.firstCpuMs],
      ['RSS after first diagnostics (MB)', (s) => s.rssMb],
    ];
    console.log(`${'mean of each'.padEnd(42)}${'ours'.padStart(8)}${'peer'.padStart(8)}${'ratio'.padStart(8)}`);
    for (const [label, of] of rows) {
      const ours = mean(samples.ours.map(of));
      const peer = mean(samples.peer.map(of));
      console.log(`${label.padEnd(42)}${ours.toFixed(1).padStart(8)}${peer.toFixed(1).padStart(8)}${(ours / peer).toFixed(2).padStart(8)}`);
    }
    if (oursArgs.length > 0) {
      const peerCpu = mean(samples.peer.map((s) => s.loadCpuMs + s.firstCpuMs));
      console.log(`ours' first start (no code cache yet, it writes one): ${(first.loadCpuMs + first.firstCpuMs).toFixed(0)} ms CPU to first diagnostics, ${((first.loadCpuMs + first.firstCpuMs) / peerCpu).toFixed(2)} of the peer's mean (one sample, 10 ms ticks)`);
    } else console.log('ours ran without a code cache folder (--no-code-cache)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
