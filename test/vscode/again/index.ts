/**
 * The second pass of the VS Code tests (test/vscode/run.ts): a new extension host on the profile
 * the suite just used, so the extension activates with what its first activation left in its
 * global storage. Same hooks and output as the suite.
 */
import { runFiles } from '../suite/index';

export function run(): Promise<void> {
  return runFiles(__dirname);
}
