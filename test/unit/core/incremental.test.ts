/**
 * The model built from an earlier version's pieces (re-parsing only what changed) must equal the
 * model built from scratch, for every piece of real files and for random texts and edits.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildModel, splitPieces, type DockerfileModel } from '../../../server/src/core/model';
import { LineIndex } from '../../../server/src/core/text';
import { analyze, beyondLimits, LIMITS, type Analysis } from '../../../server/src/core/analyze';
import { familyFindings, mentionsAny } from '../../../server/src/core/families';
import { RULES } from '../../../server/src/rules';
import type { RawFinding, Rule } from '../../../server/src/rules/rule';
import { generateDockerfile } from '../../bench/lsp/generate';
import { CORPUS, anyDockerfile } from '../hostile/arbitraries';
import { SoakDocument } from '../../support/editEpisodes';
import { PROPERTY_SEED } from '../../support/propertySeed';

/** Everything rules read from a model, as plain data. */
function signature(m: DockerfileModel): unknown {
  return {
    escapeChar: m.escapeChar,
    globalIgnored: [...m.globalIgnored].sort(),
    instructions: m.instructions.map((i) => ({
      keyword: i.keyword,
      range: i.range,
      index: i.index,
      stage: i.stage?.index,
      ignored: [...i.ignored].sort(),
      args: i.node.getArgumentsContent(),
      argRanges: i.node.getArguments().map((a) => [a.getValue(), a.getRange()]),
      flags: 'getFlags' in i.node ? (i.node as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags().map((f) => [f.getName(), f.getValue()]) : [],
      run: i.run && {
        form: i.run.form,
        text: i.run.text,
        balanced: i.run.balanced,
        mounts: i.run.mounts,
        commands: i.run.commands.map((c) => c.words.map((w) => [w.value, i.run!.docOffset(w.start), i.run!.docOffset(Math.max(w.start, w.end - 1))])),
        end: i.run.docOffset(i.run.text.length),
      },
    })),
    stages: m.stages.map((s) => ({
      index: s.index,
      name: s.name,
      from: { raw: s.from.raw, image: s.from.image, range: s.from.imageRange, platform: s.from.platform, stage: s.from.stage?.index, scratch: s.from.scratch },
      instructions: s.instructions.map((i) => i.index),
      isFinal: s.isFinal,
      reachesFinal: s.reachesFinal,
      layersInFinal: s.layersInFinal,
    })),
  };
}

/** `text` with a space added at the end of line `line` (a different version of the same document). */
function touchLine(text: string, line: number): string {
  const lines = new LineIndex(text);
  const at = lines.lineEndOffset(line);
  return text.slice(0, at) + ' ' + text.slice(at);
}

const EDGE_CASES = [
  'FROM debian\nRUN <<EOF\nFROM inside a heredoc\nEOF\nFROM alpine\nRUN true\n',
  'FROM debian\nRUN <<-EOT\n\tFROM tab-indented\n\tEOT\nFROM alpine\n',
  'FROM debian\nRUN echo a \\\nFROM not-a-stage\nFROM alpine\n',
  'FROM debian\nRUN echo a \\\n\n# comment\nFROM still-continued\nFROM alpine\n',
  '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    && echo b\nFROM scratch\nRUN echo c `\n  d\n',
  'ARG A=1\n# size-hints global ignore=apt-lists-kept\nFROM debian:${A}\n# size-hints ignore=apt-recommends\nFROM alpine AS b\nRUN apk add x\n',
  'FROM a\r\nRUN x \\\r\n  y\r\nFROM b\r\nRUN ["echo", "hi"]\r\n',
  'FROM a\rRUN x\rFROM b\rRUN y\r',
  'FROM debian\nRUN cat <<EOF \\\n  && echo\nFROM x\nEOF\nFROM y\n',
  'FROM debian\nCOPY <<EOF /x\nFROM y\n',
  'from debian as a\nrun true\n  FROM  a\nRUN --mount=from=a,target=/t true\n',
];

describe('incremental model', () => {
  const files = [...CORPUS, ...EDGE_CASES, generateDockerfile(200, 7), generateDockerfile(1000, 1000)];

  it('cuts files into pieces at FROM lines outside continuations and heredocs', () => {
    const cut = (t: string) => splitPieces(new LineIndex(t), '\\');
    assert.deepEqual(cut(EDGE_CASES[0]), [0, 4]);
    assert.deepEqual(cut(EDGE_CASES[2]), [0, 3]);
    assert.deepEqual(cut(EDGE_CASES[3]), [0, 5]);
    assert.deepEqual(cut(EDGE_CASES[8]), [0]);
    assert.deepEqual(cut(EDGE_CASES[9]), [0]);
    assert.ok(cut(generateDockerfile(1000, 1000)).length > 20);
  });

  it('equals a fresh build when any one piece of a real file changed', function () {
    this.timeout(120_000);
    let checked = 0;
    for (const text of files) {
      const fresh = JSON.stringify(signature(buildModel(text)));
      const starts = splitPieces(new LineIndex(text), buildModel(text).escapeChar);
      for (const line of starts) {
        const previous = buildModel(touchLine(text, line));
        const next = buildModel(text, previous);
        assert.ok(next.reuse.parsed <= 2, `at most the touched piece is parsed again (${next.reuse.parsed})`);
        assert.equal(JSON.stringify(signature(next)), fresh, `piece at line ${line} of:\n${text.slice(0, 400)}`);
        checked++;
      }
    }
    assert.ok(checked > 200, `${checked} pieces checked`);
  });

  it('parses only the edited piece of a large file', () => {
    const text = generateDockerfile(1000, 1000);
    const before = buildModel(text);
    const line = 500;
    const after = buildModel(touchLine(text, line), before);
    assert.equal(after.reuse.parsed, 1);
    assert.equal(JSON.stringify(signature(after)), JSON.stringify(signature(buildModel(touchLine(text, line)))));
  });

  it('parses nothing and runs no family rule again when an added line is removed again', () => {
    const text = generateDockerfile(1000, 1000);
    const rows = text.split('\n');
    const original = analyze(text, { context: {} });
    for (const line of [250, 500, 990]) {
      const withLine = [...rows.slice(0, line + 1), '', ...rows.slice(line + 1)].join('\n');
      const added = analyze(withLine, { context: {} }, {}, original);
      assert.ok(added.model.reuse.parsed > 0, `line ${line}: the pieces from the added line on are parsed`);
      const undone = analyze(text, { context: {} }, {}, added);
      assert.equal(undone.model.reuse.parsed, 0, `line ${line}: the pieces as they were before the added line`);
      const run = familyFindings(undone.model, RULES.filter((r) => r.reads === 'family'), {}, added.families);
      assert.equal(run.checked, 0, `line ${line}: the edited family's findings as they were`);
      assert.equal(findingsOf(undone), findingsOf(analyze(text, { context: {} })));
    }
  });

  it('takes the script of a RUN parsed again with the same text from the version before', () => {
    const text = generateDockerfile(1000, 1000);
    const before = buildModel(text);
    const after = buildModel(`\n${text}`, before);
    assert.ok(after.reuse.parsed > 40, `the pieces moved, so they were parsed again (${after.reuse.parsed})`);
    const runs = (m: DockerfileModel) => m.instructions.filter((i) => i.run);
    assert.equal(runs(after).length, runs(before).length);
    runs(after).forEach((instr, k) => {
      const old = runs(before)[k];
      assert.notEqual(instr.node, old.node);
      assert.equal(instr.run!.commands, old.run!.commands, `RUN at line ${instr.range.start.line + 1}: the same commands, with what was worked out about them`);
      assert.equal(instr.run!.docOffset(0), old.run!.docOffset(0) + 1);
    });
    assert.equal(JSON.stringify(signature(after)), JSON.stringify(signature(buildModel(`\n${text}`))));
  });

  it('gives RUNs of the same text one script, each at its own place', () => {
    const text = 'FROM alpine AS a\nRUN apk add --no-cache curl \\\n    git\nFROM alpine\n  RUN apk add --no-cache curl \\\n    git\n';
    const model = buildModel(text);
    const [first, second] = model.instructions.filter((i) => i.run);
    assert.equal(first.run!.commands, second.run!.commands);
    for (const instr of [first, second]) {
      const git = instr.run!.commands[0].words[4];
      assert.equal(git.value, 'git');
      assert.equal(text.slice(instr.run!.docOffset(git.start), instr.run!.docOffset(git.end - 1) + 1), 'git');
      assert.equal(instr.run!.docOffset(0), model.lines.offsetAt(instr.range.start) + 4);
    }
  });

  it('reads a RUN whose unclosed here-document opens on the last line from its own text', () => {
    // dockerfile-ast gives such a body a start on the marker's line: the command line was cut at
    // the end of the line above the RUN (no commands, and the script placed there), which a RUN of
    // the same text after a line of another length of line break (CR LF here) does not share.
    const before = 'FROM a\nFROM b\nRUN <<EOF\r\n';
    const text = 'FROM a\nRUN x\r\nRUN <<EOF\r\n';
    assert.deepEqual(signature(buildModel(text, buildModel(before))), signature(buildModel(text)));
    const run = buildModel('FROM a\nRUN cat <<EOF && apt-get install -y curl\n').instructions[1].run!;
    assert.deepEqual(run.commands.map((c) => c.words[0].value), ['cat', 'apt-get']);
  });

  it('keeps no earlier version\'s text alive through the RUN scripts it takes from it', function () {
    this.timeout(60_000);
    // A script taken by later versions outlives the parse it was made in; were its strings cut
    // from that parse's text (V8 keeps a slice as a view of the whole), every version in which a
    // RUN was last edited would stay in memory.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // The heap's data (not the code V8 compiles meanwhile, on its own threads), after collecting.
    const heap = (): number => {
      gc();
      gc();
      return getHeapSpaceStatistics().reduce((sum, space) => (space.space_name.startsWith('code') ? sum : sum + space.space_used_size), 0);
    };
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) lines.push(`FROM debian:12 AS s${i}`, `RUN echo "stage ${i} of the file, version 0"`, `COPY a${i} /b`);
    let model: DockerfileModel | undefined = buildModel(lines.join('\n'));
    for (let v = 1; v <= 100; v++) {
      // Each version edits one more RUN and adds a line at the top, so every piece is parsed again.
      lines[3 * v + 1] = `RUN echo "stage ${v} of the file, version ${v}"`;
      lines.unshift('');
      model = buildModel(lines.join('\n'), model);
    }
    assert.equal(model.instructions.length, 600);
    // Both sizes are taken at the end, against the same heap without a model: the model built
    // version by version, and one built at once from the last text. (Taken at the start, the
    // fresh size once came out at 0.44 MB in a full unit run, against about 1.3 to 2.2 alone,
    // and the check failed at 1.75 times.)
    const withKept = heap();
    model = undefined;
    const none = heap();
    model = buildModel(lines.join('\n'));
    const fresh = heap() - none;
    const kept = withKept - none;
    assert.equal(model.instructions.length, 600);
    // Measured this way (2026-12-03): 1.10-1.31 MB held against 1.44-1.79 built at once; with every
    // version's text kept through the model (tried by hand) 5.18 against 0.74.
    console.log(`      after 100 versions: ${(kept / 1e6).toFixed(2)} MB held against ${(fresh / 1e6).toFixed(2)} MB built at once`);
    assert.ok(kept < 1.7 * fresh, `after 100 versions the model holds ${(kept / 1e6).toFixed(2)} MB against ${(fresh / 1e6).toFixed(2)} MB built fresh`);
  });

  it('equals a fresh build for random texts and edits (property)', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(anyDockerfile, fc.nat(), fc.constantFrom('x', ' ', '\n', '\\', '`', 'FROM y\n', '\nFROM z AS q\n', '<<EOF', 'EOF\n', '# c\n', '\r\n', 'RUN a \\\n'), (a, at, insert) => {
        const p = a.length === 0 ? 0 : at % (a.length + 1);
        const b = a.slice(0, p) + insert + a.slice(p);
        assert.equal(JSON.stringify(signature(buildModel(b, buildModel(a)))), JSON.stringify(signature(buildModel(b))));
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 300), seed: PROPERTY_SEED },
    );
  });
});

