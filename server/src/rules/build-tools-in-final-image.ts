/**
 * build-tools-in-final-image: compilers, `-dev` headers or a whole SDK image in a stage whose
 * layers form the final image. They are needed to build the app, not to run it; a builder stage
 * that the final stage copies the result from leaves them behind (hadolint#947).
 *
 * Two kinds of findings: the stage's base image is an SDK (golang, rust, maven, gradle, a JDK,
 * node when the Dockerfile runs a build script), or an apt, apk or dnf/yum/microdnf install adds
 * build packages that the same RUN does not remove again. Where the stage has a shape we recognise (a Go binary, a
 * Node app built with `npm run build`, a Java jar run with `java -jar`, Python wheels built with
 * apt build packages), the quick fix rewrites it into a builder stage and a slim final stage.
 */
import type { Copy } from 'dockerfile-ast';
import { APT_PROGRAMS, aptPackages, commandRange, wordRange, deleteInstruction, insertAfterWord, isAptInstall, operands, packagesRemovedAfter, ranCommands, RPM_PROGRAMS, subcommand } from '../core/commands';
import { buildModel, envBefore, instructionAt, rootStage, type DockerfileModel, type Instr, type Stage } from '../core/model';
import { runProgram } from '../core/innerScript';
import { containerCommand, execForm } from '../core/execForm';
import { isAtOrBelow } from '../core/paths';
import { resolvePath, workdirAt } from '../core/workdir';
import { verifiedAppend, windowsBase } from '../core/packageManagers';
import { devOmitFlags, isNpmPrune, nodeImageBuild, npmDependencyTypes, omitsOptional, omitsPeer } from '../core/npmCommand';
import { inlineAssignments, programArgs, programName, type ShellCommand, type ShellWord } from '../core/shell';
import type { Fix, SizeEstimate, TextEdit } from '../core/types';
import { estimateBaseImage, formatBytes, parseImageReference, slimVariant, smallerAlternatives } from '../sizes';
import { estimateAptInstall, OFFICIAL_BASE_PACKAGES } from '../sizes/apt';
import { aptBasis, aptStateBefore } from '../core/imageEstimate';
import { parseTag, windowsTag } from '../sizes/tags';
import { apkAddPackages, keptGroup } from './apk-virtual-not-deleted';
import { countedSlim } from './base-image-not-slim';
import { installsRecommends } from './apt-recommends';
import { npmFlag, rule as npmDevDependencies, usesDevDependencies } from './npm-dev-dependencies';
import type { RawFinding, Rule } from './rule';

// ---------------------------------------------------------------------------------------------
// What counts as a build tool

/** Compilers, toolchains and headers; `make` or `pkg-config` alone are small and often run-time helpers. Alpine's `openjdk17` is its whole JDK (the JRE is `openjdk17-jre`). */
const BUILD_PACKAGES = new Set([
  'build-essential', 'build-base', 'gcc', 'g++', 'clang', 'musl-dev', 'linux-headers', 'cargo', 'rustc', 'golang',
  'golang-go', 'go', 'default-jdk', 'default-jdk-headless',
]);
const BUILD_PACKAGE_PATTERNS = [/-dev$/, /-devel$/, /^gcc-\d+$/, /^g\+\+-\d+$/, /^gcc-c\+\+$/, /^clang-\d+$/, /^openjdk\d*-jdk/, /^openjdk-\d+-jdk/, /^openjdk\d+$/];

/**
 * The php images' ENV of compilers for `pecl install` and `docker-php-ext-install` (autoconf, gcc,
 * g++, make, re2c...). The Alpine images do not keep them installed, so `apk add $PHPIZE_DEPS` adds
 * a toolchain; the Debian images keep them, so an apt install of them adds nothing.
 */
const PHPIZE_DEPS = /^\$\{?PHPIZE_DEPS\}?$/;

/** Debian's JDK packages; each has a JRE of the same name with -jre (openjdk-17-jdk-headless: openjdk-17-jre-headless). */
const DEBIAN_JDK = /^(openjdk-\d+|default)-jdk(-headless)?$/;
/** Alpine's (`openjdk17` is the whole JDK); no table here backs its JREs' names, so none is named. */
const ALPINE_JDK = /^openjdk\d+(-jdk)?$/;

export function isBuildPackage(name: string): boolean {
  return BUILD_PACKAGES.has(name) || BUILD_PACKAGE_PATTERNS.some((p) => p.test(name));
}

type Sdk = 'go' | 'rust' | 'java' | 'node' | 'dotnet';

/** The SDK an image reference is, when it is one. */
function sdkOf(image: string): Sdk | undefined {
  const ref = parseImageReference(image);
  if (!ref) return undefined;
  const name = ref.name;
  const tag = ref.tag ?? 'latest';
  if (name === 'golang') return 'go';
  if (name === 'rust') return 'rust';
  if (name === 'maven' || name === 'gradle') return 'java';
  if ((name === 'eclipse-temurin' || name === 'openjdk' || name === 'amazoncorretto' || name === 'ibm-semeru-runtimes' || name === 'sapmachine') && !/jre/.test(tag)) return 'java';
  if (/(^|\/)dotnet\/sdk$/.test(ref.path)) return 'dotnet';
  if (name === 'node') return 'node';
  return undefined;
}

