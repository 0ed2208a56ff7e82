/**
 * Typing in the ignore file of a large build context, through the bundled server: how many
 * context scans the keystrokes start, the server's CPU time, and how long Dockerfile edits in
 * another folder wait for their diagnostics while the ignore file is scanned and checked.
 *
 *   npm run compile && node out/test/bench/ignore-typing.js [--files 100000] [--letters 20] [--gap 50] [--keep]
 *
 * The context is generated in a temporary folder (test/support/contextTree.ts); the ignore file
 * is the 30 lines of a typical Node project, and the letters are typed on a new last line, `gap`
 * ms apart. A Dockerfile in another folder is edited every 50 ms until the ignore file's
 * diagnostics with the finished scan's check arrive (and five times after).
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeContextTree } from '../support/contextTree';
import { fileUri, LspTestClient } from '../support/lspClient';

const IGNORE = [
  '# typical', 'node_modules', '.git', '**/*.map', '**/.DS_Store', '**/__pycache__', '**/*.pyc', '*.log', 'npm-debug.log*', '.env', '.env.*', '!.env.example',
  'coverage', '.nyc_output', 'dist', 'build', 'tmp', '*.swp', '.idea', '.vscode', 'Dockerfile*', 'docker-compose*.yml', 'README.md', '!README.md', 'docs',
  '**/*.test.js', '!src/m1/f1.js', '**/test', '.cache', '*.tgz',
].join('\n') + '\n';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** CPU seconds (user + system) a process used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const files = arg('--files', 100_000);
  const letters = arg('--letters', 20);
  const gap = arg('--gap', 50);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-bench-ignore-typing-'));
  const client = await LspTestClient.start({ rootPath: root });
  try {
    const g0 = performance.now();
    await writeContextTree(path.join(root, 'ctx'), files);
    await fs.mkdir(path.join(root, 'other'));
    await fs.writeFile(path.join(root, 'other', 'app.py'), 'print(1)\n');
    console.log(`generated ${files} files in ${((performance.now() - g0) / 1000).toFixed(1)} s under ${root}`);

    const dockerfile = fileUri(path.join(root, 'other', 'Dockerfile'));
    const base = 'FROM python:3.12\nCOPY app.py /app/\n';
    await client.open(dockerfile, base);
    await client.diagnostics(dockerfile, (p) => p.version === 1, 30_000);

    const pid = client.child.pid!;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const ignore = fileUri(path.join(root, 'ctx', '.dockerignore'));
    await client.open(ignore, IGNORE, 'dockerignore');
    const line = IGNORE.split('\n').length - 1;
    const typed = 'coverage-report-xyz!'.repeat(Math.ceil(letters / 20)).slice(0, letters);
    for (let i = 0; i < typed.length; i++) {
      const at = { line, character: i };
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: ignore, version: i + 2 }, contentChanges: [{ range: { start: at, end: at }, text: typed[i] }] });
      await pause(gap);
    }
    const last = typed.length + 1;
    let finalAt: number | undefined;
    const checked = client
      .diagnostics(ignore, (p) => p.version === last && p.diagnostics.some((d) => d.code === 'dockerignore-matches-nothing' && d.range.start.line === line), 300_000)
      .then(() => (finalAt = performance.now()));
    const waits: number[] = [];
    for (let version = 2, after = 0; after < 5; version++, after += finalAt === undefined ? 0 : 1) {
      const sent = performance.now();
      await client.change(dockerfile, version, `${base}# ${version}\n`);
      await client.diagnostics(dockerfile, (p) => p.version === version, 60_000);
      waits.push(performance.now() - sent);
      await pause(50);
    }
    await checked;
    const info = await client.request<{ contextScans: unknown }>('dockerfileSizeHints/serverInfo', {});
    waits.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        files,
        letters,
        gapMs: gap,
        scans: info.contextScans,
        serverCpuS: Number((cpuSeconds(pid) - cpu0).toFixed(2)),
        finalDiagnosticsS: Number((((finalAt as number) - t0) / 1000).toFixed(1)),
        dockerfileEdits: waits.length,
        dockerfileWaitMedianMs: Math.round(waits[waits.length >> 1]),
        dockerfileWaitMaxMs: Math.round(waits[waits.length - 1]),
        loadavg: os.loadavg().map((l) => Number(l.toFixed(1))),
        node: process.version,
      }),
    );
  } finally {
    await client.stop();
    if (!process.argv.includes('--keep')) await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
