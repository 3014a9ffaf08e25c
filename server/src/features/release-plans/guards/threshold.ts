import { z } from 'zod';
import type { ThresholdOperator } from './types.js';

export const thresholdOperatorSchema = z
  .enum(['<', '<=', '>', '>='])
  .describe('The guard passes while `observed <operator> threshold` holds, e.g. `<` 0.02 for an error rate');

/** True when `observed operator threshold` holds: the guard passes. */
export function holds(observed: number, operator: ThresholdOperator, threshold: number): boolean {
  switch (operator) {
    case '<':
      return observed < threshold;
    case '<=':
      return observed <= threshold;
    case '>':
      return observed > threshold;
    case '>=':
      return observed >= threshold;
  }
}

/** "0.07 < 0.02 does not hold" / "0.01 < 0.02": the verdict's one line. */
export function comparisonText(what: string, observed: number, operator: ThresholdOperator, threshold: number): string {
  return holds(observed, operator, threshold)
    ? `${what} ${observed} ${operator} ${threshold}`
    : `${what} ${observed} breaks ${operator} ${threshold}`;
}
