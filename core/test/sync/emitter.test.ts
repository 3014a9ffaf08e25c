import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/sync/index.js';

interface Events {
  change: { flags: string[] };
  ready: void;
}

describe('Emitter', () => {
  it('delivers payloads to listeners in registration order', () => {
    const emitter = createEmitter<Events>();
    const seen: string[] = [];
    emitter.on('change', ({ flags }) => seen.push(`a:${flags.join()}`));
    emitter.on('change', ({ flags }) => seen.push(`b:${flags.join()}`));
    emitter.on('ready', () => seen.push('ready'));
    emitter.emit('change', { flags: ['x', 'y'] });
    expect(seen).toEqual(['a:x,y', 'b:x,y']);
  });

  it('unsubscribes through the returned function and through off()', () => {
    const emitter = createEmitter<Events>();
    let calls = 0;
    const listener = () => calls++;
    const unsubscribe = emitter.on('ready', listener);
    emitter.emit('ready');
    unsubscribe();
    emitter.emit('ready');
    emitter.on('ready', listener);
    emitter.off('ready', listener);
    emitter.emit('ready');
    expect(calls).toBe(1);
  });

  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = createEmitter<Events>((error) => errors.push(error));
    let reached = false;
    emitter.on('ready', () => {
      throw new Error('app bug');
    });
    emitter.on('ready', () => (reached = true));
    expect(() => emitter.emit('ready')).not.toThrow();
    expect(reached).toBe(true);
    expect(errors).toEqual([new Error('app bug')]);
  });

  it('tolerates a listener removing itself while the event is being emitted', () => {
    const emitter = createEmitter<Events>();
    const seen: string[] = [];
    const first = emitter.on('ready', () => {
      seen.push('first');
      first();
    });
    emitter.on('ready', () => seen.push('second'));
    emitter.emit('ready');
    emitter.emit('ready');
    expect(seen).toEqual(['first', 'second', 'second']);
  });

  it('clear() removes everything', () => {
    const emitter = createEmitter<Events>();
    let calls = 0;
    emitter.on('ready', () => calls++);
    emitter.on('change', () => calls++);
    emitter.clear();
    emitter.emit('ready');
    emitter.emit('change', { flags: [] });
    expect(calls).toBe(0);
  });
});
