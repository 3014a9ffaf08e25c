import { describe, expect, it } from 'vitest';
import type { Me } from '../src/api/account.js';
import type { FlagWithStatus } from '../src/api/flag-list.js';
import { canCreateProjects, hasRole, roleIn } from '../src/api/rights.js';
import { NO_FILTERS, filterFlags, filtersFromQuery, queryOfFilters } from '../src/pages/flags/flag-filter.js';

/** The new screens' pure parts, in Node: which controls a caller sees, and the stale filter. */
const me = (patch: Partial<Me>): Me => ({
  principal: { kind: 'user', id: 'u', display: 'U', via: 'session' },
  user: null,
  instanceRole: null,
  grants: [],
  csrfToken: null,
  ...patch,
});

describe('the role the console assumes for showing controls', () => {
  it.each([
    ['instance admin', me({ instanceRole: 'admin' }), 'shop', 'admin'],
    ['editor of shop', me({ grants: [{ project: 'shop', role: 'editor' }] }), 'shop', 'editor'],
    ['editor of shop, elsewhere', me({ grants: [{ project: 'shop', role: 'editor' }] }), 'blog', null],
    [
      'the highest of a project and a * grant',
      me({
        grants: [
          { project: '*', role: 'viewer' },
          { project: 'shop', role: 'admin' },
        ],
      }),
      'shop',
      'admin',
    ],
    ['a * grant elsewhere', me({ grants: [{ project: '*', role: 'responder' }] }), 'blog', 'responder'],
    ['no grant', me({}), 'shop', null],
  ] as const)('%s', (_name, caller, project, role) => {
    expect(roleIn(caller, project)).toBe(role);
  });

  it('compares roles by rank: admin ≥ editor ≥ responder ≥ viewer', () => {
    const editor = me({ grants: [{ project: 'shop', role: 'editor' }] });
    expect(hasRole(editor, 'shop', 'responder')).toBe(true);
    expect(hasRole(editor, 'shop', 'editor')).toBe(true);
    expect(hasRole(editor, 'shop', 'admin')).toBe(false);
    expect(hasRole(editor, 'blog', 'viewer')).toBe(false);
  });

  it('lets instance admins and admins of every project create projects, no one else', () => {
    expect(canCreateProjects(me({ instanceRole: 'owner' }))).toBe(true);
    expect(canCreateProjects(me({ grants: [{ project: '*', role: 'admin' }] }))).toBe(true);
    expect(canCreateProjects(me({ grants: [{ project: '*', role: 'editor' }] }))).toBe(false);
    expect(canCreateProjects(me({ grants: [{ project: 'shop', role: 'admin' }] }))).toBe(false);
  });
});

describe('the flag list’s stale filter', () => {
  const flag = (key: string): FlagWithStatus =>
    ({ key, name: key, description: '', tags: [], type: 'boolean', clientSide: false, environments: [] }) as never;
  const flags = [flag('a'), flag('b'), flag('c')];

  it('keeps only the stale flags when asked, all of them otherwise', () => {
    const stale = new Set(['b']);
    expect(filterFlags(flags, { ...NO_FILTERS, stale: true }, stale).map((f) => f.key)).toEqual(['b']);
    expect(filterFlags(flags, NO_FILTERS, stale).map((f) => f.key)).toEqual(['a', 'b', 'c']);
    // While the stale report loads, the filter waits (every flag shown) rather than showing none.
    expect(filterFlags(flags, { ...NO_FILTERS, stale: true }).map((f) => f.key)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the filter in the URL', () => {
    const query = queryOfFilters({ ...NO_FILTERS, stale: true }, false);
    expect(query).toBe('?stale=1');
    expect(filtersFromQuery(new URLSearchParams(query)).stale).toBe(true);
  });
});
