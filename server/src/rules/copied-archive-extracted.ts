/**
 * copied-archive-extracted (hadolint DL3010): `COPY app.tar.gz /tmp/` then `RUN tar -xzf ...`.
 * The COPY layer keeps the archive whatever the RUN does afterwards. `ADD` unpacks a local tar
 * archive itself (one layer, no archive), and a bind mount lets a RUN read the archive without
 * it ever becoming a layer.
 */
import type { Copy } from 'dockerfile-ast';
import { deleteInstruction, firstAfter, operands, ranCommands, runsOn } from '../core/commands';
import { instructionAt, type DockerfileModel, type Instr } from '../core/model';
import { ADD_EXTRACTS, ARCHIVE, commandCwd, copySpec, extractedArchive, isAtOrBelow, pathPattern } from '../core/paths';
import { normalizePath, resolvePath, workdirAt } from '../core/workdir';
import { programArgs, programName, runsWheneverScriptSucceeds, type ShellCommand } from '../core/shell';
import { contextCopyBytes, contextCopyKey } from '../core/buildContext';
import type { Fix, SizeEstimate } from '../core/types';
import { formatBytes } from '../sizes';
import type { RawFinding, Rule } from './rule';

const BASIS = 'the size of the archive, kept in the COPY layer';
const MEASURED = 'as the build context scan measured it';

interface Hit {
  copy: Instr;
  source: string;
  /** Where the archive lands in the image. */
  path: string;
  run: Instr;
  extract: ShellCommand;
}

/**
 * Each COPY of a local archive with the later RUN of its image that extracts it. Once per model:
 * the fix of each finding asks too (worked out again per fix, "apply all" was cubic in the copies).
 */
function hits(model: DockerfileModel): Hit[] {
  let found = hitsByModel.get(model);
  if (!found) hitsByModel.set(model, (found = findHits(model)));
  return found;
}

const hitsByModel = new WeakMap<DockerfileModel, Hit[]>();

function findHits(model: DockerfileModel): Hit[] {
  const out: Hit[] = [];
  let extractions: Map<string, { instr: Instr; extract: ShellCommand }[]> | undefined;
  for (const copy of model.instructions) {
    if (copy.keyword !== 'COPY' || !copy.stage) continue;
    const spec = copySpec(model, copy);
    if (!spec?.destPath) continue;
    for (const source of spec.sources) {
      if (!ARCHIVE.test(source) || /^[a-z]+:\/\//i.test(source)) continue;
      const path = spec.destIsDir ? normalizePath(`${spec.destPath}/${source.split('/').pop()}`) : spec.destPath;
      // The first later RUN of the image that extracts it.
      const list = (extractions ??= extractionsByPath(model)).get(path) ?? [];
      for (let i = firstAfter(list, copy.index); i < list.length; i++) {
        if (!runsOn(list[i].instr, copy.stage)) continue;
        out.push({ copy, source, path, run: list[i].instr, extract: list[i].extract });
        break;
      }
    }
  }
  return out;
}

/**
 * Path extracted -> the RUNs of the model's stages that extract it, in file order, each with its
 * first command that does. Made once, when a COPY copies an archive: a walk over the later RUNs of
 * the image per copy was quadratic in the copies.
 */
function extractionsByPath(model: DockerfileModel): Map<string, { instr: Instr; extract: ShellCommand }[]> {
  const byPath = new Map<string, { instr: Instr; extract: ShellCommand }[]>();
  for (const instr of model.instructions) {
    if (!instr.run || !instr.stage) continue;
    const seen = new Set<string>();
    for (const c of ranCommands(instr.run)) {
      // Each command's directory: `RUN cd /tmp && tar -xzf app.tar.gz` extracts /tmp/app.tar.gz.
      const cwd = commandCwd(instr, c);
      const path = cwd === undefined ? undefined : extractedArchive(c, cwd);
      if (path === undefined || seen.has(path)) continue;
      seen.add(path);
      const list = byPath.get(path);
      if (list) list.push({ instr, extract: c });
      else byPath.set(path, [{ instr, extract: c }]);
    }
  }
  return byPath;
}

export const rule: Rule = {
  id: 'copied-archive-extracted',
  title: 'archive copied in, then extracted',
  severity: 'warning',
  hadolint: 'DL3010',
  scope: 'layers',
  reads: 'family',
  quotesLines: true,
  docs: {
    summary: 'A local archive is copied into the image with COPY and extracted by a later RUN.',
    why: 'The COPY layer keeps the archive even when the RUN deletes it afterwards, so the image holds the content twice: packed and unpacked. `ADD` unpacks a local tar archive (gzip, bzip2, xz or uncompressed) as it copies, and `RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz` reads the archive without storing it.',
    incorrect: 'COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
    correct: 'ADD app.tar.gz /opt/',
    sizeImpact: 'The size of the archive: given when a scan of the build context measured it (a file at the top of the context), otherwise known only from the build context.',
    fix: 'When the archive is a tar in a format ADD unpacks, the COPY has one source and no `--from`, and the extracting RUN is only `tar -x[zjJ]f <archive> [-C dir]` (optionally followed by `rm` of the archive): the COPY becomes `ADD <archive> <dir>/` and the RUN goes. Not offered for zip files, for tar options ADD cannot express (`--strip-components`, member lists), or when the RUN does more, or when the tar may not have run to its end in a build that succeeded (in the background: `tar -xzf ... &`; under `!`, where the build needed it to fail); use a bind mount there. ADD keeps the owners stored in the archive, like `tar -x` run as root.',
  },
  contextKey: contextCopyKey,
  check({ model, env }) {
    return hits(model).map((h): RawFinding => {
      // The archive's bytes when the scan measured it, as the image estimate counts the COPY layer.
      const bytes = contextCopyBytes(h.copy, env.context, h.source);
      const saving: SizeEstimate = bytes === undefined ? { basis: BASIS } : { bytes, basis: `the archive ${MEASURED}, kept in the COPY layer` };
      return {
        range: { start: h.copy.range.start, end: { line: h.copy.range.start.line, character: model.lines.lineText(h.copy.range.start.line).length } },
        instr: h.copy,
        message: `${h.source} is copied in and extracted at line ${h.run.range.start.line + 1}: the archive stays in this COPY layer (${bytes === undefined ? BASIS : `about ${formatBytes(bytes)}, ${MEASURED}`}). ${ADD_EXTRACTS.test(h.source) ? 'ADD unpacks a local tar archive itself; or' : 'Instead,'} mount it for the RUN (RUN --mount=type=bind,source=${h.source},target=${h.path}).`,
        saving,
        data: { path: h.path },
      };
    });
  },
  fix(finding, { model }) {
    const copy = instructionAt(model, finding.range.start.line);
    const h = hits(model).find((x) => x.copy === copy && x.path === finding.data?.path);
    return h && addFix(model, h);
  },
};

/** tar words ADD reproduces: an extract cluster with compression letters, the archive, `-C dir`. */
function tarTarget(cmd: ShellCommand, archive: string, cwd: string): string | undefined {
  const args = programArgs(cmd);
  let dir = cwd;
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (/^-?[xzjJvf]+$/.test(v) && v.includes('x')) {
      if (v.endsWith('f')) {
        if (resolvePath(args[i + 1]?.value ?? '', cwd) !== archive) return undefined;
        i++;
      }
    } else if (v === '-f' || v === '--file') {
      if (resolvePath(args[++i]?.value ?? '', cwd) !== archive) return undefined;
    } else if (v === '-C' || v === '--directory') {
      const d = resolvePath(args[++i]?.value ?? '', cwd);
      if (!d) return undefined;
      dir = d;
    } else if (v.startsWith('--directory=')) {
      const d = resolvePath(v.slice(12), cwd);
      if (!d) return undefined;
      dir = d;
    } else if (v !== '-v' && v !== '--verbose') return undefined;
  }
  return dir;
}

