/**
 * Wasted space in an image: bytes that an earlier layer stores and a later layer deletes
 * (a whiteout) or replaces (the same path written again, e.g. by `chmod` or `chown`, which copies
 * the whole file up). Those bytes are still downloaded and unpacked with the image. Pure: it
 * works on the per-layer file lists the export reader produced.
 */
import type { LayerFiles } from './layers';

export interface WastedFile {
  path: string;
  bytes: number;
  /** Layer index (bottom = 0) that wrote the bytes. */
  writtenBy: number;
  /** Layer index that deleted or replaced them. */
  hiddenBy: number;
  how: 'deleted' | 'overwritten';
}

export interface WastedSpace {
  files: WastedFile[];
  totalBytes: number;
}

/** A tree of the paths visible so far, so that deleting a directory finds its files without a scan. */
class LiveTree {
  private readonly files = new Map<string, { layer: number; bytes: number }>();
  private readonly children = new Map<string, Set<string>>();

  get(path: string) {
    return this.files.get(path);
  }

  set(path: string, layer: number, bytes: number): void {
    this.files.set(path, { layer, bytes });
    let child = path;
    for (let dir = parent(path); ; dir = parent(dir)) {
      let set = this.children.get(dir);
      if (!set) this.children.set(dir, (set = new Set()));
      if (set.has(child)) break;
      set.add(child);
      if (dir === '') break;
      child = dir;
    }
  }

  /** Removes `path` and everything below it; calls back for each file removed. */
  removeTree(path: string, onFile: (path: string, entry: { layer: number; bytes: number }) => void): void {
    const file = this.files.get(path);
    if (file) {
      onFile(path, file);
      this.files.delete(path);
    }
    const kids = this.children.get(path);
    if (kids) {
      this.children.delete(path);
      for (const k of kids) this.removeTree(k, onFile);
    }
    this.children.get(parent(path))?.delete(path);
  }

  /** Removes everything below `dir` but keeps the directory. */
  clearBelow(dir: string, onFile: (path: string, entry: { layer: number; bytes: number }) => void): void {
    const kids = this.children.get(dir);
    if (!kids) return;
    for (const k of [...kids]) this.removeTree(k, onFile);
  }
}

function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Finds the bytes each layer hides from the layers below it. Empty files are not listed. */
export function findWastedSpace(layers: readonly LayerFiles[]): WastedSpace {
  const live = new LiveTree();
  const files: WastedFile[] = [];
  layers.forEach((layer, index) => {
    const hide = (how: WastedFile['how']) => (path: string, e: { layer: number; bytes: number }) => {
      if (e.bytes > 0) files.push({ path, bytes: e.bytes, writtenBy: e.layer, hiddenBy: index, how });
    };
    // Whiteouts hide what the layers below hold; the layer's own files are added after them.
    for (const d of layer.deleted) live.removeTree(d, hide('deleted'));
    for (const d of layer.opaque) live.clearBelow(d, hide('deleted'));
    for (const [path, bytes] of layer.files) {
      const before = live.get(path);
      if (before && before.bytes > 0) files.push({ path, bytes: before.bytes, writtenBy: before.layer, hiddenBy: index, how: 'overwritten' });
      live.set(path, index, bytes);
    }
  });
  files.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, totalBytes: files.reduce((n, f) => n + f.bytes, 0) };
}
