/**
 * archive-kept on archives named with variables: `curl -fsSLO .../helm-v${HELM_VERSION}-linux-amd64.tar.gz
 * && tar -xzf helm-v${HELM_VERSION}-linux-amd64.tar.gz` (the usual way a Dockerfile pins a tool's
 * version) was not reported, as every path with a `$` was unknown. One RUN's two mentions name one
 * file while the RUN sets none of the variables, written `$V` or `${V}`; the fix deletes it by that
 * name, in double quotes so that the shell expands it as it did for the download (the real-engine
 * case in test/integration/engine/fixes.test.ts builds it).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import { symbolicPath } from '../../../server/src/core/workdir';
import { ruleFixes } from '../../support/ruleFixes';

const ENV = { context: {} };
const FROM = 'FROM debian:bookworm-slim\nARG V=3.16.2\n';
const GET = 'curl -fsSLO https://get.helm.sh/helm-v$V-linux-amd64.tar.gz && tar -xzf helm-v${V}-linux-amd64.tar.gz';
const found = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'archive-kept');

describe('archive-kept: archives named with variables', () => {
  it('reports the archive, by its name with the variable, and deletes it by that name', () => {
    const text = `${FROM}RUN ${GET}\n`;
    assert.match(found(text)[0]?.message ?? '', /^\/helm-v\$\{V\}-linux-amd64\.tar\.gz \(curl -O\) is extracted in the same RUN but never deleted/);
    assert.deepEqual(ruleFixes(text, 'archive-kept'), [`${FROM}RUN ${GET} && rm -f "/helm-v\${V}-linux-amd64.tar.gz"\n`]);
    // Fixed once: nothing left, and a second pass changes nothing.
    const fixed = fixAll(text, ENV).text;
    assert.deepEqual(found(fixed), []);
    assert.equal(fixAll(fixed, ENV).text, fixed);
  });

  it('says nothing when the RUN deletes it, in either spelling of the variable, or its folder', () => {
    assert.deepEqual(found(`${FROM}RUN ${GET} && rm helm-v"$V"-linux-amd64.tar.gz\n`), []);
    assert.deepEqual(found(`${FROM}RUN ${GET} && rm -f ./helm-v\${V}-linux-amd64.tar.gz\n`), []);
    assert.deepEqual(found(`${FROM}WORKDIR /tmp/d\nRUN ${GET} && rm -rf /tmp/d\n`), []);
  });

  it('says nothing when the RUN may give a variable another value between the two names', () => {
    assert.deepEqual(found(`${FROM}RUN curl -fsSLO https://x.example/t-$V.tgz && V=2 && tar -xzf t-$V.tgz\n`), []);
    assert.deepEqual(found(`${FROM}RUN for V in 1 2; do curl -fsSLO https://x.example/t-$V.tgz && tar -xzf t-$V.tgz; done\n`), []);
    // Another variable, or none, of the same name part: not the same file.
    assert.deepEqual(found(`${FROM}RUN curl -fsSLO https://x.example/t-$V.tgz && tar -xzf t-$W.tgz\n`), []);
  });

  it('reports an extraction in a later RUN only for names without variables (an ENV between could change them)', () => {
    assert.deepEqual(found(`${FROM}RUN curl -fsSLO https://x.example/t-$V.tgz\nRUN tar -xzf t-$V.tgz\n`), []);
    assert.equal(found(`${FROM}RUN curl -fsSLO https://x.example/t-1.tgz\nRUN tar -xzf t-1.tgz\n`).length, 1);
  });

  it('offers no fix when a later instruction reads the archive, by either spelling', () => {
    assert.deepEqual(ruleFixes(`${FROM}RUN ${GET}\nRUN tar -tzf helm-v$V-linux-amd64.tar.gz\n`, 'archive-kept'), [undefined]);
  });

  it('symbolicPath keeps `$V` and `${V}` alike and refuses other expansions', () => {
    assert.equal(symbolicPath('a-$V/../b-${V}.tgz', '/tmp'), '/tmp/b-${V}.tgz');
    assert.equal(symbolicPath('/x/plain.tgz', '/'), '/x/plain.tgz');
    for (const p of ['${V:-1}.tgz', '$(date).tgz', '`date`.tgz', '$1.tgz', '~/a.tgz']) assert.equal(symbolicPath(p, '/'), undefined, p);
  });
});
