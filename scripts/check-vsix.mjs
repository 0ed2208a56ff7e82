// Checks that a packaged .vsix works on its own: unpacks it into a temporary folder, starts the
// language server it ships (extension/dist/server.js over stdio, with the Node options the VS Code
// client passes), opens examples/python-naive and waits for its warnings, checks that each
// diagnostic's documentation link opens the rule's section of the rules page inside the unpacked
// extension and that a .dockerignore file's diagnostics link to the section of the packaged
// docs/dockerignore.md that explains them, and hovers the FROM line and an apt-get install (sized from
// the Debian table, which the server reads from dist/tables.br). `npm run package` runs it on
// the file it wrote; run after `tsc -b` (it uses the tests' LSP client from out/).
//   node scripts/check-vsix.mjs <file.vsix>
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { withoutCode } from './package-readme.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The entries of a zip file (no zip64, as vsce and advzip write them): name and content. */
export function unzip(zip) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`central directory entry ${i} is damaged`);
    const method = zip.readUInt16LE(at + 10);
    const [compressed, size] = [zip.readUInt32LE(at + 20), zip.readUInt32LE(at + 24)];
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method} (VS Code reads stored and deflated entries only)`);
    const content = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    if (content.length !== size) throw new Error(`${name}: ${content.length} bytes unpacked, the directory says ${size}`);
    entries.push({ name, content });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The lines a diagnostic's link selects (`file:///...#L<first>-L<end>`) in `page`, a file of the unpacked extension. */
function linkedLines(d, page) {
  check(existsSync(page), `the package has no ${path.basename(path.dirname(page))}/${path.basename(page)}, which ${d.code} links to`);
  const link = /^(.*)#L(\d+)-L(\d+)$/.exec(d.codeDescription?.href ?? '');
  check(link && link[1] === pathToFileURL(page).href, `${d.code}: the link ${d.codeDescription?.href} is not to lines of the packaged ${page}`);
  return readFileSync(page, 'utf8').split('\n').slice(Number(link[2]) - 1, Number(link[3]) - 1);
}