/** Findings as plain data, in order. */
function findingsOf(a: Analysis): string {
  return JSON.stringify(a.findings.map((f) => [f.ruleId, f.severity, f.range, f.message, f.saving, f.inFinalImage, f.data]));
}

describe('incremental analysis', () => {
  const files = [...CORPUS, ...EDGE_CASES, generateDockerfile(200, 7), generateDockerfile(1000, 1000)];

  it('each family rule finds on one family at a time what it finds on the whole file', function () {
    this.timeout(120_000);
    const familyRules = RULES.filter((r) => r.reads === 'family');
    assert.ok(familyRules.length >= 20, `${familyRules.length} family rules`);
    for (const text of files) {
      const model = buildModel(text);
      const run = familyFindings(model, familyRules, {});
      for (const rule of familyRules) {
        const whole = rule.check({ model, env: { context: {} }, settings: {} });
        const key = (f: RawFinding) => JSON.stringify([f.range, f.message, f.saving, f.data, f.instr?.index, f.stage?.index]);
        assert.deepEqual(run.findings.get(rule.id)!.map(key).sort(), whole.map(key).sort(), `${rule.id} on:\n${text.slice(0, 400)}`);
      }
    }
  });

  it('each family rule with words finds on one family at a time what it finds on the whole file, for random texts (property)', function () {
    this.timeout(120_000);
    const worded = RULES.filter((r) => r.reads === 'family' && r.words);
    assert.ok(worded.length >= 30, `${worded.length} rules with words`);
    fc.assert(
      fc.property(anyDockerfile, (text) => {
        const model = buildModel(text);
        const run = familyFindings(model, worded, {});
        for (const rule of worded) {
          const whole = rule.check({ model, env: { context: {} }, settings: {} });
          assert.equal(run.findings.get(rule.id)!.length, whole.length, `${rule.id} on:\n${text.slice(0, 400)}`);
        }
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 200), seed: PROPERTY_SEED },
    );
  });

  it('finds a program name that a continuation, a comment line in it, quotes or the backtick escape split (rule words)', () => {
    const worded = RULES.filter((r) => r.reads === 'family' && r.words);
    const texts = [
      'FROM alpine:3.20\nRUN ap\\\nk add curl\n',
      'FROM alpine:3.20\nRUN ap\\\n# a comment\nk add curl\n',
      'FROM alpine:3.20\nRUN a"p"k add curl\n',
      "FROM alpine:3.20\nRUN a'p'k add curl\n",
      '# escape=`\nFROM alpine:3.20\nRUN ap`\nk add curl\n',
      'FROM python:3.12\nRUN p\\ip install flask\n',
    ];
    for (const text of texts) {
      const model = buildModel(text);
      const whole = RULES.find((r) => r.id === (text.includes('pip') || text.includes('p\\ip') ? 'pip-cache-kept' : 'apk-cache-kept'))!.check({ model, env: { context: {} }, settings: {} });
      assert.ok(whole.length > 0, `the rule itself finds something in ${JSON.stringify(text)}`);
      const run = familyFindings(model, worded, {});
      for (const rule of worded) assert.equal(run.findings.get(rule.id)!.length, rule.check({ model, env: { context: {} }, settings: {} }).length, `${rule.id} on ${JSON.stringify(text)}`);
    }
  });

  it('reads a line that starts with # but is no comment (in a here-document, after a U+2028) as text (rule words)', () => {
    sameOnFamilies([
      'FROM alpine:3.20\nRUN <<EOF\necho "\n#" && apk add curl\nEOF\n',
      "FROM python:3.12\nRUN <<EOF\nX='a\n# b'; pip install flask\nEOF\n",
      'FROM alpine:3.20\nRUN true;\u2028# && apk add curl\n',
      'FROM alpine:3.20\nRUN echo \u2029#x; apk add curl\n',
    ]);
  });

  it('finds a program name split by a continuation whose escape has blanks after it (rule words)', () => {
    sameOnFamilies(['FROM alpine:3.20\nRUN ap\\ \nk add curl\n', 'FROM alpine:3.20\r\nRUN ap\\\t\r\nk add curl\r\n', '# escape=`\nFROM alpine:3.20\nRUN ap` \n# c\nk add curl\n']);
  });

  it('finds a program name an exec-form RUN writes with JSON escapes (rule words)', () => {
    sameOnFamilies(['FROM alpine:3.20\nRUN ["\\u0061pk", "add", "curl"]\n', 'FROM python:3.12\nRUN ["/usr/local/bin/p\\u0069p3", "install", "flask"]\n']);
  });

  it('reads the words of a family as its texts joined by line breaks, split, unquoted and without comment lines read them (property)', () => {
    // The reading as it was written first: the texts joined, cut into lines, each line's trailing
    // blanks dropped, the lines joined, quotes and escapes taken out; then again without comment lines.
    const reference = (texts: string[], word: string) => {
      const join = (text: string) => text.split('\n').map((line) => line.replace(/[ \t\r]+$/, '')).join('').replace(/[\r\\`'"]/g, '');
      const text = texts.join('\n');
      const uncommented = text.replace(/(^|\n)[ \t]*#[^\n]*/g, '$1');
      return join(text).includes(word) || join(uncommented).includes(word);
    };
    const char = fc.constantFrom(' ', '\t', '\r', '\n', '#', '"', "'", '\\', '`', 'a', 'p', 'k', '\uFEFF', '\uD800', '\u2028');
    const text = fc.array(char, { maxLength: 30 }).map((cs) => cs.join(''));
    const word = fc.array(fc.constantFrom(' ', '\t', '#', 'a', 'p', 'k'), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), word, (texts, w) => mentionsAny({ texts }, [w]) === reference(texts, w)),
      { seed: PROPERTY_SEED, numRuns: 3000 },
    );
  });

  it('does not run a rule on a family that names none of its words', () => {
    const calls: string[] = [];
    const spy = (words: string[]): Rule => ({ ...RULES.find((r) => r.id === 'apk-cache-kept')!, id: `spy-${words[0]}`, words, check: ({ model }) => (calls.push(`${words[0]}:${model.stages[0].from.image}`), []) });
    // Six families (more than the few that run one at a time), one of them on Alpine.
    const text = ['debian', 'ubuntu', 'python:3.12', 'node:22', 'golang:1.23', 'alpine:3.20'].map((image) => `FROM ${image}\nRUN ${image.startsWith('alpine') ? 'apk add curl' : 'echo hi'}\n`).join('');
    familyFindings(buildModel(text), [spy(['apk']), spy(['zypper'])], {});
    assert.deepEqual(calls, ['apk:alpine:3.20']);
  });

  it('family rules that do not declare quotesLines quote no line numbers', function () {
    this.timeout(60_000);
    const free = RULES.filter((r) => r.reads === 'family' && !r.quotesLines);
    for (const text of files) {
      const model = buildModel(text);
      for (const rule of free) for (const f of rule.check({ model, env: { context: {} }, settings: {} })) assert.doesNotMatch(f.message, /\bline \d/i, `${rule.id}: ${f.message}`);
    }
  });

  it('equals a fresh analysis after lines are added or removed anywhere', function () {
    this.timeout(180_000);
    for (const text of files.filter((t) => t.split('\n').length > 3)) {
      const lines = text.split('\n');
      const fresh = (t: string) => findingsOf(analyze(t, { context: {} }));
      for (const at of [1, Math.floor(lines.length / 3), Math.floor((2 * lines.length) / 3), lines.length - 2]) {
        const added = [...lines.slice(0, at), '', ...lines.slice(at)].join('\n');
        const removed = [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n');
        const before = analyze(text, { context: {} });
        assert.equal(findingsOf(analyze(added, { context: {} }, {}, before)), fresh(added), `line added at ${at}`);
        assert.equal(findingsOf(analyze(removed, { context: {} }, {}, before)), fresh(removed), `line removed at ${at}`);
      }
    }
  });

  it('equals a fresh analysis when the first line of a stage is indented or unindented', function () {
    // Found by the soak's edits: a space typed before FROM left the family's text and first line
    // as they were, so its findings were reused one character off.
    this.timeout(60_000);
    for (const text of files) {
      const lines = text.split('\n');
      const froms = lines.map((l, i) => (/^FROM /i.test(l) ? i : -1)).filter((i) => i >= 0).slice(0, 6);
      for (const at of froms) {
        const indented = lines.map((l, i) => (i === at ? ' ' + l : l)).join('\n');
        assert.equal(findingsOf(analyze(indented, { context: {} }, {}, analyze(text, { context: {} }))), findingsOf(analyze(indented, { context: {} })), `space before line ${at + 1} of:\n${text.slice(0, 400)}`);
        assert.equal(findingsOf(analyze(text, { context: {} }, {}, analyze(indented, { context: {} }))), findingsOf(analyze(text, { context: {} })), `space removed before line ${at + 1} of:\n${text.slice(0, 400)}`);
      }
    }
  });

  it('equals a fresh analysis when any one piece of a real file changed', function () {
    this.timeout(180_000);
    for (const text of files) {
      const fresh = findingsOf(analyze(text, { context: {} }));
      for (const line of splitPieces(new LineIndex(text), buildModel(text).escapeChar)) {
        const previous = analyze(touchLine(text, line), { context: {} });
        assert.equal(findingsOf(analyze(text, { context: {} }, {}, previous)), fresh, `piece at line ${line} of:\n${text.slice(0, 400)}`);
      }
    }
  });

  it('re-runs the family rules on the edited family only', () => {
    const text = generateDockerfile(1000, 1000);
    const before = analyze(text, { context: {} });
    const model = buildModel(touchLine(text, 500), before.model);
    const run = familyFindings(model, RULES.filter((r) => r.reads === 'family'), {}, before.families);
    assert.equal(run.checked, 1);
    assert.ok(run.cache.entries.size > 20, `${run.cache.entries.size} families`);
  });

  it('equals a fresh analysis after bursts of edits made as people edit, each edit analysed from the one before', function () {
    // The LSP soak's edits (test/support/editEpisodes.ts) in process: every version starts from
    // the previous one's analysis, as in the server, and each burst ends compared with a fresh
    // analysis. Found the indented-FROM drift that the single-edit properties missed.
    const bursts = Number(process.env.DSH_PROPERTY_RUNS ?? 200);
    // 120 s for the default 200 bursts; sweeps with more runs get time in proportion (4,000 bursts
    // took about 61 s at load 1 and timed out at 120 s at load 9).
    this.timeout(Math.max(120_000, bursts * 60));
    for (let seed = 1, done = 0; done < bursts; seed++) {
      const text = generateDockerfile(60 + seed * 5, seed);
      const doc = new SoakDocument(text, seed * 13, { min: 40, max: 120 + seed * 5 });
      let previous = analyze(text, { context: {} });
      for (let inSeed = 0; inSeed < 50 && done < bursts; inSeed++, done++) {
        const burst = doc.next();
        const replay = new SoakDocument(previous.model.text, 0, { min: 0, max: 0 });
        for (const change of burst.changes) {
          replay.apply(change);
          previous = analyze(replay.text, { context: {} }, {}, previous);
        }
        assert.equal(findingsOf(previous), findingsOf(analyze(doc.text, { context: {} })), `seed ${seed}, burst ${inSeed + 1}: ${burst.kind}`);
      }
    }
  });

  it('does not reuse findings across a change of the escape directive (the same text parses otherwise)', () => {
    const body = 'FROM debian:bookworm\nRUN apt-get update \\\n    && apt-get install -y curl\nFROM python:3.12\nRUN pip install flask\nCOPY . /app\n';
    const versions = [body, '# escape=`\n' + body, '# escape=\\\n' + body, '# escape=`\n' + body.replace(/\\\n/g, '`\n')];
    for (const a of versions) {
      for (const b of versions) {
        if (a === b) continue;
        assert.equal(findingsOf(analyze(b, { context: {} }, {}, analyze(a, { context: {} }))), findingsOf(analyze(b, { context: {} })), `${JSON.stringify(a.slice(0, 12))} -> ${JSON.stringify(b.slice(0, 12))}`);
      }
    }
  });

  it('equals a fresh analysis for random texts and edits (property)', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(anyDockerfile, fc.nat(), fc.constantFrom('x', ' ', '\n', 'FROM y AS q\n', 'RUN apt-get update\n', '\nFROM debian\nRUN apt-get install -y curl\n'), (a, at, insert) => {
        const p = a.length === 0 ? 0 : at % (a.length + 1);
        const b = a.slice(0, p) + insert + a.slice(p);
        assert.equal(findingsOf(analyze(b, { context: {} }, {}, analyze(a, { context: {} }))), findingsOf(analyze(b, { context: {} })));
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 200), seed: PROPERTY_SEED },
    );
  });
});