/** Packages an apt, apk or dnf/yum/microdnf install adds, by name (versions and options stripped). */
function installedPackages(cmd: ShellCommand): { manager: 'apt' | 'apk' | 'rpm'; names: string[] } | undefined {
  if (isAptInstall(cmd)) return { manager: 'apt', names: aptPackages(cmd).map((w) => w.value.split('=')[0]) };
  if (RPM_PROGRAMS.test(programName(cmd)) && operands(cmd)[0]?.value === 'install') return { manager: 'rpm', names: operands(cmd).slice(1).map((w) => w.value) };
  if (programName(cmd) === 'apk' && operands(cmd)[0]?.value === 'add') return { manager: 'apk', names: apkAddPackages(cmd) };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The rule

/** A base the apt size model fits: Debian-based `-slim` images and plain debian (the full language images already hold the toolchain). */
function onDebianSlim(stage: Stage): boolean {
  const { image } = rootStage(stage).from;
  const ref = image ? parseImageReference(image) : undefined;
  return ref !== undefined && (ref.name === 'debian' || (/slim/.test(ref.tag ?? '') && !/alpine/.test(ref.tag ?? '')));
}

/** How the packages an install added are removed again, for the message. */
function removal(manager: 'apt' | 'apk' | 'rpm', cmd: ShellCommand): string {
  if (manager === 'apk') return 'apk add --virtual .build-deps ... && apk del .build-deps';
  if (manager === 'rpm') return `${programName(cmd)} remove -y ...`;
  return 'apt-get purge -y --auto-remove ...';
}

function sizeOf(image: string, platform?: string): string {
  const e = estimateBaseImage(image, platform);
  return e ? `${image} is about ${formatBytes(e.unpackedBytes)} unpacked` : `${image} (size not in the bundled table)`;
}

/**
 * The saving of a node finding that carries npm-dev-dependencies' figure: the image's part, if
 * any (full image to -slim), plus the devDependencies; an unsized part is named as not counted.
 */
function plusDevDependencies(image: SizeEstimate | undefined, dev: SizeEstimate, note: string | undefined): SizeEstimate {
  const bytes = image?.bytes === undefined ? dev.bytes : image.bytes + (dev.bytes ?? 0);
  const devBasis = `${image && dev.bytes === undefined ? 'not counted: ' : ''}the devDependencies the build needs: ${dev.basis}`;
  return { bytes, basis: [image?.basis, devBasis, note].filter(Boolean).join('; ') };
}

/** Programs that need a JDK rather than a JRE: the build tools and the JDK's own commands. */
const JDK_PROGRAMS = /^(mvn|mvnw|gradle|gradlew|ant|sbt|lein|javac|kotlinc|scalac|jar|jlink|jdeps|jpackage|jshell|jcmd|jmap|jstack|jdb|native-image)$/;

/**
 * True when a RUN of the stage may run a JDK tool (an exec-form RUN is not read). A Java stage
 * without one builds nothing: it copies a jar built elsewhere and runs it, which a JRE does too.
 */
function runsJdkProgram(stage: Stage): boolean {
  return stage.instructions.some((i) => i.run && (i.run.form === 'exec' || ranCommands(i.run).some((c) => JDK_PROGRAMS.test(runProgram(c)))));
}

/** For each stage: whether it or a stage whose layers build on it {@link runsJdkProgram}. */
function jdkRunsOn(model: DockerfileModel): Map<Stage, boolean> {
  // Once per model: each fix asks (a file of n JDK installs asked it n times, quadratic in Apply all).
  let runs = jdkRunsByModel.get(model);
  if (runs) return runs;
  runs = new Map(model.stages.map((s) => [s, runsJdkProgram(s)]));
  // A FROM names an earlier stage: backwards, each stage has heard from all built on it.
  for (const s of [...model.stages].reverse()) if (s.from.stage && runs.get(s)) runs.set(s.from.stage, true);
  jdkRunsByModel.set(model, runs);
  return runs;
}
const jdkRunsByModel = new WeakMap<DockerfileModel, Map<Stage, boolean>>();

/** The runtime a stage of this SDK would move to, with its size, for the message; the saving counts from the image `start`. */
function runtimeSuggestion(stage: Stage, sdk: Sdk, start: string): { text: string; saving?: number; basis?: string } {
  const image = stage.from.image!;
  const from = estimateBaseImage(start, stage.from.platform);
  let target: string | undefined;
  let why = '';
  // Go's and Rust's runtimes here are Linux images, which cannot run a Windows binary.
  const linux = !windowsBase(stage.fromInstr);
  if (sdk === 'go' && linux && usesCgo(stage)) {
    target = 'debian:bookworm-slim';
    why = 'the binary (cgo needs a libc) on';
  } else if (sdk === 'go' && linux) {
    target = 'gcr.io/distroless/static-debian12';
    why = 'a static binary (CGO_ENABLED=0) on';
  } else if (sdk === 'java') {
    target = jreFor(image);
    why = 'the jar on';
  } else if (sdk === 'node') {
    target = slimVariant(image) ?? image;
    why = 'the built app and production dependencies on';
  } else if (sdk === 'rust' && linux) {
    target = 'debian:bookworm-slim';
    why = 'the release binary on';
  } else if (sdk === 'dotnet') {
    // Which runtime depends on the project (a web app needs ASP.NET Core); neither is in the size table.
    const tag = parseImageReference(image)?.tag ?? 'latest';
    return { text: `the published output on mcr.microsoft.com/dotnet/aspnet:${tag} (ASP.NET Core) or mcr.microsoft.com/dotnet/runtime:${tag}` };
  }
  if (!target) return { text: 'only the build output in a runtime image' };
  const alt = smallerAlternatives(image, stage.from.platform, { staticBinary: sdk === 'go' }).find((a) => a.reference === target);
  const to = alt?.estimate ?? estimateBaseImage(target, stage.from.platform);
  const label = sdk === 'java' ? target + otherVendor(image) : target;
  // A tag the table has no row of is sized from others' (eclipse-temurin:21-jre-jammy from 21-jre's): they are named.
  const rows = [...new Set(to?.rows.map((r) => `${r.image}:${r.tag}`))];
  const toText = to ? `${label} (about ${formatBytes(to.unpackedBytes)} base${rows.length && !rows.includes(target) ? `, sized from ${rows.join(', ')}` : ''})` : label;
  const saving = from && to ? from.unpackedBytes - to.unpackedBytes : undefined;
  return {
    text: `${why} ${toText}`,
    saving: saving !== undefined && saving > 0 ? saving : undefined,
    basis: from && to ? `${from.basis}; ${to.basis}` : undefined,
  };
}

/**
 * `eclipse-temurin:<major>-jre` for a JDK, Maven or Gradle image whose tag names the Java major
 * version, on the distribution a Temurin JDK's tag names (`-jammy`, `-ubi9-minimal`, `-alpine-3.21`:
 * the default tag is another release, whose packages a later RUN may not find; `-nanoserver-ltsc2022`
 * and the other Windows ones, named as Temurin names its JDK's, not checked against a list of tags:
 * the size table has no Windows row); `-jre-alpine` for another vendor's Alpine one, whose app may
 * carry native libraries built for musl, and none for its Windows one.
 */
function jreFor(image: string): string | undefined {
  const ref = parseImageReference(image);
  const tag = ref?.tag ?? '';
  const m = /(?:temurin|jdk|openjdk|corretto)-?(\d{1,2})\b/.exec(tag) ?? (ref && ['eclipse-temurin', 'openjdk', 'amazoncorretto'].includes(ref.name) ? /^(\d{1,2})\b/.exec(tag) : null);
  const t = parseTag(ref?.name ?? '', tag);
  const alpine = t.kind === 'alpine' ? t.distro ?? 'alpine' : undefined;
  const windows = windowsTag(t.distro ?? '') ? t.distro : undefined;
  if (windows && otherVendor(image)) return undefined;
  const distro = otherVendor(image) ? alpine && 'alpine' : windows ?? alpine ?? /^(focal|jammy|noble|resolute|ubi\d+-minimal)$/.exec(t.distro ?? '')?.[0];
  return m ? `eclipse-temurin:${m[1]}-jre${distro ? `-${distro}` : ''}` : undefined;
}

/** Said after the JRE {@link jreFor} names from another vendor's JDK (the JDKs it reads are Temurin, Corretto, OpenJDK's and, in gradle tags, GraalVM). */
const otherVendor = (image: string) => (/corretto|openjdk|graal/.test(image) ? ", another vendor's build" : '');

/** What a JRE lacks, for the titles of fixes that move to one. */
const JRE_REVIEW = '(review: a JRE has no javac, jar, jcmd or jstack)';

export const rule: Rule = {
  id: 'build-tools-in-final-image',
  title: 'build tools in the final image',
  severity: 'warning',
  scope: 'layers',
  docs: {
    summary: 'A stage whose layers form the final image starts from an SDK image (golang, rust, maven, gradle, a JDK, .NET SDK, or node running a build script) or installs compilers, `build-essential`, `-dev` or `-devel` packages with apt, apk or dnf/yum/microdnf without removing them in the same RUN.',
    why: 'Compilers, headers and SDKs are needed to build the app, not to run it. A builder stage builds; the final stage copies only the result.',
    incorrect: 'FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app .\nCMD ["app"]',
    correct: 'FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /usr/local/bin/app .\n\nFROM gcr.io/distroless/static-debian12\nWORKDIR /src\nCOPY --from=build /usr/local/bin/app /usr/local/bin/app\nCMD ["app"]',
    sizeImpact: 'From the bundled size table: `golang:1.26` is about 874 MB unpacked against about 2 MiB for distroless static. Counted from the `-slim` variant where base-image-not-slim gives the full image a figure and is shown, so the two add up; for `node:22`, whose runtime is `-slim`, npm-dev-dependencies\' figure for the devDependencies. For build packages, their size (a JDK less its JRE, which runs Java); an apk `--virtual` group the RUN does not delete is apk-virtual-not-deleted\'s while that rule is shown.',
    fix: [
      'Splits the last stage into a builder and a final stage.',
      'Go: `go build -o <path>` and an exec-form CMD/ENTRYPOINT: the build gets `CGO_ENABLED=0` and `-ldflags="-s -w"`, the final stage is `gcr.io/distroless/static-debian12` (not with cgo: C toolchains or CGO_ENABLED=1, nor on Windows).',
      'Node: `npm ci`/`npm install`, `npm run build` and only npm commands: the last `npm prune` after the build, or a new one, gets `--omit=dev` (`--production` up to node:14); the final `-slim` stage copies the working directory.',
      'Java: `mvn`/`gradle` and an exec-form `java -jar <jar>`: the final stage is `eclipse-temurin:<version>-jre` on the JDK\'s distribution (another vendor\'s build from Corretto or OpenJDK); a JDK stage without RUNs gets that JRE as its FROM image.',
      'Python wheels (on the apt finding): an official non-Alpine `python` image whose RUNs are only apt (installs, update, clean, lists removed) and `pip install` (no `-e`, `--user`, `--target`, `--prefix`, `.`), in separate RUNs: the builder runs `pip wheel --wheel-dir /wheels`; the final `-slim` stage repeats the rest, apt-installs the non-build packages and the runtime libraries of known `-dev` packages (`libpq5` for `libpq-dev`), and installs the wheels through a bind mount (BuildKit).',
      'ENV and WORKDIR are repeated; CMD, EXPOSE and the like move; a USER moves only when it exists there (numeric, root, the image\'s own).',
      'Not offered with HEALTHCHECK, ONBUILD, SHELL or other RUN commands (unknown runtime needs), nor where a line to repeat is not plain (variables, escapes, quotes but around a whole ENV or ARG value, flags but `--chown`, `--chmod`, `--from`, several sources into a destination without a trailing /) or a path to write has a blank.',
      'Only the build output moves, so files read at run time from the source tree stay behind: not preferred; review it.',
      'An apt-installed JDK named plainly (`openjdk-17-jdk-headless`) gets its JRE instead, unless a RUN of the stage or of one built on it runs a JDK tool (`javac`, `mvn`...); review it too.',
    ].join(' '),
  },
  check(ctx) {
    const { model } = ctx;
    const out: RawFinding[] = [];
    let devFindings: RawFinding[] | undefined;
    for (const stage of model.stages) {
      if (!stage.layersInFinal) continue;
      const image = stage.from.image;
      const sdk = image && !stage.from.stage ? sdkOf(image) : undefined;
      const node = sdk === 'node' ? nodeImageBuild(stage) : undefined;
      if (image && sdk && (sdk !== 'node' || node)) {
        // base-image-not-slim counts the full image against its -slim variant: while its finding is
        // shown, the builder stage's saving counts from there, so the two figures add up (node's
        // runtime is that -slim image); while it is not, or has no figure, from the image, as the
        // whole cost (not from a -slim the user does not use).
        const slim = countedSlim(stage);
        const what = sdk === 'node' ? `${sizeOf(image, stage.from.platform)} and the devDependencies that \`npm run build\` needs ship in the final image` : `the whole toolchain ships in the final image: ${sizeOf(image, stage.from.platform)}`;
        // A JDK stage that only copies a jar built elsewhere has nothing to move to a builder.
        const prebuilt = sdk === 'java' && !runsJdkProgram(stage);
        const jre = prebuilt ? jreFor(image) : undefined;
        // node:22-alpine or -slim is the runtime image as well: only the devDependencies go.
        const sameBase = sdk === 'node' && (slimVariant(image) ?? image) === image;
        // npm-dev-dependencies leaves the install the build needs to this finding (one squiggle, with
        // the rewrite), which then says what it says the devDependencies cost.
        const dev = node && (devFindings ??= npmDevDependencies.check(ctx)).find((f) => f.instr === node.install.instr && f.data?.commandStart === node.install.cmd.start);
        const devCost = dev?.data?.cost as string | undefined;
        for (const from of slim ? [slim, undefined] : [undefined]) {
          const s = runtimeSuggestion(stage, sdk, from ?? image);
          const advice = !prebuilt ? `Build in a builder stage and ship ${s.text}` : jre ? `Nothing is built in this stage: ship ${s.text} instead` : 'Nothing is built in this stage: a JRE image of the same Java version runs the jar';
          out.push({
            range: stage.from.imageRange,
            instr: stage.fromInstr,
            stage,
            message: sameBase
              ? `\`npm run build\` runs in the final stage, so the devDependencies it needs ship in the image${devCost ? `: ${devCost}` : ''}. Build in a builder stage and ship the built app and production dependencies on ${image}.`
              : `${image} is a build image; ${what}. ${advice}${s.saving ? `: about ${formatBytes(s.saving)} smaller${from ? ` than ${from}` : ''}` : ''}.${devCost ? ` ${devCost[0].toUpperCase()}${devCost.slice(1)}.` : ''}`,
            saving:
              dev?.saving && devCost
                ? plusDevDependencies(s.saving ? { bytes: s.saving, basis: s.basis ?? '' } : undefined, dev.saving, from && `base-image-not-slim counts ${image} against ${from}`)
                : s.saving
                  ? { bytes: s.saving, basis: s.basis ?? '' }
                  : { basis: sameBase || (sdk === 'node' && from) ? `the devDependencies the build needs (npm-dev-dependencies sizes them); ${from ? `base-image-not-slim counts ${image} against ${from}` : 'the base image stays'}` : 'one of the two image sizes is not in the bundled table' },
            handOver: slim ? { to: 'base-image-not-slim', keep: from ? 'if-shown' : 'if-hidden' } : undefined,
            data: { kind: 'sdk', sdk },
          });
        }
      }
      for (const instr of stage.instructions) {
        for (const cmd of instr.run?.commands ?? []) {
          const installed = installedPackages(cmd);
          if (!installed) continue;
          const tools = installed.names.filter((n) => isBuildPackage(n) || (installed.manager === 'apk' && PHPIZE_DEPS.test(n)));
          if (tools.length === 0 || packagesRemovedAfter(instr.run!, cmd, installed.manager)) continue;
          // In a virtual group the RUN does not delete: apk-virtual-not-deleted reports the whole group,
          // with its fix; here only while that finding is not shown.
          const handOver = installed.manager === 'apk' && keptGroup(instr.run!, cmd) ? ({ to: 'apk-virtual-not-deleted', keep: 'if-hidden' } as const) : undefined;
          // Sized as the image estimate sizes the install: recommendations as apt-recommends reads them,
          // against the base's packages and what earlier installs of the image added.
          const opts = { recommends: installsRecommends(model, instr, cmd), basePackages: OFFICIAL_BASE_PACKAGES, after: aptStateBefore(model, instr, cmd) };
          const sized = installed.manager === 'apt' && onDebianSlim(stage) ? estimateAptInstall(tools, opts) : undefined;
          const estimate = sized?.unknown.length === 0 ? sized : undefined;
          const size = estimate ? `about ${formatBytes(estimate.bytes)} with their dependencies` : 'the size of those packages and their dependencies';
          let advice = `Install them in a builder stage, or install them, build and remove them in one RUN (${removal(installed.manager, cmd)}), keeping the runtime libraries the build links against.`;
          let saving: SizeEstimate = estimate ? { bytes: estimate.bytes, basis: aptBasis(estimate.basis, stage) } : { basis: `the installed size of ${tools.join(', ')} and what they pull in` };
          // Removing a JDK removes the Java the image runs: its JRE stays, and the saving is the rest.
          const jdks = installed.manager === 'rpm' ? [] : tools.filter((n) => (installed.manager === 'apt' ? DEBIAN_JDK : ALPINE_JDK).test(n));
          if (jdks.length > 0) {
            const jres = installed.manager === 'apt' ? jdks.map((n) => n.replace('-jdk', '-jre')) : [];
            const jre = jres.length ? estimateAptInstall(jres, opts) : undefined;
            const bytes = estimate && jre?.unknown.length === 0 ? estimate.bytes - jre.bytes : undefined;
            const builds = jdkRunsOn(model).get(stage);
            const named = jres.join(', ') || 'a JRE package';
            advice = `A JRE runs Java: ${builds ? `build in a builder stage and install ${named} here` : `install ${named} instead${tools.length > jdks.length ? ', the others in a builder stage' : ''}`}${bytes ? `: about ${formatBytes(bytes)} smaller` : ''}.`;
            saving = bytes ? { bytes, basis: aptBasis(`${estimate!.basis}; less the JRE: ${jre!.basis}`, stage) } : { basis: `${saving.basis}, less a JRE's` };
          }
          out.push({
            range: commandRange(model, instr.run!, cmd),
            instr,
            message: `Build packages stay in the final image (${tools.join(', ')}): ${size}. ${advice}`,
            saving,
            handOver,
            data: { kind: 'packages', commandStart: cmd.start },
          });
        }
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    const stage = instr?.stage;
    const jre = instr && stage && finding.data?.kind === 'packages' ? jreFix(model, stage, instr, finding.data.commandStart as number) : undefined;
    if (jre || !stage || !rewritable(model, stage)) return jre;
    // The same rewrite for every finding of the stage: made once (a fix each walked the stage, quadratic in Apply all).
    if (finding.data?.kind === 'packages') {
      if (!pythonFixes.has(stage)) pythonFixes.set(stage, pythonFix(model, stage));
      return pythonFixes.get(stage);
    }
    if (finding.data?.kind !== 'sdk' || stage.fromInstr !== instr) return undefined;
    const sdk = finding.data.sdk;
    if (sdk === 'go') return goFix(model, stage);
    if (sdk === 'node') return nodeFix(model, stage);
    if (sdk === 'java') return javaFix(model, stage);
    return undefined;
  },
};

/** Whether the multi-stage rewrite may be offered in `stage`, worked out once per stage. */
function rewritable(model: DockerfileModel, stage: Stage): boolean {
  let ok = rewritables.get(stage);
  if (ok === undefined) {
    const from = stage.fromInstr;
    const fromArgs = from.node.getArguments().map((a) => a.getValue());
    ok =
      // Only the last stage: a build target before it (--target) would name the builder half.
      stage.isFinal &&
      stage === model.stages[model.stages.length - 1] &&
      // A stage with an instruction the parser does not know, or one without the arguments it needs,
      // does not build as it is; the rewrite would copy that line into a second stage (one more
      // error), so it is not offered there.
      !stage.instructions.some((i) => !INSTRUCTIONS.has(i.keyword) || i.node.getArguments().length < (i.keyword === 'COPY' || i.keyword === 'ADD' ? 2 : 1)) &&
      // Only a plain one-line `FROM image [AS name]`: anything else is malformed or too unusual to rewrite.
      from.range.start.line === from.range.end.line &&
      (fromArgs.length === 1 || (fromArgs.length === 3 && fromArgs[1].toUpperCase() === 'AS'));
    rewritables.set(stage, ok);
  }
  return ok;
}
const rewritables = new WeakMap<Stage, boolean>();
const pythonFixes = new WeakMap<Stage, Fix | undefined>();

/**
 * The JRE in place of the JDK in the install at `commandStart`: only where each JDK is a plain
 * word (no pin, whose version the JRE may not have; no quote, variable or glob) and no RUN of the
 * stage or of one built on it runs a JDK tool.
 */
function jreFix(model: DockerfileModel, stage: Stage, instr: Instr, commandStart: number): Fix | undefined {
  const cmd = instr.run?.commands.find((c) => c.start === commandStart);
  if (!cmd || !isAptInstall(cmd)) return undefined;
  const words = aptPackages(cmd).filter((w) => /jdk/.test(w.value));
  const run = instr.run!;
  const plain = (w: ShellWord) => DEBIAN_JDK.test(w.value) && model.text.slice(run.docOffset(w.start), run.docOffset(w.end - 1) + 1) === w.value;
  if (words.length === 0 || !words.every(plain) || jdkRunsOn(model).get(stage)) return undefined;
  const jres = words.map((w) => w.value.replace('-jdk', '-jre'));
  return { title: `Install ${jres.join(', ')} instead ${JRE_REVIEW}`, edits: words.map((w, k) => ({ range: wordRange(model, run, w), newText: jres[k] })), preferred: false };
}

// ---------------------------------------------------------------------------------------------
// The multi-stage rewrite

/** Every Dockerfile instruction (a keyword outside these is a parse error). */
const INSTRUCTIONS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL']);
/** Instructions that only describe how the image runs: they move to the final stage. */
const RUNTIME = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'LABEL', 'VOLUME', 'STOPSIGNAL', 'MAINTAINER']);
/** Instructions whose effect in a new base image cannot be checked statically. */
const BLOCKERS = new Set(['HEALTHCHECK', 'ONBUILD', 'SHELL']);

/**
 * A word the rewrite may write into the final stage as it is: no blank, quote, escape, variable,
 * comment, JSON array or here-document, so it reads the same there and as a path.
 */
const PLAIN = /^[A-Za-z0-9_.,:=@%+/~*?-]+$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * A value wholly in double or single quotes, with no variable, escape character (either kind) or
 * quote of its own kind inside: `ENV A="x y"` means the same in any stage, and both the build and
 * the peer's validator take it (a quote that closes before the value ends, `A="x"y`, the build
 * takes and the validator does not; it is not copied).
 */
