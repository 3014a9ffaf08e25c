import { triggerPrincipal, type Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { HttpError, notFound } from '../../http/errors.js';
import type { DeferredKills } from '../flag-config/deferred-kills.js';
import { ALREADY_KILLED, NOT_RESTORABLE, type FlagConfigService } from '../flag-config/service.js';
import { findFlag } from '../flags/store.js';
import * as projects from '../projects/store.js';
import type { TriggerCommand } from './alertmanager.js';
import type {
  CreatedTriggerView,
  CreateTriggerInput,
  IncomingResponse,
  ListTriggersQuery,
  TriggerOutcome,
  TriggerView,
} from './schemas.js';
import { generateTriggerSecret, hashTriggerSecret, triggerSecretPrefix } from './secret.js';
import * as store from './store.js';
import type { TriggerRow } from './store.js';
import { triggerView } from './views.js';

/** Triggers this replica remembers for a database outage (see `find`). */
const MAX_KNOWN = 1_000;

export interface TriggersServiceDeps extends ChangeDeps {
  /** Kills and restores go through the flag configuration's own path (audit, revision, outbox). */
  flagConfig: FlagConfigService;
  /** Kills while the database is unreachable (Redis); undefined without Redis. */
  deferredKills: DeferredKills | undefined;
  /** Where the incoming route is mounted, for the `path` shown at creation. */
  incomingPrefix: string;
  onError(error: unknown): void;
  now?: () => Date;
}

/**
 * Triggers: secret URLs that kill or restore one flag in one environment. Business rules: the
 * secret is shown once and only its hash is stored; a revoked trigger is unknown (404) at once;
 * a call acts through the flag configuration's kill and restore, audited with the trigger as actor
 * (`triggerPrincipal`) and the call's summary as the reason; repeated calls are idempotent: a kill
 * of a killed flag and a restore of a live one write nothing (no audit event); a resolve restores
 * only a kill this trigger made (`[trigger:<id>]` in its reason), so it never ends someone else's.
 */
export class TriggersService {
  readonly #known = new Map<string, TriggerRow>();
  readonly #now: () => Date;

  constructor(private readonly deps: TriggersServiceDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async list(projectKey: string, query: ListTriggersQuery): Promise<TriggerView[]> {
    const { prisma } = this.deps;
    const project = await projects.requireProject(prisma, projectKey);
    const flag = query.flag === undefined ? undefined : await findFlag(prisma, project.id, query.flag);
    const environment =
      query.environment === undefined
        ? undefined
        : await projects.findEnvironment(prisma, project.id, query.environment);
    // An unknown flag or environment filters everything out (a listing, not a lookup).
    if (flag === null || environment === null) return [];
    const filter = { flagId: flag?.id, environmentId: environment?.id, includeRevoked: query.includeRevoked };
    return (await store.listTriggers(prisma, project.id, filter)).map(triggerView);
  }

  async create(actor: Actor, projectKey: string, input: CreateTriggerInput): Promise<CreatedTriggerView> {
    return inChangeTransaction(this.deps, async (tx, record) => {
      const project = await projects.requireProject(tx, projectKey);
      const environment = await projects.requireEnvironment(tx, project, input.environment);
      const flag = await findFlag(tx, project.id, input.flag);
      if (!flag || flag.archivedAt !== null) throw notFound(`Flag '${input.flag}' not found`);
      const secret = generateTriggerSecret();
      const row = await store.insertTrigger(tx, {
        name: input.name,
        projectId: project.id,
        flagId: flag.id,
        environmentId: environment.id,
        restoreOnResolve: input.restoreOnResolve,
        hash: hashTriggerSecret(secret),
        prefix: triggerSecretPrefix(secret),
      });
      const view = triggerView(row);
      await record({
        actor,
        projectId: project.id,
        action: 'trigger.created',
        targetType: 'trigger',
        targetKey: row.id,
        environment: environment.key,
        after: view,
      });
      return { ...view, secret, path: `${this.deps.incomingPrefix}/${secret}` };
    });
  }

  async revoke(actor: Actor, projectKey: string, id: string): Promise<void> {
    await inChangeTransaction(this.deps, async (tx, record) => {
      const project = await projects.requireProject(tx, projectKey);
      const trigger = await store.findTrigger(tx, project.id, id);
      if (!trigger || trigger.revokedAt !== null) throw notFound(`No active trigger with id '${id}'`);
      const revoked = await store.revokeTrigger(tx, id, this.#now());
      await record({
        actor,
        projectId: project.id,
        action: 'trigger.revoked',
        targetType: 'trigger',
        targetKey: id,
        environment: trigger.environment.key,
        before: triggerView(trigger),
        after: triggerView(revoked),
      });
    });
    for (const [hash, known] of this.#known) if (known.id === id) this.#known.delete(hash);
  }

  /**
   * The active trigger whose secret this is: one lookup by the secret's hash, so a wrong secret
   * costs what a right one does; unknown and revoked are the same 404. While the database is
   * unreachable, a trigger this replica has seen still answers (kills are exactly what an outage
   * needs; a revocation needs the database, so none can have been missed here); others get the 503.
   */
  async find(secret: string): Promise<TriggerRow> {
    const hash = hashTriggerSecret(secret);
    let row: TriggerRow | null | undefined;
    try {
      row = await store.findTriggerByHash(this.deps.prisma, hash);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      row = this.#known.get(hash);
      if (!row) throw error;
    }
    if (!row || row.revokedAt !== null) {
      this.#known.delete(hash);
      throw notFound('Unknown or revoked trigger');
    }
    if (!this.#known.has(hash) && this.#known.size >= MAX_KNOWN) this.#known.clear();
    this.#known.set(hash, row);
    return row;
  }

  /** Does what `command` asks of `trigger`'s flag, idempotently (see the class comment). */
  async fire(trigger: TriggerRow, command: TriggerCommand): Promise<IncomingResponse> {
    const outcome = await this.#act(trigger, command);
    // When it was last called, for listings; best effort (it must not fail a kill that is done).
    store.touchTrigger(this.deps.prisma, trigger.id, this.#now()).catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) this.deps.onError(error);
    });
    return { outcome, trigger: trigger.id, flag: trigger.flag.key, environment: trigger.environment.key };
  }

  async #act(trigger: TriggerRow, command: TriggerCommand): Promise<TriggerOutcome> {
    const { flagConfig, deferredKills } = this.deps;
    const project = trigger.project.key;
    const flag = trigger.flag.key;
    const environment = trigger.environment.key;
    const actor = triggerPrincipal(trigger);
    const reason = `${markerOf(trigger)} ${command.summary}`;
    if (command.action === 'none') return 'ignored';
    if (command.action === 'kill') {
      try {
        await flagConfig.kill(project, flag, environment, reason, actor, { unlessKilled: true });
        return 'killed';
      } catch (error) {
        if (isConflict(error, ALREADY_KILLED)) return 'already_killed';
        if (!deferredKills || !isDatabaseUnavailable(error)) throw error;
        if (deferredKills.isPending(project, flag, environment)) return 'already_killed';
        const input = { projectKey: project, flagKey: flag, environmentKey: environment, reason, actor };
        await deferredKills.accept(input);
        return 'kill_pending';
      }
    }
    const onlyIfKill = command.onlyOwnKill
      ? (killReason: string | null) => killReason?.startsWith(markerOf(trigger)) === true
      : undefined;
    try {
      await flagConfig.restore(project, flag, environment, reason, actor, onlyIfKill ? { onlyIfKill } : {});
      return 'restored';
    } catch (error) {
      if (isConflict(error, NOT_RESTORABLE)) return 'not_restored';
      throw error;
    }
  }
}

/** What starts the reason of every change a trigger makes: how a resolve recognises its own kill. */
function markerOf(trigger: { id: string }): string {
  return `[trigger:${trigger.id}]`;
}

function isConflict(error: unknown, details: object): boolean {
  if (!(error instanceof HttpError) || error.statusCode !== 409) return false;
  const found = error.details as Record<string, unknown> | undefined;
  return Object.entries(details).every(([key, value]) => found?.[key] === value);
}
