/**
 * Makes small images from local files with `umoci` (no pull from anywhere) in an OCI layout,
 * writes multi-platform indexes into that layout by hand, and pushes with `skopeo`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { run } from './tools';

export interface LayerSpec {
  /** File path (relative to /) -> content. Random bytes make the gzip size predictable-ish. */
  [file: string]: Buffer | string;
}

export interface Descriptor { mediaType: string; digest: string; size: number; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }

const REF_NAME = 'org.opencontainers.image.ref.name';
const rootless = (): string[] => (typeof process.getuid === 'function' && process.getuid() !== 0 ? ['--rootless'] : []);

/** An OCI image layout directory with helpers to add images and push them. */
export class OciLayout {
  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OciLayout> {
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await run('umoci', ['init', '--layout', dir]);
    return new OciLayout(dir);
  }

  /** Builds image `tag` with one layer per spec, for `os/architecture`. */
  async addImage(tag: string, options: { os: string; architecture: string; layers: LayerSpec[] }): Promise<void> {
    const image = `${this.dir}:${tag}`;
    await run('umoci', ['new', '--image', image]);
    for (const [i, layer] of options.layers.entries()) {
      const root = `${this.dir}.rootfs-${tag}-${i}`;
      await fs.rm(root, { recursive: true, force: true });
      for (const [file, content] of Object.entries(layer)) {
        const target = path.join(root, file);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, content);
      }
      await run('umoci', ['insert', ...rootless(), '--image', image, root, '/']);
      await fs.rm(root, { recursive: true, force: true });
    }
    await run('umoci', ['config', '--image', image, '--os', options.os, '--architecture', options.architecture]);
  }

  async index(): Promise<{ manifests: Descriptor[] }> {
    return JSON.parse(await fs.readFile(path.join(this.dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  }

  /** The descriptor tagged `tag` in the layout's index.json. */
  async descriptor(tag: string): Promise<Descriptor> {
    const found = (await this.index()).manifests.find((m) => m.annotations?.[REF_NAME] === tag);
    if (!found) throw new Error(`no ${tag} in ${this.dir}`);
    return found;
  }

  async blob(digest: string): Promise<Buffer> {
    return fs.readFile(path.join(this.dir, 'blobs/sha256', digest.replace(/^sha256:/, '')));
  }

  /** The image manifest tagged `tag` (parsed). */
  async manifest(tag: string): Promise<{ layers: Descriptor[]; config: Descriptor }> {
    return JSON.parse((await this.blob((await this.descriptor(tag)).digest)).toString('utf8')) as { layers: Descriptor[]; config: Descriptor };
  }

  /** Writes an OCI index over tagged images, with the given platforms, and tags it `tag`. */
  async addIndex(tag: string, entries: Array<{ tag: string; platform: { os: string; architecture: string; variant?: string } }>): Promise<Descriptor> {
    const manifests: Descriptor[] = [];
    for (const entry of entries) {
      const d = await this.descriptor(entry.tag);
      manifests.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, platform: entry.platform });
    }
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    const hex = createHash('sha256').update(body).digest('hex');
    await fs.writeFile(path.join(this.dir, 'blobs/sha256', hex), body);
    const descriptor: Descriptor = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${hex}`, size: body.length, annotations: { [REF_NAME]: tag } };
    const index = await this.index();
    index.manifests = index.manifests.filter((m) => m.annotations?.[REF_NAME] !== tag).concat(descriptor);
    await fs.writeFile(path.join(this.dir, 'index.json'), JSON.stringify(index));
    return descriptor;
  }

  /** skopeo copy oci:<layout>:<tag> docker://<destination>. */
  async push(tag: string, destination: string, options: { format?: 'oci' | 'v2s2'; all?: boolean; creds?: string } = {}): Promise<void> {
    await run('skopeo', [
      '--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false',
      ...(options.format ? ['--format', options.format] : []),
      ...(options.all ? ['--all'] : []),
      ...(options.creds ? ['--dest-creds', options.creds] : []),
      `oci:${this.dir}:${tag}`, `docker://${destination}`,
    ], { timeoutMs: 120_000 });
  }
}

/** `size` bytes that gzip cannot shrink, so layers have distinct, non-trivial sizes. */
export function incompressible(size: number): Buffer {
  return randomBytes(size);
}

/** sha256 digest of the raw manifest as the registry serves it (read with skopeo, not our client). */
export async function rawManifestDigest(reference: string, options: { creds?: string } = {}): Promise<{ digest: string; json: Record<string, unknown> }> {
  const raw = await run('skopeo', ['--insecure-policy', 'inspect', '--raw', '--tls-verify=false', ...(options.creds ? ['--creds', options.creds] : []), `docker://${reference}`]);
  // skopeo prints the bytes as received (plus nothing else); hash them exactly.
  return { digest: `sha256:${createHash('sha256').update(raw).digest('hex')}`, json: JSON.parse(raw) as Record<string, unknown> };
}