const QUOTED = /^("[^"$\\`]*"|'[^'$\\`]*')$/;
/** Words of an instruction's arguments: runs of non-blanks and quoted parts (which may hold blanks). */
const WORD = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;

/** A value ENV or ARG may hold in a repeated line: empty, plain or wholly quoted. */
const copyableValue = (v: string) => v === '' || PLAIN.test(v) || QUOTED.test(v);
/** `name=value` with a variable's name and a value {@link copyableValue} takes. */
function copyableAssignment(w: string): boolean {
  const eq = w.indexOf('=');
  return eq > 0 && VARIABLE_NAME.test(w.slice(0, eq)) && copyableValue(w.slice(eq + 1));
}

/**
 * True when the rewrite may repeat instruction `i` in the final stage: it is in a plain form the
 * build takes. A line the build rejects (`ENV name` without a value, `COPY a b .`: several
 * sources need a destination that ends in /, an unknown flag...) would be rejected twice after the
 * rewrite; rather than know every such error, only the plain forms are copied, and on anything
 * else the rewrite is not offered. The line is copied verbatim, so ENV and ARG values may be
 * quoted ({@link QUOTED}): the text means in the final stage what it meant in the first. Paths
 * (COPY, WORKDIR) stay plain words. Instructions that move (CMD, EXPOSE...) are not repeated.
 */
