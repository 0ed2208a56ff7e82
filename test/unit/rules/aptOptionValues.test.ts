/**
 * apt options that take a value (`-o Dpkg::Options::=--force-confold`, `-t bookworm-backports`,
 * `-c file`) before or after the subcommand: the value is neither the subcommand nor a package.
 * `apt-get -o X install -y gcc` was read as no install at all, so the image estimate counted the
 * layer as 0 B and apt-recommends and build-tools-in-final-image said nothing; `apt-get -o X
 * update` kept its 20 MB of lists unreported.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
import { APT_LISTS } from '../../../server/src/sizes';

const ENV = { context: {} };
const rules = (text: string) => analyze(text, ENV).findings.map((f) => f.ruleId);
const layer = (run: string) => estimateImage(buildModel(`FROM debian:bookworm-slim\n${run}\n`), ENV)!.layers[0];

describe('apt option values', () => {
  it('finds the install behind -o and sizes it like the plain one', () => {
    const plain = layer('RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*');
    const withOption = layer('RUN apt-get update && apt-get -o Dpkg::Options::=--force-confold install -y gcc && rm -rf /var/lib/apt/lists/*');
    assert.ok(plain.bytes! > 100_000_000);
    assert.equal(withOption.bytes, plain.bytes);
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get -o Dpkg::Options::="--force-confold" install -y gcc && rm -rf /var/lib/apt/lists/*\n';
    assert.deepEqual(rules(text), ['apt-recommends', 'build-tools-in-final-image']);
    const analysis = analyze(text, ENV);
    const fix = fixFor(analysis, analysis.findings.find((f) => f.ruleId === 'apt-recommends')!, ENV)!;
    // gcc keeps libc6-dev, its recommended C library headers.
    assert.equal(applyEdits(text, fix.edits), text.replace('install -y gcc', 'install --no-install-recommends -y gcc libc6-dev'));
  });

  it('reads an update behind -o, and the packages after -t', () => {
    assert.deepEqual(rules('FROM debian:bookworm-slim\nRUN apt-get -o Acquire::Retries=3 update && apt-get install -y --no-install-recommends curl\n'), ['apt-lists-kept']);
    const curl = layer('RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*');
    const backports = layer('RUN apt-get update && apt-get install -y --no-install-recommends -t bookworm-backports curl && rm -rf /var/lib/apt/lists/*');
    assert.ok(curl.bytes! > 0);
    assert.equal(backports.bytes, curl.bytes);
    assert.equal(layer('RUN apt-get -o Acquire::Retries=3 update').bytes, APT_LISTS.bytes);
  });
});
