import { describe, expect, it } from 'vitest';
import { canaryGate, type CanaryGateInput } from './canary-gate.js';

const passing = [{ guard: 0, kind: 'http', status: 'pass' as const }];
const gate = (input: Partial<CanaryGateInput>) =>
  canaryGate({ killed: false, state: 'running', verdicts: passing, ...input }).gate;

describe('the canary gate of a release plan', () => {
  it('passes while the plan runs or after it completed, inconclusive guards included', () => {
    expect(gate({})).toBe('pass');
    expect(gate({ state: 'completed' })).toBe('pass');
    expect(gate({ verdicts: [] })).toBe('pass');
    expect(gate({ verdicts: [{ guard: 0, kind: 'builtin', status: 'inconclusive' }] })).toBe('pass');
  });

  it('fails on a kill, a rollback, an abort or a failing guard, whatever the state', () => {
    expect(gate({ killed: true })).toBe('fail');
    expect(gate({ killed: true, state: 'completed' })).toBe('fail');
    expect(gate({ killed: true, state: 'draft' })).toBe('fail');
    expect(gate({ state: 'rolled_back' })).toBe('fail');
    expect(gate({ state: 'aborted' })).toBe('fail');
    expect(gate({ verdicts: [...passing, { guard: 1, kind: 'prometheus', status: 'fail' }] })).toBe('fail');
    expect(gate({ state: 'paused', verdicts: [{ guard: 0, kind: 'http', status: 'fail' }] })).toBe('fail');
  });

  it('waits on a draft or a paused plan', () => {
    expect(gate({ state: 'draft', verdicts: [] })).toBe('wait');
    expect(gate({ state: 'paused' })).toBe('wait');
  });

  it('says why', () => {
    expect(
      canaryGate({ killed: false, state: 'running', verdicts: [{ guard: 1, kind: 'http', status: 'fail' }] }),
    ).toEqual({ gate: 'fail', because: 'guard 1 (http) fails' });
    expect(canaryGate({ killed: true, state: 'running', verdicts: [] }).because).toBe('the flag is killed');
  });
});
