/**
 * "Apply all size fixes" (`fixAll`): by default only the fixes their rules mark preferred, as the
 * editor's light bulb shows them; `includeUnpreferred` adds the ones that need a review. Fixes
 * that cannot interfere go in one round (fixAllBatch.test.ts holds the rounds to fixes applied
 * one at a time), so a large file finishes in a few rounds.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../server/src/cli';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { appendToRun } from '../../../server/src/core/commands';
import { fixAll, FixAllRun } from '../../../server/src/core/edits';
import { instructionAt, runInstructions } from '../../../server/src/core/model';
import * as rules from '../../../server/src/rules';
import type { Rule } from '../../../server/src/rules';
import { FIXTURES_DIR, parseFixture } from '../../support/fixtures';
import { generateDockerfile } from '../../bench/lsp/generate';

const ENV = { context: {} };
/** A Node app built in its only stage: a slim tag and a builder stage are offered, not preferred. */
const NODE_APP = [
  'FROM node:22',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci',
  'COPY . .',
  'RUN npm run build',
  'CMD ["node", "dist/server.js"]',
  '',
].join('\n');

/** How each finding's fix is marked on this text: rule id -> preferred (undefined: no fix). */
function fixKinds(text: string): Map<string, boolean | undefined> {
  const analysis = analyze(text, ENV);
  return new Map(analysis.findings.map((f) => {
    const fix = fixFor(analysis, f, ENV);
    return [f.ruleId, fix && fix.preferred === true];
  }));
}

/** The command {@link DOES_NOT_TAKE} flags: its RUN keeps it whatever is appended. */
const UNFIXABLE = 'touch /unfixable';

/**
 * A rule for the test of fixes that do not take: it flags every RUN that runs {@link UNFIXABLE},
 * and its preferred fix appends a command to that RUN, which leaves the finding where it was
 * (and the text one command longer each time, as a real fix that does not take would).
 */
const DOES_NOT_TAKE: Rule = {
  id: 'test-fix-does-not-take',
  title: 'a fix that does not take (test only)',
  severity: 'warning',
  scope: 'always',
  docs: { summary: '', why: '', incorrect: '', correct: '', sizeImpact: '', fix: '' },
  check: ({ model }) =>
    runInstructions(model)
      .filter((instr) => instr.run!.commands.some((c) => c.words.map((w) => w.value).join(' ') === UNFIXABLE))
      .map((instr) => ({ range: instr.range, instr, message: 'flagged for the test' })),
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    const edit = instr && appendToRun(model, instr, 'true');
    return edit && { title: 'Append a command that changes nothing', edits: [edit], preferred: true };
  },
};

/**
 * A rule for the test of batches that fail as a whole: it flags every `RUN echo todo` (its
 * preferred fix makes it `RUN echo done`, which removes that finding) and, once two RUNs echo
 * `done`, the first FROM (no fix). Each fix takes alone; any two together remove their findings
 * and add one of their rule elsewhere, so a batch of them fails with none of its findings left
 * where it was (fixes that together make a new finding of their rule, as real rules might).
 */
const CLASHES: Rule = {
  ...DOES_NOT_TAKE, // severity, scope and empty docs
  id: 'test-fixes-clash',
  title: 'fixes that take alone and not together (test only)',
  check: ({ model }) => {
    const echoes = (word: string) => runInstructions(model).filter((instr) => instr.run!.commands.some((c) => c.words.map((w) => w.value).join(' ') === `echo ${word}`));
    const todo = echoes('todo').map((instr) => ({ range: instr.range, instr, message: 'flagged for the test' }));
    const first = model.stages[0]?.fromInstr;
    return echoes('done').length >= 2 && first ? [...todo, { range: first.range, instr: first, message: 'two fixed for the test' }] : todo;
  },
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    return instr?.run ? { title: 'Echo done', edits: [{ range: instr.range, newText: 'RUN echo done' }], preferred: true } : undefined;
  },
};

/**
 * Runs `body` with `rule` registered beside the real rules. analyze() and fixFor() read the
 * registry's exports on each call, so replacing them for the call is enough.
 */
