/**
 * "Apply all size fixes" on the benchmark's generated files: how many fixes, whether it finished,
 * and the CPU time it took (process.cpuUsage around one fixAll; the machine is shared, so CPU
 * rather than wall time, and several repeats):
 *
 *   npx tsc -b && node out/test/bench/fixAll.js [--lines 1000,10000] [--repeat 3]
 *
 * Each file is `generateDockerfile(n, n)`, as in the LSP benchmark, fixed with the preferred fixes
 * (the editor's "Apply all", the CLI's --fix) and with every fix (--fix --unsafe-fixes).
 */
import { fixAll } from '../../server/src/core/edits';
import { generateDockerfile } from './lsp/generate';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const sizes = arg('--lines', '1000,10000').split(',').map(Number);
const repeat = Number(arg('--repeat', '3'));
for (const lines of sizes) {
  const text = generateDockerfile(lines, lines);
  for (const [label, options] of [['preferred', {}], ['every fix', { includeUnpreferred: true }]] as const) {
    const cpu: number[] = [];
    let summary = '';
    for (let i = 0; i < repeat; i++) {
      const before = process.cpuUsage();
      const result = fixAll(text, { context: {} }, {}, options);
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
      summary = `${result.applied.length} fixes, complete: ${result.complete}`;
    }
    const ms = cpu.map((c) => c.toFixed(0)).join(' / ');
    console.log(`${lines.toLocaleString('en')} lines, ${label}: ${summary}; CPU ms ${ms}`);
  }
}
