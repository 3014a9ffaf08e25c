/**
 * Registry of adapters, loaded lazily so a child process imports only the library it measures.
 * Order is the table's row order.
 */
export const ADAPTERS = {
  switchyard: () => import('./switchyard.mjs'),
  floor: () => import('./floor.mjs'),
  unleash: () => import('./unleash.mjs'),
  growthbook: () => import('./growthbook.mjs'),
  flagd: () => import('./flagd.mjs'),
  launchdarkly: () => import('./launchdarkly.mjs'),
};

/** @param {string} id */
export async function loadAdapter(id) {
  const load = ADAPTERS[id];
  if (!load) throw new Error(`unknown library '${id}' (known: ${Object.keys(ADAPTERS).join(', ')})`);
  return load();
}
