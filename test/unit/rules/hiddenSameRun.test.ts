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
  it('no COPY --chown nor move above a useradd that a hidden script runs before the chown', () => {
    for (const script of ["sh -c 'useradd app' _ x", 'sh -c "useradd app && echo \\$HOME"']) {
      assert.deepEqual(fixes(`FROM debian:bookworm-slim\nCOPY app.bin /opt/app.bin\nRUN ${script} && chown app /opt/app.bin\n`, 'files-changed-in-later-layer'), [undefined], script);
      const written = `FROM debian:bookworm-slim\nRUN curl -fsSL -o /data/x.bin https://example.com/x.bin\nRUN ${script} && chown app /data/x.bin\n`;
      assert.ok(!fixes(written, 'files-changed-in-later-layer')[0]?.startsWith('Move'), script);
    }
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

  it('no rm appended after an extraction or install that runs in the background, hidden or not', () => {
    for (const tar of ["sh -c 'tar -xzf /tmp/a.tgz -C /opt'", 'tar -xzf /tmp/a.tgz -C /opt']) {
      const text = `FROM debian:bookworm-slim\nRUN curl -fsSL -o /tmp/a.tgz https://e.com/a.tgz && ${tar} & sleep 1\n`;
      assert.deepEqual(fixes(text, 'archive-kept'), [undefined], tar);
    }
    // No cleanup appended there either: the lists would go while the install may still read them.
    assert.deepEqual(fixes("FROM debian:bookworm-slim\nRUN apt-get update && sh -c 'apt-get install -y git' & sleep 1\n", 'apt-lists-kept'), [undefined]);
  });
});
