import { registerOperators } from '@switchyard/core';

/**
 * A condition with a rare operator (`cidr`, `date_*`, `semver_*`) in wire JSON. Snapshots are
 * JSON.stringify output (no escapes in these names): a match elsewhere (a JSON variant value
 * holding such a key) only loads the module for nothing.
 */
const RARE = /"operator"\s*:\s*"(cidr|date_|semver_)/;

/** The rare operators' module: not asked for yet, loading (a promise), or loaded or failed (`true`). */
let loaded: Promise<unknown> | boolean = false;

/**
 * Runs `apply` (which installs a snapshot or patch given as `json`, or does what must follow them)
 * once the rare operators are registered when `json` uses one of them, else now; while the module
 * loads, every call waits behind it, so updates are applied strictly in order. If the module cannot
 * be loaded (offline, CSP), `apply` runs anyway: conditions with those operators then evaluate to
 * the caller's default with error GENERAL (see core's compile-condition.ts), never a wrong answer.
 */
export const afterOperators = (json: unknown, apply: () => void): void => {
  if (!loaded && RARE.test(json as string)) {
    loaded = import('./operators-extra.js').then(
      (module) => ((loaded = true), registerOperators(module.operators)),
      () => (loaded = true),
    );
  }
  if (typeof loaded == 'object') void loaded.then(apply);
  else apply();
};
