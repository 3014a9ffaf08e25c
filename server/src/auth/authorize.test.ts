import { describe, expect, it } from 'vitest';
import { can, rightsWithin, type AccessScope } from './authorize.js';
import { ACTIONS, type Action } from './permissions.js';
import { NO_RIGHTS, type Principal, type ProjectRole, type Rights } from './principal.js';

const P = 'project-p';
const Q = 'project-q';

function token(rights: Rights, tokenKind: 'admin' | 'server' | 'client' = 'admin'): Principal {
  return { kind: 'token', id: `t-${tokenKind}`, display: 'token', tokenKind, ...rights };
}
function user(rights: Rights): Principal {
  return { kind: 'user', id: 'u1', display: 'Ada', via: 'session', ...rights };
}
const inP = (role: ProjectRole): Rights => ({ instanceRole: null, grants: [{ projectId: P, role }] });
const everywhere = (role: ProjectRole): Rights => ({ instanceRole: null, grants: [{ projectId: '*', role }] });

const OPEN: AccessScope = { projectId: P, environment: { protected: false, protectedRole: 'admin' } };
const PROTECTED: AccessScope = { projectId: P, environment: { protected: true, protectedRole: 'admin' } };
const PROTECTED_EDITOR: AccessScope = { projectId: P, environment: { protected: true, protectedRole: 'editor' } };
const OTHER: AccessScope = { projectId: Q };
const UNKNOWN: AccessScope = { projectId: null };

type Row = [who: string, principal: Principal, action: Action, scope: AccessScope, allowed: boolean];

/** Written from the role descriptions, not from permissions.ts. */
const TABLE: Row[] = [
  // Public and SDK routes.
  ['anyone (sdk token) on public', token(NO_RIGHTS, 'server'), 'public', {}, true],
  ['server token on sdk', token(NO_RIGHTS, 'server'), 'sdk', {}, true],
  ['client token on sdk', token(NO_RIGHTS, 'client'), 'sdk', {}, true],
  ['owner token on sdk', token({ instanceRole: 'owner', grants: [] }), 'sdk', {}, false],
  ['user on sdk', user({ instanceRole: 'admin', grants: [] }), 'sdk', {}, false],
  ['server token on project.read', token(NO_RIGHTS, 'server'), 'project.read', OPEN, false],
  ['server token on authenticated', token(NO_RIGHTS, 'server'), 'authenticated', {}, false],
  // Viewer: reads only.
  ['viewer reads', token(inP('viewer')), 'project.read', OPEN, true],
  ['viewer writes flags', token(inP('viewer')), 'flags.write', OPEN, false],
  ['viewer kills', token(inP('viewer')), 'flags.kill', OPEN, false],
  ['viewer writes segments', user(inP('viewer')), 'segments.write', OPEN, false],
  ['viewer administers', user(inP('viewer')), 'project.admin', OPEN, false],
  ['viewer reads another project', token(inP('viewer')), 'project.read', OTHER, false],
  ['viewer reads an unknown project', token(inP('viewer')), 'project.read', UNKNOWN, false],
  // Responder: kill and restore only, protected environments included.
  ['responder reads', token(inP('responder')), 'project.read', OPEN, true],
  ['responder kills', token(inP('responder')), 'flags.kill', OPEN, true],
  ['responder kills in a protected environment', token(inP('responder')), 'flags.kill', PROTECTED, true],
  ['responder writes flags', token(inP('responder')), 'flags.write', OPEN, false],
  ['responder writes segments', token(inP('responder')), 'segments.write', OPEN, false],
  ['responder kills in another project', token(inP('responder')), 'flags.kill', OTHER, false],
  ['responder manages tokens', token(inP('responder')), 'tokens.manage', {}, false],
  // Editor: flags, rollouts, segments; not protected environments (default admin); not the project.
  ['editor writes flags', token(inP('editor')), 'flags.write', OPEN, true],
  ['editor writes flags without an environment', token(inP('editor')), 'flags.write', { projectId: P }, true],
  ['editor writes segments', token(inP('editor')), 'segments.write', OPEN, true],
  ['editor kills', token(inP('editor')), 'flags.kill', PROTECTED, true],
  ['editor writes a protected environment', token(inP('editor')), 'flags.write', PROTECTED, false],
  ['editor writes an editor-protected environment', token(inP('editor')), 'flags.write', PROTECTED_EDITOR, true],
  ['editor administers', token(inP('editor')), 'project.admin', OPEN, false],
  ['editor manages members', user(inP('editor')), 'members.manage', OPEN, false],
  ['editor manages tokens', token(inP('editor')), 'tokens.manage', {}, false],
  ['editor writes another project', token(inP('editor')), 'flags.write', OTHER, false],
  ['editor creates projects', token(inP('editor')), 'projects.create', {}, false],
  // Project admin.
  ['project admin writes a protected environment', token(inP('admin')), 'flags.write', PROTECTED, true],
  ['project admin administers', token(inP('admin')), 'project.admin', OPEN, true],
  ['project admin manages members', user(inP('admin')), 'members.manage', OPEN, true],
  ['project admin manages tokens', token(inP('admin')), 'tokens.manage', {}, true],
  ['project admin administers another project', token(inP('admin')), 'project.admin', OTHER, false],
  ['project admin creates projects', token(inP('admin')), 'projects.create', {}, false],
  ['project admin reads the instance audit', token(inP('admin')), 'audit.read', {}, false],
  ['project admin manages users', user(inP('admin')), 'users.manage', {}, false],
  ['project admin lists users', user(inP('admin')), 'users.read', {}, false],
  ['instance admin lists users', user({ instanceRole: 'admin', grants: [] }), 'users.read', {}, true],
  ['project admin on instance.admin', token(inP('admin')), 'instance.admin', {}, false],
  // Grants on every project.
  ['viewer everywhere reads any project', token(everywhere('viewer')), 'project.read', OTHER, true],
  [
    'viewer everywhere reads an unknown project (404 follows)',
    token(everywhere('viewer')),
    'project.read',
    UNKNOWN,
    true,
  ],
  ['viewer everywhere reads the instance audit', token(everywhere('viewer')), 'audit.read', {}, true],
  ['viewer everywhere writes', token(everywhere('viewer')), 'flags.write', OTHER, false],
  ['admin everywhere creates projects', token(everywhere('admin')), 'projects.create', {}, true],
  ['admin everywhere manages users', user(everywhere('admin')), 'users.manage', {}, false],
  ['editor everywhere creates projects', token(everywhere('editor')), 'projects.create', {}, false],
  // Instance roles: everything but sdk.
  [
    'instance admin writes a protected environment',
    token({ instanceRole: 'admin', grants: [] }),
    'flags.write',
    PROTECTED,
    true,
  ],
  ['instance admin manages users', user({ instanceRole: 'admin', grants: [] }), 'users.manage', {}, true],
  ['owner administers any project', token({ instanceRole: 'owner', grants: [] }), 'project.admin', OTHER, true],
  [
    'owner on a project action without a project',
    token({ instanceRole: 'owner', grants: [] }),
    'project.read',
    {},
    true,
  ],
  // A project action without its project is refused to project roles.
  ['project admin without a project scope', token(inP('admin')), 'project.read', {}, false],
  // Nobody in particular.
  ['user without rights on authenticated', user(NO_RIGHTS), 'authenticated', {}, true],
  ['user without rights reads', user(NO_RIGHTS), 'project.read', OPEN, false],
];

