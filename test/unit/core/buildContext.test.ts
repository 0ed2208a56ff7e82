/**
 * The pure build-context helpers: literal COPY sources, what `COPY .` copies in the image
 * estimate, fixes that edit or create the ignore file through fixAll, and the hover on an
 * ignore-file line.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { contextCopyBytes, literalSourcePath } from '../../../server/src/core/buildContext';
import { dockerignoreHover } from '../../../server/src/core/dockerignore';
import { fixAll } from '../../../server/src/core/edits';
import type { AnalysisEnvironment, ContextScanFacts } from '../../../server/src/core/environment';
import { estimateImage } from '../../../server/src/core/imageEstimate';

const scan: ContextScanFacts = {
  complete: true,
  files: 1000,
  bytes: 500_000_000,
  topLevel: [
    { path: 'node_modules', bytes: 420_000_000, files: 900 },
    { path: 'src', bytes: 60_000_000, files: 90 },
    { path: 'package.json', bytes: 1000, files: 1 },
  ],
  heavy: [{ path: 'node_modules', bytes: 420_000_000, files: 900, kind: 'dependencies' }],
  secrets: [{ path: '.env', kind: 'dotenv', reason: 'environment file' }],
};

describe('build context helpers', () => {
  it('reads literal COPY sources as clean context paths and leaves wildcards, variables and URLs out', () => {
    assert.equal(literalSourcePath('./src/'), 'src');
    assert.equal(literalSourcePath('a/../b/c'), 'b/c');
    assert.equal(literalSourcePath('../../x'), 'x');
    for (const v of ['*.json', 'src/[ab]', '$APP', 'https://example.com/a.tgz', '.']) assert.equal(literalSourcePath(v), undefined, v);
  });

  it('sizes COPY . with the scanned context and COPY of top-level names with their entries', () => {
    const env: AnalysisEnvironment = { context: { hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: '*.log\n' }, scan } };
    const model = analyze('FROM scratch\nCOPY . /app\nCOPY src package.json /app/\nCOPY src/*.ts /x/\n', env).model;
    const [, whole, named, wild] = model.instructions;
    assert.equal(contextCopyBytes(whole, env.context), 500_000_000);
    assert.equal(contextCopyBytes(named, env.context), 60_001_000);
    assert.equal(contextCopyBytes(wild, env.context), undefined);
    assert.equal(contextCopyBytes(whole, { ...env.context, scan: { ...scan, complete: false } }), undefined, 'a stopped scan gives no size');
    // Once the ignore text excludes a heavy folder (after a fix), the copy no longer counts it.
    assert.equal(contextCopyBytes(whole, { ...env.context, ignoreFile: { relativePath: '.dockerignore', text: 'node_modules\n' } }), 80_000_000);
    const estimate = estimateImage(model, env);
    assert.equal(estimate?.layers[0].bytes, 500_000_000);
  });

  it('names the ignore file in force in the basis of a COPY layer, and says when there is none', () => {
    // It said 'after .dockerignore' for a Dockerfile.prod.dockerignore, and with no ignore file at all.
    const basis = (context: AnalysisEnvironment['context']) => estimateImage(analyze('FROM scratch\nCOPY . /app\n', { context }).model, { context })?.layers[0].parts[0].basis;
    assert.equal(basis({ hasDockerignore: true, ignoreFile: { relativePath: 'Dockerfile.prod.dockerignore', text: 'test\n' }, scan }), 'sum of the file sizes in the build context, after Dockerfile.prod.dockerignore');
    assert.equal(basis({ hasDockerignore: false, newIgnoreFilePath: '.dockerignore', scan }), 'sum of the file sizes in the build context, no ignore file');
  });

  it('reports a bind mount of a path the ignore file excludes, and keeps bind-mounted paths out of the suggestions', () => {
    // BuildKit fails such a RUN ("failed to compute cache key: ... conf: no such file or directory", checked with Docker 20.10).
    const env: AnalysisEnvironment = { context: { hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: 'conf\n' }, scan } };
    const run = 'RUN --mount=type=bind,source=conf/app.ini,target=/tmp/a.ini --mount=type=bind,from=build,source=conf/x,target=/x --mount=type=cache,target=/root/.cache --mount=src=./conf,target=/c cat /tmp/a.ini\n';
    const ignored = analyze(`FROM debian:bookworm-slim\n${run}`, env).findings.filter((f) => f.ruleId === 'copy-source-ignored');
    assert.deepEqual(ignored.map((f) => [f.range.start.character, f.data?.path]), [[29, 'conf/app.ini'], [164, 'conf']]);
    assert.match(ignored[0].message, /^The builder never receives `conf\/app\.ini`, so this RUN fails: in \.dockerignore, the builder never looks inside `conf`/);
    // A heavy folder a RUN bind-mounts is not offered for the ignore file.
    const large = analyze('FROM node:22-slim\nCOPY . /app\nRUN --mount=type=bind,source=node_modules,target=/app/node_modules npm test\n', { context: { hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: '.git\n' }, scan } });
    assert.deepEqual(large.findings.filter((f) => f.ruleId === 'context-large-paths'), []);
  });

  it('reads the sources of a COPY in JSON form, as editors\' templates write it', () => {
    // COPY [".", "."] was no copy of the context at all: not sized, no ignore-file findings, and
    // a source the ignore file excludes (the build fails) was not reported.
    const env: AnalysisEnvironment = { context: { hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: 'src\n' }, scan } };
    const { model, findings } = analyze('FROM node:22-slim\nCOPY ["src/Api/Api.csproj", "src/Api/"]\nCOPY [".", "."]\nCOPY [ "package.json", "a b.txt", "/x/" ]\n', env);
    assert.equal(contextCopyBytes(model.instructions[2], env.context), 500_000_000);
    const ignored = findings.filter((f) => f.ruleId === 'copy-source-ignored');
    assert.deepEqual(ignored.map((f) => [f.range.start.line, f.range.start.character, f.data?.path]), [[1, 6, 'src/Api/Api.csproj']]);
    assert.match(ignored[0].message, /so this COPY fails: in \.dockerignore, the builder never looks inside `src`, excluded by line 1/);
    assert.deepEqual(findings.filter((f) => f.ruleId === 'context-large-paths').map((f) => f.range.start), [{ line: 2, character: 6 }]);
    // A space inside a string is kept (the parser's own values drop it); JSON continued over lines
    // is read as Docker joins the lines (it gave no sources); not JSON copies nothing we read.
    const spaced = analyze('FROM scratch\nCOPY [ "a b.txt", "/x/" ]\nCOPY ["a", \\\n "b"]\nCOPY [a, b]\n', { context: { hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: 'a?b.txt\na\n' } } });
    assert.deepEqual(spaced.findings.filter((f) => f.ruleId === 'copy-source-ignored').map((f) => [f.data?.path, f.range.start]), [['a b.txt', { line: 1, character: 7 }], ['a', { line: 2, character: 6 }]]);
    // The whole context, continued: sized, and its heavy folder reported on the "." where it is written.
    const continued = analyze('FROM node:22-slim\nCOPY [ \\\n  # all of it\n  ".", "."]\n', env);
    assert.equal(contextCopyBytes(continued.model.instructions[1], env.context), 500_000_000);
    assert.deepEqual(continued.findings.filter((f) => f.ruleId === 'context-large-paths').map((f) => f.range.start), [{ line: 3, character: 2 }]);
  });

  it('takes a heavy folder the ignore text now excludes off a COPY of the top-level folder holding it', () => {
    const nested: ContextScanFacts = {
      ...scan,
      bytes: 31_000_000,
      topLevel: [{ path: 'app', bytes: 31_000_000, files: 3 }],
      heavy: [{ path: 'app/__pycache__', bytes: 30_000_000, files: 1, kind: 'cache' }],
    };
    const model = analyze('FROM scratch\nCOPY app/ /app/\n', { context: { scan: nested } }).model;
    const copy = model.instructions[1];
    assert.equal(contextCopyBytes(copy, { scan: nested }), 31_000_000);
    // A fix wrote an ignore file that excludes it (the scan was made without one).
    assert.equal(contextCopyBytes(copy, { scan: nested, hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: '**/__pycache__\n' } }), 1_000_000);
    assert.equal(contextCopyBytes(copy, { scan: nested, hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: 'other/\n' } }), 31_000_000);
  });

  it('fixAll edits the ignore file in force once, returns its new text and the environment after the fixes', () => {
    const env: AnalysisEnvironment = { context: { hasDockerignore: true, ignoreFile: { relativePath: '../.dockerignore', text: '# keep\n*.log\n!keep.log\n' }, scan } };
    const result = fixAll('FROM node:22-slim\nCOPY . /app\n', env);
    // context-secrets' fix is not applied unasked: the application may read .env at run time.
    assert.deepEqual(result.applied.sort(), ['context-large-paths']);
    assert.equal(result.env.context.ignoreFile?.text, 'node_modules\n# keep\n*.log\n!keep.log\n');
    const all = fixAll('FROM node:22-slim\nCOPY . /app\n', env, undefined, { includeUnpreferred: true });
    assert.deepEqual(all.applied.sort(), ['context-large-paths', 'context-secrets']);
    assert.equal(all.env.context.ignoreFile?.text, '.env\nnode_modules\n# keep\n*.log\n!keep.log\n');
    assert.equal(result.editFiles.length, 1);
    assert.equal(result.editFiles[0].relativePath, '../.dockerignore');
    assert.equal(result.createFiles.length, 0);
  });

  it('fixAll creates one ignore file where the facts say, holding what later fixes add', () => {
    const env: AnalysisEnvironment = { context: { hasDockerignore: false, topLevelNames: ['package.json'], newIgnoreFilePath: '../.dockerignore', scan } };
    const result = fixAll('FROM node:22-slim\nCOPY . /app\n', env);
    assert.deepEqual(result.createFiles.map((f) => f.relativePath), ['../.dockerignore']);
    assert.match(result.createFiles[0].content, /^node_modules$/m);
    // The likely secrets as comments, to remove once nothing in the image reads them at run time.
    assert.match(result.createFiles[0].content, /^# \.env$/m);
    assert.doesNotMatch(result.createFiles[0].content, /^\.env$/m);
    assert.deepEqual(fixAll('FROM node:22-slim\nCOPY . /app\n', result.env).applied, []);
  });
});

