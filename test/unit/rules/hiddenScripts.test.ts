/**
 * Rules that look at other RUNs see the commands of a `-c` script the reader cannot place in the
 * file (a backslash in double quotes, an escaped JSON string, arguments after the script):
 * `RunScript.hidden`. (After `!` or with `&`, or among other commands, they are read in place:
 * innerScript.test.ts.) Before, such a RUN was one command, `sh`, to them: a later
 * `apk add` in it went unseen and the fix that drops `apk update` broke it. What they see there
 * may only refuse a fix or change a finding elsewhere; nothing is placed or edited at it.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { instructionAt } from '../../../server/src/core/model';

const ENV = { context: {} };

/** The later RUN in the shapes the reader reads as one command (`%` stands for the script). */
const SHAPES = ['RUN sh -c "% && echo \\$HOME"', 'RUN ["sh", "-c", "% \\"$X\\""]', "RUN sh -c '%' _ x"];

function findings(text: string, rule: string) {
  const analysis = analyze(text, ENV);
  const place = (f: (typeof analysis.findings)[number]) => (JSON.stringify(f.range) === JSON.stringify(instructionAt(analysis.model, f.range.start.line)?.range) ? 'whole RUN' : 'part');
  return analysis.findings.filter((f) => f.ruleId === rule).map((f) => ({ line: f.range.start.line, range: place(f), message: f.message, fix: fixFor(analysis, f, ENV) }));
}

