/**
 * scripts/trim-vsix-manifest.mjs, which `npm run package` runs on the .vsix vsce wrote: the packaged
 * package.json loses only the fields an installed extension does not use (npm scripts,
 * devDependencies, dependencies, bin), and the zip written again holds every entry as it was, in order.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '../../../..');

interface TrimModule {
  UNUSED_FIELDS: string[];
  trimManifest(text: string): string;
  XML_FILES: string[];
  trimXml(text: string): string;
  zip(entries: { name: string; content: Buffer }[]): Buffer;
}
type Entry = { name: string; content: Buffer };

const load = async () => (await import(pathToFileURL(join(repoRoot, 'scripts', 'trim-vsix-manifest.mjs')).href)) as TrimModule;
const loadUnzip = async () => ((await import(pathToFileURL(join(repoRoot, 'scripts', 'check-vsix.mjs')).href)) as { unzip(zip: Buffer): Entry[] }).unzip;

describe('trim-vsix-manifest: the packaged package.json without the fields an installed extension does not use', () => {
  it('leaves out the npm scripts, devDependencies, dependencies and bin, and keeps every other field as it is', async () => {
    const { trimManifest, UNUSED_FIELDS } = await load();
    const text = readFileSync(join(repoRoot, 'package.json'), 'utf8');
    const manifest = JSON.parse(text) as Record<string, unknown>;
    const trimmed = JSON.parse(trimManifest(text)) as Record<string, unknown>;
    assert.deepEqual(UNUSED_FIELDS, ['scripts', 'devDependencies', 'dependencies', 'bin']);
    // `bin` names the CLI, which the package does not ship (.vscodeignore's allow-list).
    assert.ok(!readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').includes('cli.js'));
    for (const field of UNUSED_FIELDS) assert.ok(field in manifest && !(field in trimmed), field);
    assert.deepEqual(Object.keys(trimmed), Object.keys(manifest).filter((k) => !UNUSED_FIELDS.includes(k)));
    for (const key of Object.keys(trimmed)) assert.deepEqual(trimmed[key], manifest[key], key);
    // What VS Code reads from an installed extension is there.
    for (const key of ['name', 'publisher', 'version', 'engines', 'main', 'activationEvents', 'contributes']) assert.ok(key in trimmed, key);
    assert.ok(trimManifest(text).length < text.length * 0.7, `${trimManifest(text).length} of ${text.length} characters`);
  });

  it("leaves out the whitespace between the tags of vsce's XML files, and keeps their elements, attributes and text (a preserved description's as it is)", async () => {
    const { trimXml, XML_FILES } = await load();
    assert.deepEqual(XML_FILES, ['extension.vsixmanifest', '[Content_Types].xml']);
    // As vsce 3 writes the manifest: tabs, blank lines and lines of spaces between tags.
    const manifest = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '\t<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">',
      '\t\t<Metadata>',
      '\t\t\t<Identity Language="en-US" Id="x" Version="0.1.0" Publisher="p" />',
      '\t\t\t<Description xml:space="preserve">  Shows what makes an image big:\n squiggles.  </Description>',
      '\t\t\t<Tags>docker,image size</Tags>',
      '\t\t\t',
      '\t\t\t<Properties>',
      '\t\t\t\t<Property Id="Microsoft.VisualStudio.Code.Engine" Value="^1.100.0" />',
      '\t\t\t\t',
      '\t\t\t</Properties>',
      '\t\t\t<Empty xml:space="preserve">  </Empty>',
      '\t\t</Metadata>',
      '\t</PackageManifest>',
    ].join('\n');
    const trimmed = trimXml(manifest);
    assert.equal(
      trimmed,
      '<?xml version="1.0" encoding="utf-8"?><PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011"><Metadata><Identity Language="en-US" Id="x" Version="0.1.0" Publisher="p" /><Description xml:space="preserve">  Shows what makes an image big:\n squiggles.  </Description><Tags>docker,image size</Tags><Properties><Property Id="Microsoft.VisualStudio.Code.Engine" Value="^1.100.0" /></Properties><Empty xml:space="preserve">  </Empty></Metadata></PackageManifest>',
    );
    // The tags and the non-blank text between them, in order, are those of the original.
    const parts = (xml: string) => xml.split(/(<[^>]*>)/).filter((p) => p.trim() !== '');
    assert.deepEqual(parts(trimmed), parts(manifest));
  });

  it('writes a zip that gives back every entry, in order', async () => {
    const { zip } = await load();
    const unzip = await loadUnzip();
    const entries: Entry[] = [
      { name: 'extension.vsixmanifest', content: Buffer.from('<xml/>\n') },
      { name: 'extension/package.json', content: Buffer.from('{"name":"x"}') },
      { name: 'extension/empty.txt', content: Buffer.alloc(0) },
      { name: 'extension/dist/ünïcode.js', content: Buffer.from('x'.repeat(100_000)) },
    ];
    const back = unzip(zip(entries));
    assert.deepEqual(back.map((e) => e.name), entries.map((e) => e.name));
    back.forEach((e, i) => assert.ok(e.content.equals(entries[i].content), e.name));
  });
});
