/**
 * How much more the first analysis of a large file costs than the next ones in a process whose
 * code has seen only small files, as in the LSP benchmark (test/bench/lsp/run.ts opens the
 * examples and the 10- and 100-line files before the 1,000-line one): the examples and those two
 * files five times each, then `--texts` new files of `--lines` lines, each analysed once.
 *
 *   node --max-semi-space-size=2 --max-old-space-size=1024 --heap-growing-percent=30 \
 *     out/test/bench/measure/firstAnalysis.js [--lines 1000] [--texts 6] [--diagnostics]
 *
 * Run it several times (each run is one fresh process); V8 flags such as `--trace-opt` or
 * `--maglev` go before the script. `--diagnostics` also times the conversion of the last
 * analysis's findings to LSP diagnostics and their JSON, as the server publishes them, six times.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type Analysis } from '../../../server/src/core/analyze';
import { toDiagnostic } from '../../../server/src/lsp/diagnostics';
import { generateDockerfile } from '../lsp/generate';
import { arg } from '../analysis';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const ENV = { context: {} };

function timed(f: () => void): string {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  f();
  const used = process.cpuUsage(cpu);
  return `${((used.user + used.system) / 1000).toFixed(1)}/${(performance.now() - t0).toFixed(1)}`;
}

const examples = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .map((e) => path.join(ROOT, 'examples', e, 'Dockerfile'))
  .filter((f) => fs.existsSync(f))
  .map((f) => fs.readFileSync(f, 'utf8'));
for (const text of [...examples, generateDockerfile(10, 10), generateDockerfile(100, 100)]) for (let i = 0; i < 5; i++) analyze(text, ENV);
const lines = Number(arg('--lines', '1000'));
let last: Analysis | undefined;
const runs = Array.from({ length: Number(arg('--texts', '6')) }, (_, i) => timed(() => (last = analyze(generateDockerfile(lines, 900 + i), ENV))));
console.log(`${lines} lines, successive fresh analyses, CPU/wall ms: ${runs.join('  ')}`);
if (process.argv.includes('--diagnostics') && last) {
  const findings = last.findings;
  let bytes = 0;
  const times = Array.from({ length: 6 }, () => timed(() => (bytes = JSON.stringify({ diagnostics: findings.map(toDiagnostic) }).length)));
  console.log(`${findings.length} diagnostics, ${bytes} bytes of JSON, converted and stringified in ${times[0]} ms the first time, then ${times.slice(1).join(' ')} (CPU/wall)`);
}
