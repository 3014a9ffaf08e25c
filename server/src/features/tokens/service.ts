import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { conflict, notFound } from '../../http/errors.js';
import type { RevocationAnnouncer } from '../../propagation/revocation-message.js';
import * as projects from '../projects/store.js';
import type { TokenAuthenticator } from './authenticator.js';
import type { CreatedTokenView, CreateTokenInput, TokenView } from './schemas.js';
import * as store from './store.js';
import { generateTokenSecret, hashTokenSecret, tokenPrefix } from './token-secret.js';
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
 */
export class TokensService {
  constructor(private readonly deps: TokensServiceDeps) {}

  async list(options: { includeRevoked: boolean }): Promise<TokenView[]> {
    return (await store.listTokens(this.deps.prisma, options)).map(tokenView);
  }

  async create(actor: Actor, input: CreateTokenInput): Promise<CreatedTokenView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      let projectId: string | null = null;
      let environmentId: string | null = null;
      if (input.kind !== 'admin' && input.project !== undefined && input.environment !== undefined) {
        const project = await projects.requireProject(tx, input.project);
        const environment = await projects.requireEnvironment(tx, project, input.environment);
        projectId = project.id;
        environmentId = environment.id;
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
        actor,
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

  async revoke(actor: Actor, id: string): Promise<void> {
    await inChangeTransaction(this.deps, async (tx, record) => {
      const token = await store.findToken(tx, id);
      if (!token || token.revokedAt !== null) throw notFound(`No active token with id '${id}'`);
      if (token.kind === 'admin' && (await store.lockActiveAdminTokens(tx)) <= 1) {
        throw conflict('This is the last active admin token; create another admin token before revoking it');
      }
      const revoked = await store.revokeToken(tx, id, new Date());
      await record({
        actor,
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'P2002';
}
