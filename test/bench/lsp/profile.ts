/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) into the functions with the most self
 * time. Our server is an esbuild bundle; esbuild marks each module with a `// path` comment line,
 * so a bundle line number is mapped back to the module it came from (e.g.
 * `node_modules/dockerfile-ast/lib/instruction.js`) without needing the source map.
 */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface HotFunction {
  /** Function name and the module it lives in. */
  name: string;
  module: string;
  /** Self time in `top`; inclusive time (with callees) in `oursInclusive`. */
  selfMs: number;
  /** Share of all sampled time, idle excluded. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by module (top-level grouping: our core, rules, dockerfile-ast, GC, ...). */
  byModule: { module: string; selfMs: number; share: number }[];
  top: HotFunction[];
  /** Our own functions (server/src) by inclusive time: themselves plus everything they call. */
  oursInclusive: HotFunction[];
}

/** Module markers of an esbuild bundle: the 0-based line of each `// path` comment and its path. */
function moduleMarkers(bundle: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((l, line) => {
    const m = /^\/\/ ((?:node_modules|server|client)\/\S+\.[jt]s)$/.exec(l);
    if (m) out.push({ line, module: m[1] });
  });
  return out;
}

function moduleAt(markers: { line: number; module: string }[], line: number): string {
  let lo = 0;
  let hi = markers.length - 1;
  let found = '';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (markers[mid].line <= line) {
      found = markers[mid].module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function summariseProfile(profilePath: string, bundlePath: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(profilePath, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const markers = moduleMarkers(fs.readFileSync(bundlePath, 'utf8'));
  const bundleName = bundlePath.split('/').pop()!;
  // The whole name: another bundle's name may end with this one's.
  const inBundle = (url: string) => url.endsWith('/' + bundleName);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byFunction = new Map<string, { name: string; module: string; us: number }>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (us === 0 || functionName === '(idle)') continue;
    total += us;
    const module = inBundle(url) ? moduleAt(markers, lineNumber) || bundleName : url ? url.replace(/^.*\/node_modules\//, 'node_modules/') : functionName;
    const name = functionName || '(anonymous)';
    const key = `${name}\u0000${module}`;
    const entry = byFunction.get(key) ?? { name, module, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const group = moduleGroup(module);
    byModule.set(group, (byModule.get(group) ?? 0) + us);
  }
  // Inclusive time per function: subtree totals, counted once per stack even under recursion.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const keyOf = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const module = inBundle(url) ? moduleAt(markers, lineNumber) || bundleName : url;
    return `${functionName || '(anonymous)'}\u0000${module}`;
  };
  const subtree = new Map<number, number>();
  const total_ = (id: number): number => {
    const known = subtree.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    let t = n.callFrame.functionName === '(idle)' ? 0 : selfUs.get(id) ?? 0;
    for (const c of n.children ?? []) t += total_(c);
    subtree.set(id, t);
    return t;
  };
  const inclusive = new Map<string, number>();
  const active = new Set<string>();
  const walk = (id: number) => {
    const n = byId.get(id)!;
    const key = keyOf(n);
    const outermost = !active.has(key);
    if (outermost) {
      inclusive.set(key, (inclusive.get(key) ?? 0) + total_(id));
      active.add(key);
    }
    for (const c of n.children ?? []) walk(c);
    if (outermost) active.delete(key);
  };
  if (profile.nodes.length > 0) walk(profile.nodes[0].id);
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => Math.round((us / total) * 1000) / 1000;
  return {
    totalMs: ms(total),
    byModule: [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([module, us]) => ({ module, selfMs: ms(us), share: share(us) })),
    top: [...byFunction.values()].sort((a, b) => b.us - a.us).slice(0, topN).map((f) => ({ name: f.name, module: f.module, selfMs: ms(f.us), share: share(f.us) })),
    oursInclusive: [...inclusive]
      .map(([key, us]) => ({ name: key.split('\u0000')[0], module: key.split('\u0000')[1], us }))
      .filter((f) => f.module.startsWith('server/src/'))
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ name: f.name, module: f.module, selfMs: ms(f.us), share: share(f.us) })),
  };
}

/** Groups a module path into a package (node_modules/x) or one of our folders (server/src/core). */
function moduleGroup(module: string): string {
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  if (pkg) return `node_modules/${pkg[1]}`;
  const ours = /^(server\/src\/[^/]+)\//.exec(module);
  if (ours) return ours[1];
  return module;
}
