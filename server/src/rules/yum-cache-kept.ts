/**
 * yum-cache-kept (hadolint DL3032): yum downloads repository metadata into /var/cache/yum (and
 * /var/cache/dnf where yum is dnf, as on RHEL 8 and later) and leaves it there until
 * `yum clean all`.
 */
import { appendRepair, cacheRule, RPM_FILLS, rpmCleanAll, subcommandOf } from '../core/packageManagers';
import { rule as dnf } from './dnf-cache-kept';
import type { Rule } from './rule';

const CLEAN = 'yum clean all';
const WHAT = 'the repository metadata (and any kept packages) yum downloaded';
const BASIS = `${WHAT}; its size depends on the enabled repositories, not yet measured by our bench`;

const yum = cacheRule({
  id: 'yum-cache-kept',
  title: 'yum cache left in the layer',
  severity: 'warning',
  hadolint: 'DL3032',
  docs: {
    summary: '`yum install` without `yum clean all` in the same RUN.',
    why: 'yum keeps the repository metadata it downloaded in /var/cache/yum (/var/cache/dnf on RHEL 8 and later, where yum is dnf). Nothing in the running container needs it, and a cleanup in a later RUN cannot take it out of this layer.',
    incorrect: 'RUN yum install -y httpd',
    correct: 'RUN yum install -y httpd \\\n    && yum clean all',
    sizeImpact: `Depends on the enabled repositories: ${WHAT}; not yet measured by our bench. \`rm -rf /var/cache/yum\` or a cache mount on /var/cache/yum (or /var/cache/dnf) in the same RUN also satisfy the rule.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN. A later install downloads the metadata again.`,
  },
  words: ['yum'],
  fills: (cmd) => subcommandOf(cmd, /^yum$/, RPM_FILLS),
  cleans: rpmCleanAll,
  // dnf, dnf5 and yum cache under /var/cache (which one depends on the release): the folder that holds them all.
  holds: () => '/var/cache',
  cacheHandled: (handled) => handled('/var/cache/yum') || handled('/var/cache/dnf'),
  message: () => `yum leaves its cache in this layer: ${BASIS}. Add \`${CLEAN}\` to the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr }) => appendRepair(model, instr, CLEAN),
});

/**
 * Where yum is dnf (RHEL 8 and later, Fedora: one program, one cache; rpmCleanAll takes either's
 * `clean all` for both), a RUN that dnf-cache-kept reports holds yum's cache too: reported there,
 * here only when that rule is off or ignored.
 */
export const rule: Rule = {
  ...yum,
  check(ctx) {
    const found = yum.check(ctx);
    const both = found.length ? new Set(dnf.check(ctx).map((f) => f.instr)) : undefined;
    return found.map((f) => (both?.has(f.instr) ? { ...f, handOver: { to: dnf.id, keep: 'if-hidden' } } : f));
  },
};
