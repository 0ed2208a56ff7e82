/**
 * base-image-not-slim: a full language image (python, node, ruby...) carries a whole Debian build
 * environment: compilers, headers, version control, image libraries. Its `-slim` sibling has the
 * same language runtime on a minimal Debian and is several hundred MB smaller.
 */
import { aptPackages, isAptInstall, isPipInstall, ranCommands } from '../core/commands';
import { instructionAt, type Stage } from '../core/model';
import { programName } from '../core/shell';
import { estimateBaseImage, formatBytes, parseImageReference, slimVariant, type BaseImageEstimate } from '../sizes';
import type { RawFinding, Rule } from './rule';

/** Programs the full images ship and `-slim` lacks, with the Debian packages that provide them. */
const FULL_ONLY_TOOLS: Record<string, string[]> = {
  curl: ['curl'],
  wget: ['wget'],
  git: ['git'],
  gcc: ['gcc', 'build-essential'],
  cc: ['gcc', 'build-essential'],
  'g++': ['g++', 'build-essential'],
  'c++': ['g++', 'build-essential'],
  make: ['make', 'build-essential'],
  ssh: ['openssh-client'],
  scp: ['openssh-client'],
  svn: ['subversion'],
  hg: ['mercurial'],
  unzip: ['unzip'],
  patch: ['patch', 'build-essential'],
  'pkg-config': ['pkg-config', 'pkgconf'],
  autoconf: ['autoconf'],
  automake: ['automake'],
};

/**
 * Official language images whose default tags carry a compiler and build libraries (most are built
 * on buildpack-deps). Plain OS images (`debian:bookworm` vs `-slim`) differ by documentation and
 * locales only, so they are not flagged. Not openjdk: its default tags have no compiler (Oracle
 * Linux from 17 on, buildpack-deps' scm tags before), the size table has none of them, and
 * build-tools-in-final-image points a JDK stage at a JRE image.
 */
const LANGUAGE_IMAGES = new Set(['python', 'node', 'ruby', 'perl', 'rust', 'golang', 'php', 'erlang', 'elixir', 'haskell', 'julia', 'r-base']);

/**
 * Installers and builds that may compile native code or link a C library, which the full image's
 * toolchain and headers make work: `-slim` has no gcc (python, node, ruby, perl), or gcc without
 * pkg-config and libssl-dev (rust, for crates that link OpenSSL). pip also as `python -m pip`.
 */
const MAY_COMPILE = /^(npm|yarn|pnpm|pip\d*(\.\d+)?|pipenv|poetry|uv|pdm|gem|bundle|bundler|cargo|cpanm|cpan)$/;

/** Tools the stage runs that `-slim` would lack because nothing in the stage installs them. */
function missingInSlim(stage: Stage): string[] {
  const installed = new Set<string>();
  const missing = new Set<string>();
  for (const instr of stage.instructions) {
    for (const cmd of instr.run ? ranCommands(instr.run) : []) {
      if (isAptInstall(cmd)) aptPackages(cmd).forEach((w) => installed.add(w.value.split('=')[0]));
      const name = programName(cmd);
      const pkgs = FULL_ONLY_TOOLS[name];
      if (pkgs && !pkgs.some((p) => installed.has(p))) missing.add(name);
    }
  }
  return [...missing];
}

function compiles(stage: Stage): boolean {
  return stage.instructions.some((i) => i.run && ranCommands(i.run).some((c) => MAY_COMPILE.test(programName(c)) || isPipInstall(c) !== undefined));
}

/** The `-slim` variant this rule suggests for the stage's base image, when it reports the stage, and what the switch saves where both sizes are known. */
function slimSwitch(stage: Stage): { image: string; slim: string; saving?: number; full?: BaseImageEstimate; small?: BaseImageEstimate } | undefined {
  const image = stage.from.image;
  if (!image || stage.from.stage) return undefined;
  const ref = parseImageReference(image);
  const slim = ref?.official && LANGUAGE_IMAGES.has(ref.name) ? slimVariant(image) : undefined;
  if (!slim) return undefined;
  const full = estimateBaseImage(image, stage.from.platform);
  const small = estimateBaseImage(slim, stage.from.platform);
  const saving = full && small && full.unpackedBytes > small.unpackedBytes ? full.unpackedBytes - small.unpackedBytes : undefined;
  return { image, slim, saving, full, small };
}

/**
 * The `-slim` variant this rule counts the stage's base image against, when it reports the stage
 * with a figure. build-tools-in-final-image counts what its builder stage saves from there, so that
 * the two figures add up: full to `-slim` here, `-slim` to the runtime image there. Without a figure
 * here (a size unknown), that rule counts from the image itself.
 */
export function countedSlim(stage: Stage): string | undefined {
  const found = slimSwitch(stage);
  return found?.saving !== undefined ? found.slim : undefined;
}

export const rule: Rule = {
  id: 'base-image-not-slim',
  title: 'full language image where a -slim variant exists',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  docs: {
    summary: 'A stage whose layers reach the final image starts from a full language image (`python:3.12`, `node:22`...) that has a `-slim` variant.',
    why: 'The full images are built on `buildpack-deps`: gcc, headers, git, image and database libraries. An application image rarely needs them at run time.',
    incorrect: 'FROM python:3.12',
    correct: 'FROM python:3.12-slim',
    sizeImpact: 'From the bundled size table: `python:3.12` is about 1.1 GB unpacked, `python:3.12-slim` about 119 MB.',
    fix: 'Switches the tag to the `-slim` variant. Not offered when the stage runs a tool only the full image has (curl, git, gcc, make...) without installing it; marked as not preferred when the stage installs or builds packages that may compile native code (pip, poetry, npm, gem, cargo, cpanm), since those may need a compiler or headers the slim image lacks: then prefer a builder stage.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const stage of model.stages) {
      const found = slimSwitch(stage);
      if (!found) continue;
      const { image, slim, saving, full, small } = found;
      const guess = small?.confidence === 'guess' ? `, ${slim} guessed from the full/slim ratio of other images` : '';
      const cost = saving !== undefined ? `: about ${formatBytes(saving)} smaller unpacked (${formatBytes(full!.unpackedBytes)} vs ${formatBytes(small!.unpackedBytes)}${guess})` : '';
      out.push({
        range: stage.from.imageRange,
        instr: stage.fromInstr,
        stage,
        message: `${image} is a full image with compilers and build libraries; ${slim} has the same runtime${cost}.`,
        saving: saving !== undefined ? { bytes: saving, basis: `${full!.basis}; ${small!.basis}` } : { basis: 'no size known for one of the two tags' },
        data: { slim },
      });
    }
    return out;
  },
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    const stage = instr?.stage;
    const slim = finding.data?.slim;
    if (!stage || typeof slim !== 'string') return undefined;
    if (stage.from.raw !== stage.from.image) return undefined; // ARG-built reference: edit the ARG instead.
    const missing = missingInSlim(stage);
    if (missing.length > 0) return undefined;
    const note = compiles(stage) ? ' (check that no package needs a compiler or a library\'s headers)' : '';
    return {
      title: `Use ${slim}${note}`,
      edits: [{ range: stage.from.imageRange, newText: slim }],
      preferred: note === '',
    };
  },
};
