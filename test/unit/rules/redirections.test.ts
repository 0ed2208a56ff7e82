/**
 * Shell redirections (`>/dev/null`, `2>&1`, `> log`, `<<<y`, also before the program) are no
 * operands: the rules read a command with them as they read it without, the size estimates count
 * the same packages, fixes that take a command out take its redirections along (and refuse when
 * one writes a file), and questions about what a command names still see a path in one. Before,
 * `apt-get install -y curl >/dev/null 2>&1` passed `>/dev/null` and `2>&1` to the apt estimate as
 * package names, so the layer was not sized.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
import { ruleFixes } from '../../support/ruleFixes';

const ENV = { context: {} };

/** Redirections after a command, each of a form the shell reader keeps apart. */
const AFTER = ['>/dev/null 2>&1', '> /dev/null', '2>/dev/null', '&>log', '>>log', '<file', '2> err.txt', '<<<y', '>&2', '2>&1 >|"out file"'];

/** The findings as `rule: message` lines. */
function findings(text: string): string[] {
  return analyze(text, ENV).findings.map((f) => `${f.ruleId}: ${f.message}`);
}

function shAccepts(text: string): void {
  for (const i of buildModel(text).instructions) {
    if (!i.run || i.run.form === 'exec') continue;
    const sh = spawnSync('sh', ['-n'], { input: i.run.text, encoding: 'utf8' });
    assert.equal(sh.status, 0, `sh -n rejects ${i.run.text}: ${sh.stderr}`);
  }
}

describe('redirections are no operands', () => {
  it('the apt estimate and apt-recommends count the same packages with a redirection after the install or before it', () => {
    const file = (install: string) => `FROM debian:bookworm\nRUN apt-get update && ${install} && rm -rf /var/lib/apt/lists/*\n`;
    const plain = file('apt-get install -y curl');
    const sized = estimateImage(buildModel(plain), ENV)!;
    assert.equal(sized.unsizedLayers, 0);
    const recommends = findings(plain);
    assert.match(recommends.join('\n'), /^apt-recommends: apt will also install \d+ recommended packages: about/);
    for (const text of [...AFTER.map((r) => file(`apt-get install -y curl ${r}`)), file('>log apt-get install -y curl'), file('2>/dev/null apt-get install -y curl >&2')]) {
      const e = estimateImage(buildModel(text), ENV)!;
      assert.deepEqual([e.knownBytes, e.unsizedLayers], [sized.knownBytes, 0], text);
      assert.deepEqual(findings(text), recommends, text);
    }
  });

  it('npm-cache-kept sizes the cache of the packages named, not of the redirections', () => {
    const plain = findings('FROM node:20-slim\nRUN npm install -g yarn\n');
    assert.match(plain.join('\n'), /^npm-cache-kept: .*about [\d.]+ MB for these packages/);
    for (const r of AFTER) assert.deepEqual(findings(`FROM node:20-slim\nRUN npm install -g yarn ${r}\n`), plain, r);
  });

  it('a command after a redirection is found: the program is the word after it', () => {
    assert.deepEqual(findings('FROM alpine:3.20\nRUN >/dev/null apk add curl\n').map((f) => f.split(':')[0]), ['apk-cache-kept']);
    assert.deepEqual(findings('FROM python:3.12-slim\nRUN 2>&1 pip install flask | tee log\n').map((f) => f.split(':')[0]), ['pip-cache-kept']);
  });
});

describe('fixes keep redirections with their command', () => {
  it('a cleanup appended to a RUN goes after the last command\'s redirections', () => {
    const [after] = ruleFixes('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl 2> err.txt\n', 'apt-lists-kept');
    assert.equal(after, 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl 2> err.txt && rm -rf /var/lib/apt/lists/*\n');
    shAccepts(after!);
  });

  it('a command moved or taken out goes with its redirections, before or after it', () => {
    const curl = 'FROM debian:bookworm\nRUN curl -fsSLo /usr/local/bin/tool https://example.org/tool\n';
    const moved = ruleFixes(`${curl}RUN chmod 755 /usr/local/bin/tool >/dev/null && echo ok\n`, 'files-changed-in-later-layer');
    assert.deepEqual(moved, ['FROM debian:bookworm\nRUN curl -fsSLo /usr/local/bin/tool https://example.org/tool && chmod 755 /usr/local/bin/tool >/dev/null\nRUN echo ok\n']);
    const copy = 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\n';
    const flagged = ruleFixes(`${copy}RUN 2>/dev/null chmod 755 /usr/local/bin/entrypoint.sh 2>&1 && echo ok\n`, 'files-changed-in-later-layer');
    assert.deepEqual(flagged, ['FROM debian:bookworm-slim\nCOPY --chmod=755 entrypoint.sh /usr/local/bin/entrypoint.sh\nRUN echo ok\n']);
    for (const text of [...moved, ...flagged]) shAccepts(text!);
  });

  it('a command whose redirection opens a file stays (the file would no longer be written, a missing one no longer fail)', () => {
    const copy = 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\n';
    for (const r of ['> /tmp/chmod.log', '2>>/tmp/log', '</etc/missing', '>&/tmp/log']) {
      assert.deepEqual(ruleFixes(`${copy}RUN chmod 755 /usr/local/bin/entrypoint.sh ${r} && echo ok\n`, 'files-changed-in-later-layer'), [undefined], r);
    }
  });
});

describe('a path named in a redirection is still named by the command', () => {
  it('gem-documentation: a gemrc written by a redirection turns documentation off', () => {
    const docs = (text: string) => findings(text).filter((f) => f.startsWith('gem-documentation:'));
    assert.equal(docs('FROM debian:bookworm\nRUN gem install rails\n').length, 1);
    assert.deepEqual(docs('FROM debian:bookworm\nRUN echo "gem: --no-document" > /etc/gemrc\nRUN gem install rails\n'), []);
  });

  it('files-changed-in-later-layer moves no chmod above a command that writes the file in a redirection', () => {
    const text = 'FROM debian:bookworm\nRUN curl -fsSLo /usr/local/bin/tool https://example.org/tool\nRUN echo x >/usr/local/bin/tool\nRUN chmod 755 /usr/local/bin/tool\n';
    assert.deepEqual(ruleFixes(text, 'files-changed-in-later-layer'), [undefined]);
    const entry = 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\nRUN echo x > /usr/local/bin/entrypoint.sh && chmod 755 /usr/local/bin/entrypoint.sh\n';
    assert.deepEqual(ruleFixes(entry, 'files-changed-in-later-layer'), [undefined]);
  });
});
