/**
 * dnf-cache-kept (hadolint DL3040): dnf downloads repository metadata into /var/cache/dnf
 * (/var/cache/libdnf5 for dnf5) and leaves it there until `dnf clean all`.
 */
import { appendRepair, cacheRule, RPM_FILLS, rpmCleanAll, subcommandOf } from '../core/packageManagers';
import { programName } from '../core/shell';

const WHAT = 'the repository metadata (and any kept packages) dnf downloaded';
const BASIS = `${WHAT}; its size depends on the enabled repositories, not yet measured by our bench`;

export const rule = cacheRule({
  id: 'dnf-cache-kept',
  title: 'dnf cache left in the layer',
  severity: 'warning',
  hadolint: 'DL3040',
  docs: {
    summary: '`dnf install` without `dnf clean all` in the same RUN.',
    why: 'dnf keeps the repository metadata it downloaded in /var/cache/dnf (dnf5: /var/cache/libdnf5). Nothing in the running container needs it, and a cleanup in a later RUN cannot take it out of this layer.',
    incorrect: 'RUN dnf install -y python3',
    correct: 'RUN dnf install -y python3 \\\n    && dnf clean all',
    sizeImpact: `Depends on the enabled repositories: ${WHAT}; not yet measured by our bench. \`rm -rf /var/cache/dnf\` or a cache mount on /var/cache/dnf in the same RUN also satisfy the rule.`,
    fix: 'Appends `&& dnf clean all` (`dnf5 clean all` for dnf5) to the RUN. A later install downloads the metadata again.',
  },
  words: ['dnf'],
  fills: (cmd) => subcommandOf(cmd, /^dnf5?$/, RPM_FILLS),
  cleans: rpmCleanAll,
  // dnf, dnf5 and yum cache under /var/cache (which one depends on the release): the folder that holds them all.
  holds: () => '/var/cache',
  cacheHandled: (handled) => handled('/var/cache/dnf') || handled('/var/cache/libdnf5') || handled('/var/cache/yum'),
  message: ({ cmd }) => `dnf leaves its cache in this layer: ${BASIS}. Add \`${programName(cmd)} clean all\` to the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd }) => appendRepair(model, instr, `${programName(cmd)} clean all`),
});
