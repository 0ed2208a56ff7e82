/**
 * The integration suite's entry, in the form @vscode/test-electron expects: the extension host
 * `require`s this module and awaits `run()`. The same module runs under code-server (see
 * ../run.ts). Mocha runs every `*.test.js` beside this file.
 */
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import * as util from 'util';
import * as vscode from 'vscode';
import { extensionId } from './helpers';

/**
 * Under code-server the extension host's console reaches the runner only mixed with the
 * workbench's own log on the page console; the runner sets this prefix so it can pick out
 * mocha's lines. Desktop VS Code (test-electron) passes stdout through and sets no prefix.
 */
const logPrefix = process.env.DSH_SUITE_LOG_PREFIX ?? '';

/** console.log, marked so the code-server runner prints it. Tests use this for their own output. */
export function print(...args: unknown[]): void {
  console.log(logPrefix + util.format(...args));
}

/** The repository: our extension's bundle (dist/) and this suite (out/) are loaded from it. */
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const ours = [path.join(repoRoot, 'dist') + path.sep, path.join(repoRoot, 'out') + path.sep];

/**
 * Unhandled promise rejections in the extension host fail the test they happen in (or the run,
 * after the last test), as the root hook does at the other levels (test/support/
 * noUnhandledRejections.ts). VS Code only logs them. The extension host also runs VS Code's
 * built-in extensions, so only rejections whose stack passes through our bundle (the client and
 * the language client library in it) or this suite count.
 */
const rejections: string[] = [];
process.on('unhandledRejection', (reason) => {
  const stack = reason instanceof Error ? (reason.stack ?? '') : '';
  if (ours.some((dir) => stack.includes(dir))) rejections.push(stack);
});
/**
 * The language server the extension started logs its unhandled rejections and counts them in its
 * serverInfo answer: a count that grew since the last check fails the test too. (A server that
 * does not answer within a second, being restarted say, is asked again after the next test.)
 */
const seenInServer = new Map<number, number>();
async function serverRejections(): Promise<string[]> {
  const extension = vscode.extensions.getExtension<{ serverInfo(): Promise<{ pid: number; unhandledRejections: { count: number; last: string[] } }> }>(extensionId);
  if (!extension?.isActive) return [];
  const info = await Promise.race([extension.exports.serverInfo().catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 1_000))]);
  if (!info) return [];
  const seen = seenInServer.get(info.pid) ?? 0;
  seenInServer.set(info.pid, info.unhandledRejections.count);
  const fresh = info.unhandledRejections.count - seen;
  return fresh > 0 ? info.unhandledRejections.last.slice(-fresh) : [];
}
async function checkRejections(): Promise<void> {
  const inServer = await serverRejections();
  if (rejections.length > 0) throw new Error(`unhandled promise rejection(s) in the extension host:\n${rejections.splice(0).join('\n')}`);
  if (inServer.length > 0) throw new Error(`unhandled promise rejection(s) in the language server:\n${inServer.join('\n')}`);
}

export function run(): Promise<void> {
  return runFiles(__dirname);
}

/** Runs every `*.test.js` in `dir` (test/vscode/again's runs its own) under the suite's hooks. */
export function runFiles(dir: string): Promise<void> {
  if (logPrefix) (Mocha.reporters.Base as unknown as { consoleLog: typeof print }).consoleLog = print;
  // DSH_SUITE_GREP=<regexp> runs only the matching tests (code-server passes the runner's environment on).
  const grep = process.env.DSH_SUITE_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', rootHooks: { afterEach: checkRejections, afterAll: checkRejections }, ...(grep ? { grep } : {}) });
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(path.join(dir, file));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        // A line the runners (and people) can read without parsing mocha's reporter.
        print(`vscode suite: ${files.length} files, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} VS Code integration test(s) failed`));
        else resolve();
      });
    } catch (error) {
      reject(error);
    }
  });
}
