/**
 * image-over-budget: the final image's estimate exceeds the size budget set in the settings
 * (`dockerfileSizeHints.budget`), the config file (`budget:`) or the CLI (`--max-size`). This
 * is the check teams write after a build, done before it.
 */
import { describeEstimate, estimateImage } from '../core/imageEstimate';
import { formatBytes } from '../sizes';
import type { Rule } from './rule';

export const rule: Rule = {
  id: 'image-over-budget',
  title: 'final image over the size budget',
  severity: 'error',
  scope: 'always',
  docs: {
    summary: 'The estimated size of the final image exceeds the configured budget.',
    why: 'A budget makes size a checked property of the Dockerfile, like a test, instead of something noticed after a push.',
    incorrect: '# budget: 250MB\nFROM python:3.12\nCOPY . /app',
    correct: '# budget: 250MB\nFROM python:3.12-slim\nCOPY . /app',
    sizeImpact: 'Reports the whole estimate: the base image from the size table plus every layer the model can size. When some layers cannot be sized, the estimate is a lower bound, and the rule fires only when even that lower bound exceeds the budget; when the base image is not sized, when the sized layers alone exceed it.',
    fix: 'None: apply the other size fixes, or change the base image.',
  },
  check({ model, env, settings }) {
    const budget = settings.budgetBytes;
    if (budget === undefined || budget <= 0) return [];
    const estimate = estimateImage(model, env);
    if (!estimate || estimate.knownBytes <= budget) return [];
    const stage = estimate.stage;
    return [
      {
        range: stage.from.imageRange,
        instr: stage.fromInstr,
        stage,
        message: estimate.baseUnsized
          ? `The final image's sized layers alone come to at least about ${formatBytes(estimate.knownBytes)} (its base image is not sized), over the budget of ${formatBytes(budget)}.`
          : `The final image is ${describeEstimate(estimate)}, over the budget of ${formatBytes(budget)}.`,
        saving: { bytes: estimate.knownBytes - budget, basis: 'estimate minus budget' },
      },
    ];
  },
};
