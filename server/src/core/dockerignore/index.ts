/**
 * `.dockerignore` support: Docker-exact reading and matching, choosing which ignore file applies,
 * and diagnostics for ignore files. Pure: no file system, no clock.
 */
export { parseDockerignore } from './parse';
export type { DockerignoreError, DockerignoreErrorCode, DockerignoreOptions, IgnorePattern, ParsedDockerignore } from './parse';
export { createDockerignoreMatcher, DockerignoreMatcher } from './matcher';
export type { Decision, MatchState } from './matcher';
export { compilePattern, goMatchSyntaxError, testPattern } from './pattern';
export type { CompiledPattern } from './pattern';
export { goClean, goTrimSpace } from './goText';
export { chooseIgnoreFile, ignoreFileCandidates } from './ignoreFile';
export type { IgnoreFileChoice } from './ignoreFile';
export { CHECK_STEP, checkDockerignore, checkDockerignoreInSteps, DOCKERIGNORE_RULES, notReadFindings } from './diagnostics';
export type { BuiltElsewhere, ContextListing, DockerignoreCheckOptions, DockerignoreFinding, DockerignoreRuleId } from './diagnostics';
export { addIgnoreEntries, explainDecision, literalPattern } from './edit';
export type { IgnoreEntriesEdit } from './edit';
export { dockerignoreHover } from './hover';
export type { IgnoreHover, IgnoreHoverOptions, IgnoreLineStats } from './hover';
export { IGNORE_LIMITS, ignoreBeyondLimits, ignoreNotEvaluatedMessage } from './limits';
