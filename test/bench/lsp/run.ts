/**
 * `npm run bench`: our language server against the peer (`dockerfile-language-server-nodejs`, the
 * server behind Microsoft's Docker extension), both over stdio, in the same run.
 *
 * Startup (spawn -> first diagnostics for a small file) is timed in short sessions, alternating
 * the servers. Then each full session starts both servers side by side and, for every case (the
 * examples and generated files of 10 to 10,000 lines), alternates them step by step: open the
 * document (didOpen -> diagnostics), type keystrokes at random lines, each awaited (didChange ->
 * diagnostics), hover the first FROM, and ask for code actions on the first diagnostic the way VS
 * Code's light bulb does. Alternating each step makes load from elsewhere on the machine hit both
 * alike. At the end /proc gives each process's peak RSS and CPU time. A last session runs our
 * server under `--cpu-prof` on the 10,000-line case to name where our time goes.
 *
 * Options: --rounds N (full sessions, default 2), --quick (fewer edits, no profile),
 * --no-profile, --out FILE (default test/bench/results/latest.json).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BenchServer, procStats, type Diagnostic, type ProcStats } from './client';
import { generateDockerfile, keystrokes, newlines } from './generate';
import { parserFloors, roundTripMs, type ParserFloor } from './floors';
import { summariseProfile, type ProfileSummary } from './profile';
import { median, percentile, ratio, round } from './stats';
import { SERVER_NODE_OPTIONS, serverArgs } from '../../../server/src/launch';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const OURS = path.join(ROOT, 'dist', 'server.js');
/** What the entry loads: the server's code, where a profile's samples point. */
const OURS_MAIN = path.join(ROOT, 'dist', 'server-main.js');
const PEER = path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'bin', 'docker-langserver');
const EXAMPLES = path.join(ROOT, 'examples');
const TIMEOUT_MS = 120_000;
/** Per case and session: keystrokes stop after this (at least MIN_EDITS run), requests repeat within REQUEST_BUDGET_MS. */
const EDIT_BUDGET_MS = 20_000;
const MIN_EDITS = 6;
const REQUEST_BUDGET_MS = 3_000;
/**
 * Enter edits per case and session: a line break at the end of a random line, then its undo, so
 * half as many lines. Until the tenth session this was 6 (3 lines a session), and the median of so
 * few moved with the lines drawn: an Enter above most of the file costs ours several times one near
 * its end, and the peer the same anywhere.
 */
const NEWLINE_EDITS = 24;

type Side = 'ours' | 'peer';
const SCRIPTS: Record<Side, string> = { ours: OURS, peer: PEER };

interface Case {
  name: string;
  lines: number;
  uri: string;
  text: string;
  edits: number;
}

interface CaseSample {
  openMs: number[];
  /**
   * The same text opened again after its close (both servers drop a closed document's results):
   * what an open costs once the code that runs it is warm. Reported, not a target.
   */
  reopenMs: number[];
  changeMs: number[];
  /** Edits that add or remove a line (Enter at a line's end, then its undo). */
  newlineMs: number[];
  hoverMs: number[];
  codeActionMs: number[];
  diagnostics: number;
  codeActions: number;
  hoverChars: number;
  /** True when the edit budget ran out before all keystrokes were typed. */
  editsCut?: boolean;
}

interface Session {
  side: Side;
  startupMs: number;
  startRssKb: number;
  startAnonKb?: number;
  end: ProcStats;
  cases: Record<string, CaseSample>;
  /** Median time of a request the server does not handle (its JSON-RPC floor), in ms. */
  roundTripMs?: number;
}

