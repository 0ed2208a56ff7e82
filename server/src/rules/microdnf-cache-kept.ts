/**
 * microdnf-cache-kept (Trivy DS-0027; hadolint has no rule for it): microdnf, the package tool of
 * the UBI minimal images, leaves the repository metadata it downloaded in /var/cache/yum until
 * `microdnf clean all`.
 */
import { appendRepair, cacheRule, RPM_FILLS, rpmCleanAll, subcommandOf } from '../core/packageManagers';

const CLEAN = 'microdnf clean all';
const WHAT = 'the repository metadata microdnf downloaded';
const BASIS = `${WHAT}; its size depends on the enabled repositories, not yet measured by our bench`;

export const rule = cacheRule({
  id: 'microdnf-cache-kept',
  title: 'microdnf cache left in the layer',
  severity: 'warning',
  docs: {
    summary: '`microdnf install` without `microdnf clean all` in the same RUN.',
    why: 'microdnf keeps repository metadata under /var/cache/yum (newer versions /var/cache/dnf or /var/cache/libdnf5). Trivy reports the same as DS-0027.',
    incorrect: 'RUN microdnf install -y shadow-utils',
    correct: 'RUN microdnf install -y shadow-utils \\\n    && microdnf clean all',
    sizeImpact: `Depends on the enabled repositories: ${WHAT}; not yet measured by our bench. \`rm -rf /var/cache/yum\` or a cache mount on the cache folder in the same RUN also satisfy the rule.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN.`,
  },
  words: ['microdnf'],
  fills: (cmd) => subcommandOf(cmd, /^microdnf$/, RPM_FILLS),
  cleans: rpmCleanAll,
  // dnf, dnf5 and yum cache under /var/cache (which one depends on the release): the folder that holds them all.
  holds: () => '/var/cache',
  cacheHandled: (handled) => handled('/var/cache/yum') || handled('/var/cache/dnf') || handled('/var/cache/libdnf5'),
  message: () => `microdnf leaves its cache in this layer: ${BASIS}. Add \`${CLEAN}\` to the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr }) => appendRepair(model, instr, CLEAN),
});
