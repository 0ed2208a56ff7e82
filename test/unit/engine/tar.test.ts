/** The streaming tar reader and the image archive reader on archives written here, fed in awkward chunk sizes. */
import * as assert from 'node:assert/strict';
import { ImageArchiveReader, TarReader, type TarHeader } from '../../../server/src/sources/engine';

function header(name: string, size: number, type = '0'): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write('0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  b.write(size.toString(8).padStart(11, '0') + '\0', 124);
  b.write('00000000000\0', 136);
  b.write(type, 156);
  b.write('ustar\0', 257);
  b.write('00', 263);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return b;
}

function entry(name: string, data: Buffer | string, type = '0'): Buffer {
  const body = Buffer.from(data);
  return Buffer.concat([header(name, body.length, type), body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

function pax(records: Record<string, string>): Buffer {
  const text = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = rest.length + 2;
      while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
      return `${len}${rest}`;
    })
    .join('');
  return entry('PaxHeaders/x', text, 'x');
}

const archive = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.alloc(1024)]);

function feed(data: Buffer, into: { write(b: Buffer): void }, chunk: number): void {
  for (let i = 0; i < data.length; i += chunk) into.write(data.subarray(i, i + chunk));
}

describe('engine: tar reading', () => {
  const long = `${'deep/'.repeat(40)}file.txt`;
  const tar = archive(entry('./etc/', '', '5'), entry('./etc/hosts', 'x'.repeat(700)), pax({ path: long }), entry('ignored-name', 'abc'), entry('etc/link', '', '2'));

  for (const chunk of [1, 7, 511, 512, 4096, 1 << 20]) {
    it(`reads names, sizes and contents in chunks of ${chunk} bytes`, () => {
      const seen: (TarHeader & { body: string })[] = [];
      const r = new TarReader((h) => {
        const parts: Buffer[] = [];
        return { data: (c) => parts.push(Buffer.from(c)), end: () => seen.push({ ...h, body: Buffer.concat(parts).toString() }) };
      });
      feed(tar, r, chunk);
      r.end();
      assert.deepEqual(seen.map((e) => [e.name, e.type, e.size, e.body.length]), [['./etc/', '5', 0, 0], ['./etc/hosts', '0', 700, 700], [long, '0', 3, 3], ['etc/link', '2', 0, 0]]);
    });
  }

  it('rejects a corrupt header and a truncated archive', () => {
    const bad = Buffer.from(tar);
    bad[0] ^= 1;
    assert.throws(() => new TarReader(() => undefined).write(bad), /checksum/);
    const r = new TarReader(() => undefined);
    r.write(tar.subarray(0, 1000));
    assert.throws(() => r.end(), /truncated/);
  });

  it('reads a docker save archive: layers in manifest order, whiteouts, config history', () => {
    const l1 = archive(entry('etc/a', 'aaaa'), entry('opt/x', 'xx'));
    const l2 = archive(entry('etc/.wh.a', ''), entry('opt/.wh..wh..opq', ''), entry('opt/y', 'y'));
    const config = JSON.stringify({ history: [{ created_by: '' }, { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true }, { created_by: '/bin/sh -c rm /etc/a' }] });
    const manifest = JSON.stringify([{ Config: 'cfg.json', RepoTags: ['t:1'], Layers: ['bbb/layer.tar', 'aaa/layer.tar'] }]);
    const save = archive(entry('aaa/layer.tar', l2), entry('bbb/layer.tar', l1), entry('cfg.json', config), entry('manifest.json', manifest));
    const reader = new ImageArchiveReader({ maxBytes: 1e9, maxEntries: 100 });
    feed(save, reader, 333);
    const out = reader.result('t:1');
    assert.deepEqual(out.layers.map((l) => [[...l.files], l.deleted, l.opaque]), [[[['etc/a', 4], ['opt/x', 2]], [], []], [[['opt/y', 1]], ['etc/a'], ['opt']]]);
    assert.deepEqual(out.history.map((h) => h.emptyLayer), [false, true, false]);
    assert.deepEqual(out.repoTags, ['t:1']);
  });

  it('stops at the byte and file limits', () => {
    const layerTar = archive(entry('a', '1'), entry('b', '2'), entry('c', '3'));
    const save = archive(entry('l/layer.tar', layerTar));
    assert.throws(() => feed(save, new ImageArchiveReader({ maxBytes: 1e9, maxEntries: 2 }), 512), /more than 2 files/);
    assert.throws(() => feed(save, new ImageArchiveReader({ maxBytes: 1000, maxEntries: 10 }), 512), /larger than/);
  });
});
