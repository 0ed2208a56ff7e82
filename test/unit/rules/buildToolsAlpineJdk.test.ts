/**
 * build-tools-in-final-image on Alpine's JDK packages: `openjdk17` (like openjdk8, 11, 21) is
 * Alpine's whole JDK (javac, jmods), its JRE being `openjdk17-jre` / `-jre-headless`. Only
 * `openjdk17-jdk` was recognised, so `apk add openjdk17 maven` and a build in the final image went
 * unreported (Debian's openjdk-17-jdk was).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const found = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'build-tools-in-final-image');

describe('build-tools-in-final-image: Alpine JDK packages', () => {
  for (const pkg of ['openjdk17', 'openjdk21', 'openjdk8', 'openjdk11-jdk']) {
    it(`reports apk add ${pkg}`, () => {
      const [f] = found(`FROM alpine:3.19\nRUN apk add --no-cache ${pkg} maven\nCOPY . .\nRUN mvn -B package\nCMD ["java", "-jar", "target/app.jar"]\n`);
      assert.match(f?.message ?? '', new RegExp(`Build packages stay in the final image \\(${pkg}\\)`));
    });
  }
  for (const pkg of ['openjdk17-jre', 'openjdk17-jre-headless', 'openjdk-17-jre-headless']) {
    it(`does not report the JRE ${pkg}`, () => {
      assert.deepEqual(found(`FROM alpine:3.19\nRUN apk add --no-cache ${pkg}\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n`), []);
    });
  }
});
