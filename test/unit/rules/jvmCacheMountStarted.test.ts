/**
 * maven-cache-kept and gradle-cache-kept suggested "or use a cache mount on ~/.m2" (~/.gradle) even
 * when the container itself starts Maven or Gradle (`CMD ["./mvnw", "spring-boot:run"]`,
 * `ENTRYPOINT ["./gradlew", "bootRun"]`): a cache mount exists only during its RUN, so the image
 * would ship without the repository its start needs, and the warming RUN would be for nothing.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const message = (text: string, rule: string) => analyze(text, { context: {} }).findings.find((f) => f.ruleId === rule)?.message ?? '';

describe('maven-cache-kept / gradle-cache-kept: no cache mount suggested when the container starts the build tool', () => {
  it('Maven started by the CMD', () => {
    const m = message('FROM eclipse-temurin:17-jdk\nWORKDIR /app\nCOPY mvnw pom.xml ./\nCOPY .mvn .mvn\nRUN ./mvnw dependency:resolve\nCOPY src src\nCMD ["./mvnw", "spring-boot:run"]\n', 'maven-cache-kept');
    assert.match(m, /^Maven leaves its local repository in the final image: /);
    assert.doesNotMatch(m, /cache mount on/);
    assert.match(m, /The container runs Maven: build the jar in a builder stage, run it with java -jar\.$/);
  });
  it('Gradle started by the ENTRYPOINT', () => {
    const m = message('FROM eclipse-temurin:17-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew --no-daemon build -x test\nENTRYPOINT ["./gradlew", "bootRun"]\n', 'gradle-cache-kept');
    assert.doesNotMatch(m, /cache mount on/);
    assert.match(m, /The container runs Gradle: build the jar in a builder stage, run it with java -jar\.$/);
  });
  it('still suggested when only later RUNs run them (they can mount the cache too)', () => {
    assert.match(message('FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn -B dependency:go-offline\nCOPY src src\nRUN mvn -B package\nCMD ["java", "-jar", "target/app.jar"]\n', 'maven-cache-kept'), /or use a cache mount on \/root\/\.m2\.$/);
    assert.match(message('FROM eclipse-temurin:21-jdk\nCOPY . .\nRUN ./gradlew build\nCMD ["java", "-jar", "build/libs/app.jar"]\n', 'gradle-cache-kept'), /or use a cache mount on \/root\/\.gradle\.$/);
  });
});
