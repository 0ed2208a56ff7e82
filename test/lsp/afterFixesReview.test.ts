/**
 * The size with the fixes to review too (server/src/lsp/afterFixes.ts). The CodeLens, the status
 * bar and the breakdown gave the image after "Apply all size fixes" only, which applies the fixes
 * safe to apply unread: on the naive Python example that is 1.1 GB after 4 fixes, while the fix
 * that saves most (a builder stage on python:3.12 and a final stage on python:3.12-slim, which
 * needs a review) showed nowhere but in its own squiggle.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder, type LspTestClient } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
/** The figure with the fixes to review in the lens's tooltip, which has a line per figure, each with its own "about". */
const REVIEWED = /\nWith the fixes to review: (?:at least )?about ([\d.]+ [kMG]?B)$/;
/** What a window of 1,280 pixels with the explorer open shows of the lens, about (it cut 170 characters off at 150). */
const FITS = 90;

type Lens = { command: { title: string; tooltip?: string } };
interface Section {
  summary: string;
  bytes: number;
  bars: { label: string }[];
}
interface Breakdown {
  bytes: number;
  after?: Section & { fixes: number; title: string };
  reviewed?: Section;
}

/** Writes `files` (and what `more` makes) and a Dockerfile of `text` into `dir/name`, opens it and waits for a finding of `rule`. */
async function openIn(client: LspTestClient, dir: string, files: Record<string, string>, text: string, rule: string, more?: (dir: string) => void): Promise<string> {
  fs.mkdirSync(dir);
  more?.(dir);
  for (const [name, content] of Object.entries({ ...files, Dockerfile: text })) fs.writeFileSync(path.join(dir, name), content);
  const uri = fileUri(path.join(dir, 'Dockerfile'));
  await client.open(uri, text);
  await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === rule));
  return uri;
}

/** The final FROM's lens once it has the figure with the fixes to review: its title, and its tooltip (the full wording). */
async function lensWith(client: LspTestClient, uri: string): Promise<{ title: string; tooltip: string }> {
  const lenses = await client.codeLensesWhen<Lens>(uri, (l) => REVIEWED.test(l[0]?.command.tooltip ?? ''), 30_000);
  const { title, tooltip = '' } = lenses[0].command;
  assert.ok(title.length <= FITS, `${title.length} characters: ${title}`);
  return { title, tooltip };
}

describe('the size with the fixes to review', function () {
  this.timeout(60_000);
  const server = serverInTempFolder('dsh-after-review-');

  it('is given beside the size after Apply all size fixes, in the CodeLens, the breakdown and its bars', async () => {
    const { dir, client } = server;
    fs.cpSync(path.join(EXAMPLES, 'python-naive'), path.join(dir, 'naive'), { recursive: true });
    const file = path.join(dir, 'naive', 'Dockerfile');
    const uri = fileUri(file);
    await client.open(uri, fs.readFileSync(file, 'utf8'));
    await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'context-without-dockerignore'));
    const { title, tooltip } = await lensWith(client, uri);
    // Both figures after the fixes are lower bounds, as the one now: "at least about" is said once,
    // and the figure after the 4 fixes, which rounds to the one now, joins it.
    assert.match(title, /^Image: at least about 1\.1 GB now and after 4 fixes, 1\d\d MB with the fixes to review$/);
    assert.match(tooltip, /^Image: at least about 1\.1 GB \(base 1\.1 GB \+ \d+ MB of layers; 2 layers not sized\)\nAfter 4 fixes: at least about 1\.1 GB\nWith the fixes to review: at least about 1\d\d MB$/);
    const breakdown = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
    const { after, reviewed } = breakdown;
    assert.ok(after && reviewed, JSON.stringify(breakdown));
    assert.equal(after.fixes, 4);
    assert.equal(after.title, 'After 4 fixes');
    // The split's final stage on python:3.12-slim (as `--fix --unsafe-fixes` writes it).
    assert.equal(reviewed.bars[0].label, 'base python:3.12-slim');
    assert.ok(reviewed.bytes < after.bytes / 5, `${reviewed.bytes} against ${after.bytes}`);
    assert.ok(reviewed.summary.includes(`about ${REVIEWED.exec(tooltip)![1]} (base 119 MB + `), `${reviewed.summary} / ${tooltip}`);
  });

  it('is given alone when the only fix for the final image needs a review', async () => {
    const { dir, client } = server;
    // A pip install: packages may need the full image's compiler, so -slim needs a review.
    const text = 'FROM python:3.12\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n';
    const uri = await openIn(client, path.join(dir, 'slim'), { 'requirements.txt': 'flask\n', '.dockerignore': '.git\n' }, text, 'base-image-not-slim');
    const { title, tooltip } = await lensWith(client, uri);
    assert.equal(title, 'Image: at least about 1.1 GB now, 119 MB with the fixes to review');
    assert.match(tooltip, /^Image: at least about 1\.1 GB \(.*\)\nWith the fixes to review: at least about 119 MB$/);
    const breakdown = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
    assert.equal(breakdown.after, undefined);
    assert.equal(breakdown.reviewed?.bars[0].label, 'base python:3.12-slim');
  });

  it('gives the figure itself, not a saving, when the base now is not sized and the one after is', async () => {
    const { dir, client } = server;
    // maven's image is not in the size table, the JRE the split puts the jar on is: "about 275 MB
    // less" (the 600 MB of sources less the JRE's 325 MB, the maven image not counted) was shown.
    const text = 'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY pom.xml .\nCOPY src ./src\nRUN mvn -B package -DskipTests && cp target/*.jar app.jar\nENTRYPOINT ["java", "-jar", "app.jar"]\n';
    const uri = await openIn(client, path.join(dir, 'maven'), { 'pom.xml': '<project/>\n', '.dockerignore': '.git\n' }, text, 'build-tools-in-final-image', (d) => {
      fs.mkdirSync(path.join(d, 'src'));
      fs.writeFileSync(path.join(d, 'src', 'data.bin'), '');
      fs.truncateSync(path.join(d, 'src', 'data.bin'), 600_000_000);
    });
    const { title, tooltip } = await lensWith(client, uri);
    assert.equal(title, 'Image: not sized now, at least about 325 MB with the fixes to review');
    assert.match(tooltip, /^Image: not sized \(base not sized \+ 600 MB of layers.*\)\nWith the fixes to review: at least about 325 MB$/);
  });

  it('is not given when no fix needs a review', async () => {
    const { dir, client } = server;
    const text = 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates\n';
    const uri = await openIn(client, path.join(dir, 'safe'), { '.dockerignore': '.git\n' }, text, 'apt-lists-kept');
    const lenses = await client.codeLensesWhen<Lens>(uri, (l) => / after 1 fix$/.test(l[0]?.command.title ?? ''), 30_000);
    assert.match(lenses[0].command.title, /^Image: about \d+ MB now, \d+ MB after 1 fix$/);
    assert.doesNotMatch(lenses[0].command.tooltip ?? '', /review/);
    const breakdown = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
    assert.equal(breakdown.reviewed, undefined);
    // The status bar's tooltip and the breakdown's section read this (they said "After 1 fixes").
    assert.equal(breakdown.after?.title, 'After 1 fix');
  });
});
