/**
 * `-c` scripts inside `-c` scripts and in here-documents: what they run counts for the questions
 * about other RUNs (`ranCommands`), as for one `-c` script. Before, `RUN sh -c "bash -c '...'"`
 * and `RUN <<EOF ... sh -c "..." EOF` ran only a shell to them, and fixes removed what they need.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function fixes(text: string, rule: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === rule).map((f) => fixFor(analysis, f, ENV)?.title);
}

describe('-c scripts in -c scripts and in here-documents', () => {
  const later = [
    `RUN sh -c "bash -c 'apt-get install -y git'"`,
    `RUN sh -c "bash -c 'apt-get install -y git' && echo \\$HOME"`,
    `RUN ["sh", "-c", "bash -c 'apt-get install -y git'"]`,
    'RUN <<EOF\nsh -c "apt-get install -y git && echo \\$HOME"\nEOF',
    "RUN <<EOF\nsh -c 'apt-get install -y git'\nEOF",
  ];
  for (const run of later) {
    it(`keeps the lists a later RUN needs: ${run}`, () => {
      assert.deepEqual(fixes(`FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n${run}\n`, 'apt-lists-kept'), [undefined]);
    });
  }

  it('still removes them when the later script installs nothing', () => {
    const found = fixes(`FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN sh -c "bash -c 'echo hi'"\n`, 'apt-lists-kept');
    assert.equal(found.length, 1);
    assert.ok(found[0]);
  });
});