describe('rules see the commands of -c scripts that cannot be placed (hidden)', () => {
  // Each: the file (with the later RUN as `{}`), its rule, the script, and what must hold.
  const cases: { rule: string; file: string; script: string; check: (found: ReturnType<typeof findings>, text: string) => void }[] = [
    {
      rule: 'apk-update-cache-kept',
      file: 'FROM alpine:3.21\nRUN apk update && apk add --no-cache curl\n{}\n',
      script: 'apk add git',
      check: (found) => assert.equal(found[0].fix, undefined, 'dropping the index breaks the later apk add'),
    },
    {
      rule: 'apt-lists-kept',
      file: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n{}\n',
      script: 'apt-get install -y --no-install-recommends git',
      check: (found) => assert.equal(found[0].fix, undefined, 'removing the lists breaks the later apt-get install'),
    },
    {
      rule: 'apt-clean-keeps-lists',
      file: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean\n{}\n',
      script: 'apt-get install -y --no-install-recommends git',
      check: (found) => assert.equal(found[0].fix, undefined, 'removing the lists breaks the later apt-get install'),
    },
    {
      rule: 'base-image-not-slim',
      file: 'FROM python:3.12\n{}\nCMD ["python"]\n',
      script: 'git clone https://example.com/x.git /src',
      check: (found) => assert.equal(found[0].fix, undefined, 'the -slim image has no git'),
    },
    {
      rule: 'npm-dev-dependencies',
      file: 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n{}\nCMD ["node", "dist/index.js"]\n',
      script: 'npm run build',
      check: (found) => assert.equal(found[0].fix, undefined, 'the build needs the devDependencies'),
    },
    {
      rule: 'gradle-cache-kept',
      file: 'FROM gradle:8-jdk21\nWORKDIR /app\nCOPY . .\nRUN gradle build --no-daemon\n{}\nCMD ["java", "-jar", "build/libs/app.jar"]\n',
      script: 'gradle test',
      check: (found) => assert.equal(found[0].fix, undefined, 'a later RUN runs Gradle'),
    },
    {
      rule: 'maven-cache-kept',
      file: 'FROM maven:3-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn package\n{}\nCMD ["java", "-jar", "target/app.jar"]\n',
      script: 'mvn verify',
      check: (found) => assert.equal(found[0].fix, undefined, 'a later RUN runs Maven'),
    },
    {
      rule: 'go-build-cache-kept',
      file: 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\n{}\nCMD ["app"]\n',
      script: 'go test ./...',
      check: (found) => assert.equal(found[0].fix, undefined, 'a later RUN runs go'),
    },
    {
      rule: 'composer-dev-dependencies',
      file: 'FROM php:8.3-cli\nWORKDIR /app\nCOPY . .\nRUN composer install\n{}\nCMD ["php", "index.php"]\n',
      script: 'vendor/bin/phpunit',
      check: (found) => assert.equal(found[0].fix, undefined, 'the tests need require-dev'),
    },
    {
      rule: 'files-changed-in-later-layer',
      file: 'FROM debian:bookworm-slim\nRUN mkdir -p /data && curl -fsSL -o /data/x.bin https://example.com/x.bin\n{}\nRUN chown app /data/x.bin\n',
      script: 'useradd app',
      check: (found) => assert.equal(found[0].fix, undefined, 'moved above the useradd, the chown fails'),
    },
    {
      rule: 'archive-kept',
      file: 'FROM debian:bookworm-slim\nRUN curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz && tar -xJf /tmp/node.tar.xz -C /usr/local\n{}\n',
      script: 'rm -f /tmp/node.tar.xz',
      // files-changed-in-later-layer, which reports a later rm, reads no hidden command: the finding
      // stays here; its fix is refused (a later RUN names the archive: an rm without -f would fail).
      // It says where the archive is deleted, not that it never is.
      check: (found) => {
        assert.deepEqual(found.map((f) => [f.line, f.fix]), [[1, undefined]]);
        assert.match(found[0].message, /extracted in the same RUN but deleted only at line 3, in a later layer:/);
      },
    },
    {
      rule: 'archive-kept',
      file: 'FROM debian:bookworm-slim\n{}\n',
      script: 'curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz && tar -xJf /tmp/node.tar.xz -C /usr/local',
      // A hidden download is a write: found on the RUN (nothing is placed in the script), without a
      // fix. Exec-form RUNs write nothing the rules track, read inside or not.
      check: (found, text) => assert.deepEqual(found.map((f) => [f.line, f.range, f.fix]), text.includes('["sh"') ? [] : [[1, 'whole RUN', undefined]]),
    },
    {
      rule: 'files-changed-in-later-layer',
      file: 'FROM debian:bookworm-slim\n{}\nRUN echo done\nRUN rm -f /tmp/x.bin\n',
      script: 'curl -fsSL -o /tmp/x.bin https://example.com/x.bin',
      // The later rm deletes what the hidden curl wrote; moving the rm into that RUN is refused.
      check: (found, text) => assert.deepEqual(found.map((f) => [f.line, f.fix]), text.includes('["sh"') ? [] : [[3, undefined]]),
    },
    {
      rule: 'index-update-in-separate-run',
      file: 'FROM debian:bookworm-slim\nRUN apt-get update\n{}\n',
      script: 'apt-get install -y --no-install-recommends curl',
      check: (found, text) => {
        // Exec form is never reported; a hidden install on the RUN, merged as one read in place
        // would be (not after `!`, nor when the RUN is more than one list joined by `&&`).
        if (text.includes('["sh"')) return assert.deepEqual(found, []);
        assert.deepEqual(found.map((f) => [f.line, f.range]), [[2, 'whole RUN']]);
        const run = text.split('\n')[2];
        const merged = /&$|;|^RUN !/.test(run) ? undefined : `FROM debian:bookworm-slim\nRUN apt-get update && \\\n    ${run.slice(4)}\n`;
        assert.equal(found[0].fix && applyEdits(text, found[0].fix.edits), merged);
      },
    },
    {
      rule: 'copied-archive-extracted',
      file: 'FROM debian:bookworm-slim\nCOPY app.tar.gz /tmp/\n{}\n',
      script: 'tar -xzf /tmp/app.tar.gz -C /opt',
      check: (found) => {
        // Found, on the COPY; no fix, which would have to edit the RUN where nothing is placed.
        assert.deepEqual(found.map((f) => [f.line, f.fix]), [[1, undefined]]);
      },
    },
    {
      rule: 'apk-virtual-not-deleted',
      file: 'FROM alpine:3.21\nRUN apk add --no-cache --virtual .build-deps gcc\n{}\n',
      script: 'apk del .build-deps',
      check: (found) => assert.match(found[0].message, /The `apk del` on line 3 runs in a later layer/),
    },
  ];
  for (const c of cases) {
    for (const shape of SHAPES) {
      const run = shape.replace('%', c.script);
      it(`${c.rule}: ${run}`, () => {
        const text = c.file.replace('{}', run);
        c.check(findings(text, c.rule), text);
      });
    }
  }

  it('keeps the fix where nothing hidden needs what it removes', () => {
    const found = findings('FROM alpine:3.21\nRUN apk update && apk add --no-cache curl\nRUN sh -c "apk add --no-cache git && echo \\$HOME"\n', 'apk-update-cache-kept');
    assert.ok(found[0].fix, 'a hidden apk add --no-cache needs no stored index');
    // A RUN of `apk update` alone before a RUN that adds, hidden or not: merging the two is
    // index-update-in-separate-run's repair, and this rule then applies to the merged RUN.
    const alone = 'FROM alpine:3.21\nRUN apk update\nRUN sh -c "apk add --no-cache git && echo \\$HOME"\n';
    assert.equal(findings(alone, 'apk-update-cache-kept')[0].fix, undefined);
    assert.ok(findings(alone, 'index-update-in-separate-run')[0].fix);
  });

  it('drops no `apk update` that a -c script later in the same RUN needs', () => {
    // Before, `apk update && sh -c 'apk add git'` lost its update: the add then finds no index.
    for (const run of ["RUN apk update && sh -c 'apk add git'", 'RUN apk update && sh -c "apk add git && echo \\$HOME"']) {
      const text = `FROM alpine:3.21\n${run}\n`;
      const fix = findings(text, 'apk-update-cache-kept')[0].fix;
      assert.ok(fix && fix.edits.every((e) => e.newText.includes('rm -rf /var/cache/apk/*')), `${run}: ${fix?.title}`);
    }
  });

  it('reports an install after a RUN whose hidden script only refreshes the index', () => {
    const text = "FROM debian:bookworm-slim\nRUN sh -c 'apt-get update' _ x\nRUN apt-get install -y --no-install-recommends curl\n";
    const found = findings(text, 'index-update-in-separate-run');
    assert.deepEqual(found.map((f) => [f.line, f.range]), [[2, 'part']]);
    assert.equal(applyEdits(text, found[0].fix!.edits), "FROM debian:bookworm-slim\nRUN sh -c 'apt-get update' _ x && \\\n    apt-get install -y --no-install-recommends curl\n");
    // Not when the script does more than refresh (`echo` here), as with a RUN read in place.
    assert.deepEqual(findings(text.replace("'apt-get update' _ x", '"apt-get update && echo \\$HOME"'), 'index-update-in-separate-run'), []);
  });

  it('sizes what a hidden script installs, and counts the lists it removes as removed', () => {
    const labels = (text: string) => estimateImage(analyze(text, ENV).model, ENV)!.layers.at(-1)!.parts.map((p) => p.label.replace(/ .*/, ''));
    for (const shape of SHAPES) {
      const run = shape.replace('%', 'apt-get update && apt-get install -y --no-install-recommends curl');
      // Before, the layer was one part: `sh`, not sized.
      assert.deepEqual(labels(`FROM debian:bookworm-slim\n${run}\n`), ['apt-get', 'apt'], run);
      assert.deepEqual(labels(`FROM debian:bookworm-slim\n${run.replace('curl', 'curl && rm -rf /var/lib/apt/lists/*')}\n`), ['apt-get'], run);
    }
    // An update read in place, its lists removed by the hidden script: no lists left, nothing to report.
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && sh -c "apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* && echo \\$HOME"\n';
    assert.deepEqual(labels(text), ['apt-get']);
    assert.deepEqual(findings(text, 'apt-lists-kept'), []);
  });

  it('orders a download and a hidden extraction by the order they run, not by their offsets', () => {
    // The extraction's offsets are in its script's word: before, it did not count as after the curl.
    const text = "FROM debian:bookworm-slim\nRUN curl -fsSL -o /tmp/a.tar.gz https://example.com/a.tar.gz; sh -c 'tar -xzf /tmp/a.tar.gz -C /opt' _ x\n";
    const found = findings(text, 'archive-kept');
    assert.deepEqual(found.map((f) => [f.line, f.range]), [[1, 'part']]);
    assert.equal(applyEdits(text, found[0].fix!.edits), text.replace('_ x', '_ x && rm -f /tmp/a.tar.gz'));
  });
});
