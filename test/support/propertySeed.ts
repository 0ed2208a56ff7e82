/**
 * The seed of the property tests that take it: fixed, so a run of the suite is the same for
 * everyone (CI included); `FC_SEED=<n>` replays a reported failure and `FC_SEED=random` explores
 * (with `DSH_PROPERTY_RUNS` where a test reads it, for long runs).
 */
export const PROPERTY_SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261203);