function addFix(model: DockerfileModel, h: Hit): Fix | undefined {
  const spec = copySpec(model, h.copy);
  const run = h.run.run!;
  const cwd = workdirAt(h.run);
  if (!spec || spec.from || spec.sources.length !== 1 || !ADD_EXTRACTS.test(h.source) || cwd === undefined) return undefined;
  if ([...spec.flags.keys()].some((f) => f !== 'chown' && f !== 'chmod')) return undefined;
  if (model.text.slice(model.lines.offsetAt(spec.argsRange.start), model.lines.offsetAt(spec.argsRange.end)).startsWith('[')) return undefined;
  if (run.form === 'exec' || run.mounts.length > 0 || programName(h.extract) !== 'tar') return undefined;
  // ADD always unpacks the whole archive: the tar must have run to its end in every build that
  // succeeded, not in the background (`tar -xzf ... &` may not have finished when the script exited)
  // and not under `!` (`! tar -xzf ...`: the build succeeded when tar failed).
  if (!runsWheneverScriptSucceeds(run.commands, h.extract)) return undefined;
  const dir = tarTarget(h.extract, h.path, cwd);
  if (!dir) return undefined;
  // The RUN must do nothing else than extract and delete the archive.
  const others = run.commands.filter((c) => c !== h.extract);
  const deletesArchive = (c: ShellCommand) =>
    programName(c) === 'rm' && operands(c).length > 0 && operands(c).every((w) => {
      const p = pathPattern(w.value, cwd);
      return p !== undefined && !p.glob && p.prefix === h.path;
    });
  if (!others.every(deletesArchive) || others.some((c) => c.start < h.extract.start)) return undefined;
  // Nothing else may read the archive where the COPY put it.
  const name = h.path.slice(h.path.lastIndexOf('/') + 1);
  if (model.instructions.some((i) => i.index > h.copy.index && i !== h.run && (i.node.getArgumentsContent() ?? '').includes(name))) return undefined;
  if (isAtOrBelow(dir, h.path)) return undefined;
  const node = h.copy.node as Copy;
  const args = node.getArguments();
  const destArg = args[args.length - 1];
  return {
    title: `Use ADD ${h.source} ${dir === '/' ? '/' : `${dir}/`} (ADD unpacks local tar archives)`,
    edits: [
      { range: node.getInstructionRange(), newText: 'ADD' },
      { range: destArg.getRange(), newText: dir === '/' ? '/' : `${dir}/` },
      deleteInstruction(model, h.run),
    ],
    preferred: true,
  };
}
