/**
 * `buildModel` alone, in process (issue #7): CPU per fresh model, bytes allocated per model and
 * their largest sites, and where a CPU profile of many models puts the time.
 *
 *   npx tsc -b && node --max-semi-space-size=2 --max-old-space-size=1024 --heap-growing-percent=30 \
 *     out/test/bench/measure/buildModel.js [--lines 1000,10000] [--texts 30] [--top 15] [--analyze]
 *
 * (the server's V8 options, server/src/launch.ts). Texts are `generateDockerfile(n, 900 + i)`, as
 * in test/bench/analysis.ts (whose helpers and allocation sampler this uses); three more warm the
 * code up first. `--analyze` times the whole `analyze()` beside it. The collector's share is the
 * profile's "(garbage collector)" node; the inclusive shares leave it out.
 */
import * as inspector from 'node:inspector';
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
    const alloc = await allocation(measured.slice(0, 10), (text) => void buildModel(text), top);
    console.log(`  allocated per buildModel: ${alloc.mbPerCall.toFixed(2)} MB; largest sites:`);
    for (const s of alloc.sites) console.log(`    ${s}`);
    console.log('  CPU profile (share of the samples; inclusive, then self):');
    for (const s of await cpuProfile(measured, lines >= 10000 ? 2 : 5, top)) console.log(`    ${s}`);
  }
}

void main();
