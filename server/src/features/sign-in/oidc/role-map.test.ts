import { describe, expect, it } from 'vitest';
import { groupsOf, mapGroups, parseRoleMap } from './role-map.js';

describe('SWITCHYARD_OIDC_ROLE_MAP', () => {
  const map = parseRoleMap(
    'sre=instance:admin,checkout-devs=project:checkout:editor,oncall=project:*:responder,/eng/leads=project:checkout:admin',
  );

  it('parses instance admin, project roles by key and in every project; a group name may hold "/" or "="', () => {
    expect(map).toEqual([
      { group: 'sre', target: { kind: 'instance', role: 'admin' } },
      { group: 'checkout-devs', target: { kind: 'project', project: 'checkout', role: 'editor' } },
      { group: 'oncall', target: { kind: 'project', project: '*', role: 'responder' } },
      { group: '/eng/leads', target: { kind: 'project', project: 'checkout', role: 'admin' } },
    ]);
    expect(parseRoleMap('cn=ops=project:*:viewer')).toEqual([
      { group: 'cn=ops', target: { kind: 'project', project: '*', role: 'viewer' } },
    ]);
    expect(parseRoleMap(' , ')).toEqual([]);
  });

  it.each([
    ['sre', 'must be group=target'],
    ['=instance:admin', 'must be group=target'],
    ['sre=instance:owner', 'instance:admin'],
    ['sre=project:checkout', 'the target must be'],
    ['sre=project:checkout:boss', 'the role must be one of'],
    ['sre=project:Check Out:viewer', 'is not a project key'],
  ])('refuses %s', (text, message) => {
    expect(() => parseRoleMap(text)).toThrow(message);
  });

  it('gives the strongest role per project and instance admin to any member of a mapped group', () => {
    expect(mapGroups(map, ['checkout-devs', '/eng/leads', 'unmapped'])).toEqual({
      instanceRole: null,
      projects: new Map([['checkout', 'admin']]),
    });
    expect(mapGroups(map, ['sre', 'oncall'])).toEqual({
      instanceRole: 'admin',
      projects: new Map([['*', 'responder']]),
    });
    expect(mapGroups(map, [])).toEqual({ instanceRole: null, projects: new Map() });
  });

  it('reads groups from an array claim or a space/comma-separated string, nothing from anything else', () => {
    expect(groupsOf(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(groupsOf('a b,c')).toEqual(['a', 'b', 'c']);
    expect(groupsOf({ a: 1 })).toEqual([]);
    expect(groupsOf(undefined)).toEqual([]);
  });
});
