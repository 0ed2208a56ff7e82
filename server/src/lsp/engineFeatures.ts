/**
 * The local Docker Engine in the editor: the exact unpacked size of a FROM image that is present
 * locally (hover), each layer's real size on its instruction's line after a build (inlay hints),
 * and the wasted-space report. Only in trusted workspaces and with
 * `dockerfileSizeHints.engine.enable`; it only reads from the engine's socket.
 *
 * Which image to read is chosen per document with the `setImage` request (the client's command
 * forwards the user's string): a tag or ID, or empty for "the latest build of this Dockerfile",
 * which is the newest local image whose history matches this Dockerfile's instructions.
 */
import type { Connection, InlayHint, InlayHintParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DockerfileModel } from '../core/model';
import { createEngineClient, findWastedSpace, isExactBuild, isPlausibleRef, mapHistory, type EngineClient, type EngineResult, type HistoryItem, type ImageInspect } from '../sources/engine';
import type { AnalysisCache } from './analysisCache';
import type { ServerSettings, Settings } from './settings';
import { hoverSection, layerHints, layerOwners, wastedReport, type WastedReport } from './engineReport';

export const ENGINE_SET_IMAGE_REQUEST = 'dockerfileSizeHints/engine/setImage';
export const ENGINE_WASTED_SPACE_REQUEST = 'dockerfileSizeHints/engine/wastedSpace';
export const ENGINE_CAPABILITIES = { inlayHintProvider: { resolveProvider: false } };

/** How long the hover waits for the engine (a local socket answers in milliseconds). */
const HOVER_WAIT_MS = 1000;
/** Engine answers are reused this long: inlay hints are asked for on every edit and scroll. */
const FRESH_MS = 5000;
/** "Latest build": how many of the newest local images are compared with the Dockerfile. */
const LATEST_CANDIDATES = 40;

