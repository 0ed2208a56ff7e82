/**
 * gradle-cache-kept and maven-cache-kept read a wrapper a shell runs from its file (`sh ./gradlew
 * build`, `bash mvnw package`: the wrapper's own executable bit is often not set in the build
 * context, so Dockerfiles run it this way) as the wrapper itself, as build-tools-in-final-image
 * does (026a1d0). Before, the program was `sh` and neither rule spoke.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function found(text: string, rule: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === rule).map((f) => ({ line: f.range.start.line, marked: text.split('\n')[f.range.start.line].slice(f.range.start.character, f.range.end.character), fix: fixFor(analysis, f, ENV)?.edits.map((e) => e.newText).join('') }));
}

describe('JVM build caches: a wrapper run through a shell', () => {
  it('gradle-cache-kept: sh ./gradlew build, with ~/.gradle/wrapper in the cleanup', () => {
    const text = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN sh ./gradlew build --no-daemon\nCMD ["java", "-jar", "build/libs/app.jar"]\n';
    assert.deepEqual(found(text, 'gradle-cache-kept'), [{ line: 3, marked: 'sh ./gradlew build --no-daemon', fix: ' && rm -rf /root/.gradle/caches /root/.gradle/wrapper' }]);
    // Its cleanup must take wrapper/ too, as for ./gradlew.
    assert.deepEqual(found(text.replace('--no-daemon', '--no-daemon && rm -rf /root/.gradle/caches'), 'gradle-cache-kept').length, 1);
    assert.deepEqual(found(text.replace('--no-daemon', '--no-daemon && rm -rf /root/.gradle/caches /root/.gradle/wrapper'), 'gradle-cache-kept'), []);
  });

  it('maven-cache-kept: bash mvnw package; a later sh ./mvnw keeps the repository (no fix)', () => {
    const text = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN bash mvnw -B package\nCMD ["java", "-jar", "target/app.jar"]\n';
    assert.deepEqual(found(text, 'maven-cache-kept').map((f) => [f.line, f.marked]), [[3, 'bash mvnw -B package']]);
    assert.ok(found(text, 'maven-cache-kept')[0].fix);
    const later = text.replace('CMD', 'RUN sh ./mvnw -B verify\nCMD');
    assert.equal(found(later, 'maven-cache-kept')[0].fix, undefined);
  });

  it('a CMD or ENTRYPOINT that runs the wrapper through a shell keeps the cache (no fix)', () => {
    const text = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN sh ./gradlew build\nCMD %\n';
    for (const cmd of ['["sh", "./gradlew", "bootRun"]', 'sh ./gradlew bootRun', '["/bin/sh", "-c", "exec ./gradlew bootRun"]', 'java -version && ./gradlew bootRun']) {
      assert.equal(found(text.replace('%', cmd), 'gradle-cache-kept')[0].fix, undefined, cmd);
    }
    const maven = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN bash mvnw -B package\nENTRYPOINT ["bash", "mvnw", "spring-boot:run"]\n';
    assert.equal(found(maven, 'maven-cache-kept')[0].fix, undefined);
    // A CMD that runs something else still lets the fix through.
    assert.ok(found(text.replace('%', '["sh", "./start.sh"]'), 'gradle-cache-kept')[0].fix);
  });

  it('a shell ENTRYPOINT given the wrapper by the CMD keeps the cache (no fix): the container runs both joined', () => {
    const text = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew build\n%\n';
    for (const start of ['ENTRYPOINT ["sh", "-c"]\nCMD ["./gradlew bootRun"]', 'CMD ["./gradlew bootRun"]\nENTRYPOINT ["/bin/sh", "-c"]', 'ENTRYPOINT ["/bin/sh","-c"]\nCMD ./gradlew bootRun']) {
      assert.equal(found(text.replace('%', start), 'gradle-cache-kept')[0].fix, undefined, start);
    }
    // In a stage built on the one that builds, too.
    const later = 'FROM eclipse-temurin:21-jdk AS build\nRUN ./gradlew build\nENTRYPOINT ["sh", "-c"]\nFROM build\nCMD ["./gradlew bootRun"]\n';
    assert.equal(found(later, 'gradle-cache-kept')[0].fix, undefined);
    assert.ok(found(text.replace('%', 'ENTRYPOINT ["sh", "-c"]\nCMD ["java -jar build/libs/app.jar"]'), 'gradle-cache-kept')[0].fix);
  });

  it("the shell's own options are not the wrapper's: sh -v is no --version, -o takes a word", () => {
    const text = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN %\nCMD ["java", "-jar", "app.jar"]\n';
    for (const run of ['sh -v ./gradlew build', 'bash -o pipefail ./gradlew build', 'bash -eu -o pipefail ./gradlew build']) {
      assert.deepEqual(found(text.replace('%', run), 'gradle-cache-kept').map((f) => f.marked), [run], run);
    }
    assert.deepEqual(found(text.replace('%', 'sh -x ./gradlew --version'), 'gradle-cache-kept'), []);
    assert.deepEqual(found(text.replace('%', 'bash -x mvnw -v'), 'maven-cache-kept'), []);
    assert.equal(found(text.replace('%', 'bash -v mvnw -B package'), 'maven-cache-kept').length, 1);
  });

  it('a shell given -c, or a script of another name, is not the wrapper', () => {
    assert.deepEqual(found('FROM eclipse-temurin:21-jdk\nRUN sh ./build.sh\n', 'gradle-cache-kept'), []);
    assert.deepEqual(found('FROM eclipse-temurin:21-jdk\nRUN sh -c "echo gradlew"\n', 'gradle-cache-kept'), []);
  });
});