interface Options {
  rounds: number;
  startupRounds: number;
  quick: boolean;
  profile: boolean;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const opts: Options = { rounds: 2, startupRounds: 5, quick: false, profile: true, out: path.join(ROOT, 'test', 'bench', 'results', 'latest.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') opts.rounds = Math.max(1, Number(argv[++i]));
    else if (a === '--quick') (opts.quick = true), (opts.profile = false), (opts.rounds = 1), (opts.startupRounds = 2);
    else if (a === '--no-profile') opts.profile = false;
    else if (a === '--out') opts.out = path.resolve(argv[++i]);
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

/** Writes every case to its own folder (the examples with their build context) and returns them. */
export function prepareCases(dir: string, quick: boolean): { startup: Case; cases: Case[] } {
  const cases: Case[] = [];
  const add = (name: string, text: string, edits: number, copyFrom?: string) => {
    const folder = path.join(dir, name.replace('/', '-'));
    if (copyFrom) fs.cpSync(copyFrom, folder, { recursive: true });
    else fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'Dockerfile');
    fs.writeFileSync(file, text);
    const c = { name, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), uri: pathToFileURL(file).toString(), text, edits: quick ? Math.min(edits, 6) : edits };
    cases.push(c);
    return c;
  };
  for (const ex of fs.readdirSync(EXAMPLES).sort()) {
    const file = path.join(EXAMPLES, ex, 'Dockerfile');
    if (fs.existsSync(file)) add(`example/${ex}`, fs.readFileSync(file, 'utf8'), 20, path.join(EXAMPLES, ex));
  }
  const edits: Record<number, number> = { 10: 40, 100: 40, 1000: 30, 10000: 20 };
  for (const n of [10, 100, 1000, 10000]) add(`generated/${n}`, generateDockerfile(n, n), edits[n]);
  const startupText = fs.readFileSync(path.join(EXAMPLES, 'python-naive', 'Dockerfile'), 'utf8');
  const startupFolder = path.join(dir, 'startup');
  fs.cpSync(path.join(EXAMPLES, 'python-naive'), startupFolder, { recursive: true });
  const startup: Case = { name: 'startup', lines: 0, uri: pathToFileURL(path.join(startupFolder, 'Dockerfile')).toString(), text: startupText, edits: 0 };
  return { startup, cases };
}

/**
 * Ours gets a code cache folder, as the VS Code client gives it (server/src/launch.ts): the first
 * start writes the cache, later ones read it. Set in main(), inside the run's temporary folder.
 */
let oursArgs: string[] = [];

/** Starts a server and times spawn -> first diagnostics for a small real Dockerfile. */
async function startTimed(side: Side, startup: Case, nodeArgs: string[] = []): Promise<{ server: BenchServer; startupMs: number }> {
  const t0 = performance.now();
  // Each server as its extension starts it: ours with the client's Node options, the peer plain.
  const server = side === 'ours' ? await BenchServer.start(OURS, [...SERVER_NODE_OPTIONS, ...nodeArgs], null, oursArgs) : await BenchServer.start(PEER, nodeArgs);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: startup.uri, languageId: 'dockerfile', version: 1, text: startup.text } });
  await server.waitPublications(startup.uri, 1, TIMEOUT_MS);
  return { server, startupMs: performance.now() - t0 };
}

/**
 * Where each server answers a hover on the first FROM: ours on the image reference (base image
 * sizes), the peer on the keyword (the instruction's documentation; it has nothing on the image).
 */
function fromPosition(text: string, side: Side): { line: number; character: number } {
  const lines = text.split('\n');
  const line = Math.max(0, lines.findIndex((l) => /^\s*FROM\s/i.test(l)));
  if (side === 'peer') return { line, character: (/^\s*/.exec(lines[line] ?? '')?.[0].length ?? 0) + 1 };
  const m = /^\s*FROM\s+(?:--\S+\s+)*/i.exec(lines[line] ?? '');
  return { line, character: (m?.[0].length ?? 0) + 1 };
}

