/** History-to-instruction mapping on hand-written histories (oldest first). */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { isExactBuild, mapHistory } from '../../../server/src/sources/engine';
import { checkMetadataHistory } from '../../support/engine/metadata';

const BASE = [
  { createdBy: '/bin/sh -c #(nop) ADD file:abc in / ', size: 80_000_000 },
  { createdBy: '/bin/sh -c #(nop)  CMD ["bash"]', size: 0 },
];

const lines = (m: ReturnType<typeof mapHistory>) => m.layers.map((l) => [l.instr.range.start.line, l.size, l.sameText]);

describe('engine: mapHistory', () => {
  it('matches from the end and leaves the base entries above', () => {
    const model = buildModel('FROM debian\nENV A=1\nCOPY app /app\nRUN make \\\n  && rm -rf obj\nCMD ["/app/run"]\n');
    const m = mapHistory(model, [
      ...BASE,
      { createdBy: '/bin/sh -c #(nop)  ENV A=1', size: 0 },
      { createdBy: '/bin/sh -c #(nop) COPY dir:ff in /app ', size: 5000 },
      { createdBy: '/bin/sh -c make   && rm -rf obj', size: 1234 },
      { createdBy: '/bin/sh -c #(nop)  CMD ["/app/run"]', size: 0 },
    ]);
    assert.deepEqual(lines(m), [[1, 0, true], [2, 5000, true], [3, 1234, true], [5, 0, true]]);
    assert.equal(m.baseEntries, 2);
    assert.equal(m.baseBytes, 80_000_000);
    assert.equal(m.ownBytes, 6234);
    assert.ok(isExactBuild(m));
  });

  it('follows the stage chain of the final stage and skips other stages', () => {
    const model = buildModel('FROM golang AS build\nRUN go build\nFROM debian AS rt\nRUN apt-get update\nFROM rt\nCOPY --from=build /out /app\n');
    const m = mapHistory(model, [...BASE, { createdBy: 'RUN /bin/sh -c apt-get update # buildkit', size: 40 }, { createdBy: 'COPY /out /app # buildkit', size: 7 }]);
    assert.deepEqual(lines(m), [[3, 40, true], [5, 7, true]]);
    assert.ok(isExactBuild(m));
  });

  it('marks a changed RUN script and a changed COPY destination', () => {
    const model = buildModel('FROM debian\nCOPY a /srv/\nRUN chmod 644 /srv/a\n');
    const m = mapHistory(model, [...BASE, { createdBy: '/bin/sh -c #(nop) COPY file:1 in /opt/ ', size: 3 }, { createdBy: '/bin/sh -c chmod 600 /srv/a', size: 3 }]);
    assert.deepEqual(lines(m), [[1, 3, false], [2, 3, false]]);
    assert.equal(isExactBuild(m), false);
  });

  it('stops at the first keyword that disagrees and reports the instructions not found', () => {
    const model = buildModel('FROM debian\nUSER app\nRUN true\n');
    const m = mapHistory(model, [...BASE, { createdBy: '/bin/sh -c true', size: 0 }]);
    assert.deepEqual(lines(m), [[2, 0, true]]);
    assert.deepEqual(m.unmatched.map((i) => i.keyword), ['USER']);
    assert.equal(m.baseEntries, 2, 'the CMD above is the base image');
    assert.equal(isExactBuild(m), false);
  });

  it('compares the words of an exec-form RUN with the classic builder\'s joined argv', () => {
    const model = buildModel('FROM debian\nRUN ["echo", "hello world"]\n');
    assert.ok(isExactBuild(mapHistory(model, [...BASE, { createdBy: 'echo hello world', size: 0 }])));
  });

  it('compares an exec-form RUN that runs a shell\'s -c with the classic builder\'s argv, whose shell prefix the history reading drops', () => {
    const model = buildModel('FROM debian\nRUN ["/bin/bash", "-c", "apt-get update && apt-get install -y curl"]\n');
    assert.ok(isExactBuild(mapHistory(model, [...BASE, { createdBy: '/bin/bash -c apt-get update && apt-get install -y curl', size: 0 }])));
    assert.ok(isExactBuild(mapHistory(model, [...BASE, { createdBy: 'RUN ["/bin/bash", "-c", "apt-get update && apt-get install -y curl"] # buildkit', size: 0 }])));
    assert.equal(isExactBuild(mapHistory(model, [...BASE, { createdBy: '/bin/bash -c apt-get update', size: 0 }])), false);
  });

  it('reads an exec-form RUN continued over lines as BuildKit does: lines joined, comment lines dropped, the escape directive\'s character', () => {
    // CreatedBy as dockerd 20.10 wrote them for these RUNs, classic builder then BuildKit (both join
    // the argv with spaces): test/integration/engine/execContinued.test.ts prints them.
    const exact = (text: string, createdBy: string) => isExactBuild(mapHistory(buildModel(text), [...BASE, { createdBy, size: 0 }]));
    const backslash = 'FROM debian\nRUN ["sh", "-c", \\\n     "echo hi > /x"]\n';
    assert.ok(exact(backslash, 'sh -c echo hi > /x'));
    assert.ok(exact(backslash, 'RUN sh -c echo hi > /x # buildkit'));
    assert.equal(exact(backslash, 'RUN sh -c echo ho > /x # buildkit'), false);
    const split = 'FROM debian\nRUN ["/bin/sh", "-c", \\\n  # a comment line\n     "printf \'%s\\\\n\' a b \\\n  > /y"]\n';
    assert.ok(exact(split, "/bin/sh -c printf '%s\\n' a b   > /y"));
    assert.ok(exact(split, "RUN /bin/sh -c printf '%s\\n' a b   > /y # buildkit"));
    const backtick = '# escape=`\nFROM debian\nRUN ["sh", "-c", `\n     "echo \'a\\\\b\' > /x"]\n';
    assert.ok(exact(backtick, "sh -c echo 'a\\b' > /x"));
    assert.ok(exact(backtick, "RUN sh -c echo 'a\\b' > /x # buildkit"));
    assert.equal(exact(backtick, "RUN sh -c echo 'a\\c' > /x # buildkit"), false);
  });

  // The CreatedBy texts dockerd 20.10.24 wrote for METADATA_DOCKERFILE (oldest first), as
  // test/integration/engine/engine.test.ts builds and prints them. BuildKit records no ONBUILD.
  const CLASSIC = [
    ' ARG V=1', ' ENV A=1 B=x y C=9', ' ENV D=2', ' ENV E=a b F=q r G=3', ' LABEL a=1 b c=d e', ' EXPOSE 443/udp 80', ' USER 1000:1000', 'WORKDIR /opt/app/', 'WORKDIR /opt/app/sub',
    ' VOLUME [/v1 /v2]', ' VOLUME [/x]', ' STOPSIGNAL SIGTERM', ` HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" '\\x00'}`, ' SHELL [/bin/sh -c]', ' ONBUILD RUN echo hi',
    ' MAINTAINER me <me@x>', ' ENTRYPOINT ["/bin/sh" "-c" "cat /x"]', ' CMD ["/bin/sh" "-c" "echo a\\\\b \\"q\\" $HOME"]',
  ].map((t) => `/bin/sh -c #(nop) ${t}`);
  const BUILDKIT = [
    'ARG V=1', 'ENV A=1 B=x y C=9', 'ENV D=2', 'ENV E=a b F=q r G=3', 'LABEL a=1 b c=d e', 'EXPOSE map[443/udp:{} 80/tcp:{}]', 'USER 1000:1000', 'WORKDIR /opt/app/', 'WORKDIR /opt/app/sub',
    'VOLUME [/v1 /v2]', 'VOLUME [/x]', 'STOPSIGNAL SIGTERM', `HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" '\\x00'}`, 'SHELL [/bin/sh -c]',
    'MAINTAINER me <me@x>', 'ENTRYPOINT ["/bin/sh" "-c" "cat /x"]', 'CMD ["/bin/sh" "-c" "echo a\\\\b \\"q\\" $HOME"]',
  ];
  const history = (texts: string[]) => texts.map((createdBy) => ({ createdBy, size: 0 }));

  it('compares metadata instructions with the texts of the classic builder: an edited one is no longer the same text', () => checkMetadataHistory(history(CLASSIC), 'classic'));
  it('compares metadata instructions with the texts of BuildKit: an edited one is no longer the same text', () => checkMetadataHistory(history(BUILDKIT), 'buildkit'));

  it('compares the sources of a COPY under BuildKit, which writes them (the classic builder writes a content hash)', () => {
    const model = buildModel('FROM scratch\nCOPY --chown=1:1 a \\\n  # the second file\n  b /d/\nCOPY ["a", "/e"]\n');
    const exact = (texts: string[]) => isExactBuild(mapHistory(model, history(texts)));
    assert.ok(exact(['COPY a b /d/ # buildkit', 'COPY a /e # buildkit']));
    assert.equal(exact(['COPY a c /d/ # buildkit', 'COPY a /e # buildkit']), false);
    assert.ok(exact(['/bin/sh -c #(nop) COPY multi:5f3e in /d/ ', '/bin/sh -c #(nop) COPY file:9d2c in /e ']));
  });
});
