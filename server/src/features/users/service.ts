import type { Actor, InstanceRole, ProjectRole } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps, type RecordFn } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { conflict, forbidden, notFound } from '../../http/errors.js';
import * as projects from '../projects/store.js';
import type { PasswordHasher } from './password.js';
import type { CreateUserInput, MemberView, UpdateUserInput, UserView } from './schemas.js';
import * as store from './store.js';
import { memberView, userView } from './views.js';

export interface UsersServiceDeps extends ChangeDeps {
  hasher: PasswordHasher;
  now?: () => number;
}

/** Who asks, as far as the owner rules care: the caller's instance role (null for none). */
export interface Manager {
  actor: Actor;
  instanceRole: InstanceRole | null;
}

/**
 * Users and project memberships. Rules: emails are unique (after normalization, email.ts); only
 * owners create, change or promote owners; the last enabled owner can be neither demoted nor
 * disabled (nobody could manage owners any more; rows locked, so concurrent demotions cannot both
 * pass); disabling a user ends their sessions in the same transaction (their personal tokens
 * stop working too, by the authenticator's check); every change is audited.
 */
export class UsersService {
  constructor(private readonly deps: UsersServiceDeps) {}

  async list(): Promise<UserView[]> {
    return (await store.listUsers(this.deps.prisma)).map(userView);
  }

  async get(id: string): Promise<UserView> {
    const row = await store.findUser(this.deps.prisma, id);
    if (!row) throw notFound(`No user with id '${id}'`);
    return userView(row);
  }

  /**
   * Creates a user.
   */
  async create(manager: Manager, input: CreateUserInput): Promise<UserView> {
    if (input.instanceRole === 'owner') requireOwner(manager, 'create an owner');
    const passwordHash = input.password === undefined ? null : await this.deps.hasher.hash(input.password);
    return inChangeTransaction(this.deps, async (tx, record) => {
      const row = await insertUnique(tx, {
        email: input.email,
        displayName: input.displayName,
        passwordHash,
        instanceRole: input.instanceRole,
      });
      const view = userView(row);
      await record({
        actor: manager.actor,
        projectId: null,
        action: 'user.created',
        targetType: 'user',
        targetKey: row.id,
        after: view,
      });
      return view;
    });
  }

  async update(manager: Manager, id: string, input: UpdateUserInput): Promise<UserView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const before = await store.findUser(tx, id);
      if (!before) throw notFound(`No user with id '${id}'`);
      const roleChanges = input.instanceRole !== undefined && input.instanceRole !== before.instanceRole;
      if (before.instanceRole === 'owner' || input.instanceRole === 'owner') requireOwner(manager, 'change an owner');
      const disabling = input.disabled === true && before.disabledAt === null;
      const enabling = input.disabled === false && before.disabledAt !== null;
      if (before.instanceRole === 'owner' && before.disabledAt === null && (disabling || roleChanges)) {
        if ((await store.lockEnabledOwners(tx)) <= 1) {
          throw conflict('This is the last enabled owner; make another user owner first');
        }
      }
      const now = new Date(this.deps.now?.() ?? Date.now());
      const after = await store.updateUser(tx, id, {
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        ...(roleChanges ? { instanceRole: input.instanceRole ?? null } : {}),
        ...(disabling ? { disabledAt: now } : enabling ? { disabledAt: null } : {}),
      });
      if (disabling)
        await tx.userSession.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: now } });
      const audit = auditUser(record, manager.actor, id);
      if (input.displayName !== undefined && input.displayName !== before.displayName) {
        await audit('user.renamed', { displayName: before.displayName }, { displayName: after.displayName });
      }
      if (roleChanges) {
        await audit('user.role_changed', { instanceRole: before.instanceRole }, { instanceRole: after.instanceRole });
      }
      if (disabling) await audit('user.disabled', { disabled: false }, { disabled: true });
      if (enabling) await audit('user.enabled', { disabled: true }, { disabled: false });
      return userView(after);
    });
  }

  async listMembers(projectKey: string): Promise<MemberView[]> {
    const project = await projects.requireProject(this.deps.prisma, projectKey);
    return (await store.listMembers(this.deps.prisma, project.id)).map(memberView);
  }

  /** Gives `userId` `role` in the project (adds or changes the membership). */
  async putMember(actor: Actor, projectKey: string, userId: string, role: ProjectRole): Promise<MemberView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const project = await projects.requireProject(tx, projectKey);
      if (!(await store.findUser(tx, userId))) throw notFound(`No user with id '${userId}'`);
      const before = await store.findMember(tx, project.id, userId);
      const row = await store.upsertMember(tx, project.id, userId, role);
      if (before?.role !== role) {
        await record({
          actor,
          projectId: project.id,
          action: before ? 'member.role_changed' : 'member.added',
          targetType: 'member',
          targetKey: userId,
          ...(before ? { before: { role: before.role } } : {}),
          after: { role },
        });
      }
      return memberView(row);
    });
  }

  async removeMember(actor: Actor, projectKey: string, userId: string): Promise<void> {
    await inChangeTransaction(this.deps, async (tx, record) => {
      const project = await projects.requireProject(tx, projectKey);
      const before = await store.findMember(tx, project.id, userId);
      if (!before) throw notFound(`User '${userId}' is not a member of project '${projectKey}'`);
      await store.deleteMember(tx, project.id, userId);
      await record({
        actor,
        projectId: project.id,
        action: 'member.removed',
        targetType: 'member',
        targetKey: userId,
        before: { role: before.role },
      });
    });
  }
}

function requireOwner(manager: Manager, what: string): void {
  if (manager.instanceRole !== 'owner') throw forbidden(`Only an owner may ${what}`);
}

async function insertUnique(tx: Prisma.TransactionClient, data: Parameters<typeof store.insertUser>[1]) {
  return store.insertUser(tx, data).catch((error: unknown) => {
    // The unique index on the normalized email: exactly one of two racing creations wins.
    if (error instanceof Error && 'code' in error && error.code === 'P2002') {
      throw conflict('A user with this email exists', { fields: ['email'] });
    }
    throw error;
  });
}

function auditUser(record: RecordFn, actor: Actor, userId: string) {
  return (action: string, before: unknown, after: unknown) =>
    record({ actor, projectId: null, action, targetType: 'user', targetKey: userId, before, after });
}
