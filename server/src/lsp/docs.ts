/**
 * Where a rule's documentation lives. The extension ships docs/rules/<id>.md beside dist/, so the
 * link opens offline inside VS Code; the lookup walks up from this module so it also works from
 * the unbundled build in out/.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

function findDocsDir(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve(__dirname, '..', 'docs', 'rules');
}

const DOCS_DIR = findDocsDir();

export function ruleDocUri(ruleId: string): string {
  // The diagnostics in .dockerignore files share one page.
  if (ruleId.startsWith('dockerignore-')) return pathToFileURL(path.join(DOCS_DIR, '..', 'dockerignore.md')).toString() + '#diagnostics-in-dockerignore-files';
  return pathToFileURL(path.join(DOCS_DIR, `${ruleId}.md`)).toString();
}