function copyable(model: DockerfileModel, i: Instr): boolean {
  const words = lineWords(model, i);
  if (!words || words.length === 0) return false;
  switch (i.keyword) {
    case 'ENV':
      // `ENV A=1 B="x y"`, or the older `ENV A some value`.
      return words.every(copyableAssignment) || (VARIABLE_NAME.test(words[0]) && words.length > 1 && words.slice(1).every((w) => PLAIN.test(w) || QUOTED.test(w)));
    case 'ARG':
      return words.length === 1 && (VARIABLE_NAME.test(words[0]) || copyableAssignment(words[0]));
  }
  if (!words.every((w) => PLAIN.test(w))) return false;
  switch (i.keyword) {
    case 'WORKDIR':
    case 'USER':
      return words.length === 1;
    case 'COPY':
    case 'ADD': {
      let k = 0;
      const flags = new Set<string>();
      for (; words[k]?.startsWith('-'); k++) {
        const flag = /^--(chown|chmod|from)=./.exec(words[k])?.[1];
        if (!flag || flags.has(flag)) return false;
        flags.add(flag);
      }
      const paths = words.slice(k);
      return paths.length === 2 || (paths.length > 2 && paths[paths.length - 1].endsWith('/'));
    }
    default:
      return false;
  }
}

/** The text of instruction `i`. */
const instrText = (model: DockerfileModel, i: Instr) => model.text.slice(model.lines.offsetAt(i.range.start), model.lines.offsetAt(i.range.end));

