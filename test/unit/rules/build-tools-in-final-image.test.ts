/**
 * build-tools-in-final-image's builder-stage rewrite repeats lines of the stage in the new final
 * stage and writes paths into it. A line the build rejects must not be repeated (the fixed file
 * would have the error twice) and a path must not be split into two arguments: on such stages
 * the rewrite is not offered. Each case changes one line of a rule fixture whose rewrite is
 * offered and adds no error (checked first, so the cases cannot pass by the rewrite being gone).
 * The cases were found by the property tests (fixAllBatch.test.ts at FC_SEED=2, 4 and 6,
 * properties.test.ts "each single fix" at FC_SEED=2, 3 and 4, with DSH_PROPERTY_RUNS=2000).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { FIXTURES_DIR } from '../../support/fixtures';
import { addedErrors, peerErrors } from '../../support/peerErrors';

const ENV = { context: {} };
const RULE = 'build-tools-in-final-image';

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES_DIR, 'rules', RULE, `${name}.Dockerfile`), 'utf8');
}

/** The rewrites the rule offers on `text`, each applied alone. */
function rewrites(text: string): string[] {
  const analysis = analyze(text, ENV);
  return analysis.findings
    .filter((f) => f.ruleId === RULE)
    .flatMap((f) => fixFor(analysis, f, ENV) ?? [])
    .map((fix) => applyEdits(text, fix.edits));
}

function replaced(text: string, line: string, by: string): string {
  assert.ok(text.includes(`\n${line}\n`), `the fixture has no line ${line}`);
  return text.replace(`\n${line}\n`, `\n${by}\n`);
}

const CASES: { fixture: string; line: string; by: string; why: string }[] = [
  { fixture: 'python', line: 'COPY requirements.txt .', by: 'COPY apt-get  requirements.txt .', why: 'several sources into a destination without a trailing /' },
  { fixture: 'python', line: 'COPY requirements.txt .', by: 'COPY --frm=x requirements.txt .', why: 'an unknown flag' },
  { fixture: 'python', line: 'WORKDIR /app', by: 'WORKDIR', why: 'WORKDIR without its path' },
  { fixture: 'python', line: 'WORKDIR /app', by: 'ENV PYTHONUNBUFFERED', why: 'ENV without a value' },
  { fixture: 'node', line: 'ENV PORT=3000', by: 'ENV node:22-slim', why: 'ENV without a value' },
  { fixture: 'node', line: 'ENV PORT=3000', by: 'ENV PORT=3000 HOST', why: 'ENV with a name and no =' },
  { fixture: 'java', line: 'WORKDIR /app', by: 'WORKDIR apt-get  /app', why: 'a working directory with a blank (the COPY --from written with it would have four words)' },
  { fixture: 'java', line: 'ENTRYPOINT ["java", "-jar", "app.jar"]', by: 'ENTRYPOINT ["java", "-jar", " apt-get app.jar"]', why: 'a jar path with a blank' },
  { fixture: 'node', line: 'ENV PORT=3000', by: 'ENV GREETING="hello world', why: 'a quote that is not closed' },
  { fixture: 'python', line: 'WORKDIR /app', by: 'ENV GREETING="hello"world', why: 'a quote that closes before the value ends (the validator rejects it)' },
  { fixture: 'node', line: 'ENV PORT=3000', by: 'ENV GREETING="$USER world"', why: 'a quoted value with a variable (it may read otherwise in the final stage)' },
  { fixture: 'python', line: 'RUN pip install -r requirements.txt', by: 'RUN pip install -r $REQS', why: 'a pip argument with a variable (the final stage wrote it in single quotes: pip got $REQS)' },
  { fixture: 'python', line: 'RUN pip install -r requirements.txt', by: 'RUN bash -c "pip install -r `ls req*.txt`"', why: 'a pip argument with a command substitution' },
];

