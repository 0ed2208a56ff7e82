/** What the tests that compare our parse-time shortcuts with dockerfile-ast's own behaviour read. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { parseAsBuildKit } from '../../../server/src/core/parse';
import { LineIndex } from '../../../server/src/core/text';

/**
 * Every instruction of the text parsed as the model parses it (instructions end where BuildKit's
 * do: parse.ts), with the instruction each ONBUILD triggers.
 */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  for (const node of parseAsBuildKit(text, new LineIndex(text)).getInstructions()) {
    out.push(node);
    const trigger = (node as { getTriggerInstruction?(): Instruction | null }).getTriggerInstruction?.();
    if (trigger) out.push(trigger);
  }
  return out;
}

/** The Dockerfiles (`Dockerfile`, `*.Dockerfile`) under `dir`, sorted; none when it does not exist. */
export function dockerfiles(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...dockerfiles(p));
    else if (e.name === 'Dockerfile' || e.name.endsWith('.Dockerfile')) out.push(p);
  }
  return out.sort();
}
