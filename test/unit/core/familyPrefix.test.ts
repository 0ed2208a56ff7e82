/**
 * Family findings on the instructions before the first FROM (the contract of `reads: 'family'`
 * lets a family rule read them, and report on them: they go with the first family). When lines
 * are added or removed between those instructions and the first FROM, the family moves and they
 * do not: a kept finding on them must stay where it is.
 */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { familyFindings } from '../../../server/src/core/families';
import type { RawFinding, Rule } from '../../../server/src/rules/rule';

/** A family rule that reports every instruction it is shown, quoting its line. */
const EVERY_INSTRUCTION: Rule = {
  id: 'test-every-instruction',
  title: 'test',
  severity: 'hint',
  scope: 'always',
  docs: { summary: '', why: '', incorrect: '', correct: '', sizeImpact: '', fix: '' },
  reads: 'family',
  quotesLines: true,
  check: ({ model }) => model.instructions.map((instr): RawFinding => ({ range: instr.range, instr, message: `${instr.keyword} at line ${instr.range.start.line + 1}` })),
};

const show = (findings: RawFinding[] | undefined) => JSON.stringify((findings ?? []).map((f) => [f.range, f.message, f.instr?.index]));

describe('family findings on the instructions before the first FROM', () => {
  const texts = [
    'ARG BASE=debian\nFROM ${BASE}\nRUN true\nFROM alpine\nRUN true\n',
    'ARG A=1\nARG B=2\n\nFROM debian:${A}\nRUN true\nFROM debian AS b\nFROM b\nRUN true\n',
  ];
  for (const text of texts) {
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.startsWith('FROM'));
    for (const [what, changed] of [
      ['a line added before the first FROM', [...lines.slice(0, first), '', ...lines.slice(first)].join('\n')],
      ['two lines added before the first FROM', [...lines.slice(0, first), '# a', '# b', ...lines.slice(first)].join('\n')],
      ['a line added at the top', ['', ...lines].join('\n')],
    ] as const) {
      it(`stay where they are after ${what}, and move with the file (${JSON.stringify(text.slice(0, 16))})`, () => {
        const before = familyFindings(buildModel(text), [EVERY_INSTRUCTION], {});
        for (const [from, to, previous] of [
          [text, changed, before.cache],
          [changed, text, familyFindings(buildModel(changed), [EVERY_INSTRUCTION], {}).cache],
        ] as const) {
          const kept = familyFindings(buildModel(to), [EVERY_INSTRUCTION], {}, previous);
          const fresh = familyFindings(buildModel(to), [EVERY_INSTRUCTION], {});
          assert.equal(show(kept.findings.get(EVERY_INSTRUCTION.id)), show(fresh.findings.get(EVERY_INSTRUCTION.id)), `${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
          // Still reused: every family when the whole file moved, all but the first otherwise.
          assert.equal(kept.checked, what === 'a line added at the top' ? 0 : 1);
        }
      });
    }
  }
});
