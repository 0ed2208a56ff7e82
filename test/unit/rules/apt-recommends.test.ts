/**
 * apt-recommends adds ca-certificates after the last package written as a plain name, so the new
 * name never lands inside a quoted word or an open backquote, nor past a here-document's body.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { estimateImage } from '../../../server/src/core/imageEstimate';

const ENV = { context: {} };

function fixed(text: string): string {
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === 'apt-recommends');
  assert.ok(finding, JSON.stringify(analysis.findings.map((f) => f.ruleId)));
  const fix = fixFor(analysis, finding, ENV);
  assert.ok(fix);
  return applyEdits(text, fix.edits);
}

describe('apt-recommends: where ca-certificates goes', () => {
  it('keeps a here-document terminator whose body ends in a lone backquote (found by a property over backtick-escape files)', () => {
    // The body's last word, a backquote the shell reads to the end of the body, was taken as the
    // last package: ` ca-certificates` went after its line break, onto the terminator's line
    // (` ca-certificatesEOF`), and the here-document then swallowed the next RUN.
    const text = '# escape=`\nFROM debian:bookworm\nRUN <<EOF\napt-get install -y curl `\nEOF\nRUN apt-get update\n';
    const after = fixed(text);
    assert.equal(after, '# escape=`\nFROM debian:bookworm\nRUN <<EOF\napt-get install --no-install-recommends -y curl ca-certificates `\nEOF\nRUN apt-get update\n');
    assert.deepEqual(buildModel(after).instructions.map((i) => i.keyword), ['FROM', 'RUN', 'RUN']);
  });

  it('goes after the last package written as a plain name (a quoted word or a variable may stand last)', () => {
    assert.equal(fixed('FROM debian:bookworm\nRUN apt-get install -y curl "$EXTRA"\n'), 'FROM debian:bookworm\nRUN apt-get install --no-install-recommends -y curl ca-certificates "$EXTRA"\n');
    assert.equal(fixed('FROM debian:bookworm\nRUN apt-get install -y wget git\n'), 'FROM debian:bookworm\nRUN apt-get install --no-install-recommends -y wget git ca-certificates\n');
  });
});

describe('apt-recommends: gcc keeps its C library headers', () => {
  // gcc (and gcc-12) only recommend libc6-dev: on a slim base, 'apt-get install
  // --no-install-recommends gcc libpq-dev' gives a gcc that cannot find <stdio.h>, and the
  // 'pip install psycopg2' the image runs next fails to compile.
  it('adds libc6-dev beside gcc, gcc-12 or tcc, and nothing when a named package depends on it', () => {
    assert.equal(fixed('FROM python:3.12-slim\nRUN apt-get install -y gcc libpq-dev\n'), 'FROM python:3.12-slim\nRUN apt-get install --no-install-recommends -y gcc libpq-dev libc6-dev\n');
    assert.equal(fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gcc-12 curl\n'), 'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gcc-12 curl ca-certificates libc6-dev\n');
    assert.equal(fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gcc g++\n'), 'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gcc g++\n');
    assert.equal(fixed('FROM debian:bookworm-slim\nRUN apt-get install -y build-essential gcc\n'), 'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y build-essential gcc\n');
    assert.equal(fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gcc libc6-dev\n'), 'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gcc libc6-dev\n');
    assert.equal(fixed('FROM debian:bookworm-slim\nRUN apt-get install -y make\n'), 'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y make\n');
  });
});

describe('apt-recommends and an apt configuration that turns recommendations off', () => {
  const count = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'apt-recommends').length;
  const install = 'RUN apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*\n';
  it('stays quiet after an earlier RUN or COPY writes APT::Install-Recommends "false" or "0"', () => {
    assert.equal(count(`FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norecommends\n${install}`), 0);
    assert.equal(count(`FROM debian:bookworm-slim AS base\nRUN printf 'APT::Install-Recommends "0";\\nAPT::Install-Suggests "0";\\n' > /etc/apt/apt.conf.d/01lean\nFROM base\n${install}`), 0);
    assert.equal(count(`# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nCOPY <<EOF /etc/apt/apt.conf.d/99norecommends\nAPT::Install-Recommends "false";\nEOF\n${install}`), 0);
    assert.equal(count(`FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99nr && apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n`), 0);
  });
  it('still reports when the setting comes later, in another stage, or says "true"', () => {
    assert.equal(count(`FROM debian:bookworm-slim\n${install}RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99nr\n`), 1);
    // In the same RUN, only the installs after it are quiet.
    assert.equal(count(`FROM debian:bookworm-slim\nRUN apt-get install -y curl && echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99nr && apt-get install -y wget\n`), 1);
    assert.equal(count(`FROM debian:bookworm-slim AS other\nRUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99nr\nFROM debian:bookworm-slim\n${install}`), 1);
    assert.equal(count(`FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends "true";' > /etc/apt/apt.conf.d/99r\n${install}`), 1);
    // Only a text that writes apt's configuration counts, not the setting written elsewhere.
    assert.equal(count(`FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends "false";' > /tmp/notes.txt\n${install}`), 1);
    assert.equal(count(`FROM debian:bookworm-slim\nCOPY <<EOF /srv/README\nAPT::Install-Recommends "false";\nEOF\n${install}`), 1);
  });
});

describe('apt-recommends: the saving is what its fix saves', () => {
  // The fix names ca-certificates beside curl and libc6-dev beside gcc: what they bring stays, so
  // the figure is the estimate's difference between the file and the fixed file, not the whole of
  // the recommendations (curl: 4.8 MB of recommendations, of which ca-certificates keeps 3.8 MB).
  const estimate = (text: string) => estimateImage(buildModel(text), ENV)!.knownBytes;
  for (const packages of ['curl', 'gcc libpq-dev', 'git', 'python3']) {
    it(`apt-get install -y ${packages}`, () => {
      const text = `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y ${packages} && rm -rf /var/lib/apt/lists/*\n`;
      const finding = analyze(text, ENV).findings.find((f) => f.ruleId === 'apt-recommends')!;
      const after = fixed(text);
      assert.equal(finding.saving?.bytes, estimate(text) - estimate(after), `${finding.message}\n${after}`);
      if (after.includes('ca-certificates') || after.includes('libc6-dev')) assert.match(finding.message, /: the fix keeps (ca-certificates|libc6-dev), which these packages need \([\d.]+ [KM]B with what it pulls in\), and saves about [\d.]+ [KM]B\.$/);
      else assert.match(finding.message, /recommended packages?: about [\d.]+ [KM]B\. Add --no-install-recommends\.$/);
    });
  }
});

describe('apt-recommends: recommendations that a later command of the image needs', () => {
  // Measured on a bookworm base (`apt-get install -y --no-install-recommends gpg`, `... git`, then
  // run with no network): gpg alone has neither gpg-agent nor dirmngr (both come through its
  // Recommends: gnupg), and `gpg --import` of a public key exits 2 ("can't connect to the agent"),
  // `gpg --recv-keys` fails with "No dirmngr" before any network access; git alone has no ssh
  // (Recommends: ssh-client), and a clone over ssh fails with "cannot run ssh".
  it('keeps gpg-agent and dirmngr beside gpg when a RUN of the image receives keys', () => {
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gpg\nRUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys 0xABCDEF\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gpg dirmngr gpg-agent\nRUN gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys 0xABCDEF\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gpg && gpg --locate-keys a@example.org\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gpg dirmngr gpg-agent && gpg --locate-keys a@example.org\n',
    );
  });
  it('keeps gpg-agent beside gpg when a RUN imports, signs or runs apt-key; nothing for --dearmor or --verify', () => {
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gpg\nCOPY key.asc /tmp/\nRUN gpg --batch --import /tmp/key.asc\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gpg gpg-agent\nCOPY key.asc /tmp/\nRUN gpg --batch --import /tmp/key.asc\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim AS base\nRUN apt-get install -y gpg\nFROM base\nRUN apt-key add /tmp/key.asc\n'),
      'FROM debian:bookworm-slim AS base\nRUN apt-get install --no-install-recommends -y gpg gpg-agent\nFROM base\nRUN apt-key add /tmp/key.asc\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gpg && gpg --dearmor -o /usr/share/keyrings/x.gpg /tmp/x.asc && gpg --verify a.asc a\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gpg && gpg --dearmor -o /usr/share/keyrings/x.gpg /tmp/x.asc && gpg --verify a.asc a\n',
    );
    // gnupg depends on both: only ca-certificates, as before.
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y gnupg && gpg --recv-keys 0xABCDEF\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y gnupg ca-certificates && gpg --recv-keys 0xABCDEF\n',
    );
  });
  it('does not look at a RUN before the install, or in a stage that does not build on it', () => {
    assert.equal(
      fixed('FROM debian:bookworm-slim AS a\nRUN gpg --import k.asc || true\nRUN apt-get install -y gpg\nFROM debian:bookworm-slim\nRUN gpg --import k.asc\n'),
      'FROM debian:bookworm-slim AS a\nRUN gpg --import k.asc || true\nRUN apt-get install --no-install-recommends -y gpg\nFROM debian:bookworm-slim\nRUN gpg --import k.asc\n',
    );
  });
  it('keeps openssh-client beside git when a RUN of the image clones over ssh or runs ssh', () => {
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y git\nRUN git clone git@github.com:org/repo.git /src\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y git ca-certificates openssh-client\nRUN git clone git@github.com:org/repo.git /src\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y git\nRUN --mount=type=ssh git clone "$REPO" /src\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y git ca-certificates openssh-client\nRUN --mount=type=ssh git clone "$REPO" /src\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y git && mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y git ca-certificates openssh-client && mkdir -p ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y git\nRUN git clone ssh://git@example.org/org/repo.git /src\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y git ca-certificates openssh-client\nRUN git clone ssh://git@example.org/org/repo.git /src\n',
    );
    assert.equal(
      fixed('FROM debian:bookworm-slim\nRUN apt-get install -y git\nRUN git clone https://github.com/org/repo.git /src\n'),
      'FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y git ca-certificates\nRUN git clone https://github.com/org/repo.git /src\n',
    );
  });
  it('the saving leaves out what the kept recommendations bring', () => {
    const estimate = (text: string) => estimateImage(buildModel(text), ENV)!.knownBytes;
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y gpg && gpg --recv-keys 0xABCDEF && rm -rf /var/lib/apt/lists/*\n';
    const finding = analyze(text, ENV).findings.find((f) => f.ruleId === 'apt-recommends')!;
    assert.equal(finding.saving?.bytes, estimate(text) - estimate(fixed(text)), finding.message);
    assert.match(finding.message, /: the fix keeps dirmngr and gpg-agent, which these packages need \(/);
  });
});

describe('apt-recommends: a fix to review where a later command may need the compilers the recommendations bring', () => {
  const fix = (text: string) => {
    const analysis = analyze(text, ENV);
    const finding = analysis.findings.find((f) => f.ruleId === 'apt-recommends');
    assert.ok(finding, JSON.stringify(analysis.findings.map((f) => f.ruleId)));
    const found = fixFor(analysis, finding, ENV);
    assert.ok(found);
    return found;
  };
  const PIP = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*\n';

  it('python3-pip, then a pip install in the image: not applied unasked (pip may compile; measured without build-essential: "x86_64-linux-gnu-gcc failed")', () => {
    const later = fix(`${PIP}RUN pip3 install --break-system-packages -r requirements.txt\n`);
    assert.equal(later.preferred, false);
    assert.match(later.title, /review: pip may need build-essential, python3-dev/);
    // In the same RUN, after the install.
    assert.equal(fix('FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip && python3 -m pip install --break-system-packages flask && rm -rf /var/lib/apt/lists/*\n').preferred, false);
  });

  it('python3-pip without a later pip install, or with build-essential and python3-dev named: preferred as before', () => {
    assert.equal(fix(PIP).preferred, true);
    assert.equal(fix('FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip build-essential python3-dev && rm -rf /var/lib/apt/lists/*\nRUN pip3 install --break-system-packages -r requirements.txt\n').preferred, true);
    // build-essential named, python3-dev only recommended: a C extension still lacks Python.h.
    assert.equal(fix('FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip build-essential && rm -rf /var/lib/apt/lists/*\nRUN pip3 install --break-system-packages -r requirements.txt\n').preferred, false);
    // A pip install in another image does not count.
    assert.equal(fix(`${PIP}FROM python:3.12-slim\nRUN pip install flask\n`).preferred, true);
  });

  it('cmake, then a cmake run: not applied unasked (measured without gcc and make: "CMAKE_C_COMPILER not set")', () => {
    const later = fix('FROM debian:bookworm\nRUN apt-get update && apt-get install -y cmake && rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN cmake -S /src -B /build && cmake --build /build\n');
    assert.equal(later.preferred, false);
    assert.match(later.title, /review: cmake needs gcc, make/);
    assert.equal(fix('FROM debian:bookworm\nRUN apt-get update && apt-get install -y cmake && rm -rf /var/lib/apt/lists/*\n').preferred, true);
  });
});
