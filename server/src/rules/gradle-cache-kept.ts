/**
 * gradle-cache-kept: Gradle in a stage whose layers form the final image leaves its user home
 * (~/.gradle: caches/ with every dependency and transformed jar, wrapper/ with the downloaded
 * Gradle distribution) in the image. Builder stages are reported only when the final image copies
 * that home out of them (on a Windows base, only /: heldFolder).
 */
import { appendRepair, cacheRule, defaultFolder, flagValue, homePath, programWord, startedInImage, usedLaterInImage } from '../core/packageManagers';
import type { ShellCommand } from '../core/shell';
import { namedPath } from '../core/paths';
import { runArgs, runProgram, shellScriptWord } from '../core/innerScript';

const BASIS = "Gradle's caches/ (dependencies, transformed jars, build script classes) and wrapper/ (a whole Gradle distribution for ./gradlew); their size depends on the project, not yet measured by our bench";
const PROGRAMS = /^(gradle|gradlew)$/;

function gradleRuns(cmd: ShellCommand) {
  if (!PROGRAMS.test(runProgram(cmd)) || runArgs(cmd).some((w) => ['-v', '--version', '-h', '--help', '-?'].includes(w.value))) return undefined;
  return shellScriptWord(cmd) ?? programWord(cmd);
}

function userHome(cmd: ShellCommand, env: (name: string) => string | undefined): string | undefined {
  return (flagValue(cmd, '--gradle-user-home') ?? flagValue(cmd, '-g') ?? env('GRADLE_USER_HOME'))?.replace(/^["']|["']$/g, '');
}

export const rule = cacheRule({
  id: 'gradle-cache-kept',
  title: 'Gradle caches in the final image',
  severity: 'warning',
  finalLayersOnly: true,
  docs: {
    summary: '`gradle` / `./gradlew` leaving ~/.gradle/caches (and wrapper/) in the final image without a cache mount or cleanup in the same RUN.',
    why: 'Gradle keeps every dependency, transformed jar and compiled build script under its user home, and ./gradlew downloads a complete Gradle distribution into wrapper/. The application jar is what runs.',
    incorrect: 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew --no-daemon bootJar\nCMD ["java", "-jar", "build/libs/app.jar"]',
    correct: 'FROM eclipse-temurin:21-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.gradle ./gradlew --no-daemon bootJar\n\nFROM eclipse-temurin:21-jre\nCOPY --from=build /app/build/libs/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]',
    sizeImpact: `${BASIS}.`,
    fix: 'Appends `&& rm -rf <home>/caches <home>/wrapper` (`~/.gradle` in the home of the user the RUN runs as, when the file tells it, or `GRADLE_USER_HOME`) when nothing later in the image runs Gradle; other files in the Gradle home (gradle.properties, init scripts) are kept. Not offered when a later RUN or the CMD runs Gradle: the remedy there is a builder stage.',
  },
  words: ['gradle'],
  fills: gradleRuns,
  cleans: () => false,
  cacheHandled: (handled, { cmd, env }) => {
    const home = userHome(cmd, env) ?? '~/.gradle';
    return handled(`${home}/caches`) && (runProgram(cmd) !== 'gradlew' || handled(`${home}/wrapper`));
  },
  // The mount goes on the Gradle home of the user the RUN runs as (root's only for root).
  // A cache mount holds the caches only during its RUN: not for a container that starts Gradle.
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, userHome(cmd, env) ?? '~/.gradle'),
  message: ({ model, instr, cmd, env }) =>
    `Gradle leaves its caches in the final image: ${BASIS}. ` +
    (model && startedInImage(model, instr, PROGRAMS)
      ? 'The container runs Gradle: build the jar in a builder stage, run it with java -jar.'
      : `Build in a builder stage and copy the jar, or use a cache mount on ${userHome(cmd, env) ?? defaultFolder(instr, 'gradle', homePath(instr, cmd, '.gradle') ?? '~/.gradle')}.`),
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd, env }) => {
    if (usedLaterInImage(model, instr, PROGRAMS)) return undefined;
    const home = userHome(cmd, env) ?? homePath(instr, cmd, '.gradle');
    return home && !/[\s$`]/.test(home) ? appendRepair(model, instr, `rm -rf ${home}/caches ${home}/wrapper`) : undefined;
  },
});
