/**
 * fast-check arbitraries for hostile-input tests: random Dockerfiles built from real instruction
 * fragments (and some arbitrary Unicode), real Dockerfiles (the examples, every rule fixture, a
 * generated multi-stage file) with random mutations, and random .dockerignore files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { generateDockerfile } from '../../bench/lsp/generate';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Real Dockerfiles to mutate: the examples, every rule fixture, and a generated multi-stage file. */
function corpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Dockerfile' || e.name.endsWith('.Dockerfile')) files.push(p);
    }
  };
  walk(path.join(ROOT, 'examples'));
  walk(path.join(ROOT, 'test', 'fixtures', 'rules'));
  return [...files.sort().map((f) => fs.readFileSync(f, 'utf8')), generateDockerfile(60, 3)];
}
export const CORPUS = corpus();

const KEYWORDS = ['FROM', 'RUN', 'COPY', 'ADD', 'ARG', 'ENV', 'WORKDIR', 'CMD', 'ENTRYPOINT', 'LABEL', 'USER', 'EXPOSE', 'ONBUILD', 'SHELL', 'HEALTHCHECK', 'VOLUME', 'MAINTAINER', 'from', 'run', 'Run'];
const COMMENTS = ['# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1', '# size-hints ignore=apt-lists-kept', '# hadolint ignore=DL3009', '# hadolint global ignore=DL3008', '#', ''];
const WORDS = [
  'apt-get', 'install', '-y', 'update', '&&', 'rm', '-rf', '/var/lib/apt/lists/*', '--no-install-recommends', 'pip', 'pip3', '--no-cache-dir', '-r',
  'requirements.txt', 'npm', 'ci', 'yarn', 'apk', 'add', '--no-cache', '--virtual', '.build', 'del', 'curl', 'tar', 'xzf', 'x.tar.gz', 'python:3.12',
  'debian:bookworm', 'alpine', 'scratch', 'AS', 'build', '--from=build', '--from=0', '--mount=type=cache,target=/root/.cache', '--platform=$BUILDPLATFORM',
  '${X}', '${X:-debian}', '$Y', '"quoted str"', "'single'", '\\', '`', '<<EOF', '<<-EOT', 'EOF', 'EOT', ';', '|', '||', '>', '2>&1', '$(', ')', '{', '}',
  '=', 'A=b', '[', ']', '["a",', '"b"]', '\t', '.', '/app', 'chmod', 'chown', '-R', 'useradd', '-u', '70000',
];