describe('build-tools-in-final-image: the builder-stage rewrite', () => {
  for (const name of ['python', 'node', 'java']) {
    it(`is offered on the ${name} fixture and adds no error there`, () => {
      const text = fixture(name);
      const fixed = rewrites(text);
      assert.equal(fixed.length, 1);
      assert.deepEqual(addedErrors(text, fixed[0]), []);
    });
  }

  for (const c of CASES) {
    it(`is not offered on the ${c.fixture} fixture with \`${c.by}\` (${c.why})`, () => {
      const text = replaced(fixture(c.fixture), c.line, c.by);
      assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === RULE), 'no finding: the case proves nothing');
      const fixed = rewrites(text);
      assert.deepEqual(fixed.map((t) => addedErrors(text, t)), [], `offered:\n${fixed.join('\n---\n')}`);
    });
  }

  it('is not offered on a Node stage whose COPY sets owners or modes (the copy into the final stage would drop them)', () => {
    for (const flag of ['--chown=node:node', '--chmod=644']) {
      const text = replaced(fixture('node'), 'COPY package.json package-lock.json ./', `COPY ${flag} package.json package-lock.json ./`);
      assert.deepEqual(rewrites(text), [], flag);
    }
  });

  it('prunes with --production on node:14 and older, whose npm 6 ignores --omit=dev (found by helper-127)', () => {
    for (const [image, flag] of [['node:14-alpine', '--production'], ['node:12.22.12-bullseye', '--production'], ['node:16', '--omit=dev']]) {
      const fixed = rewrites(fixture('node').replace(/^FROM node:22\n/, `FROM ${image}\n`));
      assert.equal(fixed.length, 1, image);
      assert.match(fixed[0], new RegExp(`\\nRUN npm run build && npm prune ${flag}\\n`), image);
    }
  });

  it('adds no npm prune where a later RUN of the stage prunes the devDependencies already (found by helper-129)', () => {
    for (const prune of ['npm prune --omit=dev', 'npm prune --production', 'NODE_ENV=production npm prune']) {
      const fixed = rewrites(replaced(fixture('node'), 'RUN npm run build', `RUN npm run build\nRUN ${prune}`));
      assert.equal(fixed.length, 1, prune);
      assert.ok(fixed[0].includes(`\nRUN npm run build\nRUN ${prune}\n`), `${prune}:\n${fixed[0]}`);
    }
  });

  // npm prune installs again what it does not leave out (npm 10.9.9, 11.19.1): a prune appended after
  // `npm prune --omit=optional` brought the optional dependencies back, and a plain prune after the
  // appended one the devDependencies.
  it('gives the last npm prune after the build the dev omission instead of appending a prune, keeping its flags', () => {
    for (const [image, from, to] of [
      ['node:22', 'RUN npm run build && npm prune --omit=optional', 'RUN npm run build && npm prune --omit=dev --omit=optional'],
      ['node:22', 'RUN npm run build\nRUN npm prune', 'RUN npm run build\nRUN npm prune --omit=dev'],
      ['node:22', 'RUN npm run build && npm prune --omit=dev\nRUN npm prune --no-optional', 'RUN npm run build && npm prune --omit=dev\nRUN npm prune --omit=dev --no-optional'],
      ['node:14', 'RUN npm run build && npm prune --omit=optional', 'RUN npm run build && npm prune --production --omit=optional'],
    ]) {
      const fixed = rewrites(replaced(fixture('node').replace(/^FROM node:22\n/, `FROM ${image}\n`), 'RUN npm run build', from));
      assert.equal(fixed.length, 1, from);
      assert.ok(fixed[0].includes(`\n${to}\n`), `${from}:\n${fixed[0]}`);
    }
  });

  it('appends a prune to the build\'s RUN after a prune there that might not prune the app\'s devDependencies with the flag (another folder, global, a workspace, a dry run, --include=dev)', () => {
    for (const prune of ['npm prune --prefix /srv', 'npm prune -w web', 'npm prune -g', 'npm prune --dry-run', 'npm prune --include=dev']) {
      const fixed = rewrites(replaced(fixture('node'), 'RUN npm run build', `RUN npm run build && ${prune}`));
      assert.equal(fixed.length, 1, prune);
      assert.ok(fixed[0].includes(`\nRUN npm run build && ${prune} && npm prune --omit=dev\n`), `${prune}:\n${fixed[0]}`);
    }
  });

  // Before (helper-136), `RUN npm run build\nRUN npm test` became `RUN npm run build && npm prune --omit=dev\nRUN npm test`: jest was gone when npm test ran.
  it('prunes after the last later command that may need the devDependencies (npm test, npm run lint)', () => {
    for (const [from, to] of [
      ['RUN npm run build\nRUN npm test', 'RUN npm run build\nRUN npm test && npm prune --omit=dev'],
      ['RUN npm run build && npm prune && npm run lint', 'RUN npm run build && npm prune && npm run lint && npm prune --omit=dev'],
      ['RUN npm run build && npm test', 'RUN npm run build && npm test && npm prune --omit=dev'],
      ['RUN npm run build\nRUN npm test && npm prune', 'RUN npm run build\nRUN npm test && npm prune --omit=dev'],
    ]) {
      const fixed = rewrites(replaced(fixture('node'), 'RUN npm run build', from));
      assert.equal(fixed.length, 1, from);
      assert.ok(fixed[0].includes(`\n${to}\n`), `${from}:\n${fixed[0]}`);
    }
  });

  it('is not offered where such a prune is in a later RUN (it would run after the appended one)', () => {
    for (const later of ['RUN npm prune --include=dev', 'WORKDIR /app/dist\nRUN npm prune\nWORKDIR /app']) {
      const text = replaced(fixture('node'), 'RUN npm run build', `RUN npm run build\n${later}`);
      assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === RULE), `${later}: no finding, the case proves nothing`);
      assert.deepEqual(rewrites(text), [], later);
    }
  });

  it('reports a Node build whose RUN prunes after it only where the prune keeps the devDependencies (--omit=optional keeps them; found by helper-130)', () => {
    const text = (prune: string) => `FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build && ${prune}\nCMD ["node", "dist/server.js"]\n`;
    const found = (prune: string) => analyze(text(prune), ENV).findings.filter((f) => f.ruleId === RULE).length;
    // The last prune decides (helper-136: `npm prune --omit=dev && npm prune` was taken as pruned).
    for (const [prune, reported] of [['npm prune --omit=dev', 0], ['npm prune --production', 0], ['NODE_ENV=production npm prune', 0], ['npm prune --omit=optional', 1], ['npm prune', 1], ['npm prune --omit=dev && npm prune', 1], ['npm prune && npm prune --omit=dev', 0]] as const) {
      assert.equal(found(prune), reported, prune);
    }
    const fixed = rewrites(text('npm prune --omit=optional'));
    assert.equal(fixed.length, 1);
    assert.match(fixed[0], /\nRUN npm ci && npm run build && npm prune --omit=dev --omit=optional\n/);
    assert.match(rewrites(text('npm prune --omit=dev && npm prune'))[0], /\nRUN npm ci && npm run build && npm prune --omit=dev && npm prune --omit=dev\n/);
  });

  // npm 10.9.9 and 11.19.1 (offline, file: dependencies): `npm prune --omit=dev` after `npm ci
  // --no-optional` (or with npm_config_omit=optional, replaced by the --omit) installs the optional
  // dependencies again, after `npm ci --legacy-peer-deps` the peer ones.
  it('appends a prune that leaves out what the install left out (helper-136)', () => {
    for (const [install, prune] of [
      ['RUN npm ci --no-optional', 'npm prune --omit=dev --omit=optional'],
      ['ENV npm_config_omit=optional\nRUN npm ci', 'npm prune --omit=dev --omit=optional'],
      ['RUN npm ci --legacy-peer-deps --no-optional', 'npm prune --omit=dev --omit=optional --omit=peer'],
      ['RUN npm ci', 'npm prune --omit=dev'],
    ]) {
      const fixed = rewrites(replaced(fixture('node'), 'RUN npm ci', install));
      assert.equal(fixed.length, 1, install);
      assert.ok(fixed[0].includes(`\nRUN npm run build && ${prune}\n`), `${install}:\n${fixed[0]}`);
    }
  });

  // npm 11.19.1 and 9.9.4 (ms, dev is-number, optional escape-string-regexp from the registry): under
  // npm_config_omit=optional (or NPM_CONFIG_OMIT), `npm prune --omit=dev` installs the optional
  // dependency again (its --omit replaces the variable); `--omit=dev --omit=optional` keeps it out.
  it('keeps the omissions of npm_config_omit on the prune it edits (helper-138)', () => {
    for (const env of ['ENV npm_config_omit=optional', 'ENV NPM_CONFIG_OMIT=optional']) {
      const fixed = rewrites(replaced(fixture('node'), 'RUN npm run build', `${env}\nRUN npm run build && npm prune`));
      assert.equal(fixed.length, 1, env);
      assert.ok(fixed[0].includes('\nRUN npm run build && npm prune --omit=dev --omit=optional\n'), `${env}:\n${fixed[0]}`);
    }
    const own = rewrites(replaced(fixture('node'), 'RUN npm run build', 'ENV npm_config_omit=optional\nRUN npm run build && npm prune --omit=peer'));
    assert.ok(own[0].includes('\nRUN npm run build && npm prune --omit=dev --omit=peer\n'), own[0]);
  });

  // npm 11.19.1 and 9.9.4: `npm ci --omit=optional` keeps the devDependencies (the build needs
  // them), and `npm prune --omit=dev --omit=optional` after it leaves the dependencies alone.
  it('takes an install whose --omit keeps the devDependencies as the build\'s install (helper-138)', () => {
    for (const [install, prune] of [
      ['RUN npm ci --omit=optional', 'npm prune --omit=dev --omit=optional'],
      ['RUN npm ci --omit=peer', 'npm prune --omit=dev --omit=peer'],
      ['RUN npm install --include=dev', 'npm prune --omit=dev'],
    ]) {
      const fixed = rewrites(replaced(fixture('node'), 'RUN npm ci', install));
      assert.equal(fixed.length, 1, install);
      assert.ok(fixed[0].includes(`\nRUN npm run build && ${prune}\n`), `${install}:\n${fixed[0]}`);
    }
    for (const install of ['RUN npm ci --omit=dev', 'RUN npm ci --omit optional --omit dev', 'RUN npm ci --production', 'RUN NODE_ENV=production npm ci']) {
      assert.deepEqual(analyze(replaced(fixture('node'), 'RUN npm ci', install), ENV).findings.filter((f) => f.ruleId === RULE), [], install);
    }
  });

  it('is not offered on a Node stage whose build RUN is a heredoc ending in a backslash (npm prune would become arguments of the build)', () => {
    const text = replaced(fixture('node'), 'RUN npm run build', 'RUN <<EOT\nnpm run build \\\nEOT');
    assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === RULE), 'no finding: the case proves nothing');
    assert.deepEqual(rewrites(text), []);
  });

  it('is offered where a repeated ENV or ARG value is wholly quoted, and repeats the line as written', () => {
    const quoted = ['ENV GREETING="hello world"', "ENV A='x y' B=1", 'ENV TITLE "the app"'];
    const cases = [
      ...quoted.map((line) => ({ text: replaced(fixture('node'), 'ENV PORT=3000', line), lines: [line] })),
      { text: replaced(fixture('python'), 'WORKDIR /app', `WORKDIR /app\n${quoted.join('\n')}\nARG VERSION="1 2"`), lines: [...quoted, 'ARG VERSION="1 2"'] },
    ];
    for (const { text, lines } of cases) {
      assert.deepEqual(peerErrors(text), [], text);
      const fixed = rewrites(text);
      assert.equal(fixed.length, 1, `not offered:\n${text}`);
      assert.deepEqual(peerErrors(fixed[0]), [], fixed[0]);
      const finalStage = fixed[0].slice(fixed[0].lastIndexOf('\nFROM '));
      for (const line of lines) assert.ok(finalStage.includes(`\n${line}\n`), `${line} is not repeated as written:\n${fixed[0]}`);
      const count = (t: string) => analyze(t, ENV).findings.filter((f) => f.ruleId === RULE).length;
      assert.ok(count(fixed[0]) < count(text), `the rewrite did not remove its finding:\n${fixed[0]}`);
    }
  });

  it('is still offered where the repeated lines are plain (ENV in both forms, COPY --chown and --from, ARG, USER)', () => {
    let text = replaced(`FROM alpine:3.21 AS tools\n${fixture('python')}`, 'COPY requirements.txt .', 'COPY --chown=1000:1000 requirements.txt constraints.txt ./\nCOPY --from=tools /bin/busybox /bin/');
    text = replaced(text, 'WORKDIR /app', 'WORKDIR /app\nENV PYTHONUNBUFFERED=1 LANG=C.UTF-8\nENV TZ Etc/UTC\nARG VERSION=1\nUSER 1000');
    const fixed = rewrites(text);
    assert.equal(fixed.length, 1);
    assert.deepEqual(addedErrors(text, fixed[0]), []);
    assert.deepEqual(peerErrors(fixed[0]), []);
  });

  it('reports build packages a bare autoremove leaves (it takes no package installed by name)', () => {
    const text = (after: string) => `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && make && ${after} && rm -rf /var/lib/apt/lists/*\nCMD ["/app"]\n`;
    const found = (after: string) => analyze(text(after), ENV).findings.filter((f) => f.ruleId === RULE).length;
    assert.equal(found('apt-get autoremove -y'), 1);
    assert.equal(found('apt-get purge -y --auto-remove gcc'), 0);
  });
});

