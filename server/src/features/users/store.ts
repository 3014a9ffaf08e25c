import type { InstanceRole, ProjectRole } from '../../auth/principal.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { normalizeEmail } from './email.js';

type Tx = Prisma.TransactionClient;

/** Everything about a user but the password hash. */
export const userColumns = {
  id: true,
  email: true,
  displayName: true,
  instanceRole: true,
  disabledAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.UserSelect;
export type UserRow = Prisma.UserGetPayload<{ select: typeof userColumns }>;

/** A user with what authentication needs: project memberships and the roles SSO gave. */
export const userWithRightsColumns = {
  ...userColumns,
  ssoInstanceRole: true,
  ssoGrants: true,
  memberships: { select: { projectId: true, role: true } },
} as const satisfies Prisma.UserSelect;
export type UserWithRightsRow = Prisma.UserGetPayload<{ select: typeof userWithRightsColumns }>;

export function listUsers(tx: Tx): Promise<UserRow[]> {
  return tx.user.findMany({ select: userColumns, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

export function findUser(tx: Tx, id: string): Promise<UserRow | null> {
  return tx.user.findUnique({ where: { id }, select: userColumns });
}

/** The user and password hash for an email, for sign-in. */
export function findUserForSignIn(tx: Tx, email: string) {
  return tx.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { ...userColumns, passwordHash: true },
  });
}

export function findUserByEmail(tx: Tx, email: string): Promise<UserRow | null> {
  return tx.user.findUnique({ where: { email: normalizeEmail(email) }, select: userColumns });
}

export function insertUser(
  tx: Tx,
  data: { email: string; displayName: string; passwordHash: string | null; instanceRole: InstanceRole | null },
): Promise<UserRow> {
  // The API normalizes already; this makes every other caller (the SSO hook, scripts) do it too.
  return tx.user.create({ data: { ...data, email: normalizeEmail(data.email) }, select: userColumns });
}

export function updateUser(
  tx: Tx,
  id: string,
  data: { displayName?: string; instanceRole?: InstanceRole | null; disabledAt?: Date | null; passwordHash?: string },
): Promise<UserRow> {
  return tx.user.update({ where: { id }, data, select: userColumns });
}

/** Whether any user exists (first run: none). */
export async function anyUserExists(tx: Tx): Promise<boolean> {
  return (await tx.user.findFirst({ select: { id: true } })) !== null;
}

/** Whether an enabled owner exists. */
export async function enabledOwnerExists(tx: Tx): Promise<boolean> {
  return (
    (await tx.user.findFirst({ where: { instanceRole: 'owner', disabledAt: null }, select: { id: true } })) !== null
  );
}

/**
 * Counts the enabled owners and locks their rows until the transaction ends, so two concurrent
 * demotions (or disablings) cannot both see "another owner is left" and remove the last two.
 */
export async function lockEnabledOwners(tx: Tx): Promise<number> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM users WHERE instance_role = 'owner' AND disabled_at IS NULL ORDER BY id FOR UPDATE`;
  return rows.length;
}

export function listMembers(tx: Tx, projectId: string) {
  return tx.projectMember.findMany({
    where: { projectId },
    select: { role: true, createdAt: true, updatedAt: true, user: { select: userColumns } },
    orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
  });
}
export type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

export function findMember(tx: Tx, projectId: string, userId: string) {
  return tx.projectMember.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: { role: true, createdAt: true, updatedAt: true, user: { select: userColumns } },
  });
}

export function upsertMember(tx: Tx, projectId: string, userId: string, role: ProjectRole): Promise<MemberRow> {
  return tx.projectMember.upsert({
    where: { projectId_userId: { projectId, userId } },
    create: { projectId, userId, role },
    update: { role },
    select: { role: true, createdAt: true, updatedAt: true, user: { select: userColumns } },
  });
}

export async function deleteMember(tx: Tx, projectId: string, userId: string): Promise<void> {
  await tx.projectMember.delete({ where: { projectId_userId: { projectId, userId } } });
}

/** The projects (ids and keys) a user is a member of, for `GET /me`. */
export function listMembershipsOf(tx: Tx, userId: string) {
  return tx.projectMember.findMany({
    where: { userId },
    select: { role: true, project: { select: { id: true, key: true } } },
    orderBy: { createdAt: 'asc' },
  });
}
