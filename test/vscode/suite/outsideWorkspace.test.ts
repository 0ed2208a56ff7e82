/**
 * A Dockerfile opened from a folder outside the workspace folders (as with File > Open File or
 * `code Dockerfile` in a terminal): its findings follow its `.dockerignore` being written, changed
 * and deleted by another program (Node's fs here, not VS Code's), which VS Code's workspace
 * watcher does not see; the client watches that folder while the document is open, and stops
 * when it closes.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, extensionId, ourDiagnostics, waitFor } from './helpers';
import { print } from './index';

interface Api {
  watchedOutsideFolders(): string[];
  serverInfo(): Promise<{ fileEvents?: number }>;
}

/**
 * Each step (a file written, then the findings it leads to) has this long. A test's own timeout is
 * the sum of its steps' deadlines and a margin: with mocha's 60 s default, a test of four 30 s
 * steps could be stopped by mocha while its body went on writing and deleting files in the folder
 * the next tests use, which could then fail in turn. A step that never comes now fails with its
 * own message, in its own test.
 */
const STEP_MS = 45_000;
const testTimeout = (steps: number) => steps * STEP_MS + 15_000;

describe('a Dockerfile outside the workspace folders', () => {
  let dir: string;
  let uri: vscode.Uri;
  let ignorePath: string;
  /**
   * The test's writes to the folder, with seconds since it was made, for the failure messages (no
   * watcher of the test's own: a second watch on the folder could change what is being tested).
   */
  const timeline: string[] = [];
  let started = 0;
  const note = (what: string) => timeline.push(`${what}@${((Date.now() - started) / 1000).toFixed(1)}s`);
  const write = (file: string, text: string) => {
    fs.writeFileSync(file, text);
    note(`wrote ${path.basename(file)}`);
  };
  const remove = (file: string) => {
    fs.rmSync(file);
    note(`deleted ${path.basename(file)}`);
  };
  /** A step that fails says what the test wrote and how many file events reached the server: a lost event and a slow analysis look alike otherwise. */
  const step = async <T>(waiting: Promise<T>): Promise<T> => {
    try {
      return await waiting;
    } catch (error) {
      const api = await vscode.extensions.getExtension<Api>(extensionId)!.activate();
      const info = await Promise.race([api.serverInfo().catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 2_000))]);
      throw new Error(`${error instanceof Error ? error.message : String(error)}; written: ${timeline.join(' ')}; file events the server received: ${info?.fileEvents ?? 'unknown'}`);
    }
  };

  /**
   * Does `act` (a write or a deletion in the folder) and waits for `seen`; when it does not come,
   * does it again, with longer waits each time (2, 4, then 8 s), until STEP_MS runs out. VS Code
   * starts the folder's watch asynchronously and no API says when it is live (under load it was not
   * live yet when the first findings came); and in two fresh-clone CI runs a later write was never
   * followed by new findings while the same step passed in every other run (cause not known; see
   * `step`). Without a watch on the folder nothing is ever seen, so the test still fails then. Each
   * repetition is printed, so the log tells how often one is needed. The waits grow because each
   * event starts another analysis beside those still running (none is cancelled): a fixed 2 s pace
   * on a machine where an analysis takes longer piles them up.
   */
  const actUntil = (what: string, act: () => void, seen: () => boolean | Promise<boolean>, have: () => string) => {
    let pause = 2_000;
    let tries = 0;
    return step(
      waitFor(() => `${what} (have ${have()})`, async () => {
        if (tries++ > 0) print(`      (${what}: not seen ${pause / 2_000} s after, done again)`);
        act();
        const done = await waitFor('', seen, pause).then(() => true, () => false);
        pause = Math.min(pause * 2, 8_000);
        return done;
      }, STEP_MS),
    );
  };

  /** Deletes `file`; done again (a deletion not seen), writes it back with `text` first. */
  const deletion = (file: string, text: string) => () => {
    if (!fs.existsSync(file)) write(file, text);
    remove(file);
  };

  /** A .dockerignore the first test left when it failed: these tests start without one (each failing on its own, not after it). */
  const leftBehind = () => fs.existsSync(ignorePath) && remove(ignorePath);

  /** Our findings on the Dockerfile, as `code@line` sorted, for the assertions and their messages. */
  const findings = () =>
    ourDiagnostics(uri)
      .filter((d) => ['context-without-dockerignore', 'copy-source-ignored'].includes(codeOf(d)))
      .map((d) => `${codeOf(d)}@${d.range.start.line}`)
      .sort();
  const findingsText = () => findings().join(', ') || 'none';
  const findingsAre = (expected: string[]) => () => JSON.stringify(findings()) === JSON.stringify(expected);
  const waitForFindings = (what: string, expected: string[], timeoutMs = STEP_MS) =>
    waitFor(() => `${what}: expected ${expected.join(', ') || 'none'}, have ${findingsText()}`, findingsAre(expected), timeoutMs);

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-outside-')));
    uri = vscode.Uri.file(path.join(dir, 'Dockerfile'));
    ignorePath = path.join(dir, '.dockerignore');
    assert.strictEqual(vscode.workspace.getWorkspaceFolder(uri), undefined, `${dir} lies in a workspace folder`);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'notes\n');
    fs.writeFileSync(uri.fsPath, 'FROM node:22-slim\nCOPY notes.txt /app/\nCOPY . /app\n');
    started = Date.now();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sees its .dockerignore written, changed and deleted on disk', async () => {
    // Opened as a person opens it (vscode.open): a document an extension opens with
    // openTextDocument stays open for up to 3 minutes after its editor closes.
    await vscode.commands.executeCommand('vscode.open', uri);
    await step(waitForFindings('before any .dockerignore', ['context-without-dockerignore@2']));
    await actUntil('copy-source-ignored@1 once .dockerignore excludes notes.txt', () => write(ignorePath, 'notes.txt\n'), findingsAre(['copy-source-ignored@1']), findingsText);
    await actUntil('no finding once .dockerignore excludes *.log only', () => write(ignorePath, '*.log\n'), findingsAre([]), findingsText);
    await actUntil('context-without-dockerignore@2 once .dockerignore is deleted', deletion(ignorePath, '*.log\n'), findingsAre(['context-without-dockerignore@2']), findingsText);
  }).timeout(testTimeout(4));

  it('sees a project file created beside it: the .dockerignore its fix creates gets Python entries', async () => {
    // Names at the top of the context choose the fix's entries (setup.py, Pipfile, poetry.lock, ... mean Python).
    const fixText = async () => {
      const finding = ourDiagnostics(uri).find((d) => codeOf(d) === 'context-without-dockerignore');
      if (!finding) return undefined;
      const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', uri, finding.range, vscode.CodeActionKind.QuickFix.value);
      const fix = (actions ?? []).find((a): a is vscode.CodeAction => 'edit' in a && !!a.edit?.entries().some(([u]) => u.fsPath === ignorePath));
      return fix?.edit!.entries().flatMap(([, edits]) => edits.map((e) => e.newText)).join('');
    };
    leftBehind();
    assert.doesNotMatch(await step(waitFor('the fix that creates .dockerignore', fixText, STEP_MS)), /# Python/);
    let last: string | undefined;
    await actUntil('the fix to list Python entries once setup.py is there', () => write(path.join(dir, 'setup.py'), 'from setuptools import setup\nsetup()\n'), async () => /# Python/.test((last = await fixText()) ?? ''), () => `last: ${last}`);
  }).timeout(testTimeout(2));

  it('sees likely secrets appear beside it and go: the finding names them, then no more', async () => {
    // Names the context scan reports and the server does not read, watched because the watched
    // names include what the scan reports (server/src/watchedNames.ts); `.ENV` through the
    // `[eE]` classes that make a watcher's glob ignore case. Each step is seen through its own event.
    const message = () => ourDiagnostics(uri).find((d) => codeOf(d) === 'context-without-dockerignore')?.message ?? '';
    const secrets = () => (/Likely secrets: ([^ ]+(, [^ ]+)*)\.( |$)/.exec(message())?.[1] ?? '').split(', ').sort().join(', ');
    const names = (expected: string) => () => /It sends/.test(message()) && secrets() === expected;
    const secretStep = (expected: string, act: () => void) => actUntil(`the finding to name ${expected || 'no secret'}`, act, names(expected), () => `message: ${message()}`);
    const key = path.join(dir, 'id_rsa');
    const env = path.join(dir, '.ENV');
    leftBehind();
    await step(waitFor(() => `the finding to name no secret (message: ${message()})`, names(''), STEP_MS));
    await secretStep('id_rsa', () => write(key, 'not a real key\n'));
    await secretStep('.ENV, id_rsa', () => write(env, 'DB_PASSWORD=x\n'));
    await secretStep('.ENV', deletion(key, 'not a real key\n'));
    await secretStep('', deletion(env, 'DB_PASSWORD=x\n'));
  }).timeout(testTimeout(5));

  it('stops watching the folder once no open document is in it', async () => {
    const api = await vscode.extensions.getExtension<Api>(extensionId)!.activate();
    assert.deepStrictEqual(api.watchedOutsideFolders(), [dir]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(() => `the watch on ${dir} to end (watched: ${api.watchedOutsideFolders().join(', ')})`, () => api.watchedOutsideFolders().length === 0, STEP_MS);
  }).timeout(testTimeout(1));
});
