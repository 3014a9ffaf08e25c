import { describe, expect, it } from 'vitest';
import { auditValueInPercent } from './percent-view.js';

describe('audit before/after in percent', () => {
  const stored = {
    environment: 'prod',
    enabled: true,
    defaultServe: {
      split: [
        { variant: 'on', weight: 2550 },
        { variant: 'off', weight: 7450 },
      ],
    },
    rules: [{ id: 'r', conditions: [], segments: [], rollout: { percentage: 29 }, serve: { variant: 'on' } }],
    version: 3,
  };
  const inPercent = {
    ...stored,
    defaultServe: {
      split: [
        { variant: 'on', percent: 25.5 },
        { variant: 'off', percent: 74.5 },
      ],
    },
    rules: [{ id: 'r', conditions: [], segments: [], rollout: { percent: 0.29 }, serve: { variant: 'on' } }],
  };

  it('converts a configuration (flag_config events) and each entry of `configs` (flag events of the seed)', () => {
    expect(auditValueInPercent(stored)).toEqual(inPercent);
    expect(auditValueInPercent({ name: 'x', configs: { prod: stored } })).toEqual({
      name: 'x',
      configs: { prod: inPercent },
    });
  });

  it('leaves anything else as it is, malformed rows included (never throws)', () => {
    for (const value of [
      null,
      'text',
      42,
      { name: 'flag view', key: 'k' },
      { defaultServe: { variant: 'on' }, rules: 'not an array' },
      { defaultServe: null, rules: [] },
      { configs: ['not', 'a', 'map'] },
    ]) {
      expect(auditValueInPercent(value)).toEqual(value);
    }
    expect(() => auditValueInPercent({ defaultServe: { split: 'x' }, rules: [null] })).not.toThrow();
  });
});
