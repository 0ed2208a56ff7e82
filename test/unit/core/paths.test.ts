/**
 * Write tracking (core/paths.ts) and the RUN edits the layer rules share (removeCommandFromRun,
 * mergeIntoPreviousRun, deleteInstruction, index refresh helpers in core/commands.ts).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { APT_LISTS_USE, indexRefreshOnly, installsWith, laterInImage, laterRunNeeding, laterRunsInImage, mergeIntoPreviousRun, removeCommandFromRun } from '../../../server/src/core/commands';
import { applyEdits } from '../../../server/src/core/edits';
import { buildModel, type DockerfileModel, type Instr } from '../../../server/src/core/model';
import {
  copySpec, extractedArchive, isAtOrBelow, mayDownload, namedPath, ownWrites, pathPattern, tarArchive, urlBasename, writesInImage,
} from '../../../server/src/core/paths';
import { normalizePath, resolvePath, workdirAt } from '../../../server/src/core/workdir';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR, fixtureFiles, parseFixture } from '../../support/fixtures';
import { generateDockerfile } from '../../bench/lsp/generate';
import { parseShell } from '../../../server/src/core/shell';

const runs = (m: DockerfileModel): Instr[] => m.instructions.filter((i) => i.run);
const cmd = (script: string) => parseShell(script)[0];

describe('core/paths', () => {
  it('mayDownload is true for every stage with a download write (archive-kept skips the others)', () => {
    const examples = path.resolve(FIXTURES_DIR, '..', '..', 'examples');
    const texts = [
      ...fixtureFiles(FIXTURES_DIR).map((f) => parseFixture(f).text),
      ...fs.readdirSync(examples).flatMap((e) => (fs.existsSync(path.join(examples, e, 'Dockerfile')) ? [fs.readFileSync(path.join(examples, e, 'Dockerfile'), 'utf8')] : [])),
      generateDockerfile(1000, 1000),
      'FROM alpine\nRUN curl -fsSLo /x.tgz https://e.org/x.tgz\nADD https://e.org/y.zip /y.zip\nRUN wget https://e.org/z.tar.gz\n',
    ];
    let downloads = 0;
    for (const text of texts) {
      const model = buildModel(text);
      for (const stage of model.stages) {
        const n = ownWrites(model, stage).filter((w) => w.kind === 'download').length;
        downloads += n;
        if (n > 0) assert.ok(mayDownload(stage), `a stage with ${n} downloads in:\n${text}`);
      }
    }
    assert.ok(downloads >= 3, `the texts hold downloads (${downloads})`);
    assert.equal(buildModel('FROM alpine\nCOPY a /a\nRUN tar -xf /a\n').stages.some(mayDownload), false);
  });

  it('normalises and resolves paths against a working directory', () => {
    assert.equal(normalizePath('/a//b/./c/../d/'), '/a/b/d');
    assert.equal(resolvePath('x.tgz', '/opt'), '/opt/x.tgz');
    assert.equal(resolvePath('../etc', '/opt/app'), '/opt/etc');
    assert.equal(resolvePath('$HOME/x', '/'), undefined);
    assert.equal(resolvePath('~/x', '/'), undefined);
    assert.deepEqual(pathPattern('/var/lib/apt/lists/*', '/'), { prefix: '/var/lib/apt/lists', glob: true, path: '/var/lib/apt/lists/*' });
    assert.deepEqual(pathPattern('*.tgz', '/src'), { prefix: '/src', glob: true, path: '/src/*.tgz' });
    assert.deepEqual(pathPattern('../a*/', '/src/x'), { prefix: '/src', glob: true, path: '/src/a*' });
    assert.deepEqual(pathPattern('x.tgz', '/src'), { prefix: '/src/x.tgz', glob: false, path: '/src/x.tgz' });
    assert.ok(isAtOrBelow('/a/b', '/a') && isAtOrBelow('/a', '/a') && !isAtOrBelow('/ab', '/a') && isAtOrBelow('/x', '/'));
  });

  it('counts a cache as written when the RUN removes it only before the command that fills it', () => {
    const caches = (text: string) => {
      const model = buildModel(text);
      return ownWrites(model, model.stages[0]).filter((w) => w.kind === 'cache').map((w) => w.path);
    };
    assert.deepEqual(caches('FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\n'), ['/var/lib/apt/lists']);
    assert.deepEqual(caches('FROM python\nRUN rm -rf /root/.cache && pip install flask\n'), ['/root/.cache/pip']);
    assert.deepEqual(caches('FROM node\nRUN rm -rf ~/.npm && npm ci\n'), ['/root/.npm']);
    assert.deepEqual(caches('FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n'), []);
    // So a removal in a later RUN is reported: the bytes stay in the layer that wrote them.
    const later = analyze('FROM debian:bookworm-slim\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n', { context: {} });
    assert.deepEqual(later.findings.filter((f) => f.ruleId === 'files-changed-in-later-layer').map((f) => f.range.start.line), [2]);
  });

  it('follows WORKDIR along the FROM chain, relative ones included', () => {
    const m = buildModel('FROM debian AS a\nWORKDIR /app\nFROM a\nWORKDIR sub\nRUN true\nWORKDIR $X\nRUN true\n');
    const [first, second] = runs(m);
    assert.equal(workdirAt(first), '/app/sub');
    assert.equal(workdirAt(second), undefined);
  });

  it('expands the variables of a WORKDIR that the file sets, as the builder does (ENV, ARG defaults)', () => {
    // `ENV APP_HOME /app` + `WORKDIR $APP_HOME` (Cloud Run's Python sample), `ARG APP_HOME=/app` +
    // `WORKDIR ${APP_HOME}` (cookiecutter-django): BuildKit expands both from the stage's ENV and ARGs.
    const at = (text: string) => runs(buildModel(text)).map(workdirAt);
    assert.deepEqual(at('FROM python:3.12-slim\nENV APP_HOME /app\nWORKDIR $APP_HOME\nRUN true\n'), ['/app']);
    assert.deepEqual(at('FROM python:3.12-slim\nARG APP_HOME=/app\nWORKDIR ${APP_HOME}/src\nRUN true\n'), ['/app/src']);
    assert.deepEqual(at('FROM debian AS a\nENV D=/srv\nFROM a\nWORKDIR "$D"\nRUN true\nWORKDIR sub\nRUN true\n'), ['/srv', '/srv/sub'], 'an ENV of the stage built on, quotes around');
    assert.deepEqual(at('FROM debian\nARG X=/a\nENV X=/b\nWORKDIR $X\nRUN true\n'), ['/b'], 'an ENV wins over an ARG of the same name');
    assert.deepEqual(at('FROM debian\nARG D\nWORKDIR $D\nRUN true\nWORKDIR ${HOME}/app\nRUN true\n'), [undefined, undefined], 'an ARG without default, a variable of the base image: unknown');
    assert.deepEqual(at("FROM debian\nENV D=/srv\nWORKDIR '$D'\nRUN true\n"), [undefined], 'single quotes keep the $');
    assert.deepEqual(at('FROM debian\nWORKDIR $UNKNOWN\nRUN true\nWORKDIR /app\nRUN true\nWORKDIR sub\nRUN true\n'), [undefined, '/app', '/app/sub'], 'an absolute WORKDIR is known again');
  });

  it('reads COPY in shell and JSON form, and which destinations are directories', () => {
    const m = buildModel('FROM debian\nWORKDIR /app\nCOPY --chown=1:1 a.txt b.txt ./\nCOPY ["x y.tgz", "/opt/z.tgz"]\nCOPY <<EOF /f\nhi\nEOF\n');
    const sa = copySpec(m, m.instructions[2])!;
    assert.deepEqual([sa.sources, sa.destPath, sa.destIsDir, sa.flags.get('chown')], [['a.txt', 'b.txt'], '/app', true, '1:1']);
    const sb = copySpec(m, m.instructions[3])!;
    assert.deepEqual([sb.sources, sb.destPath, sb.destIsDir], [['x y.tgz'], '/opt/z.tgz', false]);
    assert.equal(copySpec(m, m.instructions[4]), undefined);
  });

  it('recognises downloads, extractions, clones, copies and package caches as writes', () => {
    const m = buildModel([
      'FROM debian',
      'WORKDIR /w',
      'COPY app.py /srv/',
      'COPY . /code',
      'ADD https://example.com/d/data.tar.gz /data/',
      'RUN curl -fsSLo /tmp/a.tgz https://e.com/a.tgz && tar -xzf /tmp/a.tgz -C /opt/a',
      'RUN wget -q https://e.com/dl/b.zip && unzip b.zip -d /opt/b && rm b.zip',
      'RUN git clone --depth 1 https://e.com/r.git && cp r/x /usr/local/bin/x',
      'RUN apt-get update && pip install flask',
      'RUN --mount=type=cache,target=/root/.cache/pip pip install django',
      'RUN wget -qO- https://e.com/c.tgz | tar -xz -C /opt/c && curl -fsSL https://e.com/i.sh | sh',
    ].join('\n'));
    const got = writesInImage(m, m.stages[0]).map((w) => `${w.kind} ${w.path}${w.exactFile === undefined ? '' : ` ${w.exactFile}`}`);
    assert.deepEqual(got, [
      'copy /srv/app.py true',
      'copy /code false',
      'download /data/data.tar.gz true',
      'download /tmp/a.tgz',
      'extract /opt/a',
      'extract /opt/b',
      'clone /w/r',
      'copy-in-run /usr/local/bin/x',
      'cache /var/lib/apt/lists',
      'cache /root/.cache/pip',
      'extract /opt/c',
    ]);
  });

  it('reads a download to standard output redirected to a file as a write of that file', () => {
    const m = buildModel([
      'FROM debian',
      'WORKDIR /w',
      'RUN curl -fsSL https://e.com/a.tgz > /tmp/a.tgz',
      'RUN wget -qO- https://e.com/b.zip >b.zip 2>/dev/null',
      'RUN wget -O - https://e.com/c.tgz >> /tmp/c.tgz',
      // Not to a file: piped, to /dev/null, or no URL at all.
      'RUN curl -fsSL https://e.com/d.tgz | tar -xz -C /opt/d',
      'RUN curl -fsS https://e.com/health > /dev/null',
      'RUN curl --version > /tmp/version.txt',
    ].join('\n'));
    const got = writesInImage(m, m.stages[0]).map((w) => `${w.kind} ${w.path} ${w.how}`);
    assert.deepEqual(got, ['download /tmp/a.tgz curl >', 'download /w/b.zip wget -O- >', 'download /tmp/c.tgz wget -O- >', 'extract /opt/d tar -x -C']);
  });

  it('finds the archive tar or unzip reads', () => {
    assert.equal(tarArchive(cmd('tar -xzf a.tgz -C /opt'))?.value, 'a.tgz');
    assert.equal(tarArchive(cmd('tar xf b.tar'))?.value, 'b.tar');
    assert.equal(tarArchive(cmd('tar --extract --file=c.tar'))?.value, 'c.tar');
    assert.equal(extractedArchive(cmd('tar -czf out.tgz dir'), '/'), undefined); // creates, does not extract
    assert.equal(extractedArchive(cmd('unzip -q -d /opt x.zip'), '/tmp'), '/tmp/x.zip');
    assert.equal(extractedArchive(cmd('tar -xzf - -C /opt'), '/'), undefined);
    assert.equal(urlBasename('https://e.com/a/b.tar.gz?sig=1#x'), 'b.tar.gz');
    assert.equal(urlBasename('https://e.com/'), undefined);
  });

  it('lists the later instructions and RUNs of every image built on a stage, in file order', () => {
    const m = buildModel('FROM debian AS a\nRUN one\nRUN two\nFROM a AS b\nRUN three\nFROM debian\nRUN four\nFROM b AS c\nENV X=1\nRUN five\nFROM a\nRUN six\n');
    const [one, two, three, four] = runs(m);
    assert.deepEqual(laterRunsInImage(m, one).map((i) => i.run!.text), ['two', 'three', 'five', 'six']);
    assert.deepEqual(laterRunsInImage(m, two).map((i) => i.run!.text), ['three', 'five', 'six']);
    assert.deepEqual(laterRunsInImage(m, three).map((i) => i.run!.text), ['five']);
    assert.deepEqual(laterRunsInImage(m, four).map((i) => i.run!.text), []);
    assert.deepEqual(laterInImage(m, three).map((i) => i.keyword), ['ENV', 'RUN']);
    assert.deepEqual(laterInImage(m, m.instructions[0]).map((i) => i.index), [1, 2, 4, 8, 9, 11]);
    // Asked again of the same model (the answer is worked out once per model), and of a stage's FROM.
    assert.deepEqual(laterRunsInImage(m, one).map((i) => i.run!.text), ['two', 'three', 'five', 'six']);
  });

  it('finds the later RUN that installs from the apt lists a RUN leaves, past RUNs that do not use them, not past an update', () => {
    const m = buildModel(
      'FROM debian AS a\nRUN apt-get update && apt-get install -y curl\nRUN echo hi\nRUN apt-get update && apt-get install -y jq\nRUN apt-get install -y git\n' +
        'FROM a AS b\nRUN echo b\nFROM a\nRUN apt-get install -y make\nFROM debian\nRUN apt-get update\n',
    );
    const [first, , second, third, , fromA, alone] = runs(m);
    const line = (i: Instr | undefined) => (i ? i.range.start.line + 1 : undefined);
    // The update of line 4 refreshes the lists before line 5 installs: line 2's are read by no one.
    assert.equal(line(laterRunNeeding(m, first, APT_LISTS_USE)), undefined);
    assert.equal(line(laterRunNeeding(m, second, APT_LISTS_USE)), 5);
    // After line 5, the stages built on a: b runs no apt, the last stage built on a installs at line 9.
    assert.equal(line(laterRunNeeding(m, third, APT_LISTS_USE)), 9);
    assert.equal(fromA.run!.text, 'apt-get install -y make');
    assert.equal(line(laterRunNeeding(m, fromA, APT_LISTS_USE)), undefined);
    assert.equal(line(laterRunNeeding(m, alone, APT_LISTS_USE)), undefined);
  });

  it('gives the earliest reader among the stages built on a stage, and answers a stage chain of 5,000 in linear time', () => {
    const m = buildModel('FROM debian AS a\nRUN apt-get update\nFROM a\nRUN apt-get install -y x\nFROM a\nRUN apt-get install -y y\n');
    assert.equal(laterRunNeeding(m, runs(m)[0], APT_LISTS_USE)?.range.start.line, 3);
    const chain = ['FROM debian AS s0\nRUN apt-get update'];
    for (let k = 1; k < 5000; k++) chain.push(`FROM s${k - 1} AS s${k}\nRUN echo ${k}`);
    chain.push('FROM s4999\nRUN apt-get install -y z');
    const big = buildModel(chain.join('\n') + '\n');
    const started = process.hrtime.bigint();
    const reader = laterRunNeeding(big, runs(big)[0], APT_LISTS_USE);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(reader?.run?.text, 'apt-get install -y z');
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms for 5,001 stages`);
  });
});

describe('core/paths: namedPath (the folder a cache path or an rm operand names)', () => {
  const named = (text: string, word: string) => {
    const instr = runs(buildModel(text)).pop()!;
    return namedPath(instr, instr.run!.commands[instr.run!.commands.length - 1], word);
  };

  it("resolves ~ and $HOME to the RUN's home, variables, quotes and relative paths against the command's folder", () => {
    assert.equal(named('FROM node:20\nRUN npm ci', '~/.npm'), '/root/.npm');
    assert.equal(named('FROM node:20\nUSER node\nENV HOME=/home/node\nRUN npm ci', '${HOME}/.npm'), '/home/node/.npm');
    assert.equal(named('FROM python:3.12\nENV XDG_CACHE_HOME="/cache"\nRUN pip install x', '$XDG_CACHE_HOME/pip'), '/cache/pip');
    assert.equal(named('FROM node:20\nWORKDIR /app\nRUN cd web && npm ci', '.npm'), '/app/web/.npm');
    assert.equal(named('FROM alpine\nRUN rm -rf /var/cache/apk/*', '/var/cache/apk/*'), '/var/cache/apk');
  });

  it('is undefined where it cannot tell: a user the file does not create without HOME, an unknown variable, a cd it cannot follow', () => {
    assert.equal(named('FROM python:3\nUSER app\nRUN npm ci', '~/.npm'), undefined);
    // The node images' own user has a known home.
    assert.equal(named('FROM node:20\nUSER node\nRUN npm ci', '~/.npm'), '/home/node/.npm');
    assert.equal(named('FROM alpine\nRUN rm -rf $DIR', '$DIR'), undefined);
    assert.equal(named('FROM alpine\nRUN cd $X && rm -rf build', 'build'), undefined);
  });
});

describe('core/commands: RUN edits for layer rules', () => {
  const remove = (text: string, n: number, k: number): string | undefined => {
    const m = buildModel(text);
    const instr = runs(m)[n];
    const e = removeCommandFromRun(m, instr, instr.run!.commands[k]);
    return e && applyEdits(text, [e]);
  };

  it('takes a command out with the operator that joined it, keeping `;` over `&&`', () => {
    assert.equal(remove('FROM d\nRUN a && rm x && b\n', 0, 1), 'FROM d\nRUN a && b\n');
    assert.equal(remove('FROM d\nRUN a; rm x && b\n', 0, 1), 'FROM d\nRUN a; b\n');
    assert.equal(remove('FROM d\nRUN a && rm x; b\n', 0, 1), 'FROM d\nRUN a; b\n');
    assert.equal(remove('FROM d\nRUN rm x \\\n    && b\n', 0, 0), 'FROM d\nRUN b\n');
    assert.equal(remove('FROM d\nRUN a \\\n    && rm x\nCMD c\n', 0, 1), 'FROM d\nRUN a\nCMD c\n');
    assert.equal(remove('FROM d\nRUN <<EOT\na\nrm x\nb\nEOT\n', 0, 1), 'FROM d\nRUN <<EOT\na\nb\nEOT\n');
  });

  it('deletes the whole RUN when nothing else is left, and refuses pipes and ||', () => {
    assert.equal(remove('FROM d\nRUN rm x\nCMD c\n', 0, 0), 'FROM d\nCMD c\n');
    assert.equal(remove('FROM d\nRUN rm x', 0, 0), 'FROM d');
    assert.equal(remove('FROM d\nRUN a || rm x\n', 0, 1), undefined);
    assert.equal(remove('FROM d\nRUN rm x | tee log\n', 0, 0), undefined);
    assert.equal(remove('FROM d\nRUN ["rm", "x"]\n', 0, 0), undefined);
  });

  it('leaves no line ending in the escape character, which would glue the next line on', () => {
    // The last word of `ln` ends in an escaped blank: without `&& rm x` after it, the line would
    // end in `\ ` and go on to the next instruction.
    assert.equal(remove('FROM d\nRUN ln -s a b\\  && rm x\nCMD c\n', 0, 1), undefined);
    assert.equal(remove('FROM d\nRUN ln -s a b\\  && rm x && c\nCMD c\n', 0, 1), 'FROM d\nRUN ln -s a b\\  && c\nCMD c\n');
    assert.equal(remove('FROM d\nRUN a \\\n    && rm x \\\n    && b\n', 0, 1), 'FROM d\nRUN a \\\n    && b\n');
    // Nor a line that holds only the escape character, which dockerfile-ast reads as a continuation
    // (found by shellSyntax.property at FC_SEED=1796339795778).
    assert.equal(remove('# escape=`\nFROM d\nRUN <<EOF\napk update;`\n    b `\n    c\nEOF\n', 0, 0), undefined);
  });

  it('takes no command out whose here-document body follows it in a RUN here-document', () => {
    assert.equal(remove('FROM d\nRUN <<EOF\ncat <<X >/etc/a\nhello\nX\nrm x\nEOF\n', 0, 0), undefined);
    // Nor, with the line break before it, the last command after the bodies.
    assert.equal(remove('FROM d\nRUN <<EOF\ncat <<X >/etc/a\nhello\nX\nrm x\nEOF\n', 0, 1), undefined);
    // One with a command after it goes with its line, and one after `&&` on the marker's line
    // with that `&&` (before, both were refused: the body lay between them and a neighbour).
    assert.equal(remove('FROM d\nRUN <<EOF\ncat <<X >/etc/a\nhello\nX\nrm x\nb\nEOF\n', 0, 1), 'FROM d\nRUN <<EOF\ncat <<X >/etc/a\nhello\nX\nb\nEOF\n');
    assert.equal(remove('FROM d\nRUN <<EOF\ncat <<X >/etc/a && rm x\nhello\nX\nb\nEOF\n', 0, 1), 'FROM d\nRUN <<EOF\ncat <<X >/etc/a\nhello\nX\nb\nEOF\n');
    // Where the removal would take the body: refused.
    assert.equal(remove('FROM d\nRUN <<EOF\ncat <<X >/etc/a; rm x\nhello\nX\nb\nEOF\n', 0, 1), undefined);
    assert.equal(remove('FROM d\nRUN <<EOF\ncat <<X >/etc/a &&\nhello\nX\nrm x\nEOF\n', 0, 1), undefined);
  });

  it('takes no here-document marker out, which would leave its body to be read as instructions', () => {
    // Unclosed, the body runs to the end of the file: without its marker the RUN b after it
    // became an instruction (found by contextFixes.property at seed 1796326061508, under `# escape=\``).
    assert.equal(remove('# escape=`\nFROM d\nRUN apk update <<-EOT && apk add x\nRUN b\n', 0, 0), undefined);
    assert.equal(remove('FROM d\nRUN apk update <<-EOT && apk add x\nfoo\nEOT\nRUN b\n', 0, 0), undefined);
    assert.equal(remove('FROM d\nRUN a && cat <<EOT >f\nfoo\nEOT\n', 0, 1), undefined);
    // The second marker would take the first body.
    assert.equal(remove('FROM d\nRUN cat <<A >f && cat <<B >g\nfoo\nA\nbar\nB\n', 0, 1), undefined);
    // A command without one goes; the whole RUN goes with its bodies.
    assert.equal(remove('FROM d\nRUN rm x && cat <<EOT >f\nfoo\nEOT\nRUN b\n', 0, 0), 'FROM d\nRUN cat <<EOT >f\nfoo\nEOT\nRUN b\n');
    assert.equal(remove('FROM d\nRUN cat <<EOT\nfoo\nEOT\nRUN b\n', 0, 0), 'FROM d\nRUN b\n');
  });

  it('takes a command out with its redirections, before or after it; not one whose redirection opens a file', () => {
    assert.equal(remove('FROM d\nRUN a && rm x >/dev/null 2>&1 && b\n', 0, 1), 'FROM d\nRUN a && b\n');
    assert.equal(remove('FROM d\nRUN 2>/dev/null rm x <<<y; b\n', 0, 0), 'FROM d\nRUN b\n');
    assert.equal(remove('FROM d\nRUN a\nRUN rm x >&2\n', 1, 0), 'FROM d\nRUN a\n');
    // `>log` would no longer be written, and a missing file would no longer fail the build.
    for (const r of ['>log', '2>> /tmp/log', '<file', '<> f', '>&log', '&>log']) assert.equal(remove(`FROM d\nRUN a && rm x ${r} && b\n`, 0, 1), undefined, r);
    assert.equal(remove('FROM d\nRUN cat <<EOT >f\nfoo\nEOT\nRUN b\n', 0, 0), undefined);
  });

  /** The text after merging its two RUNs (undefined: no merge). */
  const merge = (text: string): string | undefined => {
    const m = buildModel(text);
    const [a, b] = runs(m);
    const e = mergeIntoPreviousRun(m, a, b);
    return e && applyEdits(text, [e]);
  };

  it('merges two adjacent shell RUNs in the file style, and only when nothing leaks between them', () => {
    assert.equal(merge('FROM d\nRUN a\nRUN b\n'), 'FROM d\nRUN a && \\\n    b\n');
    assert.equal(merge('FROM d\nRUN a \\\n  && c\nRUN b\n'), 'FROM d\nRUN a \\\n  && c \\\n  && b\n');
    assert.equal(merge('FROM d\nRUN cd /x\nRUN b\n'), undefined);
    // bash's declare -x / typeset -x export as export does (envFor).
    assert.equal(merge('FROM d\nSHELL ["/bin/bash", "-c"]\nRUN declare -x A=1\nRUN b\n'), undefined);
    assert.equal(merge('FROM d\nSHELL ["/bin/bash", "-c"]\nRUN typeset -x A=1\nRUN b\n'), undefined);
    assert.equal(merge('FROM d\nRUN a\n# why\nRUN b\n'), undefined);
    assert.equal(merge('FROM d\nRUN a\nRUN --mount=type=cache,target=/c b\n'), undefined);
    assert.equal(merge('FROM d\nRUN a\nENV X=1\nRUN b\n'), undefined);
    assert.equal(merge('FROM d\nRUN <<EOT\na\nEOT\nRUN b\n'), undefined);
  });

  it('merges only a RUN that is one list joined by &&, so a failure of the first still fails the build', () => {
    // `a && b || true`, `a && b; c` and `a && b &` pass when a fails.
    for (const second of ['RUN b || true', 'RUN b; c', 'RUN b && c || true', 'RUN b\\\n    ; c', 'RUN b &', 'RUN { b; c; }']) {
      assert.equal(merge(`FROM d\nRUN a\n${second}\n`), undefined, second);
    }
    assert.equal(merge('FROM d\nRUN a\nRUN b | c && ! d;\n'), 'FROM d\nRUN a && \\\n    b | c && ! d;\n');
    // The first RUN's own lists keep their meaning: its status is its last list's.
    assert.equal(merge('FROM d\nRUN a || true\nRUN b\n'), 'FROM d\nRUN a || true && \\\n    b\n');
  });

  it('knows index refreshes and the installs that use them', () => {
    const m = buildModel('FROM d\nRUN apt-get -q update\nRUN apk update && apk add x\nRUN dnf makecache\n');
    assert.deepEqual(runs(m).map((r) => indexRefreshOnly(r.run!)), ['apt-get', undefined, 'dnf']);
    assert.ok(installsWith(cmd('apt install -y x'), 'apt-get'));
    assert.ok(installsWith(cmd('yum install -y x'), 'dnf'));
    assert.ok(!installsWith(cmd('apk add x'), 'apt-get'));
  });
});
