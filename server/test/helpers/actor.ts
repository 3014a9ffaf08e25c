import type { Actor } from '../../src/auth/principal.js';

/** A token principal for tests that call services or `recordChange` directly: id and display `name`. */
export function testActor(name: string): Actor {
  return { kind: 'token', id: name, display: name };
}
