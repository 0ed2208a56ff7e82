/**
 * What the estimate after the fixes (server/src/lsp/afterFixes.ts) costs on files whose final
 * stage has many fixes: the generated benchmark files cut down to one stage. For each size, CPU
 * (process.cpuUsage; the machine is shared) of the document's analysis, of the whole FixAllRun the
 * estimate makes from it (and of the second, with the fixes to review), its number of steps and its longest step (the step that cannot be cut,
 * so the longest a slice off the request path can keep a request waiting):
 *
 *   npx tsc -b && node out/test/bench/afterFixes.js [--lines 1000,10000] [--repeat 3]
 */
import { analyze } from '../../server/src/core/analyze';
import { FixAllRun } from '../../server/src/core/edits';
import { changesFinalImage } from '../../server/src/lsp/afterFixes';
import { cpuMs } from '../../server/src/lsp/slices';
import { generateDockerfile } from './lsp/generate';

/** The generated file of `lines` lines with its first FROM only and no COPY --from: one stage, every fix in the final image. */
export function oneStage(lines: number): string {
  let first = true;
  return generateDockerfile(lines, lines)
    .split('\n')
    .filter((line) => (/^FROM /.test(line) ? first && !(first = false) : !/--from=/.test(line)))
    .join('\n');
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
  const env = { context: {} };
  for (const lines of arg('--lines', '1000,10000').split(',').map(Number)) {
    const text = oneStage(lines);
    for (let i = 0; i < Number(arg('--repeat', '3')); i++) {
      let start = cpuMs();
      const analysis = analyze(text, env);
      const analysed = cpuMs() - start;
      // The preferred fixes, then all of them (the second run, "with the fixes to review").
      for (const includeUnpreferred of [false, true]) {
        const run = new FixAllRun(text, env, {}, { only: changesFinalImage, analysis, includeUnpreferred });
        let steps = 0;
        let longest = 0;
        start = cpuMs();
        for (let done = false; !done; steps++) {
          const before = cpuMs();
          done = run.step();
          longest = Math.max(longest, cpuMs() - before);
        }
        const whole = cpuMs() - start;
        const result = run.result();
        const what = includeUnpreferred ? 'with the fixes to review' : `analysis ${analysed.toFixed(0)} ms; after the fixes`;
        console.log(`${lines.toLocaleString('en')} lines (one stage): ${what} ${whole.toFixed(0)} ms (${result.applied.length} fixes, complete: ${result.complete}) in ${steps} steps, longest ${longest.toFixed(0)} ms (CPU)`);
      }
    }
  }
}