/** An edit that appends `lines` after the end of the file as a new stage, a blank line before it. */
function appendStage(model: DockerfileModel, lines: string[]): TextEdit {
  const eol = model.lines.eol;
  const at = model.lines.positionAt(model.text.length);
  return { range: { start: at, end: at }, newText: `${/\r?\n$/.test(model.text) ? '' : eol}${eol}${lines.join(eol)}${eol}` };
}

/**
 * The words after the keyword of one-line instruction `i`, flags included (getArgumentsContent
 * leaves them out), a quoted part kept in its word; undefined when a quote is not closed.
 */
function lineWords(model: DockerfileModel, i: Instr): string[] | undefined {
  const args = instrText(model, i).trim().replace(/^\S+/, '');
  if (args.replace(WORD, '').trim() !== '') return undefined;
  return args.match(WORD) ?? [];
}

interface Plan {
  /** Image of the final stage. */
  finalImage: string;
  /** What the final stage copies from the builder: [source, destination]. */
  copies: [string, string][];
  /** Users that exist in the final image. */
  users: RegExp;
  /** Extra edits in the builder (build flags, prune). */
  builderEdits: TextEdit[];
  title: string;
}

/** What the stage's image starts (ENTRYPOINT and CMD joined), when each of its own CMD/ENTRYPOINT is in exec form; else undefined. */
function execCommand(stage: Stage): string[] | undefined {
  const own = stage.instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  return own.length && own.every((i) => execForm(i)) ? containerCommand(stage) : undefined;
}

