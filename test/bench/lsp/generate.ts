/**
 * Deterministic generator of realistic Dockerfiles for the benchmark and the hostile-input tests.
 *
 * The shape follows what large real Dockerfiles contain: a syntax directive, global ARGs used in
 * FROM, many named stages (Python, Node, Go, Debian), long `apt-get install` continuations with one
 * package per line, pip and npm installs, heredoc RUNs, `COPY --from` between stages, and a slim
 * final stage. Some instructions carry size smells and some are already clean, so the rules have
 * both kinds of work. A seeded PRNG makes every run produce byte-identical files.
 */

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APT_PACKAGES = [
  'build-essential', 'ca-certificates', 'curl', 'git', 'gnupg', 'jq', 'less', 'libffi-dev', 'libjpeg-dev',
  'libpq-dev', 'libssl-dev', 'libxml2-dev', 'locales', 'make', 'openssh-client', 'pkg-config', 'procps',
  'python3-dev', 'tzdata', 'unzip', 'vim', 'wget', 'xz-utils', 'zlib1g-dev', 'gcc', 'g++', 'libyaml-dev',
];
const PIP_PACKAGES = ['flask==3.0.3', 'gunicorn==22.0.0', 'requests==2.32.3', 'numpy==1.26.4', 'pandas==2.2.2', 'psycopg[binary]==3.2.1', 'pydantic==2.8.2', 'uvicorn==0.30.1'];
const NPM_PACKAGES = ['express@4', 'pg@8', 'typescript@5', 'esbuild@0.23', 'pino@9', 'zod@3'];

type Kind = 'python' | 'node' | 'go' | 'debian';
/** Base images; with `useArgs` the versions come from the global ARGs, as in most real files. */
function baseImage(kind: Kind, useArgs: boolean): string {
  const python = useArgs ? '${PYTHON_VERSION}' : '3.12';
  const node = useArgs ? '${NODE_VERSION}' : '20';
  return { python: `python:${python}`, node: `node:${node}`, go: 'golang:1.22', debian: 'debian:bookworm' }[kind];
}

/**
 * Returns a Dockerfile of exactly `lines` lines (each ending in `\n`) built from `seed`.
 * Files of 10 lines and more contain at least one FROM, one RUN with apt-get and one lower-case
 * `label` (older files have them; the peer warns about the casing and offers a fix, so both servers
 * have a diagnostic with a quick fix).
 */
