import { configToPercent, type ServingConfig } from '@switchyard/core/schema';

/**
 * Audit events record configurations as stored (rollouts and splits in basis points), so events
 * written before and after the API moved to percent read alike; the API shows them in percent,
 * like every other REST answer. A configuration is any object with `defaultServe` and `rules`:
 * a flag_config event's before/after, or each entry of a flag event's `configs` (the demo seed).
 */
function isServingConfig(value: unknown): value is ServingConfig {
  return (
    typeof value === 'object' &&
    value !== null &&
    'defaultServe' in value &&
    typeof value.defaultServe === 'object' &&
    value.defaultServe !== null &&
    'rules' in value &&
    Array.isArray(value.rules)
  );
}

function configInPercent(value: unknown): unknown {
  if (!isServingConfig(value)) return value;
  try {
    return configToPercent(value);
  } catch {
    // A shape this version does not know (bad data must not make the audit log unreadable).
    return value;
  }
}

/** An audit event's `before` or `after` with rollouts in percent. */
export function auditValueInPercent(value: unknown): unknown {
  if (isServingConfig(value)) return configInPercent(value);
  if (typeof value === 'object' && value !== null && 'configs' in value) {
    const { configs } = value;
    if (typeof configs === 'object' && configs !== null && !Array.isArray(configs)) {
      const converted = Object.fromEntries(
        Object.entries(configs).map(([env, config]) => [env, configInPercent(config)]),
      );
      return { ...value, configs: converted };
    }
  }
  return value;
}