describe('build-tools-in-final-image: the JRE on the JDK\'s distribution', () => {
  // eclipse-temurin:21-jdk-jammy was told to ship on eclipse-temurin:21-jre, the default tag's
  // Ubuntu (another release than jammy, whose packages a later RUN may not find).
  const jar = (from: string) => `FROM ${from}\nCOPY app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n`;
  const message = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === RULE)?.message ?? '';

  it('keeps a Temurin tag\'s distribution, in the message and the fix, and names the rows that size a tag the table lacks', () => {
    for (const [jdk, jre] of [
      ['eclipse-temurin:21-jdk-jammy', 'eclipse-temurin:21-jre-jammy'],
      ['eclipse-temurin:21-jammy', 'eclipse-temurin:21-jre-jammy'],
      ['eclipse-temurin:17.0.13_11-jdk-noble', 'eclipse-temurin:17-jre-noble'],
      ['eclipse-temurin:11-jdk-focal', 'eclipse-temurin:11-jre-focal'],
    ]) {
      const text = jar(jdk);
      assert.match(message(text), new RegExp(`ship the jar on ${jre.replace(/\./g, '\\.')} \\(about [\\d.]+ MB base, sized from eclipse-temurin:[^)]+\\) instead`), jdk);
      assert.deepEqual(rewrites(text), [text.replace(jdk, jre)], jdk);
    }
    // A row of the very tag: no "sized from".
    assert.match(message(jar('eclipse-temurin:21-jdk-alpine')), /on eclipse-temurin:21-jre-alpine \(about [\d.]+ MB base\) instead/);
  });

  it('sizes a JRE on a distribution written in two parts (ubi9-minimal, alpine-3.21) from JRE rows', () => {
    // The tag parser read `minimal` and `3.21` as roles: both tags were sized from the same mix of
    // JDK and JRE rows, so the JRE came out as large as the JDK and the message said "saving not known".
    for (const [jdk, jre, rows] of [
      ['eclipse-temurin:21-jdk-ubi9-minimal', 'eclipse-temurin:21-jre-ubi9-minimal', 'eclipse-temurin:21-jre'],
      ['eclipse-temurin:21-jdk-alpine-3.21', 'eclipse-temurin:21-jre-alpine-3.21', 'eclipse-temurin:21-jre-alpine'],
    ]) {
      const text = jar(jdk);
      assert.match(message(text), new RegExp(`ship the jar on ${jre.replace(/\./g, '\\.')} \\(about [\\d.]+ MB base, sized from ${rows}\\) instead: about [\\d.]+ MB smaller\\.$`), jdk);
      assert.deepEqual(rewrites(text), [text.replace(jdk, jre)], jdk);
    }
  });

  it('keeps a Temurin tag\'s Windows flavour, and names no Linux JRE for another vendor\'s Windows JDK', () => {
    for (const flavour of ['windowsservercore-ltsc2022', 'nanoserver-ltsc2022', 'windowsservercore-1809', 'nanoserver']) {
      const [jdk, jre] = [`eclipse-temurin:21-jdk-${flavour}`, `eclipse-temurin:21-jre-${flavour}`];
      const text = jar(jdk);
      assert.match(message(text), new RegExp(`ship the jar on ${jre} instead\\.$`), jdk);
      assert.deepEqual(rewrites(text), [text.replace(jdk, jre)], jdk);
    }
    const other = jar('openjdk:21-jdk-windowsservercore-ltsc2022');
    assert.match(message(other), /Nothing is built in this stage: a JRE image of the same Java version runs the jar\.$/);
    assert.deepEqual(rewrites(other), []);
  });

  it('from a build image on Temurin (maven, gradle) too; another vendor\'s distribution is not Temurin\'s', () => {
    const build = (from: string) => `FROM ${from}\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nENTRYPOINT ["java","-jar","/app/target/app.jar"]\n`;
    assert.match(rewrites(build('maven:3.9-eclipse-temurin-21-jammy'))[0], /\nFROM eclipse-temurin:21-jre-jammy\n/);
    assert.match(rewrites(build('gradle:8.10-jdk21-noble').replace('mvn -B package', 'gradle build'))[0], /\nFROM eclipse-temurin:21-jre-noble\n/);
    assert.match(message(jar('amazoncorretto:21-al2023')), /on eclipse-temurin:21-jre, another vendor's build \(/);
    assert.match(message(jar('amazoncorretto:21-alpine3.20')), /on eclipse-temurin:21-jre-alpine, another vendor's build \(/);
  });
});

describe('build-tools-in-final-image: the advice on build packages', () => {
  it('says to remove them in the RUN that builds with them, not right after the install (a later RUN such as docker-php-ext-install still needs them)', () => {
    const text = 'FROM php:8.3-fpm\nRUN apt-get update && apt-get install -y --no-install-recommends libpng-dev && rm -rf /var/lib/apt/lists/*\nRUN docker-php-ext-install gd\n';
    const finding = analyze(text, { context: {} }).findings.find((f) => f.ruleId === 'build-tools-in-final-image');
    assert.match(finding?.message ?? '', /or install them, build and remove them in one RUN \(apt-get purge -y --auto-remove \.\.\.\), keeping the runtime libraries the build links against\.$/);
  });
});

describe('build-tools-in-final-image: a JDK stage that only runs a jar built elsewhere', () => {
  // 'FROM openjdk:17-jdk-slim' + 'COPY target/*.jar app.jar' (a jar built on the host or in CI)
  // was told to 'Build in a builder stage', and the rewrite made a builder stage that only
  // copies the jar: a JRE base is the whole change.
  const prebuilt = 'FROM openjdk:17-jdk-slim\nARG JAR_FILE=target/*.jar\nCOPY ${JAR_FILE} app.jar\nENTRYPOINT ["java","-jar","/app.jar"]\n';
  const finding = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === RULE);

  it('says nothing is built there and offers the JRE as the FROM image', () => {
    assert.match(finding(prebuilt)!.message, /Nothing is built in this stage: ship the jar on eclipse-temurin:17-jre, another vendor's build \(about [\d.]+ MB base, sized from eclipse-temurin:17-jdk-alpine\) instead: about [\d.]+ MB smaller\.$/);
    assert.deepEqual(rewrites(prebuilt), [prebuilt.replace('openjdk:17-jdk-slim', 'eclipse-temurin:17-jre')]);
  });

  it('counts no figure from a -slim the stage does not use when its own size is unknown', () => {
    // base-image-not-slim gave openjdk:17 no figure, and this said 'about 168 MB smaller than openjdk:17-slim'.
    const full = prebuilt.replace('openjdk:17-jdk-slim', 'openjdk:17');
    assert.match(finding(full)!.message, /openjdk:17 \(size not in the bundled table\)\. Nothing is built in this stage: ship the jar on eclipse-temurin:17-jre, another vendor's build \(about [\d.]+ MB base, sized from eclipse-temurin:17-jdk-alpine\) instead\.$/);
  });

  it('reads the jar from ENTRYPOINT and CMD joined, in either order', () => {
    for (const start of ['ENTRYPOINT ["java", "-jar", "/app.jar"]\nCMD ["--port", "8080"]', 'CMD ["-jar", "/app.jar"]\nENTRYPOINT ["java"]']) {
      const text = prebuilt.replace('ENTRYPOINT ["java","-jar","/app.jar"]', start);
      assert.deepEqual(rewrites(text), [text.replace('openjdk:17-jdk-slim', 'eclipse-temurin:17-jre')], start);
    }
  });

  it('offers no fix when the stage runs commands the other base may not run the same way', () => {
    const withRun = prebuilt.replace('COPY ${JAR_FILE}', 'RUN useradd -r app\nCOPY ${JAR_FILE}');
    assert.match(finding(withRun)!.message, /Nothing is built in this stage/);
    assert.deepEqual(rewrites(withRun), []);
  });

  it('stays on Alpine from an Alpine JDK (native libraries built for musl; the smaller JRE)', () => {
    const alpine = prebuilt.replace('openjdk:17-jdk-slim', 'eclipse-temurin:21-jdk-alpine');
    assert.match(finding(alpine)!.message, /ship the jar on eclipse-temurin:21-jre-alpine \(about [\d.]+ MB base\) instead/);
    assert.deepEqual(rewrites(alpine), [prebuilt.replace('openjdk:17-jdk-slim', 'eclipse-temurin:21-jre-alpine')]);
    const maven = 'FROM maven:3.9-eclipse-temurin-21-alpine\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nENTRYPOINT ["java","-jar","/app/target/app.jar"]\n';
    assert.match(rewrites(maven)[0], /\nFROM eclipse-temurin:21-jre-alpine\n/);
  });

  it('keeps the builder advice where the stage builds', () => {
    const builds = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./mvnw -B package\nENTRYPOINT ["java","-jar","/app/target/app.jar"]\n';
    assert.match(finding(builds)!.message, /Build in a builder stage and ship the jar on eclipse-temurin:21-jre/);
    assert.match(rewrites(builds)[0], /^FROM eclipse-temurin:21-jdk AS build\n[\s\S]*\nFROM eclipse-temurin:21-jre\n/);
  });

  it('sees a build run through a shell (sh ./gradlew, bash mvnw) or by Ant, sbt or a compiler, not only mvn and gradle by name', () => {
    for (const run of ['sh ./gradlew build', 'bash mvnw -B package', '/bin/sh gradlew bootJar', 'ant jar', 'sbt assembly', 'kotlinc src -include-runtime -d app.jar']) {
      const text = `FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ${run}\nENTRYPOINT ["java","-jar","/app/app.jar"]\n`;
      assert.doesNotMatch(finding(text)!.message, /Nothing is built/, run);
    }
    // A shell's -c script is read for what it runs; a shell script that builds nothing leaves the finding as it was.
    assert.match(finding(prebuilt.replace('COPY ${JAR_FILE}', 'RUN sh ./setup-user.sh\nCOPY ${JAR_FILE}'))!.message, /Nothing is built in this stage/);
  });
});

describe('build-tools-in-final-image: a Node stage that builds on the image it runs on', () => {
  // On node:22-alpine the finding said 'node:22-alpine is a build image; node:22-alpine is about
  // 170 MB unpacked and the devDependencies ... ship ... on node:22-alpine (about 170 MB base)':
  // the image is the runtime one too, and only the devDependencies go.
  const text = 'FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm install\nCOPY . .\nRUN npm run build\nCMD ["npm", "start"]\n';
  const finding = (t: string) => analyze(t, ENV).findings.find((f) => f.ruleId === RULE)!;

  it('says the build runs in the final stage, and names the image once', () => {
    // With npm-dev-dependencies' figure for them (that rule leaves this install to this finding).
    assert.equal(
      finding(text).message,
      '`npm run build` runs in the final stage, so the devDependencies it needs ship in the image: the devDependencies of package.json (test runners, bundlers, linters, type definitions); their size depends on the project: in a small TypeScript service we measured about 59 MB of them beside 3.1 MB of runtime dependencies. Build in a builder stage and ship the built app and production dependencies on node:22-alpine.',
    );
    assert.match(finding(text).saving!.basis, /^the devDependencies the build needs: depends on the project/);
  });

  it('keeps the full image\'s message, with the -slim variant; what that saves is base-image-not-slim\'s figure (costReportedOnce.test.ts)', () => {
    assert.match(finding(text.replace('node:22-alpine', 'node:22')).message, /^node:22 is a build image; node:22 is about 1\.1 GB unpacked and the devDependencies .* on node:22-slim \(about 227 MB base\)\. The devDependencies of package\.json \(test runners, .*\.$/);
  });

  it('sizes a -slim variant the table has no row of, as base-image-not-slim does (node, node:lts, node:22-bookworm)', () => {
    // Counted from that -slim variant (base-image-not-slim's figure), the runtime was sized like the
    // start and the message said "size not in the bundled table: saving not known".
    for (const [full, slim, rows] of [['node', 'node:slim', 'node:24-slim'], ['node:lts', 'node:lts-slim', 'node:24-slim, node:22-slim, node:20-slim'], ['node:22-bookworm', 'node:22-bookworm-slim', 'node:22-slim']]) {
      const message = finding(text.replace('node:22-alpine', full)).message;
      assert.match(message, new RegExp(` on ${slim} \\(about [\\d.]+ MB base, sized from ${rows}\\)\\. The devDependencies`), full);
    }
  });
});
