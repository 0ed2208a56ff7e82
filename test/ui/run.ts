/**
 * UI test: what a person sees. code-server (VS Code 1.100.3) in headless Chromium opens the
 * naive Python example with the extension loaded from this checkout, then, with keyboard and
 * mouse like a person: waits for the squiggles, reads the Problems panel, hovers the FROM image,
 * applies a quick fix with Ctrl+. and the arrow keys, and saves the file.
 *
 * Screenshots go to test-results/ui/ on every run, and to docs/screenshots/ (shown in the
 * README) when a file there is missing or DSH_UPDATE_SCREENSHOTS=1, so a normal run leaves the
 * committed pictures alone. Steps depend on each other, so the first failure ends the run.
 * Selectors are the ones that work on VS Code 1.100 (see the team guide "VS Code in a browser").
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { copyExamples, ensureCodeServer, launchChromium, log, onInterrupt, poll, repoRoot, startCodeServer, withTimeout } from '../vscode/codeServer';

const resultsDir = path.join(repoRoot, 'test-results', 'ui');
const docsDir = path.join(repoRoot, 'docs', 'screenshots');
const updateDocs = process.env.DSH_UPDATE_SCREENSHOTS === '1';
const totalTimeoutMs = Number(process.env.DSH_UI_TIMEOUT_MS ?? 6 * 60_000);
const example = { folder: 'python-naive', file: 'Dockerfile', image: 'python:3.12' };

interface Step {
  name: string;
  run(page: Page): Promise<void>;
}

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file });
  const docsFile = path.join(docsDir, `${name}.png`);
  if (updateDocs || !fs.existsSync(docsFile)) {
    fs.mkdirSync(docsDir, { recursive: true });
    fs.copyFileSync(file, docsFile);
    log('ui', `wrote ${path.relative(repoRoot, docsFile)}`);
  }
}

/** The editor's visible text, with the non-breaking spaces Monaco renders turned back into spaces. */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