function withRule<T>(rule: Rule, body: () => T): T {
  const registry = rules as { RULES: readonly Rule[]; ruleById(id: string): Rule | undefined };
  const { RULES, ruleById } = registry;
  registry.RULES = [...RULES, rule];
  registry.ruleById = (id) => (id === rule.id ? rule : ruleById(id));
  try {
    return body();
  } finally {
    registry.RULES = RULES;
    registry.ruleById = ruleById;
  }
}

describe('fixAll', () => {
  it('the fixture offers both kinds of fix (else the tests below prove nothing)', () => {
    const kinds = fixKinds(NODE_APP);
    assert.equal(kinds.get('npm-cache-kept'), true);
    assert.equal(kinds.get('base-image-not-slim'), false);
    assert.equal(kinds.get('build-tools-in-final-image'), false);
  });

  it('applies only the preferred fixes by default', () => {
    const result = fixAll(NODE_APP, ENV);
    assert.deepEqual(result.applied, ['npm-cache-kept']);
    assert.equal(result.text, NODE_APP.replace('RUN npm ci\n', 'RUN npm ci && npm cache clean --force\n'));
    // The findings whose fixes need a review are still there, with their fixes still offered.
    const left = fixKinds(result.text);
    assert.equal(left.get('base-image-not-slim'), false);
    assert.equal(left.get('build-tools-in-final-image'), false);
  });

  it('applies the fixes not marked preferred too with includeUnpreferred', () => {
    const result = fixAll(NODE_APP, ENV, {}, { includeUnpreferred: true });
    // The split first; base-image-not-slim's fix, which needs a review, is then for a builder stage,
    // where -slim saves the final image nothing and may break `npm ci`: not applied.
    assert.deepEqual([...result.applied].sort(), ['build-tools-in-final-image', 'npm-cache-kept']);
    assert.match(result.text, /^FROM node:22 AS build\n/);
    assert.match(result.text, /\nFROM node:22-slim\nWORKDIR \/app\nCOPY --from=build \/app \/app\n/);
    assert.deepEqual(fixAll(result.text, ENV, {}, { includeUnpreferred: true }).applied, []);
  });

  it('with includeUnpreferred, leaves a fix that needs a review alone where its finding costs the final image nothing', () => {
    // base-image-not-slim's hint on the builder: -slim there saves the image nothing and may lack what `npm ci` compiles with.
    const text = 'FROM node:22 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci && npm cache clean --force\n\nFROM node:22-slim\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "a.js"]\n';
    const analysis = analyze(text, ENV);
    const slim = analysis.findings.find((f) => f.ruleId === 'base-image-not-slim');
    assert.ok(slim && !slim.inFinalImage && fixFor(analysis, slim, ENV)?.preferred === false);
    assert.deepEqual(fixAll(text, ENV, {}, { includeUnpreferred: true }).applied, []);
  });

  it('stops after maxRounds rounds, and says it did not finish', () => {
    const result = fixAll(NODE_APP, ENV, {}, { includeUnpreferred: true, maxRounds: 1 });
    assert.equal(result.applied.length, 1);
    assert.equal(result.complete, false);
    assert.equal(fixAll(NODE_APP, ENV, {}, { includeUnpreferred: true }).complete, true);
  });

  it('stops when its time budget is spent, and says it did not finish', () => {
    const result = fixAll(NODE_APP, ENV, {}, { budgetMs: 0 });
    assert.deepEqual(result.applied, []);
    assert.equal(result.complete, false);
    assert.equal(fixAll(NODE_APP, ENV, {}, { budgetMs: 60_000 }).complete, true);
  });

  it('fixes only the findings `only` accepts (the estimate after the fixes takes those in the final image)', () => {
    // A builder stage the final image never reaches: its apt fixes cannot change the image.
    const text = 'FROM debian:bookworm AS unused\nRUN apt-get update && apt-get install -y curl\nFROM node:22-slim\nRUN npm install -g typescript\n';
    const all = fixAll(text, ENV);
    assert.ok(all.applied.some((id) => id.startsWith('apt-')), all.applied.join(' '));
    const final = fixAll(text, ENV, {}, { only: (f) => f.inFinalImage });
    assert.ok(final.complete);
    assert.deepEqual(final.applied, ['npm-cache-kept']);
    assert.ok(final.text.includes('RUN apt-get update && apt-get install -y curl\n'));
  });

  it('FixAllRun: step by step gives what fixAll gives; between steps, the text after the last whole round', () => {
    // The editor's estimate after the fixes runs it in slices (server/src/lsp/afterFixes.ts) and
    // may read it between any two steps. Fixes that do not take make rounds that are undone.
    const lines = ['FROM debian:bookworm'];
    for (let i = 0; i < 20; i++) lines.push(`RUN ${UNFIXABLE}`, 'RUN apt-get update && apt-get install -y curl', `RUN npm install -g tool${i}`);
    const text = lines.join('\n') + '\n';
    withRule(DOES_NOT_TAKE, () => {
      const whole = fixAll(text, ENV);
      assert.ok(whole.complete && whole.applied.length === 60, whole.applied.join(' '));
      const run = new FixAllRun(text, ENV, {}, { analysis: analyze(text, ENV) });
      const texts = new Set([text]);
      let steps = 0;
      for (let done = false; !done; steps++) {
        const now = run.result();
        assert.equal(now.complete, false);
        assert.equal(now.analysis.model.text, now.text);
        assert.deepEqual(now.applied, whole.applied.slice(0, now.applied.length));
        done = run.step();
        texts.add(run.result().text);
      }
      const end = run.result();
      assert.deepEqual([end.text, end.applied, end.complete], [whole.text, whole.applied, true]);
      // One step per fix worked out, not one per round; the text changes at the end of a round only.
      assert.ok(steps > 80, `${steps} steps`);
      assert.ok(texts.size <= 6, `${texts.size} texts between steps`);
      assert.equal(run.step(), true);
    });
  });

  it('returns the analysis of the text it returns', () => {
    const result = fixAll(NODE_APP, ENV);
    assert.equal(result.analysis.model.text, result.text);
    assert.deepEqual(result.analysis.findings.map((f) => f.ruleId), analyze(result.text, ENV).findings.map((f) => f.ruleId));
  });

  it('finishes the generated 1,000-line file in a few rounds, however many fixes it takes', () => {
    // "Apply all" stopped here after 100 fixes (one per round) with fixes left: users had to click again.
    const text = generateDockerfile(1000, 1000);
    const start = analyze(text, ENV);
    const preferred = start.findings.filter((f) => fixFor(start, f, ENV)?.preferred).length;
    assert.ok(preferred > 100, `only ${preferred} preferred fixes: the test would not show the old limit`);
    const cpu = process.cpuUsage();
    const result = fixAll(text, ENV, {}, { maxRounds: 5 });
    const used = process.cpuUsage(cpu);
    console.log(`      fixAll on 1,000 generated lines: ${result.applied.length} fixes, ${((used.user + used.system) / 1000).toFixed(0)} ms of CPU`);
    assert.equal(result.complete, true);
    assert.ok(result.applied.length >= preferred, `${result.applied.length} applied of ${preferred}`);
    assert.deepEqual(result.analysis.findings.filter((f) => fixFor(result.analysis, f, ENV)?.preferred), []);
    assert.deepEqual(fixAll(result.text, ENV).applied, []);
  });

  it('sets fixes that do not remove their findings aside in a few rounds, however many there are', () => {
    // 40 RUNs whose fix does not take (a rule registered for this test alone, see withRule), each
    // followed by RUNs whose fixes do: one at a time, each such fix cost a round or two. Five
    // rounds suffice; six were needed when a fix that once did not take could join a batch with
    // others again (the `suspects` of fixAll).
    const lines = ['FROM debian:bookworm'];
    for (let i = 0; i < 40; i++) lines.push(`RUN ${UNFIXABLE}`, 'RUN apt-get update && apt-get install -y curl', `RUN npm install -g tool${i}`);
    const result = withRule(DOES_NOT_TAKE, () => fixAll(lines.join('\n') + '\n', ENV, {}, { maxRounds: 5 }));
    assert.equal(result.complete, true);
    assert.equal(result.applied.length, 120);
    assert.ok(!result.applied.includes(DOES_NOT_TAKE.id), `applied ${DOES_NOT_TAKE.id}`);
    const left = withRule(DOES_NOT_TAKE, () => result.analysis.findings.filter((f) => fixFor(result.analysis, f, ENV)?.preferred).map((f) => f.ruleId));
    assert.deepEqual(left, Array(40).fill(DOES_NOT_TAKE.id));
  });

  it('tries a batch that fails with none of its findings left in place again in halves, and applies the fixes that take alone', () => {
    // Four fixes of a rule registered for this test alone (CLASHES): each takes alone, any two
    // together add a finding of their rule on the FROM. No fix of the failed batch of four can be
    // set aside (none left its finding in place): halved after each failure, the batch comes down
    // to one fix, which holds; each of the others then fails alone and is set aside. Without the
    // halving fixAll tried the same batch of four until maxRounds and applied nothing.
    const text = ['FROM debian:bookworm', ...Array(4).fill('RUN echo todo'), ''].join('\n');
    const result = withRule(CLASHES, () => fixAll(text, ENV));
    assert.deepEqual(result.applied, [CLASHES.id]);
    assert.equal(result.text, text.replace('RUN echo todo', 'RUN echo done'));
    assert.equal(result.complete, true);
  });

  it('applies a fix that adds a stage first and alone, and the other fixes in later rounds', () => {
    // The builder split's finding is on the FROM: the maven fixes in the same stage wait for it
    // (after it the RUNs are in the builder, where the maven cache costs the image nothing).
    const java = parseFixture(path.join(FIXTURES_DIR, 'rules', 'build-tools-in-final-image', 'java.Dockerfile'));
    assert.deepEqual(fixAll(java.text, java.env, {}, { includeUnpreferred: true, maxRounds: 1 }).applied, ['build-tools-in-final-image']);
    assert.deepEqual(fixAll(java.text, java.env, {}, { includeUnpreferred: true }).applied, ['build-tools-in-final-image']);
    // A fix that writes a FROM line (here the stage is named already, so its FROM is not edited)
    // changes which layers reach the final image everywhere: it goes first (the fixes that need a
    // review then skip what became the builder) and nothing joins its round; the tools stage's fixes
    // come after it.
    const text = [
      'FROM debian:bookworm AS tools',
      'RUN apt-get update && apt-get install -y curl',
      '',
      'FROM python:3.12-slim AS app',
      'RUN apt-get update \\',
      '    && apt-get install -y --no-install-recommends build-essential libpq-dev \\',
      '    && rm -rf /var/lib/apt/lists/*',
      'COPY --from=tools /usr/bin/curl /usr/bin/curl',
      'COPY requirements.txt .',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'CMD ["python", "-m", "app"]',
      '',
    ].join('\n');
    assert.deepEqual(fixAll(text, ENV, {}, { includeUnpreferred: true, maxRounds: 1 }).applied, ['build-tools-in-final-image']);
    assert.deepEqual(fixAll(text, ENV, {}, { includeUnpreferred: true }).applied, ['build-tools-in-final-image', 'apt-lists-kept', 'apt-recommends']);
  });

  it('the CLI\'s --fix finishes the generated 1,000-line file in one run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-fix-large-'));
    try {
      const file = path.join(dir, 'Dockerfile');
      fs.writeFileSync(file, generateDockerfile(1000, 1000));
      fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
      const quiet = () => undefined;
      await main(['--fix', '--format', 'json', dir], quiet, quiet);
      const once = fs.readFileSync(file, 'utf8');
      assert.notEqual(once, generateDockerfile(1000, 1000));
      const left = analyze(once, ENV);
      assert.deepEqual(left.findings.filter((f) => fixFor(left, f, ENV)?.preferred).map((f) => f.ruleId), []);
      await main(['--fix', '--format', 'json', dir], quiet, quiet);
      assert.equal(fs.readFileSync(file, 'utf8'), once, 'a second --fix changed the file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