const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...KEYWORDS), fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 10 })).map(([k, ws]) => [k, ...ws].join(' ')) },
  { weight: 2, arbitrary: fc.constantFrom(...COMMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
);
export const randomDockerfile = fc.tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, eol]) => ls.join(eol));

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicateLine' | 'dropLine' | 'continueLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'backtickEscape' | 'crlf' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...WORDS, ...KEYWORDS, '\n', '\r\n', ' \\\n', '\n#\n', '\nEOF\n').map((w) => ` ${w} `), fc.string({ unit: 'binary', maxLength: 5 })) }),
  fc.record({ kind: fc.constantFrom('duplicateLine' as const, 'dropLine' as const, 'continueLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  // The whole file: Windows-style (the backtick escape directive, continuations written with it) or CR LF.
  fc.record({ kind: fc.constantFrom('backtickEscape' as const, 'crlf' as const) }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  switch (m.kind) {
    case 'delete': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'duplicateLine':
      lines.splice(m.line % lines.length, 0, lines[m.line % lines.length]);
      return lines.join('\n');
    case 'dropLine':
      lines.splice(m.line % lines.length, 1);
      return lines.join('\n');
    case 'continueLine':
      lines[m.line % lines.length] += ' \\';
      return lines.join('\n');
    case 'backtickEscape':
      return '# escape=`\n' + text.replace(/\\([ \t]*\r?\n)/g, '`$1');
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'swapLines': {
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
  }
}

/** One to six random mutations, for {@link applyMutations}. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 6 });

export function applyMutations(text: string, ms: readonly Mutation[]): string {
  return ms.reduce(mutate, text);
}

export const mutatedDockerfile = fc.tuple(fc.constantFrom(...CORPUS), mutations).map(([base, ms]) => applyMutations(base, ms));
export const anyDockerfile = fc.oneof(randomDockerfile, mutatedDockerfile);

const IGNORE_FRAGMENTS = ['*', '**', '**/', '!', '#', '/', '\\', '[a-z]', '[', ']', '[^', '?', '.', '..', 'node_modules', '.git', '*.pyc', '__pycache__', 'Dockerfile', '.dockerignore', ' ', '\t', '{a,b}', '$HOME', '~'];

/** Random .dockerignore files: pattern fragments, comments, exceptions, odd escapes and any Unicode. */
export const randomDockerignore = fc
  .tuple(
    fc.array(fc.oneof({ weight: 6, arbitrary: fc.array(fc.constantFrom(...IGNORE_FRAGMENTS), { maxLength: 6 }).map((xs) => xs.join('')) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) }), { maxLength: 20 }),
    fc.constantFrom('\n', '\r\n', '\r'),
  )
  .map(([ls, eol]) => ls.join(eol));

/** Commands the rules look at (package managers, caches, archives, users) and some they do not. */
const COMMANDS = [
  'apt-get update', 'apt-get install -y curl', 'apt-get install -y --no-install-recommends gcc make', 'apt-get -y upgrade', 'apt update', 'apt install -y git', 'apt-get clean', 'rm -rf /var/lib/apt/lists/*',
  'apk update', 'apk add curl', 'apk add --no-cache jq', 'apk add --virtual .deps gcc', 'apk del .deps', 'pip install flask', 'pip3 install -r requirements.txt', 'python -m pip install x',
  'npm install', 'npm ci', 'npm install -g yarn', 'yarn install', 'pnpm install', 'dnf install -y gcc', 'yum install -y gcc', 'microdnf install x', 'zypper install -y x', 'gem install rails',
  'bundle install', 'composer install', 'go build ./...', 'cargo build --release', 'mvn package', 'gradle build', 'conda install x', 'pipenv install', 'poetry install', 'uv sync', 'useradd -u 70000 app',
  'curl -fsSL https://example.org/y.tar.gz -o /tmp/y.tar.gz', 'tar xzf /tmp/y.tar.gz -C /opt', 'echo hi', 'true', 'cd /app', 'export A=1', 'chmod +x /x', 'make', 'set -eux',
  // Redirections, after the operands and before the program.
  'apt-get install -y curl >/dev/null 2>&1', '>/tmp/log apt-get update', 'pip install flask 2> /tmp/err', 'npm ci &>/dev/null', 'chmod +x /x >>/tmp/log', 'apk update </dev/null',
];
/** What joins two commands: operators, on one line or across continuations, comment lines and empty lines. */
const JOINS = [' && ', ' && ', ' || ', '; ', ' | ', ' & ', ' \\\n    && ', ' \\\n    ', ';\\\n    ', ' && \\\n    ', '\n    && ', ' \\\n# a comment\n    && ', ' \\\n\n    && '];
/** Shell constructs around the commands from some point on. */
const WRAPS: ((s: string) => string)[] = [
  (s) => s, (s) => s, (s) => `if true; then ${s}; fi`, (s) => `( ${s} )`, (s) => `{ ${s}; }`, (s) => `${s} # a comment`, (s) => `for p in a b; do ${s}; done`, (s) => `${s} >/dev/null 2>&1`,
  (s) => `sh -c "${s}"`, (s) => `${s} \\`, (s) => `${s};`, (s) => `${s} &`, (s) => `! ${s}`, (s) => `x=$(${s})`, (s) => `case x in x) ${s};; esac`, (s) => `while false; do ${s}; done`,
  // The commands right after a reserved word (a body's first or only command, a condition), which
  // the rules read as commands of their own: a removal there must not leave `then fi` or `if then`.
  (s) => `if true; then :; else ${s}; fi`, (s) => `if false; then :; elif ${s}; then :; fi`, (s) => `if ${s}; then echo ok; fi`, (s) => `until ${s}; do sleep 1; done`,
  (s) => `while ! ${s}; do :; done`, (s) => `if true; then ${s}; echo ok; fi`, (s) => `{ ${s}; } >/dev/null`, (s) => `if true; then \\\n      ${s}; \\\n    fi`,
  (s) => `for p in a; do { ${s}; }; done`,
  // A subshell's own redirection; `-c` scripts read as one command (an escape, `!`, `&`, arguments after it).
  (s) => `( ${s} ) >/tmp/log && echo ok`, (s) => `( ${s} ) 2>&1 | tee /tmp/log`, (s) => `sh -c "${s} \\$x"`, (s) => `! sh -c '${s}'`, (s) => `sh -c '${s}' &`, (s) => `sh -c '${s}' _ x`,
  // `-c` scripts read in place among other commands, also run as another user (su, gosu).
  (s) => `echo a && bash -c '${s}'`, (s) => `sh -c "${s}" && echo ok`, (s) => `su app -c '${s}'`, (s) => `true || gosu app sh -c '${s}'`,
];
const script = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...COMMANDS), fc.constantFrom(...JOINS)), { minLength: 1, maxLength: 5 }), fc.nat(WRAPS.length - 1), fc.nat())
  .map(([parts, wrap, n]) => {
    const cut = n % parts.length;
    const join = (ps: [string, string][]) => ps.map(([c, j], i) => (i > 0 ? j : '') + c).join('');
    return join(parts.slice(0, cut)) + (cut > 0 ? parts[cut][1] : '') + WRAPS[wrap](join(parts.slice(cut)));
  });