function steps(workspace: string): Step[] {
  const dockerfile = path.join(workspace, example.folder, example.file);
  const lines = fs.readFileSync(dockerfile, 'utf8').split('\n');
  const aptLine = lines.findIndex((l) => /apt-get install/.test(l) && !/--no-install-recommends/.test(l));
  let warningsBefore = 0;

  return [
    {
      name: 'the workbench loads',
      async run(page) {
        await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
        // The status bar appears once the window is restored; typing before that gets lost.
        await page.locator('.statusbar').waitFor({ timeout: 60_000 });
      },
    },
    {
      name: `the workbench opens ${example.folder}/${example.file}`,
      async run(page) {
        // Opened through the URL's payload (what `code --goto` uses), not Quick Open: Quick Open
        // waits for the file search to index the workspace, which tests nothing of ours.
        await poll('the editor to show the FROM line', 60_000, async () => (await editorText(page)).includes(`FROM ${example.image}`), 250);
      },
    },
    {
      name: 'squiggles appear under what makes the image big, with the image estimate above FROM and in the status bar',
      async run(page) {
        const squiggles = page.locator('.editor-instance .monaco-editor .squiggly-warning');
        await squiggles.first().waitFor({ timeout: 60_000 });
        // Wait until the count settles (diagnostics arrive in one publish, decorations follow).
        await poll('4 or more warning squiggles', 30_000, async () => (await squiggles.count()) >= 4);
        // The image estimate: a code lens above FROM and an item in the status bar.
        const size = /\d\s*(kB|MB|GB)\b/;
        const lens = page.locator('.editor-instance .monaco-editor .codelens-decoration', { hasText: /with the fixes to review/ });
        await lens.first().waitFor({ timeout: 30_000 });
        const status = page.locator('.statusbar-item', { hasText: size });
        await status.first().waitFor({ timeout: 30_000 });
        log('ui', `  code lens: ${(await lens.first().innerText()).trim()}`);
        // The lens fits the window (it was cut off at "· with the fixe"); its tooltip has the full wording.
        const cut = await lens.first().evaluate((el) => el.scrollWidth > el.clientWidth);
        assert.ok(!cut, 'the code lens is cut off');
        const tooltip = (await lens.first().locator('a').first().getAttribute('title')) ?? '';
        log('ui', `  code lens tooltip: ${tooltip.replace(/\n/g, ' / ')}`);
        assert.match(tooltip, /^Image: at least about [^]*\(base [^]*\nWith the fixes to review: at least about \d+ MB$/, 'no full wording in the tooltip');
        log('ui', `  status bar: ${(await status.first().innerText()).trim()}`);
        await page.mouse.move(5, 5);
        await screenshot(page, 'squiggles');
      },
    },
    {
      name: 'the Problems panel (Ctrl+Shift+M) lists each warning with its cost',
      async run(page) {
        await page.keyboard.press('Control+Shift+M');
        const rows = page.locator('.markers-panel .monaco-list-row');
        // One row for the file, one per problem.
        await poll('5 or more rows in the Problems panel', 30_000, async () => (await rows.count()) >= 5);
        const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        for (const text of texts) log('ui', `  problems row: ${text}`);
        const problems = texts.filter((t) => /dockerfile-size-hints/.test(t));
        warningsBefore = problems.length;
        assert.ok(problems.length >= 4, `expected 4+ problems from dockerfile-size-hints, got ${problems.length}`);
        assert.ok(problems.some((t) => /\bMB\b/.test(t)), 'no problem states a size in MB');
        assert.ok(problems.some((t) => /apt-lists-kept|apt lists/.test(t)), 'no apt lists problem');
        await screenshot(page, 'problems');
        await page.keyboard.press('Control+Shift+M');
        await page.locator('.editor-instance .monaco-editor textarea').first().focus();
      },
    },
    {
      name: `hovering the FROM image shows its sizes and the -slim saving`,
      async run(page) {
        // The line's text span is exactly as wide as its characters (monospace), so the image's
        // position follows from its column.
        const fromLine = page.locator('.editor-instance .monaco-editor .view-line > span', { hasText: new RegExp(`^FROM\\s+${example.image.replace('.', '\\.')}`) }).first();
        const lineBox = await fromLine.boundingBox();
        const lineText = (await fromLine.innerText()).replace(/\u00a0/g, ' ');
        assert.ok(lineBox, 'the FROM line is not on screen');
        const charWidth = lineBox.width / lineText.length;
        const box = { x: lineBox.x + lineText.indexOf(example.image) * charWidth, y: lineBox.y, width: example.image.length * charWidth, height: lineBox.height };
        // The diagnostic's own hover comes first; wait for the size table ("download" column).
        const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'download' });
        await poll('the size hover', 30_000, async () => {
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
          try {
            await hover.first().waitFor({ timeout: 3000 });
            return true;
          } catch {
            await page.mouse.move(5, 5);
            return false;
          }
        }, 200);
        const text = (await hover.first().innerText()).replace(/\s+/g, ' ');
        log('ui', `  hover: ${text.slice(0, 400)}`);
        assert.match(text, new RegExp(example.image.replace('.', '\\.')));
        assert.match(text, /-slim/);
        assert.match(text, /\d\s*MB/);
        assert.match(text, /unpacked/i);
        assert.match(text, /saves/i);
        // The hover is taller than the space below line 2: scroll it (mouse over it keeps it
        // open) so the picture shows the size table and the smaller variants.
        const hoverBox = await hover.first().boundingBox();
        if (hoverBox) {
          await page.mouse.move(hoverBox.x + hoverBox.width / 2, hoverBox.y + hoverBox.height / 2, { steps: 2 });
          const slimRow = hover.first().locator('tr', { hasText: `${example.image}-slim` }).first();
          await poll('the -slim row to scroll into view', 10_000, async () => {
            const row = await slimRow.boundingBox();
            if (row && row.y + row.height <= hoverBox.y + hoverBox.height - 4) return true;
            await page.mouse.wheel(0, 40);
            return false;
          }, 150);
        }
        await screenshot(page, 'hover');
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
      },
    },
    {
      name: 'Ctrl+. on the apt-get line offers quick fixes; ArrowDown + Enter applies "--no-install-recommends"',
      async run(page) {
        assert.ok(aptLine >= 0, 'the example has no apt-get install without --no-install-recommends');
        const column = lines[aptLine].indexOf('apt-get install') + 1;
        // Go to line:column, like a person would with Ctrl+G.
        await page.locator('.editor-instance .monaco-editor textarea').first().focus();
        await page.keyboard.press('Control+G');
        await page.locator('.quick-input-widget input').waitFor();
        await page.keyboard.type(`${aptLine + 1}:${column}`);
        await page.keyboard.press('Enter');
        const rows = page.locator('.action-widget .monaco-list-row');
        await poll('the quick fix menu', 30_000, async () => {
          await page.keyboard.press('Control+.');
          try {
            await rows.first().waitFor({ timeout: 3000 });
            return true;
          } catch {
            return false;
          }
        }, 300);
        const titles = (await rows.allInnerTexts()).map((t) => t.trim()).filter((t) => t.length > 0);
        for (const title of titles) log('ui', `  quick fix: ${title}`);
        assert.ok(titles.some((t) => /recommends/i.test(t)), `no --no-install-recommends fix among: ${titles.join(' | ')}`);
        // The menu also offers every preferred fix at once (a quick fix running the server command).
        assert.ok(titles.some((t) => t === 'Apply all size fixes'), `no "Apply all size fixes" among: ${titles.join(' | ')}`);
        await screenshot(page, 'quick-fix');
        // Walk the menu with the arrow keys to the fix we want (a mouse click is intercepted).
        await poll('the --no-install-recommends fix to be focused', 10_000, async () => {
          const focused = await page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '');
          if (/recommends/i.test(focused)) return true;
          await page.keyboard.press('ArrowDown');
          return false;
        }, 100);
        await page.keyboard.press('Enter');
        await poll('the apt-get line to gain --no-install-recommends', 15_000, async () => (await editorText(page)).includes('--no-install-recommends'));
      },
    },
    {
      name: 'the fixed file saves (Ctrl+S) and the Problems panel has one warning less',
      async run(page) {
        await page.keyboard.press('Control+S');
        await poll('the file on disk to contain the fix', 15_000, () => fs.readFileSync(dockerfile, 'utf8').includes('--no-install-recommends'));
        const onDisk = fs.readFileSync(dockerfile, 'utf8').split('\n');
        assert.match(onDisk[aptLine], /apt-get install -y --no-install-recommends|apt-get install --no-install-recommends/);
        await page.keyboard.press('Control+Shift+M');
        const rows = page.locator('.markers-panel .monaco-list-row', { hasText: 'dockerfile-size-hints' });
        await poll(`fewer than ${warningsBefore} problems`, 30_000, async () => (await rows.count()) === warningsBefore - 1);
        assert.strictEqual(await page.locator('.markers-panel .monaco-list-row', { hasText: 'apt-recommends' }).count(), 0, 'apt-recommends still listed');
        await page.mouse.move(5, 5);
        await screenshot(page, 'after-fix');
      },
    },
    {
      name: 'the .dockerignore fix (Ctrl+. on COPY .) writes a .dockerignore with the Python entries to disk',
      async run(page) {
        const copyLine = lines.findIndex((l) => /^COPY\s+\.\s/.test(l));
        assert.ok(copyLine >= 0, 'the example has no COPY . line');
        const ignoreFile = path.join(path.dirname(dockerfile), '.dockerignore');
        assert.ok(!fs.existsSync(ignoreFile), 'the example already has a .dockerignore');
        await page.locator('.editor-instance .monaco-editor textarea').first().focus();
        await page.keyboard.press('Control+G');
        await page.locator('.quick-input-widget input').waitFor();
        await page.keyboard.type(`${copyLine + 1}:${lines[copyLine].indexOf('.') + 1}`);
        await page.keyboard.press('Enter');
        const rows = page.locator('.action-widget .monaco-list-row');
        await poll('the quick fix menu', 30_000, async () => {
          await page.keyboard.press('Control+.');
          try {
            await rows.first().waitFor({ timeout: 3000 });
            return true;
          } catch {
            return false;
          }
        }, 300);
        await poll('the .dockerignore fix to be focused', 10_000, async () => {
          const focused = await page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '');
          if (/\.dockerignore/.test(focused)) return true;
          await page.keyboard.press('ArrowDown');
          return false;
        }, 100);
        await page.keyboard.press('Enter');
        const content = await poll('a .dockerignore with .git in it on disk', 15_000, () => {
          const text = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '';
          return /^\.git$/m.test(text) ? text : undefined;
        });
        assert.match(content, /__pycache__/, `no Python entries in:\n${content}`);
        const rowsLeft = page.locator('.markers-panel .monaco-list-row', { hasText: 'context-without-dockerignore' });
        await poll('context-without-dockerignore to leave the Problems panel', 15_000, async () => (await rowsLeft.count()) === 0);
      },
    },
    {
      name: 'clicking the size in the status bar opens the breakdown: a bar per layer, now, after the fixes and with those to review',
      async run(page) {
        await page.locator('.editor-instance .monaco-editor textarea').first().focus();
        const status = page.locator('.statusbar-item', { hasText: /\d\s*(kB|MB|GB)\b/ });
        await status.first().click();
        await page.locator('.tab', { hasText: 'Image size' }).first().waitFor({ timeout: 30_000 });
        // The webview's page sits two frames down (VS Code's host frame, then the content frame).
        const body = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame').locator('body');
        const text = await poll('the breakdown to render its bars', 30_000, async () => {
          const t = await body.innerText({ timeout: 2000 }).catch(() => '');
          return /Now/.test(t) && /After \d+ fix/.test(t) && /With the fixes to review/.test(t) ? t : undefined;
        });
        assert.match(text, /base python:3\.12/, `no base bar in:\n${text}`);
        // The split into a builder stage (a fix to review) puts the final stage on -slim.
        assert.match(text, /With the fixes to review[^]*base python:3\.12-slim/, `no -slim base with the fixes to review in:\n${text}`);
        assert.match(text, /RUN \(line \d+\)/, `no layer bars in:\n${text}`);
        log('ui', `  breakdown: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
        // The lens above FROM gives the same count of fixes as the breakdown (it said "after 3" or
        // "after 4 fixes" beside "After 2 fixes": VS Code had dropped its request when the editor
        // lost the focus; see SizeView.show).
        const fixes = /After (\d+) fix/.exec(text)![1];
        const lens = page.locator('.editor-instance .monaco-editor .codelens-decoration', { hasText: /after \d+ fix/ }).first();
        const lensText = await poll(`the code lens to say "after ${fixes} fixes" as the breakdown does`, 10_000, async () => {
          const t = (await lens.innerText().catch(() => '')).trim();
          return new RegExp(`after ${fixes} fix`).test(t) ? t : undefined;
        }).catch(async (e) => {
          throw new Error(`${e instanceof Error ? e.message : String(e)}; it says: ${(await lens.innerText().catch(() => '')).trim()}`);
        });
        log('ui', `  code lens: ${lensText}`);
        await page.mouse.move(5, 5);
        // The editor's scrollbar shows for a moment after the lens changed; let it fade.
        await page.waitForTimeout(1500);
        await screenshot(page, 'size-breakdown');
      },
    },
  ];
}

/**
 * Unhandled promise rejections our language server logged during the run ("unhandled rejection",
 * in our output channel's log under the server's user data folder). The other test levels fail on
 * them too (test/support/noUnhandledRejections.ts, the VS Code suite's root hook). Rejections in
 * the extension host are watched by the VS Code suite, not here: VS Code logs them as plain
 * errors, which its log cannot tell from a provider failing while the window closes.
 */
function unhandledRejections(userDataDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : []);
  for (const file of walk(path.join(userDataDir, 'logs'))) {
    if (!file.includes(`${path.sep}dockerfile-size-hints.dockerfile-size-hints${path.sep}`)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line.includes('dockerfile-size-hints: unhandled rejection')) found.push(line.trim());
  }
  return found;
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'client.js'))) {
    log('ui', 'missing dist/client.js: run `npm run compile` first');
    return 1;
  }
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const sandboxRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-ui-test-'));
  const forget = onInterrupt(() => fs.rmSync(sandboxRoot, { recursive: true, force: true }));
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const bin = ensureCodeServer();
  const server = await startCodeServer(bin, {
    logDir: resultsDir,
    // Screenshots meant for people: no minimap, no chat, a little larger text.
    settings: { 'editor.minimap.enabled': false, 'chat.commandCenter.enabled': false, 'editor.fontSize': 15, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
  });
  let context: import('playwright-core').BrowserContext | undefined;
  try {
    const workspace = copyExamples(sandboxRoot);
    context = await launchChromium(sandboxRoot);
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    const payload: Array<[string, string]> = [
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['openFile', server.remoteUri(path.join(workspace, example.folder, example.file))],
    ];
    await page.goto(server.url(workspace, payload), { timeout: 60_000 });
    await withTimeout('the UI test', totalTimeoutMs, (async () => {
      for (const step of steps(workspace)) {
        const stepStart = Date.now();
        try {
          await step.run(page);
          passed++;
          process.stdout.write(`  ✔ ${step.name} (${Date.now() - stepStart} ms)\n`);
        } catch (error) {
          failed++;
          process.stdout.write(`  ✖ ${step.name}\n    ${error instanceof Error ? error.message : String(error)}\n`);
          await page.screenshot({ path: path.join(resultsDir, 'failure.png') }).catch(() => undefined);
          const html = await page.content().catch(() => '');
          fs.writeFileSync(path.join(resultsDir, 'failure.html'), html);
          log('ui', `screenshot of the failure: ${path.relative(repoRoot, path.join(resultsDir, 'failure.png'))}`);
          break;
        }
      }
    })());
    await withTimeout('closing the page', 15_000, page.close({ runBeforeUnload: true })).catch(() => undefined);
    const rejections = unhandledRejections(server.userDataDir);
    if (rejections.length > 0) {
      failed++;
      process.stdout.write(`  ✖ unhandled promise rejection(s) during the UI test:\n${rejections.map((r) => `    ${r}`).join('\n')}\n`);
    }
  } catch (error) {
    failed++;
    process.stdout.write(`  ✖ ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(sandboxRoot, { recursive: true, force: true, maxRetries: 3 });
    forget();
  }
  // Same summary words as mocha, so test/run-all.sh can add them up.
  process.stdout.write(`\n  ${passed} passing (${((Date.now() - started) / 1000).toFixed(0)}s)\n`);
  if (failed > 0) process.stdout.write(`  ${failed} failing\n`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    log('ui', code === 0 ? 'UI test passed' : 'UI test FAILED');
    process.exit(code);
  },
  (error) => {
    log('ui', `runner error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
