/**
 * `.git` and a RUN that runs git on a `COPY .` (`git rev-parse HEAD`, `git describe --tags` for a
 * version stamp): the context rules suggested ignoring `.git`, and the preferred fix of
 * context-large-paths, or the file context-without-dockerignore creates, made that RUN fail
 * ("not a git repository").
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import type { BuildContextFacts, ContextScanFacts } from '../../../server/src/core/environment';
import { suggestedDockerignore } from '../../../server/src/rules/context-without-dockerignore';

const MB = 3_000_000;
const scan: ContextScanFacts = {
  complete: true,
  files: 3,
  bytes: 2 * MB + 100,
  topLevel: [
    { path: '.git', bytes: MB, files: 1 },
    { path: 'node_modules', bytes: MB, files: 1 },
  ],
  heavy: [
    { path: '.git', bytes: MB, files: 1, kind: 'vcs' },
    { path: 'node_modules', bytes: MB, files: 1, kind: 'dependencies' },
  ],
  secrets: [],
};
const withIgnore: BuildContextFacts = { hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: 'dist\n' }, scan };
const largePaths = (dockerfile: string) => analyze(dockerfile, { context: withIgnore }).findings.filter((f) => f.ruleId === 'context-large-paths').map((f) => f.message);

describe('.git when the image runs git on a COPY .', () => {
  it('is not suggested for the ignore file', () => {
    for (const use of ['RUN git rev-parse HEAD > /version.txt', 'RUN go build -ldflags "-X main.v=$(git describe --tags)" -o /app .', 'RUN git config --global --add safe.directory /src && git describe']) {
      const [message] = largePaths(`FROM golang:1.22\nWORKDIR /src\nCOPY . .\n${use}\n`);
      assert.match(message, /does not exclude: node_modules 3\.0 MB\. Adding them saves about 3\.0 MB\./, use);
    }
    // In a stage built on the one that copied.
    assert.match(largePaths('FROM golang:1.22 AS src\nWORKDIR /src\nCOPY . .\nFROM src\nRUN git describe\n')[0], /does not exclude: node_modules 3\.0 MB\./);
    const created = suggestedDockerignore({ hasDockerignore: false, topLevelNames: ['.git', 'node_modules', 'package.json'], scan }, buildModel('FROM node:22-slim\nCOPY . /app\nRUN cd /app && git rev-parse HEAD\n'));
    assert.doesNotMatch(created, /^\.git$/m);
    assert.match(created, /^node_modules$/m);
  });

  it('is still suggested for a git clone, a git before the copy, or a git in another image', () => {
    for (const dockerfile of [
      'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN git clone https://example.com/x.git /x\n',
      'FROM golang:1.22\nRUN git config --global user.name x\nCOPY . /src\n',
      'FROM golang:1.22 AS a\nCOPY . /src\nFROM golang:1.22\nRUN git describe\n',
    ]) {
      assert.match(largePaths(dockerfile)[0], /\.git 3\.0 MB, node_modules 3\.0 MB|node_modules 3\.0 MB, \.git 3\.0 MB/, dockerfile);
    }
    const created = suggestedDockerignore({ hasDockerignore: false, topLevelNames: ['.git', 'package.json'], scan }, buildModel('FROM node:22-slim\nCOPY . /app\n'));
    assert.match(created, /^\.git$/m);
  });
});
