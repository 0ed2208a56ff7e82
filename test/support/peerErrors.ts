/**
 * The errors the peer server's validator (dockerfile-utils, its own parser and checks) reports on
 * a Dockerfile: the independent judge of "a fix adds no parse error" in the fix tests.
 */
import { validate } from 'dockerfile-utils';

/**
 * The validator's error messages (warnings left out), as a sorted list. When the validator
 * itself fails (dockerfile-ast's resolveVariable recurses without end on some texts with a
 * variable before the first FROM), that failure is the one error: a fixed text the validator
 * fails on counts as adding an error unless the input failed it too.
 */
export function peerErrors(text: string): string[] {
  let found;
  try {
    found = validate(text);
  } catch (e) {
    return [`the validator failed: ${e instanceof Error ? e.message : String(e)}`];
  }
  return found
    .filter((d) => d.severity === 1)
    .map((d) => (typeof d.message === 'string' ? d.message : d.message.value))
    .sort();
}

/** The errors of `after` that `before` does not have (as a multiset: a second copy counts). */
export function addedErrors(before: string, after: string): string[] {
  const pool = peerErrors(before);
  return peerErrors(after).filter((e) => {
    const i = pool.indexOf(e);
    if (i >= 0) pool.splice(i, 1);
    return i < 0;
  });
}
