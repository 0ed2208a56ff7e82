/**
 * maven-cache-kept: Maven in a stage whose layers form the final image leaves its local
 * repository (~/.m2/repository: every plugin and dependency jar it downloaded) in the image.
 * Builder stages are reported only when the final image copies that repository out of them (on a
 * Windows base, only /: heldFolder).
 */
import { appendRepair, cacheRule, defaultFolder, programWord, homePath, startedInImage, usedLaterInImage } from '../core/packageManagers';
import { programArgs, type ShellCommand } from '../core/shell';
import { namedPath } from '../core/paths';
import { runArgs, runProgram, shellScriptWord } from '../core/innerScript';

const BASIS = "Maven's local repository holds every plugin and dependency jar of the build; its size depends on the project, not yet measured by our bench";
const PROGRAMS = /^(mvn|mvnw|mvnd)$/;

/** The program word of a Maven run that resolves dependencies (not `mvn --version`). */
function mavenRuns(cmd: ShellCommand) {
  if (!PROGRAMS.test(runProgram(cmd)) || runArgs(cmd).some((w) => ['-v', '--version', '-h', '--help'].includes(w.value))) return undefined;
  return shellScriptWord(cmd) ?? programWord(cmd);
}

/** `-Dmaven.repo.local=...` on the command line or in MAVEN_OPTS / MAVEN_ARGS. */
function repoLocal(cmd: ShellCommand, env: (name: string) => string | undefined): string | undefined {
  const texts = [...programArgs(cmd).map((w) => w.value), env('MAVEN_OPTS') ?? '', env('MAVEN_ARGS') ?? ''];
  for (const t of texts) {
    const m = /-Dmaven\.repo\.local=(\S+)/.exec(t);
    if (m) return m[1].replace(/^["']|["']$/g, '');
  }
  return undefined;
}

/** Goals that only fill the repository for a later build (a cache-warming layer). */
const WARMING = /^dependency:(go-offline|resolve|resolve-plugins)$/;

export const rule = cacheRule({
  id: 'maven-cache-kept',
  title: 'Maven repository in the final image',
  severity: 'warning',
  finalLayersOnly: true,
  docs: {
    summary: '`mvn` / `./mvnw` leaving ~/.m2/repository in the final image without a cache mount or cleanup in the same RUN.',
    why: 'Maven downloads every plugin and dependency into the local repository. The packaged jar (with its dependencies shaded or copied) is what runs; the repository, and the JDK and Maven that built it, are dead weight in the final image.',
    incorrect: 'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B package -DskipTests\nCMD ["java", "-jar", "target/app.jar"]',
    correct: 'FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests\n\nFROM eclipse-temurin:21-jre\nCOPY --from=build /app/target/app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]',
    sizeImpact: `${BASIS}.`,
    fix: 'Appends `&& rm -rf <repository>` (`~/.m2/repository` in the home of the user the RUN runs as, when the file tells it, or the `-Dmaven.repo.local` folder) when nothing later in the image runs Maven. Not offered for a `dependency:go-offline` warming step, or when a later RUN or the CMD runs Maven: the remedy there is a builder stage.',
  },
  words: ['mvn'],
  fills: mavenRuns,
  cleans: () => false,
  cacheHandled: (handled, { cmd, env }) => handled(repoLocal(cmd, env) ?? '~/.m2/repository'),
  // The mount goes on the user's ~/.m2 (root's only when the RUN runs as root), or on -Dmaven.repo.local.
  // A cache mount holds the repository only during its RUN: not for a container that starts Maven.
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, repoLocal(cmd, env) ?? '~/.m2/repository'),
  message: ({ model, instr, cmd, env }) =>
    `Maven leaves its local repository in the final image: ${BASIS}. ` +
    (model && startedInImage(model, instr, PROGRAMS)
      ? 'The container runs Maven: build the jar in a builder stage, run it with java -jar.'
      : `Build in a builder stage and copy the jar, or use a cache mount on ${repoLocal(cmd, env) ?? defaultFolder(instr, 'maven', homePath(instr, cmd, '.m2') ?? '~/.m2')}.`),
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd, env }) => {
    if (programArgs(cmd).some((w) => WARMING.test(w.value)) || usedLaterInImage(model, instr, PROGRAMS)) return undefined;
    const repo = repoLocal(cmd, env) ?? homePath(instr, cmd, '.m2/repository');
    return repo && !/[\s$`]/.test(repo) ? appendRepair(model, instr, `rm -rf ${repo}`) : undefined;
  },
});
