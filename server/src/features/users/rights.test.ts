import { describe, expect, it } from 'vitest';
import type { Rights } from '../../auth/principal.js';
import { capRights, userRights } from './rights.js';

const P = 'project-p';
const Q = 'project-q';

describe('capRights: a personal token never exceeds its user', () => {
  const editorOfP: Rights = {
    instanceRole: null,
    grants: [
      { projectId: P, role: 'editor' },
      { projectId: Q, role: 'viewer' },
    ],
  };
  const instanceAdmin: Rights = { instanceRole: 'admin', grants: [] };

  it.each([
    ['no cap: the user', editorOfP, { projectId: null, role: null }, editorOfP],
    [
      'project cap: only that project',
      editorOfP,
      { projectId: P, role: null },
      { instanceRole: null, grants: [{ projectId: P, role: 'editor' }] },
    ],
    [
      'role cap: every grant cut down',
      editorOfP,
      { projectId: null, role: 'responder' },
      {
        instanceRole: null,
        grants: [
          { projectId: P, role: 'responder' },
          { projectId: Q, role: 'viewer' },
        ],
      },
    ],
    [
      'a cap above the user grants nothing more',
      editorOfP,
      { projectId: P, role: 'admin' },
      { instanceRole: null, grants: [{ projectId: P, role: 'editor' }] },
    ],
    [
      'a project the user is not in: nothing',
      editorOfP,
      { projectId: 'other', role: null },
      { instanceRole: null, grants: [] },
    ],
    [
      'instance admin, project cap: admin of that project only',
      instanceAdmin,
      { projectId: P, role: null },
      { instanceRole: null, grants: [{ projectId: P, role: 'admin' }] },
    ],
    [
      'instance admin, role cap: that role everywhere',
      instanceAdmin,
      { projectId: null, role: 'viewer' },
      { instanceRole: null, grants: [{ projectId: '*', role: 'viewer' }] },
    ],
  ] as const)('%s', (_name, rights, cap, expected) => {
    expect(capRights(rights, cap)).toEqual(expected);
  });

  it('userRights maps memberships to grants', () => {
    expect(userRights({ instanceRole: 'owner', memberships: [{ projectId: P, role: 'responder' }] })).toEqual({
      instanceRole: 'owner',
      grants: [{ projectId: P, role: 'responder' }],
    });
  });

  it('userRights adds what SSO gave: the stronger instance role, the strongest grant per project', () => {
    const user = {
      instanceRole: null,
      memberships: [{ projectId: P, role: 'admin' as const }],
      ssoInstanceRole: 'admin' as const,
      ssoGrants: [
        { projectId: P, role: 'viewer' },
        { projectId: '*', role: 'responder' },
      ],
    };
    expect(userRights(user)).toEqual({
      instanceRole: 'admin',
      grants: [
        { projectId: P, role: 'admin' },
        { projectId: '*', role: 'responder' },
      ],
    });
    expect(userRights({ ...user, instanceRole: 'owner' }).instanceRole).toBe('owner');
  });

  it('userRights ignores SSO grants it cannot read rather than failing the request', () => {
    expect(
      userRights({
        instanceRole: null,
        memberships: [],
        ssoGrants: [{ projectId: P, role: 'boss' }, null, 'x', { role: 'viewer' }],
      }),
    ).toEqual({ instanceRole: null, grants: [] });
    expect(userRights({ instanceRole: null, memberships: [], ssoGrants: { not: 'an array' } }).grants).toEqual([]);
  });
});
