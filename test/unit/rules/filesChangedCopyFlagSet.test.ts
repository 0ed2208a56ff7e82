/**
 * files-changed-in-later-layer on a chmod/chown after a COPY that already sets the same mode or
 * owner (`COPY --chown=app:app` then `chown -R app:app`): the command still stores the files
 * again, but "Use COPY --chown" is advice the file already follows. The message says the flag is
 * there, and the fix removes the command (for a copied directory, its recursion) and adds no flag.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { ruleFixes as fixesOf } from '../../support/ruleFixes';

const RULE = 'files-changed-in-later-layer';
const messages = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === RULE).map((f) => f.message);
const BASE = 'FROM debian:bookworm-slim\nRUN useradd -r app\n';

describe('files-changed-in-later-layer after a COPY that already has the flag', () => {
  it('says the COPY has it and removes the command', () => {
    const file = `${BASE}COPY --chmod=755 run.sh /run.sh\nRUN chmod 0755 /run.sh\nCMD ["/run.sh"]\n`;
    assert.match(messages(file)[0], /The COPY already has --chmod=0755: remove the chmod\.$/);
    assert.deepEqual(fixesOf(file, RULE), [`${BASE}COPY --chmod=755 run.sh /run.sh\nCMD ["/run.sh"]\n`]);
  });

  it('keeps a non-recursive change on a copied directory, as the flag fix does', () => {
    const file = `${BASE}COPY --chown=app:app src/ /app/\nRUN chown -R app:app /app\n`;
    assert.match(messages(file)[0], /The COPY already has --chown=app:app: remove the chown\.$/);
    assert.deepEqual(fixesOf(file, RULE), [`${BASE}COPY --chown=app:app src/ /app/\nRUN chown app:app /app\n`]);
  });

  it('keeps the usual advice, and no fix, when the COPY sets something else', () => {
    const file = `${BASE}COPY --chown=root:app src/ /app/\nRUN chown -R app:app /app\n`;
    assert.match(messages(file)[0], /Use COPY --chown\.$/);
    assert.deepEqual(fixesOf(file, RULE), [undefined]);
  });
});