export function generateDockerfile(lines: number, seed = 1): string {
  if (lines < 10) throw new Error('generateDockerfile needs at least 10 lines');
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

  // Tiny files keep only the directive so their one stage still has room for an apt-get RUN.
  const useArgs = lines >= 30;
  const header = useArgs ? ['# syntax=docker/dockerfile:1', 'ARG PYTHON_VERSION=3.12', 'ARG NODE_VERSION=20'] : ['# syntax=docker/dockerfile:1'];
  const stageNames: string[] = [];

  const aptRun = (clean: boolean): string[] => {
    const pkgs = Array.from({ length: int(3, 14) }, () => pick(APT_PACKAGES));
    const out = ['RUN apt-get update \\', `    && apt-get install -y${clean ? ' --no-install-recommends' : ''} \\`];
    pkgs.forEach((p, i) => out.push(`        ${p}${i < pkgs.length - 1 || clean ? ' \\' : ''}`));
    if (clean) out.push('    && rm -rf /var/lib/apt/lists/*');
    return out;
  };
  const heredocRun = (): string[] => ['RUN <<EOF', 'set -eux', 'apt-get update', `apt-get install -y ${pick(APT_PACKAGES)} ${pick(APT_PACKAGES)}`, `echo "built $(date)" > /etc/build-info`, 'EOF'];
  const stageBody = (kind: Kind): string[][] => {
    const chunks: string[][] = [];
    chunks.push(aptRun(rnd() < 0.4));
    chunks.push([`WORKDIR /src/${kind}`]);
    chunks.push([`ENV APP_ENV=production LANG=C.UTF-8 BUILD_${stageNames.length}=1`]);
    if (rnd() < 0.5) chunks.push(heredocRun());
    if (kind === 'python') {
      chunks.push(['COPY requirements.txt .']);
      chunks.push(rnd() < 0.5 ? ['RUN pip install -r requirements.txt'] : ['RUN pip install --no-cache-dir \\', ...PIP_PACKAGES.slice(0, int(2, 6)).map((p) => `    ${p} \\`), '    && python -m compileall .']);
    } else if (kind === 'node') {
      chunks.push(['COPY package.json package-lock.json ./']);
      chunks.push([rnd() < 0.5 ? 'RUN npm ci' : `RUN npm install ${NPM_PACKAGES.slice(0, int(1, 4)).join(' ')}`]);
    } else if (kind === 'go') {
      chunks.push(['COPY go.mod go.sum ./', 'RUN go mod download']);
      chunks.push(['RUN CGO_ENABLED=0 go build -o /out/app ./...']);
    }
    if (stageNames.length > 1) chunks.push([`COPY --from=${pick(stageNames.slice(0, -1))} /out /opt/${kind}`]);
    chunks.push([`# stage ${stageNames.length} done`, `LABEL org.opencontainers.image.description="stage ${stageNames.length}"`]);
    return chunks;
  };

  const finalStage = (): string[] => {
    const out = [`FROM ${baseImage('python', useArgs)}-slim`, 'WORKDIR /app'];
    if (stageNames.length > 0) out.push(`COPY --from=${stageNames[stageNames.length - 1]} /out /app`);
    out.push('USER nobody', 'CMD ["python", "app.py"]');
    return out;
  };

  const body: string[] = [];
  const budget = () => lines - header.length - body.length - finalStage().length;
  // The first stage always exists and carries the lower-case label.
  let first = true;
  while (budget() > 4) {
    const kind = pick(['python', 'node', 'go', 'debian'] as const);
    const name = `${kind}-${stageNames.length}`;
    const chunks = [[`FROM ${baseImage(kind, useArgs)} AS ${name}`], ...(first ? [['label maintainer="bench@example.com"']] : []), ...stageBody(kind)];
    stageNames.push(name);
    first = false;
    for (const chunk of chunks) {
      if (chunk.length <= budget()) body.push(...chunk);
      else if (chunk[0].startsWith('RUN apt-get') && budget() > 0) body.push(`RUN apt-get update && apt-get install -y ${pick(APT_PACKAGES)}`);
      else break;
    }
  }
  // Fill the rest exactly with one-line instructions so the line count is exact.
  while (budget() > 0) body.push(rnd() < 0.5 ? `ENV FILLER_${body.length}=${int(0, 9999)}` : `# note ${body.length}`);
  const all = [...header, ...body, ...finalStage()];
  return all.join('\n') + '\n';
}

/** A small edit as an LSP incremental change: insert one character, or delete it again. */
export interface Keystroke {
  line: number;
  character: number;
  /** Inserted text ('' for a deletion of one character at `character`). */
  text: string;
  deleteLength: number;
  /** The deletion is the line break at the end of `line` (its range ends at the next line's start). */
  lineBreak?: boolean;
}

/**
 * Edits at random lines, each one a keystroke a person might type: a letter inserted inside a word,
 * then the same letter deleted (so the document stays realistic however many edits run). Never
 * touches a line's trailing continuation backslash.
 */
export function keystrokes(text: string, count: number, seed = 7): Keystroke[] {
  const rnd = prng(seed);
  const lines = text.split('\n');
  const out: Keystroke[] = [];
  while (out.length < count) {
    const line = Math.floor(rnd() * (lines.length - 1));
    const content = lines[line].replace(/\s*\\$/, '');
    if (content.trim().length < 2) continue;
    const character = 1 + Math.floor(rnd() * (content.length - 1));
    out.push({ line, character, text: 'x', deleteLength: 0 });
    if (out.length < count) out.push({ line, character, text: '', deleteLength: 1 });
  }
  return out;
}

/**
 * `count` edits that add or remove a line: Enter at the end of a random line, then its undo, so
 * the text is the original again after each pair.
 */
export function newlines(text: string, count: number, seed = 11): Keystroke[] {
  const rnd = prng(seed);
  const lines = text.split('\n');
  const out: Keystroke[] = [];
  while (out.length < count) {
    const line = Math.floor(rnd() * (lines.length - 1));
    const character = lines[line].length;
    out.push({ line, character, text: '\n', deleteLength: 0 });
    // The undo: the line break now sits at the end of `line` and reaches to the next line's start.
    if (out.length < count) out.push({ line, character, text: '', deleteLength: 1, lineBreak: true });
  }
  return out;
}

/** The range a keystroke replaces. */
export function keystrokeRange(k: Keystroke): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const end = k.lineBreak ? { line: k.line + 1, character: 0 } : { line: k.line, character: k.character + k.deleteLength };
  return { start: { line: k.line, character: k.character }, end };
}
