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
 *
 * `--trace FILE`, with a server built with open-trace.patch applied (`git apply
 * test/bench/measure/open-trace.patch && npx tsc -b && node scripts/build.mjs`; `git apply -R`
 * after), has the server write timestamps along each didOpen to FILE and prints, per open of the
 * generated files, the wall ms of each step from the bytes' arrival to the diagnostics written,
 * analyze()'s CPU, and the collections in between by kind (1 scavenge, 4 incremental mark, 8 weak
 * callbacks, 2 full).
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
  const traceFile = value('--trace');
  if (traceFile) process.env.DSH_TRACE = path.resolve(traceFile);
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
  if (traceFile) {
    console.log('\nSteps of each open of a generated file (open, then reopen), wall ms from the previous step:');
    for (const line of summariseTrace(traceFile)) console.log(line);
  }
}

/** The steps of each open in a trace written by open-trace.patch's server, one line per open of a generated file. */
export function summariseTrace(file: string): string[] {
  interface Row {
    t: number;
    cpu: number;
    label: string;
    uri: string;
  }
  const byPid = new Map<string, Row[]>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [pid, t, cpu, label, uri] = line.split(' ');
    if (!label) continue;
    let rows = byPid.get(pid);
    if (!rows) byPid.set(pid, (rows = []));
    rows.push({ t: Number(t), cpu: Number(cpu), label, uri });
  }
  const out: string[] = [];
  for (const [pid, rows] of byPid) {
    const gcs = rows.filter((r) => r.label.startsWith('gc')).map((r) => ({ t: r.t, kind: r.label.slice(2, r.label.indexOf(':')), ms: Number(r.label.slice(r.label.indexOf(':') + 1)) }));
    const open = new Map<string, Row[]>();
    for (const r of rows) {
      if (r.label.startsWith('gc')) continue;
      if (r.label === 'stdin-didOpen') open.set(r.uri, [r]);
      const steps = open.get(r.uri);
      if (!steps || r.label === 'stdin-didOpen') continue;
      steps.push(r);
      if (r.label !== 'sent') continue;
      open.delete(r.uri);
      const name = /generated-\d+/.exec(r.uri)?.[0];
      if (!name) continue;
      const at = (label: string) => steps.find((s) => s.label === label);
      const parts = steps.slice(1).map((s, k) => `${s.label} ${(s.t - steps[k].t).toFixed(1)}`);
      const a0 = at('analyze-start');
      const a1 = at('analyze-end');
      const gc = new Map<string, { n: number; ms: number }>();
      for (const g of gcs.filter((g) => g.t >= steps[0].t && g.t <= r.t)) {
        const k = gc.get(g.kind) ?? { n: 0, ms: 0 };
        gc.set(g.kind, { n: k.n + 1, ms: k.ms + g.ms });
      }
      out.push(
        `${pid} ${name.padEnd(16)} ${(r.t - steps[0].t).toFixed(1).padStart(7)} ms: ${parts.join(', ')}` +
          (a0 && a1 ? ` (analyze CPU ${(a1.cpu - a0.cpu).toFixed(1)})` : '') +
          `; gc ${[...gc].map(([k, v]) => `${k}: ${v.n}x ${v.ms.toFixed(1)} ms`).join(', ') || 'none'}`,
      );
    }
  }
  return out;
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exitCode = 1;
  });
}
