import { rightsWithin } from '../../auth/authorize.js';
import { actorOf, type Principal, type Rights } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import type { RevocationAnnouncer } from '../../propagation/revocation-message.js';
import * as projects from '../projects/store.js';
import type { TokenAuthenticator } from './authenticator.js';
import type { CreatedTokenView, CreateTokenInput, TokenView } from './schemas.js';
import * as store from './store.js';
import { generateTokenSecret, hashTokenSecret, tokenPrefix } from './token-secret.js';
import { rightsOf } from './active-tokens.js';
import { tokenView } from './views.js';

export interface TokensServiceDeps extends ChangeDeps {
  authenticator: TokenAuthenticator;
  /** Ends the revoked token's SDK streams and cached verifications on every replica. */
  revocations?: RevocationAnnouncer;
}

/**
 * API tokens. Business rules: the secret is returned once and only its hash is stored; server and
 * client tokens are bound to one environment; revocation is immediate on every instance (announced
 * on the bus; it also ends the token's SDK streams); the last active admin token cannot be revoked
 * (nobody could manage the server any more); names are not reserved (token-names.ts) and unique
 * among active tokens, look-alikes included. Creations and
 * revocations are audited but move no revision (SDK snapshots do not contain tokens).
 * A caller only sees, mints and revokes tokens whose rights stay within its own (`managedRights`):
 * a project admin its project's admin tokens (any role) and SDK tokens; an instance admin all.
 */
export class TokensService {
  constructor(private readonly deps: TokensServiceDeps) {}

  /** The tokens `caller` may manage (all of them for instance admins). */
  async list(caller: Principal, options: { includeRevoked: boolean }): Promise<TokenView[]> {
    const rows = await store.listTokens(this.deps.prisma, options);
    return rows.filter((row) => rightsWithin(managedRights(row), caller)).map(tokenView);
  }

  async create(caller: Principal, input: CreateTokenInput, now = new Date()): Promise<CreatedTokenView> {
    let expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) {
      throw badRequest('expiresAt must be in the future', {
        issues: [{ path: 'body.expiresAt', message: 'in the past' }],
      });
    }
    // An expiring token mints tokens that expire no later than itself (its rights end then too).
    const callerExpiry = caller.kind === 'token' ? caller.expiresAt : undefined;
    if (callerExpiry !== undefined) {
      if (expiresAt !== null && expiresAt > callerExpiry) {
        throw forbidden(`A token cannot outlive the token that mints it (${callerExpiry.toISOString()})`);
      }
      expiresAt ??= callerExpiry;
    }
    return inChangeTransaction(this.deps, async (tx, record) => {
      let projectId: string | null = null;
      let environmentId: string | null = null;
      if (input.project !== undefined) {
        const project = await projects.findProject(tx, input.project);
        // Whether a project exists is the business of those who may see it.
        if (!project) {
          if (!rightsWithin({ instanceRole: null, grants: [{ projectId: '*', role: 'admin' }] }, caller)) {
            throw forbidden('A token cannot grant more than its own rights');
          }
          throw notFound(`Project '${input.project}' not found`);
        }
        projectId = project.id;
        if (input.kind !== 'admin' && input.environment !== undefined) {
          environmentId = (await projects.requireEnvironment(tx, project, input.environment)).id;
        }
      }
      const role = input.kind === 'admin' ? (input.role ?? null) : null;
      const instanceRole = input.kind === 'admin' && role === null ? 'admin' : null;
      if (!rightsWithin(managedRights({ kind: input.kind, projectId, role, instanceRole }), caller)) {
        throw forbidden('A token cannot grant more than its own rights');
      }
      const secret = generateTokenSecret(input.kind);
      const row = await store
        .insertToken(tx, {
          name: input.name,
          kind: input.kind,
          hash: hashTokenSecret(secret),
          prefix: tokenPrefix(secret),
          projectId,
          environmentId,
          role,
          instanceRole,
          expiresAt,
        })
        .catch((error: unknown) => {
          // The unique index on active tokens' name keys: exactly one of two racing creations wins.
          if (isUniqueViolation(error)) {
            throw conflict(`An active token is already named '${input.name}' (or a name that looks the same)`, {
              fields: ['name'],
            });
          }
          throw error;
        });
      const view = tokenView(row);
      await record({
        actor: actorOf(caller),
        projectId,
        action: 'token.created',
        targetType: 'token',
        targetKey: row.id,
        environment: input.environment ?? null,
        after: view,
      });
      return { ...view, secret };
    });
  }

  async revoke(caller: Principal, id: string): Promise<void> {
    await inChangeTransaction(this.deps, async (tx, record) => {
      const token = await store.findToken(tx, id);
      if (!token || token.revokedAt !== null || !rightsWithin(managedRights(token), caller)) {
        throw notFound(`No active token with id '${id}'`);
      }
      if (token.kind === 'admin' && token.role === null && (await store.lockActiveAdminTokens(tx)) <= 1) {
        throw conflict('This is the last active admin token; create another admin token before revoking it');
      }
      const revoked = await store.revokeToken(tx, id, new Date());
      await record({
        actor: actorOf(caller),
        projectId: token.projectId,
        action: 'token.revoked',
        targetType: 'token',
        targetKey: id,
        environment: token.environment?.key ?? null,
        before: tokenView(token),
        after: tokenView(revoked),
      });
    });
    this.deps.authenticator.invalidate();
    await this.deps.revocations?.announce({ tokenIds: [id], environmentIds: [] });
  }
}

/**
 * The rights needed to manage a token: its own for an admin token; admin of its project for a
 * server or client token.
 */
function managedRights(token: {
  kind: string;
  projectId: string | null;
  role: string | null;
  instanceRole: string | null;
}): Rights {
  if (token.kind !== 'admin')
    return { instanceRole: null, grants: [{ projectId: token.projectId ?? '*', role: 'admin' }] };
  return rightsOf({ kind: 'admin', projectId: token.projectId, role: token.role, instanceRole: token.instanceRole });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'P2002';
}
