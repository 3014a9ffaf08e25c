import { afterEach, describe, expect, it } from 'vitest';
import { compileSnapshot, evaluate, isEnabled, registerOperators } from '../../src/index.js';
import { operatorTable } from '../../src/operators/operator-table.js';
import { RARE_OPERATORS } from '../../src/operators/rare-operators.js';
import { booleanFlag, ruleWith, snapshotOf } from '../fixtures.js';

// Core's table is full; the browser client's bundle starts with an empty one and registers the rare
// families when a snapshot needs them. These tests empty core's table to see what such a bundle does.
const snapshot = snapshotOf([
  booleanFlag({ key: 'semver', rules: [ruleWith([{ attribute: 'v', operator: 'semver_gte', values: ['2.0.0'] }])] }),
  booleanFlag({ key: 'date', rules: [ruleWith([{ attribute: 't', operator: 'date_after', values: ['2024-01-01'] }])] }),
  booleanFlag({ key: 'cidr', rules: [ruleWith([{ attribute: 'ip', operator: 'cidr', values: ['10.0.0.0/8'] }])] }),
  booleanFlag({ key: 'num', rules: [ruleWith([{ attribute: 'n', operator: 'num_gt', values: [1] }])] }),
  booleanFlag({
    key: 'unknown',
    rules: [ruleWith([{ attribute: 'v', operator: 'semver_near' as never, values: ['2.0.0'] }])],
  }),
]);
const context = { v: '2.1.0', t: '2025-06-01', ip: '10.0.0.1', n: 2 };
const families = ['cidr', 'date', 'semver'] as const;

describe('the rare operator table', () => {
  afterEach(() => registerOperators(RARE_OPERATORS));

  it('is full in core: every family compiles at once', () => {
    expect(Object.keys(operatorTable).sort()).toEqual([...families]);
    const compiled = compileSnapshot(snapshot);
    for (const key of [...families, 'num']) expect(evaluate(compiled, key, context, false).value).toBe(true);
  });

  it('without a family, its conditions evaluate to the default with GENERAL (never throw), and compile once it is registered', () => {
    for (const family of families) delete operatorTable[family];
    const compiled = compileSnapshot(snapshot);
    for (const family of families) {
      expect(evaluate(compiled, family, context, 'default')).toMatchObject({
        value: 'default',
        reason: 'ERROR',
        errorCode: 'GENERAL',
        errorMessage: expect.stringContaining(`the ${family} operators are not loaded`),
      });
      expect(isEnabled(compiled, family, context, true)).toBe(true);
      // An absent attribute never matches, so it needs no operator.
      expect(evaluate(compiled, family, {}, false)).toMatchObject({ value: false, reason: 'DEFAULT' });
    }
    // The common operators, and unknown ones (which never match), do not depend on the table.
    expect(evaluate(compiled, 'num', context, false).value).toBe(true);
    expect(evaluate(compiled, 'unknown', context, true)).toMatchObject({ value: false, reason: 'DEFAULT' });

    // The same compiled snapshot: its conditions compile on their first evaluation after this.
    registerOperators(RARE_OPERATORS);
    for (const family of families) {
      expect(evaluate(compiled, family, context, false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    }
  });
});