const runInstruction = fc
  .tuple(script, fc.constantFrom('RUN ', 'RUN ', 'RUN ', 'RUN --mount=type=cache,target=/root/.cache ', 'ONBUILD RUN ', 'RUN <<EOF\n', 'RUN <<-EOF\n', 'RUN bash -e <<EOF\n', 'RUN apt-get update && cat <<EOF > /usr/local/bin/setup.sh\n', 'RUN set -e && ', 'RUN <<EOF\n#!/bin/sh\n', 'RUN <<EOF\n#!/usr/bin/env python3\n'))
  .map(([body, head]) => (head.endsWith('\n') ? `${head}${body}\nEOF` : head + body));
const OTHER_LINES = ['COPY . /app', 'WORKDIR /app', 'COPY package*.json ./', 'ENV A=1', 'FROM alpine:3.20 AS two', 'USER app', 'CMD ["x"]', 'COPY --from=0 /app /app', 'ARG V=1'];
const BASE_IMAGES = ['debian:bookworm', 'debian:bookworm-slim', 'ubuntu:24.04', 'alpine:3.20', 'python:3.12', 'node:20', 'fedora:41', 'golang:1.23', 'ruby:3.3', 'php:8.3'];

/**
 * Dockerfiles whose RUNs are shell scripts in many shapes (commands the rules fix, joined by any
 * operator, continuation or comment line, inside if/for/case/while/until, right after then, else,
 * elif, do, if, until, !, {, in subshells, groups, command substitutions, here-documents run as the
 * script (with a `#!` line naming sh or python3), read by bash, or written to a file), with LF or
 * CR LF line ends and the backslash or backtick escape.
 */
export const shellDockerfile = fc
  .tuple(
    fc.constantFrom(...BASE_IMAGES),
    fc.array(fc.oneof({ weight: 5, arbitrary: runInstruction }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_LINES) }), { minLength: 1, maxLength: 6 }),
    fc.constantFrom('\n', '\n', '\r\n'),
    fc.boolean(),
  )
  .map(([image, lines, eol, backtick]) => {
    let text = [`FROM ${image}`, ...lines, ''].join('\n');
    if (backtick) text = '# escape=`\n' + text.replace(/\\(\n)/g, '`$1');
    return text.replace(/\n/g, eol);
  });
