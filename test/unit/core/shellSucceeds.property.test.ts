/**
 * runsWheneverScriptSucceeds, checked against the shell itself: generated scripts of commands
 * `c0`, `c1`... joined by `&&`, `||`, `|`, `!`, `;` and line breaks, in groups, subshells, ifs,
 * cases and function bodies (subshells redirected after their `)` too), with `exit`s and `&>/dev/null` (a background `&` to dash). Each script runs under `sh` once for every way its
 * commands can succeed or fail (each `cN` is a function that logs that it ran and returns bit N of
 * the case).
 * - Sound: a command said to run ran in every case where the script exited 0, and (in scripts
 *   without `exit`) it succeeded in one of them: the script did not need it to fail (`! c0`).
 * - Exact for flat scripts (no group, subshell, if, case, function or exit): a command said not
 *   to run was skipped in some case where the script exited 0, or stands in a pipeline negated by
 *   `!`.
 * The seed is test/support/propertySeed.ts's; `DSH_PROPERTY_RUNS` sets the number of scripts.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fc from 'fast-check';
import { parseShell, programName, runsWheneverScriptSucceeds } from '../../../server/src/core/shell';
import { PROPERTY_SEED } from '../../support/propertySeed';

const RUNS = Number(process.env.DSH_PROPERTY_RUNS ?? 60);
const MAX_COMMANDS = 6;

/** A script with placeholders `#` for its commands, numbered in order afterwards. */
const script: fc.Arbitrary<string> = fc.letrec<{ script: string; list: string; pipeline: string; element: string }>((tie) => ({
  script: fc.array(tie('list'), { minLength: 1, maxLength: 3 }).chain((lists) => fc.tuple(...lists.map(() => fc.constantFrom('; ', '\n'))).map((seps) => lists.map((l, i) => (i ? seps[i] : '') + l).join(''))),
  list: fc
    .array(fc.tuple(fc.constantFrom(' && ', ' || '), tie('pipeline')), { minLength: 0, maxLength: 3 })
    .chain((rest) => tie('pipeline').map((first) => first + rest.map(([op, p]) => op + p).join(''))),
  pipeline: fc.tuple(fc.boolean(), tie('element'), fc.option(tie('element'), { freq: 4 })).map(([not, a, b]) => `${not ? '! ' : ''}${a}${b === null ? '' : ` | ${b}`}`),
  element: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: fc.constant('#'), weight: 8 },
    // `sh` here is dash, which reads it as `#` in the background, then `>/dev/null`.
    { arbitrary: fc.constant('# &>/dev/null'), weight: 1 },
    { arbitrary: tie('script').map((s) => `{ ${s}; }`), weight: 1 },
    { arbitrary: tie('script').map((s) => `( ${s} )`), weight: 1 },
    // Redirected after its `)`: the subshell's redirection (with `&>`, dash runs it in the background).
    { arbitrary: fc.tuple(tie('script'), fc.constantFrom('>/dev/null', '2>/dev/null', '&>/dev/null')).map(([s, r]) => `( ${s} ) ${r}`), weight: 1 },
    { arbitrary: fc.tuple(tie('list'), tie('script')).map(([c, s]) => `if ${c}; then ${s}; fi`), weight: 1 },
    // The second item runs, the first never: the patterns are no commands.
    { arbitrary: fc.tuple(tie('script'), tie('script')).map(([a, b]) => `case x in y) ${a};; (w|x) ${b};; esac`), weight: 1 },
    // A body that calls `f` would recurse without end (`f() { c0 | f; }` forks a subshell per
    // call until sh is killed: seed 1796327234384 ran into the 60 s limit), so bodies call none.
    { arbitrary: tie('script').filter((s) => !/\bf\b/.test(s.replace(/f\(\) \{/g, ''))).map((s) => `f() { ${s}; }`), weight: 1 },
    { arbitrary: fc.constantFrom('exit 0', 'exit 1', 'f'), weight: 1 },
  ),
})).script;

