/**
 * build-tools-in-final-image on Java runtimes.
 *
 * An installed JDK (`apt-get install openjdk-17-jdk-headless` on debian:bookworm-slim, then
 * `CMD ["java","-jar","/app.jar"]`) was told "about 310 MB ... remove them in one RUN (apt-get
 * purge -y --auto-remove ...)": purging the JDK removes the Java the image runs, and the JRE it
 * needs (openjdk-17-jre-headless) is about 231 MB by the same table, so the move saves about 79 MB.
 * The finding now names the JRE and counts the tools less the JREs.
 *
 * The SDK images of other vendors (amazoncorretto, openjdk...) were told to ship on
 * eclipse-temurin:<v>-jre without saying that it is another vendor's build.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { estimateAptInstall, OFFICIAL_BASE_PACKAGES } from '../../../server/src/sizes/apt';

const ENV = { context: {} };
const RULE = 'build-tools-in-final-image';

const found = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === RULE);
function fixes(text: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === RULE).flatMap((f) => fixFor(analysis, f, ENV) ?? []);
}
const bytes = (pkgs: string[]) => estimateAptInstall(pkgs, { recommends: false, basePackages: OFFICIAL_BASE_PACKAGES }).bytes;
const install = (pkgs: string, rest = 'COPY app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n') =>
  `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ${pkgs} && rm -rf /var/lib/apt/lists/*\n${rest}`;

describe('build-tools-in-final-image: an installed JDK', () => {
  it('names the JRE that runs Java, counts the JDK less the JRE, and does not say to purge it', () => {
    const [f] = found(install('openjdk-17-jdk-headless'));
    assert.ok(f);
    const saving = bytes(['openjdk-17-jdk-headless']) - bytes(['openjdk-17-jre-headless']);
    assert.equal(f.saving?.bytes, saving);
    assert.ok(saving > 70e6 && saving < 90e6, String(saving));
    assert.match(f.message, /\(openjdk-17-jdk-headless\): about 310 MB with their dependencies\. A JRE runs Java: install openjdk-17-jre-headless instead: about 79 MB smaller\.$/);
    assert.doesNotMatch(f.message, /purge/);
    assert.match(f.saving!.basis, /openjdk-17-jdk-headless[\s\S]*less[\s\S]*openjdk-17-jre-headless/);
  });

  it('maps openjdk-N-jdk and default-jdk[-headless] to their JRE; other tools are dropped in the figure', () => {
    for (const [jdk, jre] of [['openjdk-17-jdk', 'openjdk-17-jre'], ['default-jdk-headless', 'default-jre-headless'], ['default-jdk', 'default-jre']]) {
      const [f] = found(install(`${jdk} gcc`));
      assert.match(f.message, new RegExp(`A JRE runs Java: install ${jre} instead, the others in a builder stage: about [\\d.]+ MB smaller\\.$`), jdk);
      assert.equal(f.saving?.bytes, bytes([jdk, 'gcc']) - bytes([jre]), jdk);
    }
  });

  it('where the image builds with the JDK, still advises a builder stage and the JRE, and no purge', () => {
    for (const rest of ['COPY . /src\nRUN cd /src && javac Main.java\nCMD ["java","-cp","/src","Main"]\n', 'COPY . /src\nRUN cd /src && ./mvnw -B package\nCMD ["java","-jar","/src/target/app.jar"]\n']) {
      const [f] = found(install('openjdk-17-jdk-headless', rest));
      assert.match(f.message, /A JRE runs Java: build in a builder stage and install openjdk-17-jre-headless here: about 79 MB smaller\.$/, rest);
      assert.doesNotMatch(f.message, /purge/);
      assert.deepEqual(fixes(install('openjdk-17-jdk-headless', rest)), [], rest);
    }
  });

  it('without a size for the JRE, or on Alpine, still says a JRE runs Java (Alpine: without naming one)', () => {
    const [old] = found(install('openjdk-11-jdk-headless'));
    assert.match(old.message, /A JRE runs Java: install openjdk-11-jre-headless instead\.$/);
    assert.equal(old.saving?.bytes, undefined);
    const [alpine] = found('FROM alpine:3.19\nRUN apk add --no-cache openjdk17\nCOPY app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n');
    assert.match(alpine.message, /A JRE runs Java: install a JRE package instead\.$/);
    assert.doesNotMatch(alpine.message, /apk del/);
    assert.deepEqual(fixes('FROM alpine:3.19\nRUN apk add --no-cache openjdk17\nCMD ["java","-jar","/app.jar"]\n'), []);
  });

  it('offers the JRE in place of the JDK, not preferred, idempotent, parseable', () => {
    const text = install('ca-certificates openjdk-17-jdk-headless');
    const [fix] = fixes(text);
    assert.ok(fix, 'offered');
    assert.notEqual(fix.preferred, true);
    assert.match(fix.title, /openjdk-17-jre-headless.*review/);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, text.replace('openjdk-17-jdk-headless', 'openjdk-17-jre-headless'));
    assert.deepEqual(found(fixed), []);
    assert.equal(buildModel(fixed).stages.length, 1);
    // A later stage built on this one that compiles needs the JDK.
    const later = (rest: string) => install('openjdk-17-jdk-headless', `FROM base\n${rest}`).replace('FROM debian:bookworm-slim\n', 'FROM debian:bookworm-slim AS base\n');
    assert.equal(fixes(later('RUN javac Main.java\nCMD ["java","Main"]\n')).length, 0);
    assert.equal(fixes(later('COPY app.jar /app.jar\nCMD ["java","-jar","/app.jar"]\n')).length, 1);
    // Not where the word is not the plain name (a pin the JRE may not have, a variable, a quote, an arch, a glob).
    for (const word of ['openjdk-17-jdk-headless=17.0.13+11-2~deb12u1', 'openjdk-${V}-jdk-headless', '"openjdk-17-jdk-headless"', 'openjdk-17-jdk-headless:amd64', 'openjdk-17-jdk*']) {
      assert.deepEqual(fixes(install(word)).map((f) => f.title), [], word);
    }
  });
});

describe('build-tools-in-final-image: a JRE of another vendor', () => {
  it('says eclipse-temurin is another vendor\'s build for amazoncorretto and openjdk, in the message and the fix title', () => {
    for (const image of ['amazoncorretto:17', 'openjdk:17-jdk-slim']) {
      const text = `FROM ${image}\nCOPY app.jar /app.jar\nENTRYPOINT ["java","-jar","/app.jar"]\n`;
      assert.match(found(text)[0].message, /eclipse-temurin:17-jre, another vendor's build/, image);
      assert.match(fixes(text)[0].title, /eclipse-temurin:17-jre, another vendor's build/, image);
    }
    const maven = 'FROM maven:3.9-amazoncorretto-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nENTRYPOINT ["java","-jar","/app/target/app.jar"]\n';
    assert.match(found(maven)[0].message, /another vendor's build/);
    assert.match(fixes(maven)[0].title, /another vendor's build/);
    const temurin = 'FROM eclipse-temurin:17-jdk\nCOPY app.jar /app.jar\nENTRYPOINT ["java","-jar","/app.jar"]\n';
    assert.doesNotMatch(found(temurin)[0].message + fixes(temurin)[0].title, /vendor/);
  });
});
