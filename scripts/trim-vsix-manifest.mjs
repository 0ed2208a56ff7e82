// Writes the .vsix's manifest (extension/package.json) without what an installed extension never
// uses: the npm scripts and devDependencies (for the repository's developers), the dependencies
// (the bundles in dist/ hold their code, and the package no node_modules: vsce --no-dependencies)
// and `bin` (the CLI, dist/cli.js, is not in the package); and without the indentation. VS Code
// reads the name, version, engines, main, activation events and contributions, which stay as they
// are. The other entries keep their content and order (the zip is written again, deflated, with a
// fixed date); `npm run package` runs it between vsce and scripts/recompress-vsix.sh (which
// deflates them harder). The repository's package.json is not changed.
// vsce's two XML files (extension.vsixmanifest, [Content_Types].xml) lose the indentation and blank
// lines between their tags (trimXml): 46 bytes of the .vsix (2026-12-06), the same elements and text.
//   node scripts/trim-vsix-manifest.mjs <file.vsix>
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { unzip } from './check-vsix.mjs';

/** The package.json fields an installed extension does not use, left out of the .vsix's copy. */
export const UNUSED_FIELDS = ['scripts', 'devDependencies', 'dependencies', 'bin'];
const MANIFEST = 'extension/package.json';

/** `text` (a package.json) without {@link UNUSED_FIELDS}, on one line. */
export function trimManifest(text) {
  const manifest = JSON.parse(text);
  for (const field of UNUSED_FIELDS) delete manifest[field];
  return JSON.stringify(manifest);
}

/** The XML files vsce writes, whose whitespace between tags {@link trimXml} leaves out. */
export const XML_FILES = ['extension.vsixmanifest', '[Content_Types].xml'];

/**
 * `text` (XML) without the whitespace-only text between two tags (indentation, blank lines), which
 * none of these documents' readers takes as content; but in an element marked xml:space="preserve"
 * (vsce's Description), whose text is kept whatever it is.
 */
export function trimXml(text) {
  return text.replace(/(?<!xml:space="preserve")>\s+</g, '><').trim();
}

/** A zip of `entries` (name and content), each deflated (no zip64), dated 1980-01-01 so that the same content gives the same file. */
export function zip(entries) {
  if (typeof zlib.crc32 !== 'function') throw new Error(`trim-vsix-manifest: this Node (${process.version}) has no zlib.crc32 (20.15 and later have it)`);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, content } of entries) {
    const fileName = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(content);
    const data = zlib.deflateRawSync(content, { level: 9 });
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed to extract
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(8, 8); // deflated
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    local.copy(central, 6, 4, 30); // version needed .. name length, as in the local header
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const vsix = process.argv[2];
  if (!vsix) throw new Error('usage: node scripts/trim-vsix-manifest.mjs <file.vsix>');
  const entries = unzip(readFileSync(vsix));
  const manifest = entries.find((e) => e.name === MANIFEST);
  if (!manifest) throw new Error(`trim-vsix-manifest: ${vsix} has no ${MANIFEST}`);
  const before = manifest.content.length;
  manifest.content = Buffer.from(trimManifest(manifest.content.toString('utf8')), 'utf8');
  const xml = entries.filter((e) => XML_FILES.includes(e.name));
  const xmlBefore = xml.reduce((n, e) => n + e.content.length, 0);
  for (const e of xml) e.content = Buffer.from(trimXml(e.content.toString('utf8')), 'utf8');
  writeFileSync(vsix, zip(entries));
  console.log(`trim-vsix-manifest: ${MANIFEST} ${before} -> ${manifest.content.length} bytes (without ${UNUSED_FIELDS.join(', ')}); ${xml.map((e) => e.name).join(', ')} ${xmlBefore} -> ${xml.reduce((n, e) => n + e.content.length, 0)} bytes (without the whitespace between tags)`);
}
