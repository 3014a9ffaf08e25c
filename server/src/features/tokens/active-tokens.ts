import type { PrismaClient } from '../../generated/prisma/client.js';
import { asProjectRole } from '../../auth/scopes.js';
import {
  NO_RIGHTS,
  type InstanceRole,
  type Rights,
  type TokenKind,
  type TokenPrincipal,
} from '../../auth/principal.js';

/** The columns a principal is made of. */
export interface TokenRow {
  id: string;
  name: string;
  kind: TokenKind;
  projectId: string | null;
  environmentId: string | null;
  role: string | null;
  instanceRole: string | null;
  expiresAt: Date | null;
}

/** The columns of `TokenRow`, for Prisma `select`s. */
export const TOKEN_ROW_SELECT = {
  id: true,
  name: true,
  kind: true,
  projectId: true,
  environmentId: true,
  role: true,
  instanceRole: true,
  expiresAt: true,
} as const;

/**
 * What a token may do: SDK tokens nothing on the admin API; an admin token with a project role
 * that role in its project (or in every project when it has none); an admin token without one its
 * instance role (tokens from before roles are instance admins; the bootstrap token is the owner).
 */
export function rightsOf(row: Pick<TokenRow, 'kind' | 'projectId' | 'role' | 'instanceRole'>): Rights {
  if (row.kind !== 'admin') return NO_RIGHTS;
  if (row.role !== null)
    return { instanceRole: null, grants: [{ projectId: row.projectId ?? '*', role: asProjectRole(row.role) }] };
  return { instanceRole: row.instanceRole === 'owner' ? 'owner' : ('admin' satisfies InstanceRole), grants: [] };
}

/** The principal a token row stands for. */
export function principalOf(row: TokenRow): TokenPrincipal {
  return {
    kind: 'token',
    id: row.id,
    display: row.name,
    tokenKind: row.kind,
    ...rightsOf(row),
    ...(row.projectId === null ? {} : { projectId: row.projectId }),
    ...(row.environmentId === null ? {} : { environmentId: row.environmentId }),
    ...(row.role === null ? {} : { role: asProjectRole(row.role) }),
    ...(row.expiresAt === null ? {} : { expiresAt: row.expiresAt }),
  };
}

export interface ActiveTokensOptions {
  /** Read the list again when it is older than this, on the next authentication. */
  refreshMs?: number;
  /** At most this many tokens are kept (the most recently used first). */
  maxTokens?: number;
  onError?: (error: unknown) => void;
}

/**
 * Every active token (SHA-256 hash → principal) as of the last read, kept only for when Postgres is
 * unreachable: then a replica can still check a token it has not verified itself since it started
 * (an operator's admin token for the kill switch, an SDK that moved here from a replica that died).
 * Read in the background, at most once a `refreshMs`, on authentications (no timer). Holds hashes,
 * never secrets. A token revoked less than `refreshMs` before the outage may still pass during it.
 */
export class ActiveTokens {
  readonly #prisma: PrismaClient;
  readonly #refreshMs: number;
  readonly #maxTokens: number;
  readonly #onError: (error: unknown) => void;
  #byHash = new Map<string, TokenPrincipal>();
  #readAt = -Infinity;
  #reading: Promise<void> | undefined;
  /** Bumped by every eviction: a read that started before one may hold the evicted tokens. */
  #evictions = 0;

  constructor(prisma: PrismaClient, options: ActiveTokensOptions = {}) {
    this.#prisma = prisma;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#maxTokens = options.maxTokens ?? 10_000;
    this.#onError = options.onError ?? (() => {});
  }

  /** The principal of an active token, as of the last read. */
  get(hash: string): TokenPrincipal | undefined {
    return this.#byHash.get(hash);
  }

  /** Drops the given tokens and every token of the given environments (revoked or deleted). */
  evict(tokenIds: ReadonlySet<string>, environmentIds: ReadonlySet<string>): void {
    this.#evictions++;
    for (const [hash, principal] of this.#byHash) {
      const environmentId = principal.environmentId;
      if (tokenIds.has(principal.id) || (environmentId !== undefined && environmentIds.has(environmentId))) {
        this.#byHash.delete(hash);
      }
    }
  }

  /** Starts a read in the background when the last one is older than `refreshMs`. */
  refreshIfStale(now: number): void {
    if (this.#reading || now - this.#readAt < this.#refreshMs) return;
    this.#readAt = now;
    this.#reading = this.refresh()
      .catch(this.#onError)
      .finally(() => {
        this.#reading = undefined;
      });
  }

  /** Reads the active tokens now. */
  async refresh(): Promise<void> {
    const evictions = this.#evictions;
    const rows = await this.#prisma.apiToken.findMany({
      where: { revokedAt: null },
      select: { ...TOKEN_ROW_SELECT, hash: true },
      orderBy: { lastUsedAt: { sort: 'desc', nulls: 'last' } },
      take: this.#maxTokens,
    });
    if (evictions !== this.#evictions) {
      this.#readAt = -Infinity; // read again on the next authentication
      return;
    }
    this.#byHash = new Map(rows.map((row) => [row.hash, principalOf(row)]));
  }

  /** Forgets the list (a token was revoked): the next authentication reads it again. */
  clear(): void {
    this.#byHash = new Map();
    this.#readAt = -Infinity;
  }

  /** Resolves when no read is running (before the database closes). */
  async idle(): Promise<void> {
    await this.#reading;
  }
}
