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
 *
 *   node --max-semi-space-size=2 out/test/bench/analysis.js --split [--parts] [--lines 1000,10000] [--texts 40] [--rounds 3]
 *
 * splits a first open's analysis into its parts, to see which of them to make cheaper: `--texts`
 * new files per size (seeds 900...), analysed `--rounds` times with the first round left out
 * (warm-up); per part the median CPU per file (process.cpuUsage): `analyze` as a whole,
 * `buildModel`, `familyFindings` (the family rules as a first open runs them), every other rule's
 * check, and each rule's check alone on the whole model (a first open runs most family rules so:
 * see WHOLE_FILE_AFTER in core/families.ts), with what it allocates per file (sampled as above).
 * With `--parts`, not each rule (quicker, to compare two builds in turn).
 */
import * as inspector from 'node:inspector';
import { analyze, type Analysis } from '../../server/src/core/analyze';
import { buildModel } from '../../server/src/core/model';
import { familyFindings } from '../../server/src/core/families';
import { RULES } from '../../server/src/rules';
import type { Rule } from '../../server/src/rules/rule';
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

/** `--split`: a first open's analysis in parts (see the top of the file). */
async function split(sizes: number[], count: number, rounds: number, eachRule: boolean): Promise<void> {
  const ms = (xs: number[]) => `${median(xs).toFixed(2).padStart(8)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
  const family = RULES.filter((r) => r.reads === 'family');
  const others = RULES.filter((r) => r.reads !== 'family');
  for (const lines of sizes) {
    const n = lines >= 10000 ? Math.max(5, Math.round(count / 4)) : count;
    const texts = Array.from({ length: n }, (_, i) => generateDockerfile(lines, 900 + i));
    const parts = new Map<string, number[]>([['analyze', []], ['buildModel', []], ['familyFindings', []], ['other rules', []]]);
    const perRule = new Map<Rule, number[]>(RULES.map((r) => [r, []]));
    for (let round = 0; round < rounds; round++) {
      const keep = round > 0;
      const add = (key: string, t: number) => keep && parts.get(key)!.push(t);
      texts.forEach((text) => {
        add('analyze', cpuMs(() => analyze(text, ENV)));
        // The model keeps what rules ask of it (WeakMaps keyed by it, its stages and scripts): each
        // part runs on a new one, in the order analyze() runs them.
        let model = buildModel(text);
        add('buildModel', cpuMs(() => (model = buildModel(text))));
        add('familyFindings', cpuMs(() => familyFindings(model, family, {}, undefined, ENV)));
        add('other rules', cpuMs(() => others.forEach((r) => r.check({ model, env: ENV, settings: {} }))));
        // Each rule alone, in the registry's order on one new model: a rule pays for what it asks
        // of the model first (as shareOut runs them at a first open).
        const fresh = eachRule ? buildModel(text) : undefined;
        if (fresh) for (const rule of RULES) {
          const t = cpuMs(() => rule.check({ model: fresh, env: ENV, settings: {} }));
          if (keep) perRule.get(rule)!.push(t);
        }
      });
    }
    const sample = Math.min(n, 10);
    const mbPerFile = async (run: (text: string) => void) => (await allocation(texts.slice(0, sample), run)).mbPerCall;
    console.log(`${lines.toLocaleString('en')} lines: ${n} files, ${rounds - 1} rounds kept; CPU ms per file, median (range); MB allocated per file (${sample} files sampled)`);
    // Allocation of a part alone: its model is built outside the sampling.
    const models = new Map<string, ReturnType<typeof buildModel>>();
    const fresh = (text: string) => {
      let model = models.get(text);
      if (!model) models.set(text, (model = buildModel(text)));
      return model;
    };
    const prepare = async (run: (model: ReturnType<typeof buildModel>) => void) => {
      models.clear();
      texts.slice(0, sample).forEach(fresh);
      return mbPerFile((text) => run(fresh(text)));
    };
    const allocs: Record<string, () => Promise<number>> = {
      analyze: () => mbPerFile((text) => void analyze(text, ENV)),
      buildModel: () => mbPerFile((text) => void buildModel(text)),
      familyFindings: () => prepare((model) => void familyFindings(model, family, {}, undefined, ENV)),
      'other rules': () => prepare((model) => others.forEach((r) => r.check({ model, env: ENV, settings: {} }))),
    };
    for (const [key, times] of parts) console.log(`  ${key.padEnd(34)} ${ms(times)}  ${(await allocs[key]()).toFixed(2).padStart(6)} MB`);
    if (!eachRule) continue;
    console.log('  each rule on the whole model, in the registry order (family rules marked *), largest first:');
    // Allocation per rule: every rule runs in order on new models, each sampled on its own.
    models.clear();
    const rows: { rule: Rule; times: number[]; mb: number }[] = [];
    for (const [rule, times] of perRule) rows.push({ rule, times, mb: await mbPerFile((text) => void rule.check({ model: fresh(text), env: ENV, settings: {} })) });
    rows.sort((a, b) => median(b.times) - median(a.times));
    for (const { rule, times, mb } of rows) {
      if (median(times) < 0.05 && mb < 0.01) continue;
      console.log(`    ${(rule.id + (rule.reads === 'family' ? ' *' : '')).padEnd(32)} ${ms(times)}  ${mb.toFixed(2).padStart(6)} MB`);
    }
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--split')) return split(arg('--lines', '1000,10000').split(',').map(Number), Number(arg('--texts', '40')), Number(arg('--rounds', '3')), !process.argv.includes('--parts'));
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