function numbered(template: string): string {
  let n = 0;
  return template.replace(/#/g, () => `c${n++}`);
}

/** For each case (bit N: whether cN fails), the script's status and the commands that ran. */
function runAll(text: string, count: number): { m: number; status: number; ran: Set<number> }[] {
  const defs = Array.from({ length: count }, (_, i) => `c${i}() { echo "$m ${i}" >&3; return $(( (m >> ${i}) & 1 )); }`).join('\n');
  const wrapper = `${defs}\nm=0\nwhile [ "$m" -lt ${2 ** count} ]; do\n( ${text}\n) 3>&1 >/dev/null 2>&1\necho "$m status $?"\nm=$((m + 1))\ndone\n`;
  const sh = spawnSync('sh', ['-c', wrapper], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(sh.status, 0, `sh failed on:\n${wrapper}\n${sh.stderr}`);
  const cases = Array.from({ length: 2 ** count }, (_, m) => ({ m, status: -1, ran: new Set<number>() }));
  for (const line of sh.stdout.split('\n')) {
    const [m, what, status] = line.split(' ');
    if (what === 'status') cases[Number(m)].status = Number(status);
    else if (m !== undefined && what !== undefined) cases[Number(m)].ran.add(Number(what));
  }
  return cases;
}

/** The numbers of the commands of a flat script that stand in a pipeline negated by `!`. */
function negatedIn(flat: string): Set<number> {
  const out = new Set<number>();
  for (const pipeline of flat.split(/&&|\|\||;|\n/)) {
    if (pipeline.trim().startsWith('!')) for (const m of pipeline.matchAll(/c(\d+)/g)) out.add(Number(m[1]));
  }
  return out;
}

describe('runsWheneverScriptSucceeds against sh', function () {
  this.timeout(600_000);

  it(`is sound, and exact on flat scripts (seed ${PROPERTY_SEED}, ${RUNS} scripts)`, () => {
    let said = 0;
    let truly = 0;
    fc.assert(
      fc.property(script, (template) => {
        const count = (template.match(/#/g) ?? []).length;
        fc.pre(count > 0 && count <= MAX_COMMANDS);
        const text = numbered(template);
        const commands = parseShell(text);
        const cases = runAll(text, count).filter((c) => c.status === 0);
        const flat = !/[{(]|if |case |exit|\bf\b|&>/.test(text);
        const negated = flat ? negatedIn(text) : new Set<number>();
        for (const cmd of commands) {
          const m = /^c(\d+)$/.exec(programName(cmd));
          if (!m) continue;
          const n = Number(m[1]);
          const claimed = runsWheneverScriptSucceeds(commands, cmd);
          const always = cases.every((c) => c.ran.has(n));
          if (claimed) said++;
          if (always && cases.length > 0) truly++;
          assert.ok(!claimed || always, `said c${n} runs in every successful run of:\n${text}`);
          // Case m has cN fail when bit N of m is set.
          const succeededOnce = cases.some((c) => c.ran.has(n) && ((c.m >> n) & 1) === 0);
          if (!text.includes('exit') && cases.length > 0) assert.ok(!claimed || succeededOnce, `said c${n} runs, but it failed in every successful run of:\n${text}`);
          if (flat && cases.length > 0) assert.equal(claimed, always && !negated.has(n), `c${n} in the flat script:\n${text}`);
        }
      }),
      { seed: PROPERTY_SEED, numRuns: RUNS },
    );
    console.log(`      commands said to run in every successful run: ${said}; that did: ${truly}`);
    assert.ok(said > 0, 'no command was said to run');
  });
});

describe('runsWheneverScriptSucceeds, by example', () => {
  const said = (text: string) => {
    const commands = parseShell(text);
    return commands.filter((c) => runsWheneverScriptSucceeds(commands, c)).map((c) => c.words[0].value);
  };

  it('reads the last list, groups and subshells', () => {
    assert.deepEqual(said('a && b'), ['a', 'b']);
    assert.deepEqual(said('a && b; c'), ['a', 'c']);
    assert.deepEqual(said('a || b && c'), ['a', 'c']);
    assert.deepEqual(said('a && b || c'), ['a']);
    assert.deepEqual(said('a && { b; c; }'), ['a', 'b', 'c']);
    assert.deepEqual(said('a && ( b && c ) || d'), ['a']);
    assert.deepEqual(said('a && ( b || x; c ) && d'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(said('! { a && b; }'), []);
    assert.deepEqual(said('a | { b && c; }'), ['a', 'b', 'c']);
    assert.deepEqual(said('{ a && b; } | c'), ['a', 'c']);
  });

  it('not in a pipeline negated by `!`: the build may have needed it to fail', () => {
    assert.deepEqual(said('! a'), []);
    assert.deepEqual(said('! a && b'), ['b']);
    assert.deepEqual(said('! a | b; c'), ['c']);
    assert.deepEqual(said('a && ! { b; c; } && d'), ['a', 'd']);
    assert.deepEqual(said('! ( a ) || b'), []);
    // The `)` of `f()` does not close the subshell (FC_SEED=2026120612, 3,000 scripts).
    assert.deepEqual(said('! ( f() { a; }; b )'), []);
    assert.deepEqual(said('( f() { a; }; b ) && c'), ['f(', 'b', 'c']);
  });

  it('not in the background, after an exit or exec, nor in a function body', () => {
    assert.deepEqual(said('a && b &'), []);
    assert.deepEqual(said('a; b & c'), ['a', 'c']);
    assert.deepEqual(said('( a & ) && b'), ['b']);
    assert.deepEqual(said('a || exit 0; b'), ['a']);
    assert.deepEqual(said('exec >/dev/null 2>/dev/null; a'), ['exec', 'a']);
    assert.deepEqual(said('exec tini; a'), ['exec']);
    // bash's `exec {fd}>file` only opens a descriptor (dash and busybox ash exit on it: no build succeeded there).
    assert.deepEqual(said('exec {fd}>/tmp/lock; a'), ['exec', 'a']);
    assert.deepEqual(said('f() { a; }; f'), ['f(', 'f']);
    assert.deepEqual(said('f ()\n{\n a\n}\nf'), ['f', 'f']);
    // A subshell then a group on the next line is no function.
    assert.deepEqual(said('( a )\n{ b; }'), ['a', 'b']);    // dash reads `c &>log` as `c &` then `>log`: the list up to it may still run when the script ends.
    assert.deepEqual(said('a; b && c &>/dev/null && d'), ['a', 'd']);
    assert.deepEqual(said('a &>>log'), []);
    assert.deepEqual(said('{ a; } &>log; b'), ['b']);
  });
});