/** An RFC 3339 time as a string that sorts in time order (fraction padded to nanoseconds). */
export function createdKey(created: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(created);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}` : '';
}

interface ImageData {
  inspect: ImageInspect;
  /** Oldest first. */
  history: HistoryItem[];
}

interface Resolved {
  ref: string;
  how: string;
  data: ImageData;
}

export interface SetImageResult {
  ok: boolean;
  message: string;
  image?: string;
}

export class EngineFeatures {
  private client: { key: string; value: EngineResult<EngineClient> } | undefined;
  /** Per document: the image the user chose ('' = latest build of this Dockerfile). */
  private readonly chosen = new Map<string, string>();
  /** Per document: the image "latest build" last resolved to, kept while the text is being edited. */
  private readonly lastLatest = new Map<string, string>();
  private readonly fetched = new Map<string, { at: number; value: Promise<EngineResult<ImageData>> }>();
  private readonly inspected = new Map<string, { at: number; value: Promise<EngineResult<ImageInspect>> }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: AnalysisCache,
    private readonly settings: Settings,
    private readonly trusted: () => boolean,
  ) {}

  register(): void {
    this.connection.languages.inlayHint.on((p) => this.inlayHints(p));
    this.connection.onRequest(ENGINE_SET_IMAGE_REQUEST, (p: { uri?: unknown; image?: unknown }) => this.setImage(p));
    this.connection.onRequest(ENGINE_WASTED_SPACE_REQUEST, (p: { uri?: unknown; image?: unknown }) => this.wastedSpace(p));
  }

  private engine(settings: ServerSettings): EngineResult<EngineClient> | undefined {
    if (!this.trusted() || !settings.engine.enable) return undefined;
    const key = settings.engine.host ?? '';
    if (this.client?.key !== key) this.client = { key, value: createEngineClient({ host: settings.engine.host }) };
    return this.client.value;
  }

  /** Markdown for the FROM hover when the image is present locally; undefined otherwise. Never rejects. */
  async hoverSection(image: string, settings: ServerSettings, trusted: boolean): Promise<string | undefined> {
    if (!trusted || !isPlausibleRef(image)) return undefined;
    const engine = this.engine(settings);
    if (!engine?.ok) return undefined;
    const client = engine.value;
    let hit = this.inspected.get(image);
    if (!hit || Date.now() - hit.at > FRESH_MS) {
      hit = { at: Date.now(), value: client.imageInspect(image) };
      this.inspected.set(image, hit);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), HOVER_WAIT_MS)));
    const r = await Promise.race([hit.value, late]);
    clearTimeout(timer);
    return r?.ok ? hoverSection(image, r.value, client.address) : undefined;
  }

  private async model(uri: string): Promise<DockerfileModel | undefined> {
    const doc = this.documents.get(uri);
    return doc ? (await this.cache.get(doc)).analysis?.model : undefined;
  }

  private imageData(client: EngineClient, ref: string): Promise<EngineResult<ImageData>> {
    const hit = this.fetched.get(ref);
    if (hit && Date.now() - hit.at < FRESH_MS) return hit.value;
    const value = Promise.all([client.imageInspect(ref), client.imageHistory(ref)]).then(([i, h]): EngineResult<ImageData> => {
      if (!i.ok) return i;
      if (!h.ok) return h;
      return { ok: true, value: { inspect: i.value, history: [...h.value].reverse() } };
    });
    this.fetched.set(ref, { at: Date.now(), value });
    return value;
  }

  /** The image chosen for `uri`, its data, and how it was chosen; a failure says why there is none. */
  private async resolve(client: EngineClient, model: DockerfileModel, choice: string, uri: string): Promise<EngineResult<Resolved>> {
    if (choice) {
      const data = await this.imageData(client, choice);
      return data.ok ? { ok: true, value: { ref: choice, how: `chosen by tag, ${client.address}`, data: data.value } } : data;
    }
    const list = await client.listImages();
    if (!list.ok) return list;
    const newest = [...list.value].sort((a, b) => b.created - a.created).slice(0, LATEST_CANDIDATES);
    // The list gives whole seconds; builds made within the same second are told apart by the
    // inspect data's nanosecond timestamp.
    let best: { ref: string; second: number; key: string; data: ImageData } | undefined;
    for (const img of newest) {
      if (best && img.created < best.second) break;
      const ref = img.repoTags[0] ?? img.id;
      const data = await this.imageData(client, ref);
      if (!data.ok) continue;
      if (!isExactBuild(mapHistory(model, data.value.history.map((h) => ({ createdBy: h.createdBy, size: h.size }))))) continue;
      const key = createdKey(data.value.inspect.created);
      if (!best || key > best.key) best = { ref, second: img.created, key, data: data.value };
    }
    if (best) {
      this.lastLatest.set(uri, best.ref);
      return { ok: true, value: { ref: best.ref, how: `the newest local image whose history matches this Dockerfile, ${client.address}`, data: best.data } };
    }
    // While the text is edited no image matches it exactly; keep showing the last match, whose
    // changed lines are then marked.
    const last = this.lastLatest.get(uri);
    const data = last ? await this.imageData(client, last) : undefined;
    if (last && data?.ok) return { ok: true, value: { ref: last, how: `the last local build that matched this Dockerfile, ${client.address}`, data: data.value } };
    return { ok: false, reason: 'not-found', detail: `none of the ${newest.length} newest local images was built from this Dockerfile's current instructions` };
  }

  private async inlayHints(p: InlayHintParams): Promise<InlayHint[]> {
    const choice = this.chosen.get(p.textDocument.uri);
    if (choice === undefined) return [];
    const engine = this.engine(await this.settings.get());
    const model = await this.model(p.textDocument.uri);
    if (!engine?.ok || !model) return [];
    const resolved = await this.resolve(engine.value, model, choice, p.textDocument.uri);
    if (!resolved.ok) return [];
    const { ref, how, data } = resolved.value;
    const mapping = mapHistory(model, data.history.map((h) => ({ createdBy: h.createdBy, size: h.size })));
    return layerHints(model, mapping, ref, data.inspect, how)
      .filter((h) => h.line >= p.range.start.line && h.line <= p.range.end.line)
      .map((h) => ({ position: { line: h.line, character: h.character }, label: h.label, tooltip: h.tooltip, paddingLeft: true }));
  }

  private async setImage(p: { uri?: unknown; image?: unknown }): Promise<SetImageResult> {
    const uri = typeof p.uri === 'string' ? p.uri : '';
    const image = typeof p.image === 'string' ? p.image.trim() : '';
    const model = await this.model(uri);
    if (!model) return { ok: false, message: 'Open a Dockerfile first.' };
    if (image && !isPlausibleRef(image)) return { ok: false, message: `"${image.slice(0, 80)}" is not an image reference.` };
    if (!this.trusted()) return { ok: false, message: 'Layer sizes from the engine are off in untrusted workspaces.' };
    const engine = this.engine(await this.settings.get());
    if (!engine) return { ok: false, message: 'Layer sizes from the engine are off (dockerfileSizeHints.engine.enable).' };
    if (!engine.ok) return { ok: false, message: `No Docker Engine: ${engine.detail}.` };
    const resolved = await this.resolve(engine.value, model, image, uri);
    if (!resolved.ok) return { ok: false, message: resolved.reason === 'not-found' && image ? `The engine has no image ${image}.` : `No layer sizes: ${resolved.detail}.` };
    this.chosen.set(uri, image);
    void this.connection.languages.inlayHint.refresh().catch(() => undefined);
    const m = mapHistory(model, resolved.value.data.history.map((h) => ({ createdBy: h.createdBy, size: h.size })));
    const partial = m.unmatched.length ? ` ${m.unmatched.length} instruction(s) are not in its history: it was built from a different Dockerfile or an older version.` : '';
    const unsure = m.layers.filter((l) => l.sameText === undefined).length;
    const unsureText = unsure ? ` For ${unsure} of them the history cannot show whether the line changed (variables, HEALTHCHECK, ONBUILD).` : '';
    return { ok: true, image: resolved.value.ref, message: `Showing layer sizes of ${resolved.value.ref} (${resolved.value.how}): ${m.layers.length} instructions matched.${unsureText}${partial}` };
  }

  private async wastedSpace(p: { uri?: unknown; image?: unknown }): Promise<{ ok: boolean; message: string; report?: WastedReport }> {
    const uri = typeof p.uri === 'string' ? p.uri : '';
    if (typeof p.image === 'string') {
      const set = await this.setImage(p);
      if (!set.ok) return set;
    }
    const choice = this.chosen.get(uri);
    if (choice === undefined) return { ok: false, message: 'Pick an image first.' };
    const engine = this.engine(await this.settings.get());
    const model = await this.model(uri);
    if (!engine?.ok || !model) return { ok: false, message: 'No Docker Engine or no Dockerfile.' };
    const resolved = await this.resolve(engine.value, model, choice, uri);
    if (!resolved.ok) return { ok: false, message: resolved.detail };
    const exported = await engine.value.exportLayers(resolved.value.data.inspect.id);
    if (!exported.ok) return { ok: false, message: `Could not read the image's layers: ${exported.detail}.` };
    const { layers, history } = exported.value;
    const owners = layerOwners(model, history, layers.length);
    const report = wastedReport(model, resolved.value.ref, resolved.value.how, findWastedSpace(layers), owners, new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
    return { ok: true, message: `${report.files.length} files hidden by later layers`, report };
  }
}