function overlaps(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

type Servers = Partial<Record<Side, BenchServer>>;

/** `sides` rotated by `i`, so neither server always goes first. */
function rotate(sides: Side[], i: number): Side[] {
  return i % 2 === 0 ? sides : [...sides].reverse();
}

/**
 * One case on one or two live servers, alternating them step by step (each open, keystroke and
 * request goes to one server, then the same to the other), so a burst of load from elsewhere on
 * the machine hits both alike. Every step is awaited: only one server works at a time.
 */
export async function runCase(servers: Servers, c: Case, seed: number): Promise<Partial<Record<Side, CaseSample>>> {
  const sides = Object.keys(servers) as Side[];
  const samples: Partial<Record<Side, CaseSample>> = {};
  for (const side of sides) samples[side] = { openMs: [], reopenMs: [], changeMs: [], newlineMs: [], hoverMs: [], codeActionMs: [], diagnostics: 0, codeActions: 0, hoverChars: 0 };
  const each = async (i: number, step: (server: BenchServer, sample: CaseSample, side: Side) => Promise<void>) => {
    for (const side of rotate(sides, i + seed)) await step(servers[side]!, samples[side]!, side);
  };

  await each(0, async (server, sample) => {
    sample.openMs.push(await server.timeOpen(c.uri, c.text, TIMEOUT_MS));
    sample.diagnostics = server.lastDiagnostics(c.uri).length;
  });
  // Time budgets keep a slow server from stretching the run; stopping only after a delete keeps
  // the text equal to the original (keystrokes come in insert/delete pairs).
  const editsUntil = performance.now() + EDIT_BUDGET_MS * sides.length;
  let version = 1;
  for (const [i, k] of keystrokes(c.text, c.edits, seed).entries()) {
    if (version % 2 === 1 && version > MIN_EDITS && performance.now() > editsUntil) {
      for (const side of sides) samples[side]!.editsCut = true;
      break;
    }
    version++;
    await each(i, async (server, sample) => void sample.changeMs.push(await server.timeKeystroke(c.uri, version, k, TIMEOUT_MS)));
  }
  // Enter moves every later line: our incremental analysis redoes what follows the edit, so these
  // are timed apart from the letters.
  for (const [i, k] of newlines(c.text, NEWLINE_EDITS, seed).entries()) {
    version++;
    await each(i, async (server, sample) => void sample.newlineMs.push(await server.timeKeystroke(c.uri, version, k, TIMEOUT_MS)));
  }
  for (let i = 0, until = performance.now() + REQUEST_BUDGET_MS * sides.length; i < 5 && (i === 0 || performance.now() < until); i++) {
    await each(i, async (server, sample, side) => {
      const { ms, result } = await server.timeRequest<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri: c.uri }, position: fromPosition(c.text, side) });
      sample.hoverMs.push(ms);
      sample.hoverChars = result ? JSON.stringify(result.contents).length : 0;
    });
  }
  for (let i = 0, until = performance.now() + REQUEST_BUDGET_MS * sides.length; i < 5 && (i === 0 || performance.now() < until); i++) {
    await each(i, async (server, sample, side) => {
      const diagnostics = server.lastDiagnostics(c.uri);
      const at = fromPosition(c.text, side);
      const target = diagnostics[0]?.range ?? { start: at, end: at };
      const { ms, result } = await server.timeRequest<unknown[] | null>('textDocument/codeAction', {
        textDocument: { uri: c.uri },
        range: target,
        // What VS Code sends for the light bulb: the diagnostics under the cursor, no `only`.
        context: { diagnostics: diagnostics.filter((d) => overlaps(d.range, target)), triggerKind: 2 },
      });
      sample.codeActionMs.push(ms);
      sample.codeActions = result?.length ?? 0;
    });
  }
  await each(0, (server) => server.close(c.uri));
  await each(1, async (server, sample) => void sample.reopenMs.push(await server.timeOpen(c.uri, c.text, TIMEOUT_MS)));
  await each(0, (server) => server.close(c.uri));
  return samples;
}

/** Both servers alive side by side for every case; returns one session record per server. */
async function pairedSession(round: number, startup: Case, cases: Case[]): Promise<Session[]> {
  const order = (round % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) as Side[];
  const started: Partial<Record<Side, { server: BenchServer; startupMs: number }>> = {};
  try {
    for (const side of order) started[side] = await startTimed(side, startup);
    const servers: Servers = { ours: started.ours!.server, peer: started.peer!.server };
    const sessions = order.map((side): Session => ({ side, startupMs: started[side]!.startupMs, startRssKb: procStats(servers[side]!.pid).rssKb, startAnonKb: procStats(servers[side]!.pid).anonKb, end: procStats(servers[side]!.pid), cases: {} }));
    for (const [i, c] of cases.entries()) {
      const samples = await runCase(servers, c, 100 + i);
      for (const session of sessions) session.cases[c.name] = samples[session.side]!;
      process.stdout.write('.');
    }
    for (const session of sessions) session.end = procStats(servers[session.side]!.pid);
    for (const session of sessions) session.roundTripMs = await roundTripMs(servers[session.side]!);
    return sessions;
  } finally {
    for (const side of order) await started[side]?.server.stop();
  }
}

