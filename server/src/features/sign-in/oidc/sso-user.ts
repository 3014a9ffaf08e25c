import { systemPrincipal, type Grant, type InstanceRole } from '../../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps, type RecordFn } from '../../../changes/index.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import { conflict, forbidden, HttpError } from '../../../http/errors.js';
import { emailSchema } from '../../users/email.js';
import { parseSsoGrants } from '../../users/rights.js';
import { displayNameSchema } from '../../users/schemas.js';
import { findUserByEmail, insertUser, userColumns, type UserRow } from '../../users/store.js';
import { userView } from '../../users/views.js';
import { groupsOf, mapGroups, type RoleMapping } from './role-map.js';
import type { VerifiedIdentity } from './provider.js';

/** Audit actor of what single sign-on does by itself (creating users, refreshing their roles). */
export const SSO_ACTOR = systemPrincipal('sso');

export interface SsoUserOptions {
  groupsClaim: string;
  roleMap: readonly RoleMapping[];
  /** Empty: any domain. */
  allowedEmailDomains: readonly string[];
  now?: () => number;
}

type Tx = Prisma.TransactionClient;

/**
 * The user a verified identity signs in as. Found by (issuer, subject), never by email alone: an
 * email can change hands at the provider, the subject cannot. A first sign-in links the identity
 * to the user with the same email only when the provider says it verified that email (otherwise
 * anyone who can set an unverified email at the provider would take the account over); with no
 * such user, it creates one just in time (no password). Then the roles the person's groups give
 * under the role map replace the ones the last SSO sign-in gave (manual roles are left alone).
 * Disabled users are refused (403). Everything in one transaction, audited as `system:sso`.
 */
export async function signInUser(
  deps: ChangeDeps,
  identity: VerifiedIdentity,
  options: SsoUserOptions,
): Promise<UserRow> {
  const person = personOf(identity, options);
  try {
    return await inChangeTransaction(deps, (tx, record) => resolveAndRefresh(tx, record, identity, person, options));
  } catch (error) {
    // Two first sign-ins of one person at once: one created the identity; the other now finds it.
    if (!isUniqueViolation(error)) throw error;
    return inChangeTransaction(deps, (tx, record) => resolveAndRefresh(tx, record, identity, person, options));
  }
}

export interface Person {
  email: string;
  emailVerified: boolean;
  displayName: string;
  groups: string[];
}

/** Email (required, normalized, in an allowed domain), display name and groups from the claims. */
function personOf(identity: VerifiedIdentity, options: SsoUserOptions): Person {
  const { claims } = identity;
  const parsed = emailSchema.safeParse(claims['email']);
  if (!parsed.success) throw forbidden('The identity provider sent no usable email address for this account');
  const email = parsed.data;
  const emailVerified = claims['email_verified'] === true;
  if (options.allowedEmailDomains.length > 0) {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    // An email the provider says it did not verify proves no domain (absent: providers such as Entra ID omit it).
    if (!options.allowedEmailDomains.includes(domain) || claims['email_verified'] === false) {
      throw forbidden(`Sign-in with SSO is open to ${options.allowedEmailDomains.join(', ')} addresses only`);
    }
  }
  const name = [claims['name'], claims['preferred_username']].find(
    (value) => displayNameSchema.safeParse(value).success,
  );
  return {
    email,
    emailVerified,
    displayName: typeof name === 'string' ? name.trim() : email,
    groups: groupsOf(claims[options.groupsClaim]),
  };
}

async function resolveAndRefresh(
  tx: Tx,
  record: RecordFn,
  identity: VerifiedIdentity,
  person: Person,
  options: SsoUserOptions,
): Promise<UserRow> {
  const now = new Date(options.now?.() ?? Date.now());
  const key = { issuer: identity.issuer, subject: identity.subject };
  const linked = await tx.userIdentity.findUnique({
    where: { issuer_subject: key },
    select: { id: true, user: { select: userColumns } },
  });
  let user: UserRow;
  if (linked) {
    user = linked.user;
    await tx.userIdentity.update({ where: { id: linked.id }, data: { email: person.email, lastSignInAt: now } });
  } else {
    user = await linkOrCreate(tx, record, identity, person, now);
  }
  if (user.disabledAt !== null) throw forbidden('This user is disabled');
  await refreshRoles(tx, record, user.id, person.groups, options.roleMap);
  return user;
}

