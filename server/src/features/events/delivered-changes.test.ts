import { describe, expect, it } from 'vitest';
import { DeliveredChanges } from './delivered-changes.js';

const change = (revision: number, environment = 'production', project = 'shop') => ({ project, environment, revision });

describe('DeliveredChanges', () => {
  it('lets each revision of an environment through once, whatever the order', () => {
    const delivered = new DeliveredChanges();
    const seen = [3, 3, 2, 4, 2, 3].map((revision) => delivered.first(change(revision)));
    expect(seen).toEqual([true, false, true, true, false, false]);
  });

  it('tells environments and projects apart', () => {
    const delivered = new DeliveredChanges();
    expect(delivered.first(change(1))).toBe(true);
    expect(delivered.first(change(1, 'staging'))).toBe(true);
    expect(delivered.first(change(1, 'production', 'blog'))).toBe(true);
    // Keys joined with a separator no key contains: "a-b"+"c" is not "a"+"b-c".
    expect(delivered.first(change(1, 'c', 'a-b'))).toBe(true);
    expect(delivered.first(change(1, 'b-c', 'a'))).toBe(true);
  });

  it('remembers the latest 64 revisions of an environment', () => {
    const delivered = new DeliveredChanges();
    for (let revision = 1; revision <= 65; revision++) delivered.first(change(revision));
    expect(delivered.first(change(65))).toBe(false);
    expect(delivered.first(change(2))).toBe(false);
    expect(delivered.first(change(1))).toBe(true); // forgotten: a repeat this late is sent again
  });

  it('starts afresh after forget() (environments deleted, maybe recreated under the same keys)', () => {
    const delivered = new DeliveredChanges();
    delivered.first(change(1));
    delivered.forget();
    expect(delivered.first(change(1))).toBe(true);
  });
});
