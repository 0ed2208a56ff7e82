/**
 * A small streaming reader for tar archives (ustar, pax extended headers, GNU long names), enough
 * for `docker save` output and the layer tars inside it. Data arrives in chunks of any size; the
 * reader calls back with each entry's header and streams its content to the sink the callback
 * returns, so a 1 GB layer never sits in memory.
 */

export interface TarHeader {
  /** Path as stored, with pax/GNU long names applied. */
  name: string;
  size: number;
  /** Type flag: '0' file, '1' hard link, '2' symlink, '5' directory, ... */
  type: string;
  linkname: string;
}

export interface TarEntrySink {
  data(chunk: Buffer): void;
  end(): void;
}

const BLOCK = 512;
/** Extended headers larger than this are refused (a pax header is a few hundred bytes). */
const MAX_META = 1 << 20;

export class TarFormatError extends Error {}

export class TarReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of entry content still to pass on, then padding to skip. */
  private remaining = 0;
  private padding = 0;
  private sink: TarEntrySink | undefined;
  private meta: { type: string; chunks: Buffer[] } | undefined;
  private paxPath: string | undefined;
  private paxLink: string | undefined;
  private paxSize: number | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private ended = false;
  /** Number of entries seen (extended headers excluded). */
  entries = 0;

  constructor(private readonly onEntry: (h: TarHeader) => TarEntrySink | undefined) {}

  write(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        if (this.meta) {
          this.meta.chunks.push(Buffer.from(part));
        } else {
          this.sink?.data(part);
        }
        this.remaining -= n;
        off += n;
        if (this.remaining === 0) this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - off);
        this.padding -= n;
        off += n;
        continue;
      }
      if (this.ended) return; // zero blocks and anything after the end marker are ignored
      const need = BLOCK - this.pendingBytes;
      const n = Math.min(need, chunk.length - off);
      this.pending.push(chunk.subarray(off, off + n));
      this.pendingBytes += n;
      off += n;
      if (this.pendingBytes === BLOCK) {
        const block = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.header(block);
      }
    }
  }

  /** Call when the input is complete; throws when it stopped inside an entry. */
  end(): void {
    if (this.remaining > 0 || this.pendingBytes > 0) throw new TarFormatError('tar archive is truncated');
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    if (!verifyChecksum(block)) throw new TarFormatError('tar header checksum mismatch');
    const type = String.fromCharCode(block[156] || 0x30);
    const size = readNumber(block, 124, 12);
    let name = readString(block, 0, 100);
    if (block.subarray(257, 262).toString('latin1') === 'ustar') {
      const prefix = readString(block, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    let linkname = readString(block, 157, 100);
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_META) throw new TarFormatError(`tar extended header of ${size} bytes`);
      this.meta = { type, chunks: [] };
      this.remaining = size;
      if (size === 0) this.finishEntry();
      return;
    }
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) linkname = this.longLink;
    if (this.paxPath !== undefined) name = this.paxPath;
    if (this.paxLink !== undefined) linkname = this.paxLink;
    const realSize = this.paxSize ?? size;
    this.longName = this.longLink = this.paxPath = this.paxLink = this.paxSize = undefined;
    this.entries++;
    // Hard links, symlinks, directories and devices carry no content even when a size is set.
    const hasData = type === '0' || type === '7' || type === '\0';
    const dataSize = hasData ? realSize : 0;
    this.padding = (BLOCK - (dataSize % BLOCK)) % BLOCK;
    this.sink = this.onEntry({ name, size: dataSize, type, linkname });
    this.remaining = dataSize;
    if (dataSize === 0) this.finishEntry();
  }

  private finishEntry(): void {
    if (this.meta) {
      const body = Buffer.concat(this.meta.chunks);
      const { type } = this.meta;
      this.meta = undefined;
      if (type === 'L') this.longName = readString(body, 0, body.length);
      else if (type === 'K') this.longLink = readString(body, 0, body.length);
      else if (type === 'x') this.applyPax(body);
      return;
    }
    this.sink?.end();
    this.sink = undefined;
  }

  /** pax records: "<len> <key>=<value>\n". */
  private applyPax(body: Buffer): void {
    let off = 0;
    while (off < body.length) {
      const space = body.indexOf(0x20, off);
      if (space < 0) break;
      const len = Number(body.subarray(off, space).toString('latin1'));
      if (!Number.isInteger(len) || len <= 0) break;
      const record = body.subarray(space + 1, off + len - 1).toString('utf8');
      const eq = record.indexOf('=');
      const key = record.slice(0, eq);
      const value = record.slice(eq + 1);
      if (key === 'path') this.paxPath = value;
      else if (key === 'linkpath') this.paxLink = value;
      else if (key === 'size') this.paxSize = Number(value);
      off += len;
    }
  }
}

function readString(b: Buffer, off: number, len: number): string {
  const slice = b.subarray(off, off + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

/** Octal, or GNU base-256 when the high bit of the first byte is set (sizes of 8 GiB and more). */
function readNumber(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    let v = b[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i];
    return v;
  }
  const s = readString(b, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function verifyChecksum(block: Buffer): boolean {
  const stored = readNumber(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === stored;
}