/** A link target with a scheme (`https:`, `mailto:`) or within the page: not a file of the package. */
const NOT_A_FILE = /^(?:[a-z][a-z0-9+.-]*:|#)/i;

/**
 * The README the package carries links only to files it holds, and a `#L<first>` or `#L<first>-L<end>` link to
 * lines within the file (VS Code opens a relative link of an installed extension's README in the
 * extension's folder). Answers how many links it checked. It reads the inline links
 * `[text](target)` that scripts/package-readme.mjs rewrites; a relative target written any other
 * way (with a title, in angle brackets, after brackets within the text, in a reference definition,
 * an image or HTML) would be read by neither, so it fails the check instead of passing unread, and
 * so does a README in which the check finds no link at all. Code blocks and code spans hold no links.
 */
export function checkReadmeLinks(extension) {
  const readme = ['readme.md', 'README.md'].map((n) => path.join(extension, n)).find((f) => existsSync(f));
  check(readme, 'the package has no README');
  const text = withoutCode(readFileSync(readme, 'utf8'));
  let checked = 0;
  const rest = text.replace(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g, (link, target) => {
    if (NOT_A_FILE.test(target)) return '';
    const [file, fragment] = target.split('#');
    const at = path.resolve(extension, file);
    check(at.startsWith(extension + path.sep) && existsSync(at), `the README links to ${file}, which the package does not hold`);
    const lines = /^L(\d+)(?:-L(\d+))?$/.exec(fragment ?? '');
    const last = lines && Number(lines[2] ?? Number(lines[1]) + 1);
    check(fragment === undefined || (lines && Number(lines[1]) < last && last <= readFileSync(at, 'utf8').split('\n').length + 1), `the README links to ${target}: not lines of ${file}`);
    checked++;
    return '';
  });
  const relative = '\\s*<?(?![a-z][a-z0-9+.-]*:|#)[^\\s>)]';
  const unread = new RegExp(`\\]\\(${relative}|^ {0,3}\\[[^\\]]+\\]:${relative}|\\b(?:href|src)\\s*=\\s*["']?(?![a-z][a-z0-9+.-]*:|#)`, 'im').exec(rest);
  check(!unread, `the README has a link this check does not read (scripts/package-readme.mjs does not rewrite it either): ${unread && rest.slice(Math.max(0, unread.index - 40), unread.index + 60)}`);
  check(checked > 0, 'the README has no link to a file of the package: the check read none (has the link syntax changed?)');
  return checked;
}

/** `promise`, or a rejection after `ms`: a server that dies or never answers leaves the client's promises pending. */
function within(ms, promise) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`check-vsix: no answer from the packaged server within ${ms / 1000} s (did it start?)`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(vsix) {
  const { LspTestClient, fileUri } = require(path.join(root, 'out/test/support/lspClient.js'));
  const { SERVER_NODE_OPTIONS } = require(path.join(root, 'out/server/src/launch.js'));
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'dsh-vsix-')));
  let client;
  try {
    const unpacked = path.join(dir, 'unpacked');
    for (const { name, content } of unzip(readFileSync(vsix))) {
      const file = path.resolve(unpacked, name);
      check(file.startsWith(unpacked + path.sep), `${name}: a path outside the package`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    const extension = path.join(unpacked, 'extension');
    const readmeLinks = checkReadmeLinks(extension);
    const workspace = path.join(dir, 'python-naive');
    cpSync(path.join(root, 'examples', 'python-naive'), workspace, { recursive: true });
    client = await within(30_000, LspTestClient.start({ args: [...SERVER_NODE_OPTIONS, path.join(extension, 'dist', 'server.js'), '--stdio'], rootPath: workspace }));
    const uri = fileUri(path.join(workspace, 'Dockerfile'));
    const text = readFileSync(path.join(workspace, 'Dockerfile'), 'utf8');
    await client.open(uri, text);
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 20_000);
    const warnings = published.diagnostics.filter((d) => d.severity === 2);
    check(warnings.length >= 4 && warnings.some((d) => d.code === 'apt-lists-kept'), `expected at least 4 warnings with apt-lists-kept, got ${published.diagnostics.map((d) => d.code).join(', ')}`);
    for (const d of published.diagnostics) {
      const lines = linkedLines(d, path.join(extension, 'docs', 'rules.md'));
      check(lines[0] === `## ${d.code}` && lines.includes('### Quick fix') && lines.at(-1).trim() !== '' && lines.filter((l) => l.startsWith('## ')).length === 1, `${d.code}: its link does not select its section`);
    }
    // A .dockerignore file's diagnostics link to the section of docs/dockerignore.md on them.
    const ignoreFile = path.join(dir, 'ignore-case', '.dockerignore');
    mkdirSync(path.dirname(ignoreFile));
    writeFileSync(ignoreFile, 'src # sources\n');
    await client.open(fileUri(ignoreFile), readFileSync(ignoreFile, 'utf8'), 'dockerignore');
    const ignoreDiagnostics = (await client.diagnostics(fileUri(ignoreFile), (p) => p.diagnostics.some((d) => d.code === 'dockerignore-hash-in-pattern'), 20_000)).diagnostics;
    for (const d of ignoreDiagnostics) {
      const lines = linkedLines(d, path.join(extension, 'docs', 'dockerignore.md'));
      check(lines[0] === '## Diagnostics in `.dockerignore` files' && lines.some((l) => l.startsWith(`| \`${d.code}\` |`)), `${d.code}: its link does not select the section on the diagnostics in .dockerignore files`);
    }
    const line = text.split('\n').findIndex((l) => l.startsWith('FROM '));
    const hover = await within(30_000, client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 8 } }));
    check(hover && /python:3\.12-slim/.test(hover.contents.value) && /\d+(\.\d+)? [MG]B/.test(hover.contents.value), `the FROM hover lacks the -slim variant or a size: ${JSON.stringify(hover)}`);
    // The Debian table, whose brotli streams the server reads from dist/tables.br (scripts/packedTables.mjs):
    // without the file the table reads as empty, and the hover says curl is "not sized".
    const aptUri = fileUri(path.join(workspace, 'apt.Dockerfile'));
    await client.open(aptUri, 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n');
    const runHover = await within(30_000, client.request('textDocument/hover', { textDocument: { uri: aptUri }, position: { line: 1, character: 1 } }));
    check(runHover && /curl: about [\d.]+ [kMG]?B \(Installed-Size/.test(runHover.contents.value), `the apt-get install hover has no size from the Debian table: ${JSON.stringify(runHover)}`);
    console.log(`check-vsix: ${path.basename(vsix)} works unpacked: ${published.diagnostics.length} diagnostics on examples/python-naive (${warnings.length} warnings), each linking to its section of the packaged rules page; ${ignoreDiagnostics.length} on a .dockerignore, linking to the packaged docs/dockerignore.md's section on them; FROM hover with sizes; apt-get install hover with the Debian table's sizes; ${readmeLinks} README links to files of the package`);
  } finally {
    await within(5_000, client?.stop()).catch(() => client.child?.kill());
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const vsix = process.argv[2];
  if (!vsix) throw new Error('usage: node scripts/check-vsix.mjs <file.vsix>');
  await main(path.resolve(vsix));
}
