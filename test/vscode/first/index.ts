/**
 * Another first activation (test/vscode/run.ts: a new extension host on the suite's profile, after
 * the runner removed the client's code cache from the extension's storage). Same hooks and output
 * as the suite.
 */
import { runFiles } from '../suite/index';

export function run(): Promise<void> {
  return runFiles(__dirname);
}