/** The name the builder stage gets: its own `AS` name, else `build` (or `build-2`... when taken). */
function builderName(model: DockerfileModel, stage: Stage): { name: string; edit?: TextEdit } {
  if (stage.name) return { name: stage.name };
  let name = 'build';
  for (let k = 2; model.stages.some((s) => s.name === name); k++) name = `build-${k}`;
  const at = stage.from.imageRange.end;
  return { name, edit: { range: { start: at, end: at }, newText: ` AS ${name}` } };
}

function rewrite(model: DockerfileModel, stage: Stage, plan: Plan): Fix | undefined {
  const env: string[] = [];
  const moved: string[] = [];
  const edits: TextEdit[] = [...plan.builderEdits];
  let user: string | undefined;
  for (const i of stage.instructions) {
    if (BLOCKERS.has(i.keyword)) return undefined;
    const text = instrText(model, i);
    // Copied text must be one plain line: a continued ENV or LABEL may have swallowed the next line.
    if (i.keyword !== 'RUN' && i.range.start.line !== i.range.end.line) return undefined;
    if (i.keyword === 'ENV') {
      // Repeated in the final stage: a plain form only (which rules out values that use variables).
      if (!copyable(model, i)) return undefined;
      env.push(text);
    } else if (i.keyword === 'USER') {
      user = (i.node.getArgumentsContent() ?? '').trim();
    } else if (RUNTIME.has(i.keyword)) {
      moved.push(text);
      edits.push(deleteInstruction(model, i));
    }
  }
  if (user !== undefined && !plan.users.test(user)) return undefined;
  const lastInstr = stage.instructions[stage.instructions.length - 1];
  const workdir = lastInstr ? workdirAt(lastInstr) : '/';
  const lastWorkdir = stage.instructions.filter((i) => i.keyword === 'WORKDIR').pop();
  if (workdir === undefined) return undefined;
  // Paths written into the final stage as words: one with a blank would become two arguments.
  if (![workdir, ...plan.copies.flat()].every((w) => PLAIN.test(w))) return undefined;
  const builder = builderName(model, stage);
  if (builder.edit) edits.push(builder.edit);
  const lines = [
    `FROM ${plan.finalImage}`,
    ...env,
    ...(lastWorkdir && workdir !== '/' ? [`WORKDIR ${workdir}`] : []),
    ...plan.copies.map(([src, dest]) => `COPY --from=${builder.name} ${src} ${dest}`),
    ...(user !== undefined ? [`USER ${user}`] : []),
    ...moved,
  ];
  edits.push(appendStage(model, lines));
  return splitsCleanly(model, edits, plan.finalImage, lines.length - 1) ? { title: plan.title, edits, preferred: false } : undefined;
}

/**
 * Re-parses the rewritten text: exactly one stage more, whose FROM is the planned image and whose
 * instructions are exactly the ones written. Catches inputs where an instruction swallows the
 * next line through a trailing continuation, or text the rewrite did not expect.
 */