async function profileOurs(startup: Case, c: Case, dir: string): Promise<ProfileSummary | undefined> {
  const profDir = path.join(dir, 'cpu-profile');
  const { server } = await startTimed('ours', startup, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
  try {
    await runCase({ ours: server }, { ...c, edits: 10 }, 999);
  } finally {
    await server.stop();
  }
  const file = fs.existsSync(profDir) ? fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (!file) {
    console.log('\nno CPU profile was written (the server did not exit cleanly); skipping the profile summary');
    return undefined;
  }
  return summariseProfile(path.join(profDir, file), OURS_MAIN);
}

interface CaseResult {
  name: string;
  lines: number;
  /** Keystrokes timed per server, over all sessions. */
  edits: { ours: number; peer: number };
  ours: Metrics;
  peer: Metrics;
  ratio: Metrics;
}
interface Metrics {
  openMs: number;
  reopenMs: number;
  changeP50Ms: number;
  changeP95Ms: number;
  newlineP50Ms: number;
  hoverMs: number;
  codeActionMs: number;
}

function metrics(sessions: Session[], name: string): Metrics {
  const pool = (k: keyof Pick<CaseSample, 'openMs' | 'reopenMs' | 'changeMs' | 'newlineMs' | 'hoverMs' | 'codeActionMs'>) => sessions.flatMap((s) => s.cases[name][k]);
  return {
    openMs: round(median(pool('openMs'))),
    // Sessions recorded before this metric existed have none.
    reopenMs: round(median(sessions.flatMap((s) => s.cases[name].reopenMs ?? []))),
    changeP50Ms: round(median(pool('changeMs'))),
    changeP95Ms: round(percentile(pool('changeMs'), 95)),
    newlineP50Ms: round(median(pool('newlineMs'))),
    hoverMs: round(median(pool('hoverMs')), 2),
    codeActionMs: round(median(pool('codeActionMs')), 2),
  };
}

function ratios(o: Metrics, p: Metrics): Metrics {
  return {
    openMs: ratio(o.openMs, p.openMs),
    reopenMs: ratio(o.reopenMs, p.reopenMs),
    changeP50Ms: ratio(o.changeP50Ms, p.changeP50Ms),
    changeP95Ms: ratio(o.changeP95Ms, p.changeP95Ms),
    newlineP50Ms: ratio(o.newlineP50Ms, p.newlineP50Ms),
    hoverMs: ratio(o.hoverMs, p.hoverMs),
    codeActionMs: ratio(o.codeActionMs, p.codeActionMs),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  for (const [side, script] of Object.entries(SCRIPTS)) if (!fs.existsSync(script)) throw new Error(`${side} server not found at ${script} (run npm run compile / npm install)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-bench-'));
  const started = Date.now();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  try {
    const { startup, cases } = prepareCases(dir, opts.quick);
    console.log(`load average ${loadAtStart.join(' ')} on ${os.cpus().length} cores (other work on the machine adds noise to both servers alike)`);
    console.log(`LSP benchmark: ours (${path.relative(ROOT, OURS)}) vs peer (dockerfile-language-server-nodejs ${peerVersion()}), ${opts.rounds} full session(s) with both servers side by side`);

    // Ours' first start compiles everything and writes its code cache; it is timed apart and the
    // rest start as they do in VS Code from the second start on.
    oursArgs = serverArgs(path.join(dir, 'storage'));
    const first = await startTimed('ours', startup);
    const firstStartMs = round(first.startupMs);
    await first.server.stop();

    // Startup alone, interleaved, several times: it is short and noisy.
    const startups: Record<Side, { ms: number; rssKb: number; anonKb: number }[]> = { ours: [], peer: [] };
    for (let i = 0; i < opts.startupRounds; i++) {
      for (const side of (i % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) as Side[]) {
        const { server, startupMs } = await startTimed(side, startup);
        const stats = procStats(server.pid);
        startups[side].push({ ms: startupMs, rssKb: stats.rssKb, anonKb: stats.anonKb });
        await server.stop();
      }
    }

    // What no server can beat: our parser alone against the peer's whole answer, in-process.
    const floors = parserFloors();

    const sessions: Session[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      process.stdout.write(`session ${i + 1} (both servers) `);
      const pair = await pairedSession(i, startup, cases);
      sessions.push(...pair);
      process.stdout.write(` CPU ${pair.map((s) => `${s.side} ${Math.round(s.end.cpuMs)} ms`).join(', ')}\n`);
    }
    const of = (side: Side) => sessions.filter((s) => s.side === side);

    const results: CaseResult[] = cases.map((c) => {
      const ours = metrics(of('ours'), c.name);
      const peer = metrics(of('peer'), c.name);
      const edits = (side: Side) => of(side).reduce((n, s) => n + s.cases[c.name].changeMs.length, 0);
      return { name: c.name, lines: c.lines, edits: { ours: edits('ours'), peer: edits('peer') }, ours, peer, ratio: ratios(ours, peer) };
    });
    const process_ = (side: Side) => ({
      startupMs: round(median([...startups[side].map((s) => s.ms), ...of(side).map((s) => s.startupMs)])),
      startRssMb: round(median([...startups[side].map((s) => s.rssKb), ...of(side).map((s) => s.startRssKb)]) / 1024),
      startAnonMb: round(median([...startups[side].map((s) => s.anonKb), ...of(side).map((s) => s.startAnonKb ?? NaN)]) / 1024),
      peakRssMb: round(Math.max(...of(side).map((s) => s.end.peakRssKb)) / 1024),
      cpuMsPerSession: round(median(of(side).map((s) => s.end.cpuMs)), 0),
      roundTripMs: round(median(of(side).map((s) => s.roundTripMs ?? NaN)), 2),
    });
    const ours = process_('ours');
    const peer = process_('peer');
    const processRatio = Object.fromEntries(Object.keys(ours).map((k) => [k, ratio(ours[k as keyof typeof ours], peer[k as keyof typeof peer])]));

    let profile: ProfileSummary | undefined;
    const big = cases.find((c) => c.name === 'generated/10000');
    if (opts.profile && big) {
      process.stdout.write('profiling ours on generated/10000 ...');
      profile = await profileOurs(startup, big, dir);
      console.log('');
    }

    const fmt = (x: number) => (Number.isFinite(x) ? String(x) : '-');
    const cell = (o: number, p: number, r: number) => `${fmt(o)}/${fmt(p)} ${fmt(r)}`;
    console.log('\nLatency in ms, ours/peer and the ratio ours/peer (lower is better; target <= 0.5 at 1,000 and 10,000 lines)');
    console.log(
      table([
        ['case', 'lines', 'didOpen->diag', 'open again', 'didChange p50', 'didChange p95', 'Enter p50', 'hover FROM', 'codeAction'],
        ...results.map((r) => [
          r.name,
          String(r.lines),
          cell(r.ours.openMs, r.peer.openMs, r.ratio.openMs),
          cell(r.ours.reopenMs, r.peer.reopenMs, r.ratio.reopenMs),
          cell(r.ours.changeP50Ms, r.peer.changeP50Ms, r.ratio.changeP50Ms),
          cell(r.ours.changeP95Ms, r.peer.changeP95Ms, r.ratio.changeP95Ms),
          cell(r.ours.newlineP50Ms, r.peer.newlineP50Ms, r.ratio.newlineP50Ms),
          cell(r.ours.hoverMs, r.peer.hoverMs, r.ratio.hoverMs),
          cell(r.ours.codeActionMs, r.peer.codeActionMs, r.ratio.codeActionMs),
        ]),
      ]),
    );
    console.log('\nProcess (target: ratio <= 1)');
    console.log(
      table([
        ['metric', 'ours', 'peer', 'ratio'],
        ['startup to first diagnostics (ms)', fmt(ours.startupMs), fmt(peer.startupMs), fmt(processRatio.startupMs)],
        ['RSS after startup (MB)', fmt(ours.startRssMb), fmt(peer.startRssMb), fmt(processRatio.startRssMb)],
        ['  of it anonymous (MB)', fmt(ours.startAnonMb), fmt(peer.startAnonMb), fmt(processRatio.startAnonMb)],
        ['peak RSS over a session (MB)', fmt(ours.peakRssMb), fmt(peer.peakRssMb), fmt(processRatio.peakRssMb)],
        ['CPU time per session (ms)', fmt(ours.cpuMsPerSession), fmt(peer.cpuMsPerSession), fmt(processRatio.cpuMsPerSession)],
        ['round trip, unhandled request (ms)', fmt(ours.roundTripMs), fmt(peer.roundTripMs), fmt(processRatio.roundTripMs)],
      ]),
    );
    console.log(`ours' first start, before its code cache existed: ${firstStartMs} ms to first diagnostics (${fmt(ratio(firstStartMs, peer.startupMs))} of the peer's median)`);
    console.log('\nParser floor (in-process CPU per call, median): dockerfile-ast parse alone vs the peer\'s whole validate()');
    console.log(table([['lines', 'parse (ms)', 'peer validate (ms)', 'ratio'], ...floors.map((f) => [String(f.lines), fmt(f.parseMs), fmt(f.peerValidateMs), fmt(f.ratio)])]));
    console.log('A didOpen ratio cannot go below the parser floor: an open parses the whole file with dockerfile-ast before any rule runs.');
    console.log("'open again' (not a target): the same text opened again after its close; both servers analyse it anew, with their code warm.");

    // A server that answers nothing is not being measured doing its work: say so.
    for (const s of sessions) {
      for (const [name, c] of Object.entries(s.cases)) {
        const empty = [c.hoverChars === 0 && 'hover', name.startsWith('generated/') && c.diagnostics === 0 && 'diagnostics'].filter(Boolean);
        if (empty.length) console.log(`note: ${s.side} returned no ${empty.join(' and no ')} for ${name}`);
      }
    }

    const misses: string[] = [];
    for (const r of results.filter((r) => r.lines >= 1000)) {
      for (const [k, v] of Object.entries(r.ratio)) if (k !== 'reopenMs' && !(v <= 0.5)) misses.push(`${r.name} ${k} ratio ${fmt(v)} > 0.5${floorNote(k, r, floors, ours)}`);
    }
    for (const [k, v] of Object.entries(processRatio)) if (!['cpuMsPerSession', 'roundTripMs', 'startAnonMb'].includes(k) && !(v <= 1)) misses.push(`${k} ratio ${fmt(v)} > 1`);
    console.log(misses.length ? `\nTargets missed:\n  ${misses.join('\n  ')}` : '\nAll targets met.');

    if (profile) {
      console.log(`\nWhere our time goes on generated/10000 (open + 10 edits + hover + code actions; ${profile.totalMs} ms sampled):`);
      console.log(table([['module', 'self ms', 'share'], ...profile.byModule.map((m) => [m.module, String(m.selfMs), `${Math.round(m.share * 100)}%`])]));
      console.log('');
      console.log(table([['function', 'module', 'self ms', 'share'], ...profile.top.map((f) => [f.name, f.module, String(f.selfMs), `${Math.round(f.share * 100)}%`])]));
      console.log('\nOur functions by inclusive time (with everything they call):');
      console.log(table([['function', 'module', 'incl. ms', 'share'], ...profile.oursInclusive.map((f) => [f.name, f.module, String(f.selfMs), `${Math.round(f.share * 100)}%`])]));
    }

    const json = {
      date: new Date().toISOString(),
      command: 'npm run bench',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
      peer: `dockerfile-language-server-nodejs ${peerVersion()}`,
      options: opts,
      durationS: round((Date.now() - started) / 1000),
      targets: { latencyRatioMax: 0.5, atLines: [1000, 10000], startupAndMemoryRatioMax: 1 },
      process: { ours, peer, ratio: processRatio, oursFirstStartMs: firstStartMs },
      floors,
      cases: results,
      misses,
      profile,
      raw: { startups, sessions },
    };
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, JSON.stringify(json, null, 1) + '\n');
    console.log(`\nwrote ${path.relative(process.cwd(), opts.out)} in ${json.durationS} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What bounds a missed latency ratio from below, when something measured does. */
function floorNote(metric: string, r: CaseResult, floors: ParserFloor[], ours: { roundTripMs: number }): string {
  const floor = floors.find((f) => f.lines === r.lines);
  if (metric === 'openMs' && floor) return ` (parser floor ${floor.ratio})`;
  if (metric === 'codeActionMs') return ` (the target, half the peer's ${r.peer.codeActionMs} ms, against our bare round trip of ${ours.roundTripMs} ms)`;
  return '';
}

function peerVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function runBench(): Promise<void> {
  return main();
}

if (require.main === module) {
  runBench().catch((e) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exitCode = 1;
  });
}
