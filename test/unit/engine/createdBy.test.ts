/** CreatedBy texts as the classic builder, BuildKit and `docker import` write them (seen on dockerd 20.10). */
import * as assert from 'node:assert/strict';
import { parseCreatedBy } from '../../../server/src/sources/engine';
import { createdKey } from '../../../server/src/lsp/engineFeatures';

describe('engine: parseCreatedBy', () => {
  const cases: [string, { keyword?: string; text: string; builder: string; buildArgs?: string[]; sourceKind?: string }][] = [
    ['/bin/sh -c #(nop)  ENV APP=/opt/app', { keyword: 'ENV', text: 'APP=/opt/app', builder: 'classic' }],
    ['/bin/sh -c #(nop)  CMD ["true"]', { keyword: 'CMD', text: '["true"]', builder: 'classic' }],
    ['/bin/sh -c #(nop) WORKDIR /opt/app', { keyword: 'WORKDIR', text: '/opt/app', builder: 'classic' }],
    ['/bin/sh -c #(nop) COPY file:3a1b2c in /app/x ', { keyword: 'COPY', text: 'file:3a1b2c in /app/x', builder: 'classic', sourceKind: 'file' }],
    ['/bin/sh -c #(nop) ADD dir:ff00 in / ', { keyword: 'ADD', text: 'dir:ff00 in /', builder: 'classic', sourceKind: 'dir' }],
    ['/bin/sh -c #(nop) COPY multi:27a0 in /opt/app/ ', { keyword: 'COPY', text: 'multi:27a0 in /opt/app/', builder: 'classic', sourceKind: 'multi' }],
    ['/bin/sh -c chmod 600 /x', { keyword: 'RUN', text: 'chmod 600 /x', builder: 'classic' }],
    ['|2 A=1 B=two /bin/sh -c echo $A $B', { keyword: 'RUN', text: 'echo $A $B', builder: 'classic', buildArgs: ['A=1', 'B=two'] }],
    ['/bin/bash -o pipefail -c curl -fsS x | sh', { keyword: 'RUN', text: 'curl -fsS x | sh', builder: 'classic' }],
    ['RUN /bin/sh -c apt-get update # buildkit', { keyword: 'RUN', text: 'apt-get update', builder: 'buildkit' }],
    ['RUN |1 MODE=600 /bin/sh -c chmod $MODE /p # buildkit', { keyword: 'RUN', text: 'chmod $MODE /p', builder: 'buildkit', buildArgs: ['MODE=600'] }],
    ['COPY payload.bin junk.bin /opt/app/ # buildkit', { keyword: 'COPY', text: 'payload.bin junk.bin /opt/app/', builder: 'buildkit' }],
    ['ENV APP=/opt/app', { keyword: 'ENV', text: 'APP=/opt/app', builder: 'buildkit' }],
    ['ARG MODE=600', { keyword: 'ARG', text: 'MODE=600', builder: 'buildkit' }],
    ['', { text: '', builder: 'unknown' }],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => {
      const got = parseCreatedBy(input);
      assert.equal(got.keyword, want.keyword);
      assert.equal(got.text, want.text);
      assert.equal(got.builder, want.builder);
      assert.deepEqual(got.buildArgs, want.buildArgs ?? []);
      assert.equal(got.sourceKind, want.sourceKind);
    });
  }

  it('reads an exec-form RUN of the classic builder (joined argv) as RUN', () => {
    assert.deepEqual({ ...parseCreatedBy('echo hello') }, { keyword: 'RUN', text: 'echo hello', buildArgs: [], builder: 'classic' });
  });
});

describe('createdKey', () => {
  it('orders RFC 3339 times within the same second by their fraction', () => {
    const a = createdKey('2026-11-24T11:59:02.5Z');
    const b = createdKey('2026-11-24T11:59:02.123456789Z');
    const c = createdKey('2026-11-24T11:59:03Z');
    assert.ok(b < a && a < c, `${b} ${a} ${c}`);
  });
});