describe('beyondLimits', () => {
  /** The first version's counting (one regular expression over the text), kept as the reference. */
  function reference(text: string): { stages: number; longest: number } {
    let stages = 0;
    let run = 0;
    let longest = 0;
    const re = /^[ \t]*(FROM\b)?.*?([\\`][ \t]*)?\r?$/gim;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0 && re.lastIndex >= text.length) break;
      if (m[1]) stages++;
      run = m[2] ? run + 1 : 0;
      if (run > longest) longest = run;
      if (re.lastIndex === m.index) re.lastIndex++;
    }
    return { stages, longest };
  }

  it('counts stages and continuation runs as the regular expression did (property)', () => {
    const piece = fc.constantFrom('FROM a', 'from b', 'FROMx', ' \tFROM c', 'RUN a \\', 'RUN b `', 'x \\ \t', '\\', '', '# c', 'RUN x');
    // "\n" and lone "\r" only: the expression saw an empty line between "\r" and "\n", so it
    // counted no run of continuation lines in CRLF files beyond 1 (the test below holds the fix).
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const lf = parts.map((p) => p + '\n').join('');
        for (const text of [lf, lf.replace(/\n/g, '\r')]) check(text);
      }),
      { numRuns: 500, seed: PROPERTY_SEED },
    );
    function check(text: string): void {
      const ref = reference(text);
      const saved = { ...LIMITS };
      // The counts show through the limits: just under a count reports it, at the count nothing.
      try {
        LIMITS.continuationLines = Number.MAX_SAFE_INTEGER;
        LIMITS.stages = ref.stages;
        assert.equal(beyondLimits(text), undefined, JSON.stringify(text));
        if (ref.stages > 0) {
          LIMITS.stages = ref.stages - 1;
          assert.ok(beyondLimits(text)?.startsWith(`the file has ${ref.stages.toLocaleString('en-US')} stages`), JSON.stringify(text));
        }
        LIMITS.stages = Number.MAX_SAFE_INTEGER;
        LIMITS.continuationLines = ref.longest;
        assert.equal(beyondLimits(text), undefined, JSON.stringify(text));
        if (ref.longest > 0) {
          LIMITS.continuationLines = ref.longest - 1;
          assert.ok(beyondLimits(text)?.startsWith(`one instruction continues over ${ref.longest.toLocaleString('en-US')} lines`), JSON.stringify(text));
        }
      } finally {
        Object.assign(LIMITS, saved);
      }
    }
  });

  it('counts continuation lines in CRLF files', () => {
    const saved = { ...LIMITS };
    try {
      LIMITS.continuationLines = 2;
      assert.match(beyondLimits('FROM a\r\nRUN a \\\r\n b \\\r\n c \\\r\n d\r\n') ?? '', /continues over 3 lines/);
    } finally {
      Object.assign(LIMITS, saved);
    }
  });
});

/** Each worded family rule finds on one family at a time what it finds on the whole file, and the rule named finds something (the text is not one it skips for another reason). */
function sameOnFamilies(texts: string[]): void {
  const worded = RULES.filter((r) => r.reads === 'family' && r.words);
  for (const text of texts) {
    const model = buildModel(text);
    const run = familyFindings(model, worded, {});
    const counts = worded.map((rule) => [rule.id, rule.check({ model, env: { context: {} }, settings: {} }).length] as const);
    assert.ok(counts.some(([, n]) => n > 0), `some rule finds something in ${JSON.stringify(text)}`);
    for (const [id, n] of counts) assert.equal(run.findings.get(id)!.length, n, `${id} on ${JSON.stringify(text)}`);
  }
}
