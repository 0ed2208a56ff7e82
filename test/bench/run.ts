/** `npm run bench` entry: the LSP benchmark against the peer server (see lsp/run.ts). */
import { runBench } from './lsp/run';

runBench().catch((e) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
