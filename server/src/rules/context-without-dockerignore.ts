/**
 * context-without-dockerignore: `COPY . <dest>` / `ADD . <dest>` copies the whole build context
 * into the image. Without a `.dockerignore`, that includes `.git`, local dependency folders,
 * virtual environments, build output and sometimes secrets.
 */
import type { Copy } from 'dockerfile-ast';
import { instructionAt, type DockerfileModel, type Instr } from '../core/model';
import type { RawFinding, Rule } from './rule';

const WHOLE_CONTEXT = new Set(['.', './', './.', '*', './*']);

/** Ignore entries per ecosystem, chosen from files at the top of the build context. */
const ECOSYSTEMS: { name: string; markers: string[]; entries: string[] }[] = [
  { name: 'any project', markers: [], entries: ['.git', '.gitignore', '.dockerignore', '**/.DS_Store', '.idea', '.vscode', '*.log', '**/*.swp'] },
  { name: 'Node.js', markers: ['package.json'], entries: ['node_modules', '**/node_modules', 'npm-debug.log*', 'yarn-error.log*', '.npm', 'coverage', '.nyc_output'] },
  {
    name: 'Python',
    markers: ['requirements.txt', 'pyproject.toml', 'setup.py', 'Pipfile', 'poetry.lock', 'uv.lock'],
    entries: ['**/__pycache__', '**/*.py[cod]', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '**/*.egg-info', 'htmlcov', '.coverage'],
  },
  { name: 'Go', markers: ['go.mod'], entries: ['**/*.test', 'coverage.out'] },
  { name: 'Java', markers: ['pom.xml', 'build.gradle', 'build.gradle.kts'], entries: ['target', 'build', '.gradle'] },
  { name: 'Rust', markers: ['Cargo.toml'], entries: ['target'] },
];

function copiesWholeContext(instr: Instr): { source: { range: RawFinding['range'] } } | undefined {
  if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') return undefined;
  const node = instr.node as Copy;
  if (node.getFlags().some((f) => f.getName().toLowerCase() === 'from')) return undefined;
  if (node.getHeredocs().length > 0) return undefined;
  const args = node.getArguments();
  if (args.length < 2 || args[0].getValue().startsWith('[')) return undefined;
  const source = args.slice(0, -1).find((a) => WHOLE_CONTEXT.has(a.getValue()));
  return source && { source: { range: source.getRange() } };
}

/** Paths the Dockerfile copies explicitly; an ignore entry that covers one would break the build. */
function explicitSources(model: DockerfileModel): string[] {
  const out: string[] = [];
  for (const instr of model.instructions) {
    if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') continue;
    const node = instr.node as Copy;
    if (node.getFlags().some((f) => f.getName().toLowerCase() === 'from')) continue;
    for (const a of node.getArguments().slice(0, -1)) {
      const v = a.getValue().replace(/^\.\//, '').replace(/\/+$/, '');
      if (!WHOLE_CONTEXT.has(a.getValue()) && v) out.push(v);
    }
  }
  return out;
}

/** True when `entry` (a top-level name or `**` pattern) would exclude `source`. */
function entryCovers(entry: string, source: string): boolean {
  const name = entry.replace(/^\*\*\//, '');
  const re = new RegExp('^' + name.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\[\^\/\]\*\[\^\/\]\*/g, '.*') + '$');
  const segments = source.split('/');
  if (entry.startsWith('**/')) return segments.some((_s, i) => re.test(segments.slice(i).join('/')) || re.test(segments[i]));
  return segments.some((_s, i) => re.test(segments.slice(0, i + 1).join('/')));
}

/** The `.dockerignore` text the fix creates, for the ecosystems found in the context. */
export function suggestedDockerignore(topLevelNames: string[], model: DockerfileModel): string {
  const names = new Set(topLevelNames);
  const keep = explicitSources(model);
  const lines: string[] = ['# Created by Dockerfile Size Hints: keeps these out of the build context and the image.'];
  for (const eco of ECOSYSTEMS) {
    if (eco.markers.length > 0 && !eco.markers.some((m) => names.has(m))) continue;
    const entries = eco.entries.filter((e) => !keep.some((src) => entryCovers(e, src)));
    if (entries.length === 0) continue;
    lines.push('', `# ${eco.name}`, ...entries);
  }
  return lines.join('\n') + '\n';
}

export const rule: Rule = {
  id: 'context-without-dockerignore',
  title: 'whole build context copied without a .dockerignore',
  severity: 'warning',
  scope: 'layers',
  docs: {
    summary: '`COPY . <dest>` or `ADD . <dest>` while the build context has no `.dockerignore`.',
    why: 'Everything in the context lands in the image: `.git` history, `node_modules` or `.venv` built on your machine, test data, build output, and sometimes secrets such as `.env`.',
    incorrect: '# no .dockerignore next to the Dockerfile\nCOPY . /app',
    correct: '# .dockerignore\n.git\nnode_modules\n\n# Dockerfile\nCOPY . /app',
    sizeImpact: 'As large as what the context holds beyond the sources: `.git` history, `node_modules`, `.venv`, build output. It depends on the project, so no fixed figure is given.',
    fix: 'Creates a `.dockerignore` next to the Dockerfile with entries for the ecosystems found in the context (Node.js, Python, Go, Java, Rust), leaving out any entry that would exclude a file the Dockerfile copies by name.',
  },
  check({ model, env }) {
    if (env.context.hasDockerignore !== false) return [];
    const out: RawFinding[] = [];
    for (const instr of model.instructions) {
      const hit = copiesWholeContext(instr);
      if (!hit) continue;
      out.push({
        range: hit.source.range,
        instr,
        message: `${instr.keyword} . copies the whole build context, and there is no .dockerignore: .git, local dependencies and build output go into the image too. Add a .dockerignore.`,
        saving: { basis: 'whatever the build context holds beyond the sources (not scanned yet)' },
      });
    }
    return out;
  },
  fix(finding, { model, env }) {
    if (!instructionAt(model, finding.range.start.line)) return undefined;
    return {
      title: 'Create a .dockerignore for this build context',
      edits: [],
      createFiles: [{ relativePath: '.dockerignore', content: suggestedDockerignore(env.context.topLevelNames ?? [], model) }],
      preferred: true,
    };
  },
};