describe('can(principal, action, scope)', () => {
  it.each(TABLE)('%s', (_who, principal, action, scope, allowed) => {
    expect(can(principal, action, scope)).toBe(allowed);
  });

  it('covers every action in the table', () => {
    const covered = new Set(TABLE.map((row) => row[2]));
    expect(ACTIONS.filter((action) => !covered.has(action))).toEqual([]);
  });

  it('refuses every non-public action to a principal with no rights but authenticated', () => {
    for (const action of ACTIONS) {
      const expected = action === 'public' || action === 'authenticated';
      expect(can(user(NO_RIGHTS), action, OPEN), action).toBe(expected);
    }
  });
});

describe('rightsWithin(inner, outer): minting never exceeds the minter', () => {
  const owner: Rights = { instanceRole: 'owner', grants: [] };
  const admin: Rights = { instanceRole: 'admin', grants: [] };
  const cases: [string, Rights, Rights, boolean][] = [
    ['owner mints an instance admin', admin, owner, true],
    ['instance admin mints an instance admin', admin, admin, true],
    ['instance admin mints an owner', owner, admin, false],
    ['project admin mints an editor there', inP('editor'), inP('admin'), true],
    ['project admin mints an admin there', inP('admin'), inP('admin'), true],
    ['project editor mints an admin there', inP('admin'), inP('editor'), false],
    [
      'project admin mints for another project',
      { instanceRole: null, grants: [{ projectId: Q, role: 'viewer' }] },
      inP('admin'),
      false,
    ],
    ['project admin mints an every-project viewer', everywhere('viewer'), inP('admin'), false],
    ['project admin mints an instance admin', admin, inP('admin'), false],
    ['every-project admin mints a project editor', inP('editor'), everywhere('admin'), true],
    ['every-project editor mints an every-project viewer', everywhere('viewer'), everywhere('editor'), true],
    ['instance admin mints anything scoped', everywhere('admin'), admin, true],
  ];
  it.each(cases)('%s', (_name, inner, outer, expected) => {
    expect(rightsWithin(inner, outer)).toBe(expected);
  });
});
