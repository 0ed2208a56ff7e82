/**
 * The analysis alone, in process (no LSP, no JSON-RPC): what the in-process figures in
 * docs/performance.md are measured with.
 *
 *   npx tsc -b && node --max-semi-space-size=2 out/test/bench/analysis.js [--lines 1000,10000] [--texts 30]
 *
 * (`--max-semi-space-size=2` is what the server runs with; see server/src/launch.ts.) Per size:
 * - fresh analysis: `analyze()` of `--texts` different generated files (seeds 900...), after a
 *   few warm-up analyses; median and range of the CPU per analysis (process.cpuUsage);
 * - allocation per fresh analysis: the inspector's sampling heap profiler, objects the garbage
 *   collector already took included, and the five largest allocation sites;
 * - Enter: a line added at the end of a random line of `generateDockerfile(n, n)` and removed
 *   again, each analysed from the previous version (the editor's path); median CPU.
 * The machine is shared: compare two builds by running this for each in turn, more than once.
 */
import * as inspector from 'node:inspector';
import { analyze, type Analysis } from '../../server/src/core/analyze';
import { generateDockerfile, prng } from './lsp/generate';
import { median } from './lsp/stats';

const ENV = { context: {} };

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export function cpuMs(f: () => void): number {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export function post<T>(session: inspector.Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Bytes allocated per call of `run` over `texts`, and the `top` largest sites, sampled. */
export async function allocation(texts: string[], run: (text: string) => void, top = 5): Promise<{ mbPerCall: number; sites: string[] }> {
  const session = new inspector.Session();
  session.connect();
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (const text of texts) run(text);
  const { profile } = await post<{ profile: { head: SamplingNode } }>(session, 'HeapProfiler.stopSampling');
  session.disconnect();
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  const sites = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top).map(([site, bytes]) => `${(bytes / texts.length / 1e3).toFixed(0)} KB ${site}`);
  return { mbPerCall: total / texts.length / 1e6, sites };
}

function enterCpu(lines: number, count: number): number[] {
  const text = generateDockerfile(lines, lines);
  let previous: Analysis = analyze(text, ENV);
  for (let i = 0; i < 3; i++) previous = analyze(text, ENV, {}, previous);
  const rnd = prng(11);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const rows = text.split('\n');
    const at = Math.floor(rnd() * (rows.length - 2));
    const withLine = [...rows.slice(0, at + 1), '', ...rows.slice(at + 1)].join('\n');
    for (const next of [withLine, text]) out.push(cpuMs(() => (previous = analyze(next, ENV, {}, previous))));
  }
  return out;
}

async function main(): Promise<void> {
  const sizes = arg('--lines', '1000,10000').split(',').map(Number);
  const count = Number(arg('--texts', '30'));
  for (const lines of sizes) {
    const n = lines >= 10000 ? Math.max(5, Math.round(count / 3)) : count;
    const texts = Array.from({ length: n + 3 }, (_, i) => generateDockerfile(lines, 900 + i));
    // Warm-up on other texts, so the code is compiled and optimised as in a running server.
    for (const text of texts.slice(n)) analyze(text, ENV);
    const fresh = texts.slice(0, n).map((text) => cpuMs(() => analyze(text, ENV)));
    const alloc = await allocation(texts.slice(0, Math.min(n, 10)), (text) => void analyze(text, ENV));
    const enter = enterCpu(lines, lines >= 10000 ? 10 : 40);
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
    console.log(`${lines.toLocaleString('en')} lines`);
    console.log(`  fresh analysis CPU ms: median ${median(fresh).toFixed(1)} (${range(fresh)}, ${n} texts)`);
    console.log(`  allocated per fresh analysis: ${alloc.mbPerCall.toFixed(2)} MB; largest sites:`);
    for (const site of alloc.sites) console.log(`    ${site}`);
    console.log(`  Enter and its undo, analysed from the previous version, CPU ms: median ${median(enter).toFixed(1)} (${range(enter)}, ${enter.length} edits)`);
  }
}

// Its helpers serve the other in-process measurements (measure/buildModel.ts).
if (require.main === module) void main();