describe('context-large-paths and COPY --exclude', () => {
  it('reports on a COPY . only the heavy folders its --exclude patterns do not leave out', () => {
    const twoHeavy: ContextScanFacts = { ...scan, heavy: [...scan.heavy, { path: '.git', bytes: 30_000_000, files: 50, kind: 'vcs' }] };
    const env = { context: { scan: twoHeavy, hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: '*.log\n' } } };
    const large = (copy: string) => analyze(`FROM node:22-slim\n${copy}\n`, env).findings.filter((f) => f.ruleId === 'context-large-paths');
    assert.match(large('COPY . /app')[0].message, /node_modules 420 MB, \.git 30 MB/);
    const one = large('COPY --exclude=node_modules . /app');
    assert.equal(one.length, 1);
    assert.match(one[0].message, /does not exclude: \.git 30 MB\. Adding them saves about 30 MB\.$/);
    assert.equal(one[0].saving?.bytes, 30_000_000);
    assert.deepEqual(large('COPY --exclude=node_modules --exclude=.git . /app'), []);
  });
});

describe('dockerignore hover', () => {
  const stats = {
    complete: true,
    contextDir: '/w/app',
    includedFiles: 10,
    includedBytes: 2000,
    excludedByLine: [{ line: 1, files: 3, bytes: 4_200_000 }],
    reincludedByLine: [{ line: 2, files: 1, bytes: 12 }],
  };
  const text = '# deps\nnode_modules\n!node_modules/keep.js\n*.tmp\n';

  it('says what a line keeps out or brings back, and nothing on comments', () => {
    assert.match(dockerignoreHover(text, 1, stats)!.markdown, /keeps 3 files \(4\.2 MB\) out of the build context right now/);
    assert.match(dockerignoreHover(text, 2, stats)!.markdown, /re-includes 1 file \(12 B\)/);
    assert.match(dockerignoreHover(text, 3, stats)!.markdown, /excludes nothing/);
    assert.equal(dockerignoreHover(text, 0, stats), undefined);
    assert.match(dockerignoreHover(text, 1, { ...stats, complete: false })!.markdown, /keeps at least 3 files[\s\S]*lower bounds/);
    assert.match(dockerignoreHover(text, 1, undefined, { scanning: true })!.markdown, /measuring the build context/);
  });

  it('gives the figures of a file no build reads as what it would do (dockerignore-not-read)', () => {
    const notReadBy = [{ dockerfile: 'Dockerfile', context: '..', how: 'inferred' }];
    const said = (line: number, s = stats) => dockerignoreHover(text, line, s, { notReadBy })!.markdown;
    assert.equal(said(1), '**`node_modules`**: no build reads this file (`Dockerfile` is built with the context `..`), so it changes no build context now. As the ignore file of `/w/app` it would keep 3 files (4.2 MB) out.');
    assert.match(said(2), /it would re-include 1 file \(12 B\)\.$/);
    assert.match(said(3), /it would exclude nothing\.$/);
    assert.match(said(1, { ...stats, complete: false }), /would keep at least 3 files \(4\.2 MB\) out\.\n\nThe scan stopped at its limits/);
    assert.doesNotMatch(said(1), /right now|builder receives/);
  });
});
