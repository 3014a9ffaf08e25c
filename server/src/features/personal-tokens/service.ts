import type { Actor, UserPrincipal } from '../../auth/principal.js';
import type { Credential } from '../../auth/authenticator.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { badRequest, forbidden, notFound } from '../../http/errors.js';
import * as projects from '../projects/store.js';
import { capRights, userRights } from '../users/rights.js';
import { userWithRightsColumns } from '../users/store.js';
import { generatePatSecret, hashPatSecret, PAT_PREFIX, patDisplayPrefix } from './pat-secret.js';
import type { CreatedPatView, CreatePatInput, PatView } from './schemas.js';

export interface PersonalTokensDeps extends ChangeDeps {
  now?: () => number;
  onError?: (error: unknown) => void;
}

const patColumns = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  expiresAt: true,
  createdAt: true,
  lastUsedAt: true,
  project: { select: { key: true } },
} as const satisfies Prisma.PersonalTokenSelect;
type PatRow = Prisma.PersonalTokenGetPayload<{ select: typeof patColumns }>;

function patView(row: PatRow): PatView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    project: row.project?.key ?? null,
    role: row.role,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

const TOUCH_INTERVAL_MS = 60_000;

/**
 * Personal access tokens, for the CLI: a user's own bearer tokens. The secret (`sy_pat_…`) is
 * shown once, its SHA-256 stored. A token acts as its user, with the user's rights *at the time
 * of each request* intersected with the token's cap (`capRights`), so it never exceeds them: a
 * user who loses a role, or is disabled, loses it through their tokens at once. Uncached, like
 * sessions. Only a signed-in session creates tokens (a leaked token cannot mint more).
 */
export class PersonalTokens {
  readonly #deps: PersonalTokensDeps;
  readonly #now: () => number;
  readonly #lastTouched = new Map<string, number>();
  readonly #pending = new Set<Promise<unknown>>();

  constructor(deps: PersonalTokensDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async list(userId: string): Promise<PatView[]> {
    const rows = await this.#deps.prisma.personalToken.findMany({
      where: { userId, revokedAt: null },
      select: patColumns,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(patView);
  }

  async create(principal: UserPrincipal, input: CreatePatInput): Promise<CreatedPatView> {
    if (principal.via !== 'session') throw forbidden('Personal access tokens are created from a signed-in session');
    const now = this.#now();
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt && expiresAt.getTime() <= now) {
      throw badRequest('expiresAt must be in the future', {
        issues: [{ path: 'body.expiresAt', message: 'must be in the future' }],
      });
    }
    return inChangeTransaction(this.#deps, async (tx, record) => {
      const project = input.project === undefined ? null : await projects.requireProject(tx, input.project);
      const secret = generatePatSecret();
      const row = await tx.personalToken.create({
        data: {
          userId: principal.id,
          name: input.name,
          hash: hashPatSecret(secret),
          prefix: patDisplayPrefix(secret),
          projectId: project?.id ?? null,
          role: input.role ?? null,
          expiresAt,
        },
        select: patColumns,
      });
      const view = patView(row);
      await record({
        actor: principal,
        projectId: project?.id ?? null,
        action: 'personal_token.created',
        targetType: 'personal_token',
        targetKey: row.id,
        after: view,
      });
      return { ...view, secret };
    });
  }

  /** Revokes one of `userId`'s tokens (404 for anyone else's). */
  async revoke(actor: Actor, userId: string, id: string): Promise<void> {
    await inChangeTransaction(this.#deps, async (tx, record) => {
      const row = await tx.personalToken.findFirst({ where: { id, userId, revokedAt: null }, select: patColumns });
      if (!row) throw notFound(`You have no active personal token with id '${id}'`);
      await tx.personalToken.update({
        where: { id },
        data: { revokedAt: new Date(this.#now()) },
        select: { id: true },
      });
      await record({
        actor,
        projectId: null,
        action: 'personal_token.revoked',
        targetType: 'personal_token',
        targetKey: id,
        before: patView(row),
      });
    });
  }

  /** The user a `sy_pat_…` bearer secret acts as, with capped rights; null for anything else. */
  async authenticate(credential: Credential): Promise<UserPrincipal | null> {
    if (credential.type !== 'bearer' || !credential.secret.startsWith(PAT_PREFIX)) return null;
    const row = await this.#deps.prisma.personalToken.findUnique({
      where: { hash: hashPatSecret(credential.secret) },
      select: {
        id: true,
        projectId: true,
        role: true,
        expiresAt: true,
        revokedAt: true,
        user: { select: userWithRightsColumns },
      },
    });
    const now = this.#now();
    if (!row || row.revokedAt !== null || row.user.disabledAt !== null) return null;
    if (row.expiresAt !== null && row.expiresAt.getTime() <= now) return null;
    this.#touch(row.id, now);
    const { user } = row;
    return {
      kind: 'user',
      id: user.id,
      display: user.displayName || user.email,
      via: 'pat',
      tokenId: row.id,
      ...capRights(userRights(user), { projectId: row.projectId, role: row.role }),
    };
  }

  /** Waits for background `lastUsedAt` writes. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  #touch(id: string, now: number): void {
    const last = this.#lastTouched.get(id);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
    if (this.#lastTouched.size >= 10_000) this.#lastTouched.clear();
    this.#lastTouched.set(id, now);
    const write = this.#deps.prisma.personalToken
      .updateMany({ where: { id }, data: { lastUsedAt: new Date(now) } })
      .catch(this.#deps.onError ?? (() => {}))
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }
}
