/**
 * Where a benchmark didOpen's time goes in our server (issue #7): runs the LSP benchmark's cases
 * (test/bench/lsp/run.ts: the examples, then generated files of 10 to 10,000 lines, each opened,
 * typed in, hovered, asked for code actions, closed and opened again) against our server alone,
 * started as the benchmark starts it (the client's Node options and a code cache written by a
 * first start), and prints the open and reopen times per case and session.
 *
 *   node out/test/bench/measure/openCost.js [--sessions N] [--server dist/server.js] [-- NODE_ARGS...]
 *
 * NODE_ARGS go to the server's node (`--cpu-prof --cpu-prof-dir=DIR`, `--trace-gc`); its stderr
 * is printed at the end when `--stderr` is given.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchServer } from '../lsp/client';
import { prepareCases, runCase } from '../lsp/run';
import { median, round } from '../lsp/stats';
import { SERVER_NODE_OPTIONS, serverArgs } from '../../../server/src/launch';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf('--');
  const nodeArgs = dash >= 0 ? argv.slice(dash + 1) : [];
  const opts = dash >= 0 ? argv.slice(0, dash) : argv;
  const value = (name: string) => (opts.includes(name) ? opts[opts.indexOf(name) + 1] : undefined);
  const sessions = Number(value('--sessions') ?? 3);
  const server = path.resolve(ROOT, value('--server') ?? path.join('dist', 'server.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-open-cost-'));
  const args = serverArgs(path.join(dir, 'storage'));
  const start = async (extra: string[] = []) => {
    const s = await BenchServer.start(server, [...SERVER_NODE_OPTIONS, ...extra], null, args);
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: startup.uri, languageId: 'dockerfile', version: 1, text: startup.text } });
    await s.waitPublications(startup.uri, 1, 120_000);
    return s;
  };
  const { startup, cases } = prepareCases(dir, false);
  const opens: Record<string, { open: number[]; reopen: number[] }> = {};
  try {
    // The first start writes the code cache, as in the benchmark.
    await (await start()).stop();
    for (let i = 0; i < sessions; i++) {
      const s = await start(nodeArgs);
      try {
        for (const [j, c] of cases.entries()) {
          const sample = (await runCase({ ours: s }, c, 100 + j)).ours!;
          const o = (opens[c.name] ??= { open: [], reopen: [] });
          o.open.push(...sample.openMs);
          o.reopen.push(...sample.reopenMs);
        }
      } finally {
        await s.stop();
        if (opts.includes('--stderr')) process.stderr.write(s.stderr.join(''));
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average ${os.loadavg().map((x) => round(x, 2)).join(' ')}`);
  for (const [name, o] of Object.entries(opens)) {
    console.log(`${name.padEnd(30)} open ${String(round(median(o.open))).padStart(7)} ms [${o.open.map((x) => round(x)).join(' ')}]  reopen ${String(round(median(o.reopen))).padStart(7)} ms [${o.reopen.map((x) => round(x)).join(' ')}]`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
