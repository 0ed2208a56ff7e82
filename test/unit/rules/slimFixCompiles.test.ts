/**
 * base-image-not-slim marks its `-slim` fix as needing a review when the stage installs packages
 * that may compile native code. `python -m pip install` (pip by another spelling) and
 * `cargo build` did not count: on `python:3.12` with psycopg2 in requirements.txt, and on
 * `rust:1.82` building a crate that links OpenSSL, `--fix` switched to `-slim`, which has no gcc
 * (python) or no pkg-config and libssl-dev (rust), so the build broke.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function slimFix(text: string) {
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === 'base-image-not-slim');
  assert.ok(finding, 'base-image-not-slim reports the full image');
  return fixFor(analysis, finding, ENV);
}

describe('base-image-not-slim: installers that may compile keep the -slim fix unpreferred', () => {
  const compiling = [
    'FROM python:3.12\nCOPY requirements.txt .\nRUN python -m pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n',
    'FROM python:3.12\nCOPY requirements.txt .\nRUN python3.12 -m pip install --no-cache-dir -r requirements.txt\n',
    'FROM python:3.12\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root --no-cache\n',
    'FROM rust:1.82\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/app"]\n',
    'FROM rust:1.82\nRUN cargo install ripgrep\n',
    'FROM perl:5.40\nRUN cpanm --notest DBD::Pg\n',
  ];
  for (const text of compiling) {
    it(text.split('\n').find((l) => l.startsWith('RUN'))!, () => {
      const fix = slimFix(text);
      assert.ok(fix, 'the fix is still offered');
      assert.equal(fix.preferred, false);
      assert.match(fix.title, /check that/);
    });
  }

  it('a stage that only copies and runs stays preferred', () => {
    const fix = slimFix('FROM python:3.12\nCOPY app.py .\nCMD ["python", "app.py"]\n');
    assert.equal(fix?.preferred, true);
  });

  it('python -m http.server is no installer', () => {
    const fix = slimFix('FROM python:3.12\nCOPY site/ /srv/\nCMD ["python", "-m", "http.server"]\nRUN python -m compileall /srv\n');
    assert.equal(fix?.preferred, true);
  });
});

describe('base-image-not-slim: not on openjdk', () => {
  // openjdk:17 is Oracle Linux, without a compiler, and its -slim is Debian, without microdnf: the
  // message said 'compilers and build libraries', and --fix wrote openjdk:17-slim, which failed the RUN.
  for (const text of ['FROM openjdk:17\nRUN microdnf install -y findutils && microdnf clean all\nCMD ["jshell"]\n', 'FROM openjdk:11\nCOPY app.jar /app.jar\n']) {
    it(text.split('\n').slice(0, 2).join(' / '), () => assert.equal(analyze(text, ENV).findings.filter((f) => f.ruleId === 'base-image-not-slim').length, 0));
  }
});
