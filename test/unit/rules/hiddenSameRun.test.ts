/**
 * Commands of a `-c` script the reader cannot place (`RunScript.hidden`) that run in the same RUN
 * as the command a fix moves or changes, before or after it: the fix must not break them.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function fixes(text: string, rule: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === rule).map((f) => fixFor(analysis, f, ENV)?.title);
}

describe('fixes and hidden commands of the same RUN', () => {
  it('no COPY --chown nor move above what a hidden script runs before the command (a useradd, an install)', () => {
    for (const script of ["sh -c 'useradd app' _ x", 'sh -c "useradd app && echo \\$HOME"']) {
      assert.deepEqual(fixes(`FROM debian:bookworm-slim\nCOPY app.bin /opt/app.bin\nRUN ${script} && chown app /opt/app.bin\n`, 'files-changed-in-later-layer'), [undefined], script);
      const written = `FROM debian:bookworm-slim\nRUN curl -fsSL -o /data/x.bin https://example.com/x.bin\nRUN ${script} && chown app /data/x.bin\n`;
      assert.ok(!fixes(written, 'files-changed-in-later-layer')[0]?.startsWith('Move'), script);
    }
    // Nor the rm of the lists above a hidden install that still reads them.
    const lists = "FROM debian:bookworm-slim\nRUN apt-get update\nCOPY app.bin /opt/app.bin\nRUN sh -c 'apt-get install -y git' _ x && rm -rf /var/lib/apt/lists/*\n";
    assert.deepEqual(fixes(lists, 'files-changed-in-later-layer'), [undefined]);
  });

  it('no --omit=dev / --no-dev when a hidden script of the same RUN needs the dev packages', () => {
    assert.deepEqual(fixes("FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci && sh -c 'npm run build' _ x\n", 'npm-dev-dependencies'), [undefined]);
    assert.deepEqual(fixes('FROM php:8.3-cli\nWORKDIR /app\nCOPY . .\nRUN composer install && sh -c "vendor/bin/phpunit && echo \\$HOME"\n', 'composer-dev-dependencies'), [undefined]);
  });

  it('archive-kept keeps its finding when only an exec-form RUN deletes the archive later (files-changed-in-later-layer reads none)', () => {
    for (const rm of ['["rm", "-f", "/tmp/a.tgz"]', '["sh", "-c", "rm -f /tmp/a.tgz"]']) {
      const analysis = analyze(`FROM debian:bookworm-slim\nRUN curl -fsSL -o /tmp/a.tgz https://e.com/a.tgz && tar -xzf /tmp/a.tgz -C /opt\nRUN ${rm}\n`, ENV);
      assert.deepEqual(analysis.findings.filter((f) => /archive-kept|files-changed/.test(f.ruleId)).map((f) => [f.ruleId, /deleted only at line 3/.test(f.message)]), [['archive-kept', true]], rm);
    }
  });

  it('keeps the index a later RUN needs before it refreshes its own, hidden or not', () => {
    for (const run of ["sh -c 'apk add git' _ x; apk update", 'apk add git; sh -c "apk update && echo \\$HOME"', 'apk add git; apk update']) {
      // The first RUN's (the later one refreshes too, and may clean up after itself).
      assert.equal(fixes(`FROM alpine:3.21\nRUN apk update && apk add --no-cache curl\nRUN ${run}\n`, 'apk-update-cache-kept')[0], undefined, run);
      const apt = run.replace(/apk add git/, 'apt-get install -y git').replace(/apk update/, 'apt-get update');
      assert.equal(fixes(`FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN ${apt}\n`, 'apt-lists-kept')[0], undefined, apt);
    }
  });

  it('sees what a hidden script later in the RUN removes (no finding where nothing stays)', () => {
    const count = (text: string, rule: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;
    assert.equal(count('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && sh -c "make && apt-get purge -y gcc && echo \\$HOME"\n', 'build-tools-in-final-image'), 0);
    assert.equal(count("FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci && sh -c 'npm prune --omit=dev' _ x\n", 'npm-dev-dependencies'), 0);
    // A directory a hidden script made first; a copied archive a hidden script extracts (copied-archive-extracted's).
    assert.equal(count("FROM debian:bookworm-slim\nCOPY app /app\nRUN sh -c 'mkdir -p /app/cache' _ x && chmod 777 /app/cache\n", 'files-changed-in-later-layer'), 0);
    assert.equal(count("FROM debian:bookworm-slim\nCOPY app.tar.gz /tmp/\nRUN sh -c 'tar -xzf /tmp/app.tar.gz -C /opt' _ x && rm /tmp/app.tar.gz\n", 'files-changed-in-later-layer'), 0);
    assert.equal(count("FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app . && sh -c 'go clean -cache -modcache' _ x\nCMD [\"app\"]\n", 'go-build-cache-kept'), 0);
  });

  it('no rm appended after an extraction or install that runs in the background, hidden or not', () => {
    for (const tar of ["sh -c 'tar -xzf /tmp/a.tgz -C /opt'", 'tar -xzf /tmp/a.tgz -C /opt']) {
      const text = `FROM debian:bookworm-slim\nRUN curl -fsSL -o /tmp/a.tgz https://e.com/a.tgz && ${tar} & sleep 1\n`;
      assert.deepEqual(fixes(text, 'archive-kept'), [undefined], tar);
    }
    // No cleanup appended there either: the lists would go while the install may still read them.
    assert.deepEqual(fixes("FROM debian:bookworm-slim\nRUN apt-get update && sh -c 'apt-get install -y git' & sleep 1\n", 'apt-lists-kept'), [undefined]);
  });
});
