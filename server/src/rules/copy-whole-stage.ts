/**
 * copy-whole-stage (hadolint DL3067): `COPY --from=x / /` copies every file of another stage or
 * image, its base image included, into this one: the point of a multi-stage build is lost. On
 * Windows, `COPY --from=x C:/ C:/` (driveless).
 */
import { copySpec, driveless } from '../core/paths';
import { rootStage, type Instr, type Stage } from '../core/model';
import type { Copy } from 'dockerfile-ast';
import { estimateBaseImage, formatBytes } from '../sizes';
import type { RawFinding, Rule } from './rule';

/** Sources that name a whole filesystem when read from another stage. */
const WHOLE = new Set(['/', '/.', '/*', '.', './', './*', '*']);

/** A cheap first look (no path resolution): a COPY/ADD with `--from` and a source word that names everything. */
function mayCopyWhole(instr: Instr): boolean {
  if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') return false;
  if (!(instr.node as Copy).getFlags().some((f) => f.getName().toLowerCase() === 'from')) return false;
  const words = instr.node.getArguments().map((a) => a.getValue());
  // JSON form: let the full reading decide.
  return words.some((w) => w.startsWith('[')) || words.some((w) => WHOLE.has(driveless(w.replace(/^["']|["']$/g, ''))));
}

/** The stage `ref` names (`build`, `0`), if it is one. */
function stageNamed(stages: Stage[], ref: string, before: number): Stage | undefined {
  const r = ref.toLowerCase();
  const s = /^\d+$/.test(r) ? stages[Number(r)] : stages.find((x) => x.name === r);
  return s && s.index < before ? s : undefined;
}

export const rule: Rule = {
  id: 'copy-whole-stage',
  title: 'COPY --from copies a whole filesystem',
  severity: 'warning',
  hadolint: 'DL3067',
  scope: 'layers',
  docs: {
    summary: '`COPY --from=<stage or image> / <dest>`: the whole filesystem of another stage or image.',
    why: "A builder stage's filesystem holds its base image, compilers and caches; copying `/` brings all of it into this image, on top of its own base.",
    incorrect: 'FROM golang:1.26 AS build\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build / /',
    correct: 'FROM golang:1.26 AS build\nRUN go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app',
    sizeImpact: 'At least the base image of the source stage (from the bundled size table, e.g. `golang:1.26` about 874 MB unpacked) plus everything its layers added. Not reported when the source stage starts `FROM scratch`: such a stage holds only what was put there on purpose (the usual "export" stage).',
    fix: 'None: only you know which paths the image needs (`COPY --from=build /out/app /app`).',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const stage of model.stages) {
      for (const instr of stage.instructions) {
        if (!mayCopyWhole(instr)) continue;
        const spec = copySpec(model, instr);
        if (!spec?.from || !spec.sources.some((s) => WHOLE.has(driveless(s)))) continue;
        const source = stageNamed(model.stages, spec.from, stage.index);
        const root = source && rootStage(source);
        if (root?.from.scratch) continue;
        const image = source ? root?.from.image : spec.from;
        const estimate = image ? estimateBaseImage(image, root?.from.platform) : undefined;
        const label = source ? `stage ${source.name ?? source.index}` : spec.from;
        const size = estimate
          ? source
            ? `its base image ${image} alone is about ${formatBytes(estimate.unpackedBytes)} unpacked, plus what its layers added`
            : `about ${formatBytes(estimate.unpackedBytes)} unpacked`
          : `its size is that of ${source ? `the stage's base image${image ? ` ${image}` : ''} plus its layers` : 'the whole image'}`;
        out.push({
          range: { start: instr.range.start, end: spec.argsRange.end },
          instr,
          message: `COPY --from=${spec.from} copies the whole filesystem of ${label}: ${size}. Copy only the paths this image needs.`,
          saving: estimate ? { bytes: estimate.unpackedBytes, basis: `at least the base image: ${estimate.basis}` } : { basis: 'the size of the whole source filesystem' },
        });
      }
    }
    return out;
  },
};
