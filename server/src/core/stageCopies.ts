/**
 * Files of a builder stage that the final image holds without inheriting the stage's layers: a
 * `COPY --from=vendor /app /var/www/html` of the final image carries whatever the builder wrote
 * under /app, so a whole-context `COPY . .` there puts .git, node_modules or .env into the final
 * image as surely as one in the final stage, and `COPY --from=build /usr/local/bundle ...` the
 * .gem archives bundle install left there. COPY --from copies the stage's last file system, so
 * this is about files that are there at the end of the stage, not about waste in its layers.
 */
import { stageByRef, type DockerfileModel, type Instr, type Stage } from './model';
import { copySpec, isAtOrBelow } from './paths';
import { resolvePath } from './workdir';

export interface FinalCopy {
  /** The COPY of the final image's layers that carries the files. */
  instr: Instr;
  /** The source it names, as written. */
  source: string;
  /** The stage it copies out of: the one that holds the files, or a stage built on it. */
  stage: Stage;
}

/**
 * The `COPY --from` of a stage whose layers form the final image that copies `folder` of stage
 * `written`, or a folder holding it, out of that stage (or a stage built on it). Undefined when
 * none does, or when a source is not literal (a variable, a wildcard).
 */
export function finalCopyOf(model: DockerfileModel, written: Stage, folder: string): FinalCopy | undefined {
  for (const { instr, from } of finalStageCopies(model)) {
    if (!builtOn(from.stage, written)) continue;
    const hit = from.sources.find((s) => isAtOrBelow(folder, s.path));
    if (hit) return { instr, source: hit.written, stage: from.stage };
  }
  return undefined;
}

/**
 * The `COPY --from=<earlier stage>` instructions of the stages whose layers form the final image,
 * read once per model: each hint of a builder stage asks (analyze.ts), and reading every
 * instruction of the final stages for each took about 4% of the benchmark's profiled session on
 * the generated 10,000-line file.
 */
const finalCopies = new WeakMap<DockerfileModel, Array<{ instr: Instr; from: NonNullable<ReturnType<typeof copyFromStage>> }>>();
function finalStageCopies(model: DockerfileModel): Array<{ instr: Instr; from: NonNullable<ReturnType<typeof copyFromStage>> }> {
  let known = finalCopies.get(model);
  if (!known) {
    known = [];
    for (const stage of model.stages) {
      if (!stage.layersInFinal) continue;
      for (const instr of stage.instructions) {
        const from = instr.keyword === 'COPY' ? copyFromStage(model, instr) : undefined;
        if (from) known.push({ instr, from });
      }
    }
    finalCopies.set(model, known);
  }
  return known;
}

/**
 * What a `COPY --from=<earlier stage>` copies: that stage, its literal sources as absolute paths
 * (COPY --from reads a relative source from the root of the stage, not from its WORKDIR; a
 * variable or a wildcard is left out) and where they go. Undefined for any other instruction.
 */
export function copyFromStage(model: DockerfileModel, instr: Instr): { stage: Stage; sources: { written: string; path: string }[]; destPath?: string } | undefined {
  const spec = copySpec(model, instr);
  const stage = spec?.from === undefined ? undefined : stageByRef(model.stages, spec.from);
  if (!spec || !stage || !instr.stage || stage.index >= instr.stage.index) return undefined;
  const sources: { written: string; path: string }[] = [];
  for (const written of spec.sources) {
    const path = /[*?[]/.test(written) ? undefined : resolvePath(written, '/');
    if (path !== undefined) sources.push({ written, path });
  }
  return { stage, sources, destPath: spec.destPath };
}

function builtOn(stage: Stage, base: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.from.stage) if (s === base) return true;
  return false;
}
