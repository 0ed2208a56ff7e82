/**
 * zypper-cache-kept (hadolint DL3036): zypper keeps repository metadata and downloaded packages
 * in /var/cache/zypp until `zypper clean`.
 */
import { operands } from '../core/commands';
import { appendRepair, cacheRule, subcommandOf } from '../core/packageManagers';
import { programName } from '../core/shell';

const CLEAN = 'zypper clean --all';
const FILLS = ['install', 'in', 'update', 'up', 'patch', 'dist-upgrade', 'dup', 'refresh', 'ref', 'source-install', 'si', 'install-new-recommends', 'inr'];
const WHAT = 'the repository metadata and packages zypper downloaded';
const BASIS = `${WHAT}; its size depends on the repositories and packages, not yet measured by our bench`;

export const rule = cacheRule({
  id: 'zypper-cache-kept',
  title: 'zypper cache left in the layer',
  severity: 'warning',
  hadolint: 'DL3036',
  docs: {
    summary: '`zypper install` without `zypper clean` in the same RUN.',
    why: 'zypper keeps repository metadata and downloaded packages in /var/cache/zypp. Nothing in the running container needs them, and a cleanup in a later RUN cannot take them out of this layer.',
    incorrect: 'RUN zypper --non-interactive install -y curl',
    correct: 'RUN zypper --non-interactive install -y curl \\\n    && zypper clean --all',
    sizeImpact: `Depends on the repositories and packages: ${WHAT}; not yet measured by our bench. \`rm -rf /var/cache/zypp\` or a cache mount on /var/cache/zypp in the same RUN also satisfy the rule.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN. \`--all\` also removes the metadata (plain \`zypper clean\` only the packages); any \`zypper clean\` or \`zypper cc\` satisfies the check, as in hadolint.`,
  },
  words: ['zypper'],
  fills: (cmd) => subcommandOf(cmd, /^zypper$/, FILLS),
  cleans: (cmd) => programName(cmd) === 'zypper' && ['clean', 'cc'].includes(operands(cmd)[0]?.value ?? ''),
  holds: () => '/var/cache/zypp',
  cacheHandled: (handled) => handled('/var/cache/zypp'),
  message: () => `zypper leaves its cache in this layer: ${BASIS}. Add \`${CLEAN}\` to the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr }) => appendRepair(model, instr, CLEAN),
});