/**
 * A first sign-in of `identity` (no identity row was found): links it to the user with its email,
 * or creates one. Exported for the race test: under READ COMMITTED a concurrent first sign-in of
 * the same person can commit between the identity lookup and this function's email lookup.
 */
export async function linkOrCreate(
  tx: Tx,
  record: RecordFn,
  identity: VerifiedIdentity,
  person: Person,
  now: Date,
): Promise<UserRow> {
  const existing = await findUserByEmail(tx, person.email);
  let user: UserRow;
  if (existing) {
    const other = await tx.userIdentity.findFirst({
      where: { userId: existing.id, issuer: identity.issuer },
      select: { id: true, subject: true },
    });
    if (other?.subject === identity.subject) {
      // A concurrent first sign-in of this person linked (or created) the user after our lookup
      // of the identity missed it: this is the linked case, not "another account" (a 409 before).
      await tx.userIdentity.update({ where: { id: other.id }, data: { email: person.email, lastSignInAt: now } });
      return existing;
    }
    if (!person.emailVerified) {
      throw conflict(
        'A user with this email exists, and the identity provider did not say it verified the email: ask an ' +
          'administrator, or verify the email at the provider',
      );
    }
    if (other) throw conflict('This user is linked to another account at this identity provider');
    user = existing;
  } else {
    user = await insertUser(tx, {
      email: person.email,
      displayName: person.displayName,
      passwordHash: null,
      instanceRole: null,
    });
    await record({
      actor: SSO_ACTOR,
      projectId: null,
      action: 'user.created',
      targetType: 'user',
      targetKey: user.id,
      after: { ...userView(user), via: 'sso' },
    });
  }
  await tx.userIdentity.create({
    data: { userId: user.id, ...identityKey(identity), email: person.email, createdAt: now, lastSignInAt: now },
  });
  await record({
    actor: SSO_ACTOR,
    projectId: null,
    action: 'user.identity_linked',
    targetType: 'user',
    targetKey: user.id,
    after: identityKey(identity),
  });
  return user;
}

function identityKey(identity: VerifiedIdentity) {
  return { issuer: identity.issuer, subject: identity.subject };
}

/**
 * Replaces the roles SSO gave `userId` with what `groups` give now (project keys resolved to ids;
 * a key with no project gives nothing). Audited as `user.sso_roles_changed` when they changed.
 */
async function refreshRoles(
  tx: Tx,
  record: RecordFn,
  userId: string,
  groups: readonly string[],
  roleMap: readonly RoleMapping[],
): Promise<void> {
  const mapped = mapGroups(roleMap, groups);
  const keys = [...mapped.projects.keys()].filter((key) => key !== '*');
  const ids = new Map(
    (await tx.project.findMany({ where: { key: { in: keys } }, select: { id: true, key: true } })).map((row) => [
      row.key,
      row.id,
    ]),
  );
  const grants: Grant[] = [...mapped.projects].flatMap(([key, role]) => {
    const projectId = key === '*' ? '*' : ids.get(key);
    return projectId === undefined ? [] : [{ projectId, role }];
  });
  grants.sort((a, b) => a.projectId.localeCompare(b.projectId));
  const before = await tx.user.findUniqueOrThrow({
    where: { id: userId },
    select: { ssoInstanceRole: true, ssoGrants: true },
  });
  const beforeGrants = parseSsoGrants(before.ssoGrants);
  const instanceRole: InstanceRole | null = mapped.instanceRole;
  if (before.ssoInstanceRole === instanceRole && JSON.stringify(beforeGrants) === JSON.stringify(grants)) return;
  await tx.user.update({
    where: { id: userId },
    data: { ssoInstanceRole: instanceRole, ssoGrants: grants as unknown as Prisma.InputJsonValue },
  });
  await record({
    actor: SSO_ACTOR,
    projectId: null,
    action: 'user.sso_roles_changed',
    targetType: 'user',
    targetKey: userId,
    before: { instanceRole: before.ssoInstanceRole, grants: beforeGrants },
    after: { instanceRole, grants },
  });
}

function isUniqueViolation(error: unknown): boolean {
  if (error instanceof HttpError) return false;
  return error instanceof Error && 'code' in error && error.code === 'P2002';
}
