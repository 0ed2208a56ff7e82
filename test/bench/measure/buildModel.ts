/**
 * `buildModel` alone, in process (issue #7): CPU per fresh model, bytes allocated per model and
 * their largest sites, and where a CPU profile of many models puts the time.
 *
 *   npx tsc -b && node --max-semi-space-size=2 --max-old-space-size=1024 --heap-growing-percent=30 \
 *     out/test/bench/measure/buildModel.js [--lines 1000,10000] [--texts 30] [--top 15] [--analyze]
 *     [--kept] [--snapshot]
 *
 * (the server's V8 options, server/src/launch.ts). Texts are `generateDockerfile(n, 900 + i)`, as
 * in test/bench/analysis.ts (whose helpers and allocation sampler this uses); three more warm the
 * code up first. `--analyze` times the whole `analyze()` beside it. The collector's share is the
 * profile's "(garbage collector)" node; the inclusive shares leave it out. With `--expose-gc`,
 * `--kept` gives what a model keeps alive (heapUsed after two collections with ten models held),
 * and `--snapshot` what it is made of: heap snapshots before and after five models, the
 * difference per model by kind of object (V8's snapshot names: "object:Object" for plain
 * objects, "array" for array stores).
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { buildModel } from '../../../server/src/core/model';
import { analyze } from '../../../server/src/core/analyze';
import { generateDockerfile } from '../lsp/generate';
import { median } from '../lsp/stats';
import { allocation, arg, cpuMs, post } from '../analysis';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
const site = (f: Frame) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;

interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}

/** Our functions (and the parser's entry) by inclusive time: everything they call counted. */
const INCLUSIVE = new Set(['buildModel', 'splitPieces', 'escapeCharOf', 'parseRange', 'parseAsBuildKit', 'parse', 'runScript', 'scanShell', 'assemble', 'fromInfo', 'collectComments', 'sparePieces', 'hiddenContinuations', 'getArguments', 'markReachability', 'LineIndex', 'commentOf', 'movedScript']);

async function cpuProfile(texts: string[], rounds: number, top: number): Promise<string[]> {
  const session = new inspector.Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  await post(session, 'Profiler.start');
  for (let r = 0; r < rounds; r++) for (const text of texts) buildModel(text);
  const { profile } = await post<{ profile: { nodes: ProfileNode[]; samples: number[] } }>(session, 'Profiler.stop');
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const s = site(byId.get(id)!.callFrame);
    self.set(s, (self.get(s) ?? 0) + 1);
  }
  const idle = self.get('(idle) :0') ?? 0;
  const total = profile.samples.length - idle;
  // Inclusive: each sample counted once for every distinct named function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const id of profile.samples) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!INCLUSIVE.has(f.functionName)) continue;
      const s = site(f);
      if (seen.has(s)) continue;
      seen.add(s);
      inclusive.set(s, (inclusive.get(s) ?? 0) + 1);
    }
  }
  const inc = [...inclusive].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}% incl. ${s}`);
  return [...inc, ...[...self].filter(([s]) => s !== '(idle) :0').sort((a, b) => b[1] - a[1]).slice(0, top).map(([s, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}% ${s}`)];
}

const gc = (globalThis as { gc?: () => void }).gc;

/** heapUsed after two collections. */
function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** Self sizes in a heap snapshot by kind of object (type, and constructor for objects and closures), with counts. */
function snapshotSizes(file: string): Map<string, { bytes: number; count: number }> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const t = types[snap.nodes[i + type]];
    const key = t === 'object' || t === 'closure' ? `${t}:${snap.strings[snap.nodes[i + name]]}` : t;
    const k = out.get(key) ?? { bytes: 0, count: 0 };
    out.set(key, { bytes: k.bytes + snap.nodes[i + size], count: k.count + 1 });
  }
  return out;
}

function madeOf(texts: string[], top: number): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-model-snapshot-'));
  try {
    heapUsed();
    const before = snapshotSizes(v8.writeHeapSnapshot(path.join(dir, 'before.heapsnapshot')));
    const held = texts.map((text) => buildModel(text));
    heapUsed();
    const after = snapshotSizes(v8.writeHeapSnapshot(path.join(dir, 'after.heapsnapshot')));
    const n = held.length;
    return [...after]
      .map(([key, a]) => ({ key, bytes: (a.bytes - (before.get(key)?.bytes ?? 0)) / n, count: (a.count - (before.get(key)?.count ?? 0)) / n }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top)
      .map((d) => `${(d.bytes / 1024).toFixed(1).padStart(8)} KB ${d.count.toFixed(0).padStart(7)} x ${d.key}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sizes = arg('--lines', '1000,10000').split(',').map(Number);
  const count = Number(arg('--texts', '30'));
  const top = Number(arg('--top', '15'));
  for (const lines of sizes) {
    const n = lines >= 10000 ? Math.max(5, Math.round(count / 3)) : count;
    const texts = Array.from({ length: n + 3 }, (_, i) => generateDockerfile(lines, 900 + i));
    for (const text of texts.slice(n)) buildModel(text);
    const measured = texts.slice(0, n);
    const model = measured.map((text) => cpuMs(() => buildModel(text)));
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
    console.log(`${lines.toLocaleString('en')} lines`);
    console.log(`  buildModel CPU ms: median ${median(model).toFixed(2)} (${range(model)}, ${n} texts)`);
    if (process.argv.includes('--analyze')) {
      for (const text of texts.slice(n)) analyze(text, { context: {} });
      const whole = measured.map((text) => cpuMs(() => analyze(text, { context: {} })));
      console.log(`  analyze CPU ms: median ${median(whole).toFixed(1)} (${range(whole)})`);
    }
    if ((process.argv.includes('--kept') || process.argv.includes('--snapshot')) && !gc) throw new Error('--kept and --snapshot need node --expose-gc');
    if (process.argv.includes('--kept')) {
      const base = heapUsed();
      const held = measured.slice(0, 10).map((text) => buildModel(text));
      console.log(`  kept alive per model: ${((heapUsed() - base) / held.length / 1024).toFixed(0)} KB`);
    }
    if (process.argv.includes('--snapshot')) {
      console.log('  what a model is made of, per model (heap snapshots):');
      for (const line of madeOf(measured.slice(0, 5), top)) console.log(`    ${line}`);
    }
    const alloc = await allocation(measured.slice(0, 10), (text) => void buildModel(text), top);
    console.log(`  allocated per buildModel: ${alloc.mbPerCall.toFixed(2)} MB; largest sites:`);
    for (const s of alloc.sites) console.log(`    ${s}`);
    console.log('  CPU profile (share of the samples; inclusive, then self):');
    for (const s of await cpuProfile(measured, lines >= 10000 ? 2 : 5, top)) console.log(`    ${s}`);
  }
}

void main();
