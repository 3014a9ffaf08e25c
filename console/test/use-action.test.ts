import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/client.js';
import { byStatus, runAction, type ActionState } from '../src/hooks/useAction.js';

/** Records every state update and every step of the work, in order, as the component would see them. */
function recorder() {
  const log: string[] = [];
  const state: ActionState = {
    setBusy: (busy) => log.push(`busy ${busy}`),
    setError: (error) => log.push(`error ${error}`),
  };
  return { log, state };
}

describe('an action run (useAction): busy and error in the console forms’ order', () => {
  it('turns busy on and clears the last error before the work, and busy off after a success', async () => {
    const { log, state } = recorder();
    const ok = await runAction(state, async () => {
      log.push('work starts');
      await Promise.resolve();
      log.push('work done (e.g. the dialog closes)');
    });
    expect(ok).toBe(true);
    expect(log).toEqual(['busy true', 'error null', 'work starts', 'work done (e.g. the dialog closes)', 'busy false']);
  });

  it('shows the message of a failure (an ApiError’s, an Error’s, or the value as text), then turns busy off', async () => {
    for (const [thrown, shown] of [
      [new ApiError(400, 'invalid', 'name: too long'), 'name: too long'],
      [new TypeError('boom'), 'boom'],
      ['plain', 'plain'],
    ] as const) {
      const { log, state } = recorder();
      const ok = await runAction(state, () => Promise.reject(thrown));
      expect(ok).toBe(false);
      expect(log).toEqual(['busy true', 'error null', `error ${shown}`, 'busy false']);
    }
  });

  it('shows what onError maps a failure to, or nothing when onError handled it (null)', async () => {
    const conflict = new ApiError(409, 'conflict', 'exists');
    const mapped = recorder();
    await runAction(mapped.state, () => Promise.reject(conflict), {
      onError: (caught) => (caught instanceof ApiError && caught.status === 409 ? 'Already taken.' : 'other'),
    });
    expect(mapped.log).toEqual(['busy true', 'error null', 'error Already taken.', 'busy false']);

    const handled = recorder();
    await runAction(handled.state, () => Promise.reject(conflict), {
      onError: () => {
        handled.log.push('caller shows the refusal');
        return null;
      },
    });
    expect(handled.log).toEqual(['busy true', 'error null', 'caller shows the refusal', 'error null', 'busy false']);
  });

  it('keeps busy on after a success with keepBusy (the control is going away), but not after a failure', async () => {
    const success = recorder();
    expect(await runAction(success.state, () => Promise.resolve(), { keepBusy: true })).toBe(true);
    expect(success.log).toEqual(['busy true', 'error null']);

    const failure = recorder();
    expect(await runAction(failure.state, () => Promise.reject(new Error('gone')), { keepBusy: true })).toBe(false);
    expect(failure.log).toEqual(['busy true', 'error null', 'error gone', 'busy false']);
  });

  it('byStatus says the listed refusals in the form’s words, and any other failure as messageOf', () => {
    const say = byStatus({ 409: 'A project with the key “shop” already exists.' });
    expect(say(new ApiError(409, 'conflict', 'project shop exists'))).toBe(
      'A project with the key “shop” already exists.',
    );
    expect(say(new ApiError(400, 'invalid', 'key: too long'))).toBe('key: too long');
    expect(say(new Error('offline'))).toBe('offline');
    expect(say('plain')).toBe('plain');
  });
});