function splitsCleanly(model: DockerfileModel, edits: TextEdit[], finalImage: string, instructions: number): boolean {
  const resolved = edits
    .map((e, i) => ({ start: model.lines.offsetAt(e.range.start), end: model.lines.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  let text = model.text;
  for (const e of resolved) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  const after = buildModel(text);
  const last = after.stages[after.stages.length - 1];
  return after.stages.length === model.stages.length + 1 && last.from.raw === finalImage && last.instructions.length === instructions;
}

/** RUN commands of the stage; undefined when one is outside `allowed`. */
function onlyCommands(stage: Stage, allowed: (c: ShellCommand) => boolean): ShellCommand[] | undefined {
  const all: ShellCommand[] = [];
  for (const i of stage.instructions) {
    if (!i.run) continue;
    if (i.run.form === 'exec') return undefined;
    for (const c of i.run.commands) {
      if (!allowed(c)) return undefined;
      all.push(c);
    }
  }
  return all;
}

const C_TOOLCHAIN = /^(gcc|g\+\+|clang|build-base|build-essential|musl-dev|libc6?-dev)$/;

/** True when the Go stage builds with cgo: CGO_ENABLED=1 somewhere, or C toolchains or headers installed. */
function usesCgo(stage: Stage): boolean {
  for (const instr of stage.instructions) {
    if (instr.keyword === 'ENV' && /CGO_ENABLED\s*=?\s*["']?1/.test(instr.node.getArgumentsContent() ?? '')) return true;
    for (const cmd of instr.run ? ranCommands(instr.run) : []) {
      if (inlineAssignments(cmd).get('CGO_ENABLED')?.replace(/["']/g, '') === '1') return true;
      if (installedPackages(cmd)?.names.some((n) => C_TOOLCHAIN.test(n) || /-dev$/.test(n))) return true;
    }
  }
  return false;
}

function goFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  const cmdWords = execCommand(stage);
  if (!cmdWords || usesCgo(stage) || windowsBase(stage.fromInstr)) return undefined;
  let build: { instr: Instr; cmd: ShellCommand } | undefined;
  for (const instr of stage.instructions) {
    for (const cmd of instr.run?.commands ?? []) {
      if (programName(cmd) === 'go' && operands(cmd)[0]?.value === 'build') {
        if (build) return undefined;
        build = { instr, cmd };
      }
    }
  }
  if (!build || build.instr.run!.form === 'heredoc') return undefined;
  const args = programArgs(build.cmd);
  const o = args.findIndex((w) => w.value === '-o');
  const outWord = o >= 0 ? args[o + 1]?.value : undefined;
  const cwd = workdirAt(build.instr);
  const binary = outWord && cwd !== undefined ? resolvePath(outWord, cwd) : undefined;
  if (!binary || binary.endsWith('/')) return undefined;
  const cgo = new Map([...envBefore(build.instr), ...inlineAssignments(build.cmd)]).get('CGO_ENABLED');
  if (cgo !== undefined && cgo.replace(/["']/g, '') !== '0') return undefined;
  const run = build.instr.run!;
  const builderEdits: TextEdit[] = [];
  if (cgo === undefined) {
    const at = model.lines.positionAt(run.docOffset(build.cmd.start));
    builderEdits.push({ range: { start: at, end: at }, newText: 'CGO_ENABLED=0 ' });
  }
  if (!args.some((w) => w.value === '-ldflags' || w.value.startsWith('-ldflags='))) {
    builderEdits.push(insertAfterWord(model, run, operands(build.cmd)[0], ' -ldflags="-s -w"'));
  }
  return rewrite(model, stage, {
    finalImage: 'gcr.io/distroless/static-debian12',
    copies: [[binary, binary]],
    users: /^(root|nonroot|nobody|\d+(:\d+)?)$/,
    builderEdits,
    title: `Build in a builder stage and ship only ${binary} on distroless static (review: other runtime files are not copied)`,
  });
}

function nodeFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  const found = nodeImageBuild(stage);
  const image = stage.from.image;
  if (!found || !image || !execCommand(stage)) return undefined;
  if (!onlyCommands(stage, (c) => programName(c) === 'npm')) return undefined;
  // Ownership or modes set by COPY --chown/--chmod would not survive the copy into the final stage.
  const setsOwner = (i: Instr) => (i.keyword === 'COPY' || i.keyword === 'ADD') && (i.node as Copy).getFlags().some((f) => /^(chown|chmod)$/i.test(f.getName()));
  if (stage.instructions.some((i) => i.keyword === 'USER' || setsOwner(i))) return undefined;
  const last = stage.instructions[stage.instructions.length - 1];
  const workdir = last ? workdirAt(last) : undefined;
  if (!workdir || workdir === '/') return undefined;
  // Everything the stage copies or builds must live under the working directory the final stage copies.
  for (const i of stage.instructions) {
    if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
    const args = (i.node.getArgumentsContent() ?? '').trim().split(/\s+/);
    const dest = resolvePath(args[args.length - 1] ?? '', workdirAt(i) ?? '/');
    if (!dest || !isAtOrBelow(dest, workdir)) return undefined;
  }
  const prune = devPrune(model, stage, found);
  if (prune === null) return undefined;
  const slim = slimVariant(image) ?? image;
  return rewrite(model, stage, {
    finalImage: slim,
    copies: [[workdir, workdir]],
    users: /^(root|node|\d+(:\d+)?)$/,
    builderEdits: prune ? [prune] : [],
    title: `Build in a builder stage, prune devDependencies and ship ${workdir} on ${slim}`,
  });
}

/**
 * The edit that leaves the devDependencies out of the builder. The last `npm prune` after the build
 * (in its RUN or a later one) decides, since npm prune installs again what it does not leave out
 * (npm 10.9.9 and 11.19.1: `npm prune --omit=optional && npm prune --omit=dev` brought the optional
 * dependencies back, a plain prune after `--omit=dev` the devDependencies): that prune gets the
 * flag after its subcommand, keeping its other flags, and the omissions of npm_config_omit, which
 * an --omit replaces. Where it might then not prune the app's devDependencies
 * (--include=dev, an operand, another WORKDIR than the build's: the stage runs only npm, no cd;
 * --prefix, global, a workspace, a dry run), where a command that may need them (`npm test`, `npm
 * run lint`) follows it, or where no prune follows the build, `npm prune <flag>` is appended to the
 * RUN of the build or of the last such command, unless that prune is in a later RUN (null: not
 * offered). The appended prune leaves out what the install left out, which it would install again
 * (npm 10.9.9 and 11.19.1: `npm ci --no-optional && npm prune --omit=dev` installed the optional
 * dependencies, after `npm ci --legacy-peer-deps` the peer ones; `--omit=optional`, `--omit=peer`
 * kept them out). Undefined where that prune leaves the devDependencies out.
 */
function devPrune(model: DockerfileModel, stage: Stage, { install, build }: NonNullable<ReturnType<typeof nodeImageBuild>>): TextEdit | null | undefined {
  const at = build.instr.run!.docOffset(build.cmd.start);
  let instr: Instr | undefined;
  let cmd: ShellCommand | undefined;
  // The last later command that may need the devDependencies (`npm test`): the prune must follow it.
  let use = build.instr;
  let [pruneAt, useAt] = [at, at];
  for (const i of stage.instructions) {
    for (const c of i.run?.commands ?? []) {
      const o = i.run!.docOffset(c.start);
      if (o > at && isNpmPrune(c)) [instr, cmd, pruneAt] = [i, c, o];
      if (o > at && usesDevDependencies(c)) [use, useAt] = [i, o];
    }
  }
  const flag = npmFlag(stage);
  const types = instr && cmd && npmDependencyTypes(instr, cmd);
  if (types?.omitted.has('dev')) return undefined;
  if (!instr || !cmd || useAt > pruneAt || types!.included.has('dev') || operands(cmd).length > 1 || workdirAt(instr) !== workdirAt(build.instr) || programArgs(cmd).some((w) => /^(-g|-ws?|--(global|prefix|workspaces?|dry-run))(=|$)/.test(w.value))) {
    const omits = `${omitsOptional(install.instr, install.cmd) ? ' --omit=optional' : ''}${omitsPeer(install.instr, install.cmd) ? ' --omit=peer' : ''}`;
    return !instr || instr.index <= use.index ? (verifiedAppend(model, use, `npm prune ${flag}${omits}`) ?? null) : null;
  }
  return insertAfterWord(model, instr.run!, operands(cmd)[0], ` ${devOmitFlags(instr, cmd, flag)}`);
}

const JAVA_BUILD = /^(mvn|mvnw|gradle|gradlew)$/;

function javaFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  const image = stage.from.image;
  const jre = image && jreFor(image);
  const words = execCommand(stage);
  if (!jre || !words) return undefined;
  const j = words.indexOf('-jar');
  if (!/(^|\/)java$/.test(words[0] ?? '') || j < 0) return undefined;
  const last = stage.instructions[stage.instructions.length - 1];
  const jar = last && workdirAt(last) !== undefined ? resolvePath(words[j + 1] ?? '', workdirAt(last)!) : undefined;
  if (!jar || /[*?[]/.test(jar)) return undefined;
  if (!runsJdkProgram(stage)) {
    // Nothing to build: the same stage on a JRE. Only without RUNs, which the other base (Ubuntu
    // for eclipse-temurin, where openjdk:*-slim was Debian) might not run the same way.
    if (stage.instructions.some((i) => i.run)) return undefined;
    return { title: `Run the jar on ${jre}${otherVendor(image)} ${JRE_REVIEW}`, edits: [{ range: stage.from.imageRange, newText: jre }] };
  }
  if (!onlyCommands(stage, (c) => JAVA_BUILD.test(programName(c)) || programName(c) === 'mkdir' || programName(c) === 'cp' || programName(c) === 'mv')) return undefined;
  return rewrite(model, stage, {
    finalImage: jre,
    copies: [[jar, jar]],
    users: /^(root|\d+(:\d+)?)$/,
    builderEdits: [],
    title: `Build in a builder stage and ship only ${jar} on ${jre}${otherVendor(image)} (review: other runtime files are not copied)`,
  });
}

/**
 * Debian bookworm runtime libraries of common `-dev` packages (from `apt-cache depends` on Debian
 * 12.11, 2026-11-24): what the final stage needs for wheels built against them.
 */
const RUNTIME_LIBS: Record<string, string> = {
  'libpq-dev': 'libpq5',
  'libffi-dev': 'libffi8',
  'libssl-dev': 'libssl3',
  'libxml2-dev': 'libxml2',
  'libxslt1-dev': 'libxslt1.1',
  'zlib1g-dev': 'zlib1g',
  'libjpeg-dev': 'libjpeg62-turbo',
  'libjpeg62-turbo-dev': 'libjpeg62-turbo',
  'libmariadb-dev': 'libmariadb3',
  'default-libmysqlclient-dev': 'libmariadb3',
  'libsqlite3-dev': 'libsqlite3-0',
  'libyaml-dev': 'libyaml-0-2',
  'libpng-dev': 'libpng16-16',
  'libgeos-dev': 'libgeos-c1v5',
  'liblzma-dev': 'liblzma5',
  'libbz2-dev': 'libbz2-1.0',
  'libcurl4-openssl-dev': 'libcurl4',
};
/** Build packages that leave nothing the built wheels need at run time. */
const COMPILERS = /^(build-essential|gcc|g\+\+|gcc-\d+|g\+\+-\d+|libc6?-dev|make|pkg-config|pkgconf)$/;

interface PipInstall {
  instr: Instr;
  cmd: ShellCommand;
}

/**
 * Python with wheels: an official python image whose RUNs are only apt installs (with build
 * packages) and pip installs. The builder turns `pip install` into `pip wheel --wheel-dir /wheels`;
 * the final `-slim` stage repeats the other instructions in order, installs only the runtime
 * libraries with apt, and installs from the wheels through a bind mount (no wheel layer).
 */
function pythonFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  const image = stage.from.image;
  const ref = image && !stage.from.stage ? parseImageReference(image) : undefined;
  if (!image || !ref || ref.name !== 'python' || /alpine/.test(ref.tag ?? '') || stage.from.raw !== image) return undefined;
  const slim = slimVariant(image) ?? image;
  const pips: PipInstall[] = [];
  const builderEdits: TextEdit[] = [];
  const finalLines: string[] = [];
  const eol = model.lines.eol;
  const text = (i: Instr) => instrText(model, i);
  for (const i of stage.instructions) {
    if (BLOCKERS.has(i.keyword)) return undefined;
    if (!i.run) {
      if (i.range.start.line !== i.range.end.line) return undefined; // see rewrite()
      // Repeated lines in a plain form only (no ENV value with a variable, for one).
      if (!RUNTIME.has(i.keyword) && !copyable(model, i)) return undefined;
      finalLines.push(text(i));
      if (RUNTIME.has(i.keyword)) builderEdits.push(deleteInstruction(model, i));
      continue;
    }
    if (i.run.form !== 'shell' || i.run.mounts.length > 0) return undefined;
    const runtime: string[] = [];
    let installsApt = false;
    for (const cmd of i.run.commands) {
      const name = programName(cmd);
      const sub = operands(cmd)[0]?.value;
      const pip = /^pip3?$/.test(name) && sub === 'install';
      if (pip) {
        if (programArgs(cmd).some((w) => /^(-e|--editable|--user|--target|-t|--prefix)$/.test(w.value) || w.value === '.')) return undefined;
        pips.push({ instr: i, cmd });
        builderEdits.push({ range: wordRange(model, i.run, operands(cmd)[0]), newText: 'wheel --wheel-dir /wheels' });
        continue;
      }
      const installed = installedPackages(cmd);
      if (installed?.manager === 'apt') {
        installsApt = true;
        for (const n of installed.names) {
          if (!PLAIN.test(n)) return undefined;
          if (!isBuildPackage(n)) runtime.push(n);
          else if (RUNTIME_LIBS[n]) runtime.push(RUNTIME_LIBS[n]);
          else if (!COMPILERS.test(n)) return undefined;
        }
        continue;
      }
      if (APT_PROGRAMS.has(name) && ['update', 'clean'].includes(subcommand(cmd)?.value ?? '')) continue;
      if (name === 'rm' && operands(cmd).every((w) => w.value.startsWith('/var/lib/apt/lists'))) continue;
      return undefined;
    }
    const pipHere = pips.filter((p) => p.instr === i);
    if (installsApt && pipHere.length > 0) return undefined; // one RUN doing both: keep it simple
    if (installsApt && runtime.length > 0) {
      finalLines.push(`RUN apt-get update \\${eol}    && apt-get install -y --no-install-recommends ${[...new Set(runtime)].join(' ')} \\${eol}    && rm -rf /var/lib/apt/lists/*`);
    }
    for (const p of pipHere) {
      const sub = operands(p.cmd)[0];
      const args = programArgs(p.cmd).filter((w) => w !== sub).map((w) => w.value);
      // Written in single quotes below, `$REQS` or a command substitution would no longer expand.
      if (args.some((v) => /[$`]/.test(v))) return undefined;
      const kept = args.filter((v) => v !== '--no-cache-dir').map((v) => (/^[A-Za-z0-9_.,:=<>!~\/+@-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`));
      finalLines.push(`RUN --mount=type=bind,from=BUILDER,source=/wheels,target=/wheels \\${eol}    pip install --no-cache-dir --no-index --find-links=/wheels ${kept.join(' ')}`);
    }
  }
  if (pips.length === 0) return undefined;
  const builder = builderName(model, stage);
  if (builder.edit) builderEdits.push(builder.edit);
  const lines = [`FROM ${slim}`, ...finalLines.map((l) => l.replace('from=BUILDER', `from=${builder.name}`))];
  builderEdits.push(appendStage(model, lines));
  if (!splitsCleanly(model, builderEdits, slim, lines.length - 1)) return undefined;
  return { title: `Build wheels in a builder stage; install them on ${slim} with only the runtime libraries (BuildKit: a bind mount)`, edits: builderEdits, preferred: false };
}
