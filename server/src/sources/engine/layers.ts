/**
 * Reads the archive `GET /images/{name}/get` streams (the `docker save` format: `manifest.json`,
 * the image config, and one uncompressed tar per layer, either as `<id>/layer.tar` or, from
 * Docker 25 on, as OCI blobs under `blobs/sha256/`) and keeps, per layer, only what the
 * wasted-space analysis needs: the files it writes with their sizes and the paths it deletes.
 * Layer contents are streamed through the nested tar reader and never kept.
 */
import { TarReader, type TarEntrySink } from './tar';

export interface LayerFiles {
  /** Regular files the layer writes: path (no leading `/` or `./`) -> bytes. */
  files: Map<string, number>;
  /** Paths the layer deletes (`.wh.<name>` whiteouts). */
  deleted: string[];
  /** Directories whose lower content the layer hides (`.wh..wh..opq`). */
  opaque: string[];
}

export interface ConfigHistoryEntry {
  createdBy: string;
  emptyLayer: boolean;
  comment?: string;
}

export interface ImageLayers {
  /** Layers bottom to top, as the manifest lists them. */
  layers: LayerFiles[];
  /** The image config's history, oldest first (`empty_layer` entries made no layer). */
  history: ConfigHistoryEntry[];
  repoTags: string[];
}

export interface ExportLimits {
  /** Stop reading after this many bytes of archive. */
  maxBytes: number;
  /** Stop after this many entries across all layers. */
  maxEntries: number;
}

export class ExportLimitError extends Error {}

/** Small JSON files we keep (manifest, config); anything larger is not what we look for. */
const MAX_JSON = 16 << 20;

export function normalisePath(p: string): string {
  return p.replace(/^\.?\/+/, '').replace(/^\.$/, '').replace(/\/+$/, '');
}

/** Parses an image archive fed chunk by chunk. Call {@link result} once the stream ended. */
export class ImageArchiveReader {
  private readonly outer: TarReader;
  private readonly layersByPath = new Map<string, LayerFiles>();
  private readonly json = new Map<string, string>();
  private bytes = 0;
  private entries = 0;

  constructor(private readonly limits: ExportLimits) {
    this.outer = new TarReader((h) => (h.type === '0' || h.type === '\0' ? this.outerEntry(h.name, h.size) : undefined));
  }

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) throw new ExportLimitError(`the image archive is larger than the ${Math.round(this.limits.maxBytes / 1e6)} MB limit`);
    this.outer.write(chunk);
  }

  private outerEntry(rawName: string, size: number): TarEntrySink | undefined {
    const name = normalisePath(rawName);
    if (name.endsWith('.json') || name === 'manifest.json' || name.startsWith('blobs/')) {
      // A blob may be JSON (config, manifest, index) or a layer; the first byte tells.
      let mode: 'unknown' | 'json' | 'layer' = name.endsWith('.json') ? 'json' : 'unknown';
      const chunks: Buffer[] = [];
      let layer: TarReader | undefined;
      return {
        data: (c) => {
          if (mode === 'unknown') mode = c[0] === 0x7b /* { */ ? 'json' : 'layer';
          if (mode === 'json') {
            if (size <= MAX_JSON) chunks.push(Buffer.from(c));
          } else {
            layer ??= this.layerReader(name);
            layer.write(c);
          }
        },
        end: () => {
          if (mode === 'json' && size <= MAX_JSON) this.json.set(name, Buffer.concat(chunks).toString('utf8'));
          // An empty blob is an empty layer.
          if (mode === 'unknown' && name.startsWith('blobs/')) this.layerReader(name);
          layer?.end();
        },
      };
    }
    if (name.endsWith('/layer.tar') || name.endsWith('.tar')) {
      const layer = this.layerReader(name);
      return { data: (c) => layer.write(c), end: () => layer.end() };
    }
    return undefined;
  }

  private layerReader(name: string): TarReader {
    const files: LayerFiles = { files: new Map(), deleted: [], opaque: [] };
    this.layersByPath.set(name, files);
    return new TarReader((h) => {
      if (++this.entries > this.limits.maxEntries) throw new ExportLimitError(`the image has more than ${this.limits.maxEntries} files`);
      const path = normalisePath(h.name);
      const slash = path.lastIndexOf('/');
      const dir = slash < 0 ? '' : path.slice(0, slash);
      const base = path.slice(slash + 1);
      if (base === '.wh..wh..opq') files.opaque.push(dir);
      else if (base.startsWith('.wh.')) files.deleted.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      else if (h.type === '0' || h.type === '\0' || h.type === '7') files.files.set(path, h.size);
      return undefined;
    });
  }

  /** Finishes parsing and puts the layers in manifest order. */
  result(preferredTag?: string): ImageLayers {
    this.outer.end();
    const manifestText = this.json.get('manifest.json');
    if (!manifestText) throw new Error('the image archive has no manifest.json');
    const manifests = JSON.parse(manifestText) as { Config?: string; RepoTags?: string[] | null; Layers?: string[] }[];
    const manifest = manifests.find((m) => preferredTag && m.RepoTags?.includes(preferredTag)) ?? manifests[0];
    if (!manifest?.Layers || !manifest.Config) throw new Error('manifest.json lists no layers or config');
    const layers = manifest.Layers.map((p) => {
      const found = this.layersByPath.get(normalisePath(p));
      if (!found) throw new Error(`layer ${p} missing from the archive`);
      return found;
    });
    const configText = this.json.get(normalisePath(manifest.Config));
    if (!configText) throw new Error(`config ${manifest.Config} missing from the archive`);
    const config = JSON.parse(configText) as { history?: { created_by?: string; empty_layer?: boolean; comment?: string }[] };
    const history = (config.history ?? []).map((h) => ({ createdBy: h.created_by ?? '', emptyLayer: h.empty_layer === true, ...(h.comment ? { comment: h.comment } : {}) }));
    return { layers, history, repoTags: manifest.RepoTags ?? [] };
  }
}
