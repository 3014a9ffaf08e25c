import type { Actor } from '../../auth/principal.js';
import type { ChangeDeps, RecordFn } from '../../changes/index.js';
import { announceRecorded, inChangeTransaction } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { PendingKill } from '../../propagation/pending-kill.js';
import { conflict, HttpError, notFound, preconditionFailed } from '../../http/errors.js';
import { lockAndReadFlag, requireFlag } from '../flags/service.js';
import type { ConfigState, FlagConfigRow, FlagRow } from '../flags/store.js';
import { configStateOf, listFlagConfigs, toCoreFlag } from '../flags/store.js';
import type { EnvironmentRow, ProjectRow } from '../projects/store.js';
import { requireProject } from '../projects/store.js';
import { configToPercent } from '@switchyard/core/schema';
import type { ConfigResponse } from './schemas.js';
import type { ConfigWrite } from './store.js';
import { KeyedQueue } from './keyed-queue.js';
import { logKillOrRestore, type InfoLogger } from './kill-log.js';
import { findConfig, lockAndReadConfig, lockAndReadFlagForShare, lockConfigs, writeConfig } from './store.js';
import { readTarget } from './target.js';
import { shapeOf, TargetCache, type CachedTarget } from './target-cache.js';
import { needsLockedReads, validateConfig } from './validate.js';
import { addedRegexes, allRegexVerdictsCached, assertRegexesSafe, regexesOfRules } from '../../regex/write-check.js';
import { writeConfigIfCurrent, type WriteRecord } from './write-statement.js';
import {
  enabledSpec,
  killSpec,
  plain,
  restoreSpec,
  rolloutSpec,
  specOf,
  type ConfigChange,
  type WriteSpec,
} from './write-specs.js';

export type { ConfigChange } from './write-specs.js';
export { ALREADY_KILLED, NOT_RESTORABLE } from './write-specs.js';

/**
 * A configuration as the service returns it and the audit log records it: rollouts in basis
 * points, as stored. REST answers it in percent (`toRestConfig`), and the audit view converts too.
 */
export interface ConfigView extends ConfigState {
  environment: string;
  version: number;
  killed: boolean;
  killReason: string | null;
}

/** The service (and audit) view of a configuration row. */
export function toConfigResponse(row: FlagConfigRow, environmentKey: string): ConfigView {
  return {
    environment: environmentKey,
    ...configStateOf(row),
    version: row.version,
    killed: row.killedFrom !== null,
    killReason: row.killReason,
  };
}

/** The REST view of a configuration: rollouts and splits in percent. */
export function toRestConfig(view: ConfigView): ConfigResponse {
  return configToPercent(view);
}

/**
 * Per-environment flag configuration: replace (with If-Match), on/off, rule rollout, kill and
 * restore. A one-environment write is read in one statement and written in another that lands
 * only if the flag and configuration rows are still the versions read (taking the flag row FOR
 * SHARE, the configuration row and then the environment row for the revision bump). When they are
 * not, and for every-environment writes, the write runs in one transaction that locks the flag row
 * FOR SHARE (definition changes take it FOR UPDATE), then the configuration row(s) FOR UPDATE,
 * reads them, writes with a version bump and records the change (which locks the environment rows
 * last). Any write but kill/restore ends a kill (restore is then a 409).
 */
export class FlagConfigService {
  /** Configuration writes of one flag run one at a time in this process (see KeyedQueue). */
  readonly #queue = new KeyedQueue();
  /** The rows each target's last one-statement write left (see TargetCache). */
  readonly #targets = new TargetCache();

  /** `log`: kills and restores are logged there at info (kill-log.ts); tests may leave it out. */
  constructor(private readonly deps: ChangeDeps & { log?: InfoLogger | undefined }) {}

  #logged<T extends ConfigView | ConfigView[] | null>(
    event: 'flag.killed' | 'flag.restored',
    actor: Actor,
    target: { project: string; flag: string; reason: string | null | undefined },
    result: T,
  ): T {
    for (const view of result === null ? [] : Array.isArray(result) ? result : [result]) {
      logKillOrRestore(this.deps.log, event, actor, { ...target, environment: view.environment });
    }
    return result;
  }

  async get(projectKey: string, flagKey: string, environmentKey: string): Promise<ConfigView> {
    const { flag, environment, config } = await readTarget(this.deps.prisma, projectKey, flagKey, environmentKey);
    if (!config) throw missingConfig(flag.key, environment.key);
    return toConfigResponse(config, environment.key);
  }

  /** PUT: replaces the whole configuration if it is still at `expectedVersion`. */
  async replace(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    expectedVersion: number,
    body: ConfigState,
    actor: Actor,
  ): Promise<ConfigView> {
    await this.#analyseNewRegexes(projectKey, flagKey, environmentKey, body);
    return this.#writeOne(projectKey, flagKey, environmentKey, actor, {
      action: 'flag_config.updated',
      expectedVersion,
      validate: true,
      setsPrerequisites: true,
      next: () => plain(body),
    });
  }

  /**
   * Analyses the regex patterns a PUT adds before it queues behind other writes of the flag or
   * opens a transaction (400 naming the first refused value), so that neither is held while
   * recheck works; the check inside the write then answers from the cached verdicts. Reads the
   * stored configuration only when some pattern of the body has no cached verdict.
   */
  async #analyseNewRegexes(projectKey: string, flagKey: string, environmentKey: string, body: ConfigState) {
    const regexes = regexesOfRules(body.rules);
    if (allRegexVerdictsCached(regexes)) return;
    const { config } = await readTarget(this.deps.prisma, projectKey, flagKey, environmentKey);
    const stored = config ? regexesOfRules(configStateOf(config).rules) : [];
    await assertRegexesSafe(addedRegexes(regexes, stored), 'Invalid configuration');
  }

  /** Turns the flag on or off in one environment, keeping the rest of the configuration. */
  async setEnabled(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    enabled: boolean,
    options: { expectedVersion?: number | undefined; reason?: string | undefined },
    actor: Actor,
  ): Promise<ConfigView> {
    return this.#writeOne(projectKey, flagKey, environmentKey, actor, {
      ...enabledSpec(enabled, options.reason),
      ...options,
    });
  }

  /** Sets the rollout of one rule (`percentage` in basis points, as stored), keeping its stickiness. */
  async setRollout(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    ruleId: string,
    percentage: number,
    options: { expectedVersion?: number | undefined; reason?: string | undefined },
    actor: Actor,
  ): Promise<ConfigView> {
    return this.#writeOne(projectKey, flagKey, environmentKey, actor, {
      ...rolloutSpec(flagKey, environmentKey, ruleId, percentage, options.reason),
      ...options,
    });
  }

  /**
   * Kill switch for one environment: off now, whatever the version; the configuration before is kept.
   * With `unlessKilled`, a flag already killed there is a 409 and nothing is written (no second audit
   * event): what automated callers (triggers) use so that repeated alerts make one kill.
   */
  async kill(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    reason: string,
    actor: Actor,
    options: { unlessKilled?: boolean } = {},
  ) {
    const view = await this.#writeOne(
      projectKey,
      flagKey,
      environmentKey,
      actor,
      killSpec(reason, options.unlessKilled === true),
    );
    return this.#logged('flag.killed', actor, { project: projectKey, flag: flagKey, reason }, view);
  }

  /** Kill switch for every environment, in one transaction. */
  async killAll(projectKey: string, flagKey: string, reason: string, actor: Actor): Promise<ConfigView[]> {
    const views = await this.#writeAll(projectKey, flagKey, actor, () => true, killSpec(reason));
    return this.#logged('flag.killed', actor, { project: projectKey, flag: flagKey, reason }, views);
  }

  /**
   * Records a kill accepted while Postgres was unreachable (see deferred-kills.ts) exactly like
   * `kill`, with `auditReason` (which names the kill's id), unless it was recorded before: the check
   * and the write run in one transaction holding an advisory lock on the id, so two replicas can
   * never both record it. False when it had been recorded (nothing written).
   */
  async recordPendingKill(kill: PendingKill, auditReason: string): Promise<boolean> {
    const { projectKey, flagKey, environmentKey } = kill;
    return this.#queue
      .run(queueKey(projectKey, flagKey), async () => {
        const {
          project,
          flag: found,
          environment,
        } = await readTarget(this.deps.prisma, projectKey, flagKey, environmentKey);
        return inChangeTransaction(this.deps, async (tx, record) => {
          await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`switchyard:pending-kill:${kill.id}`}))::text AS locked`;
          const recorded = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM audit_events
          WHERE project_id = ${project.id}::uuid AND target_type = 'flag_config' AND target_key = ${flagKey}
            AND action = 'flag_config.killed' AND reason LIKE ${`%${kill.id}%`}
          LIMIT 1`;
          if (recorded.length > 0) return false;
          const flag = await lockAndReadFlagForShare(tx, found.id);
          if (!flag) throw notFound(`Flag '${found.key}' not found`);
          const current = await lockAndReadConfig(tx, flag.id, environment.id);
          if (!current) throw missingConfig(flag.key, environment.key);
          const spec = { ...killSpec(kill.reason), reason: auditReason };
          await applyWrite(tx, record, { actor: kill.actor, project, flag, environment, current, spec });
          return true;
        });
      })
      .then((recorded) => {
        if (recorded) {
          const target = { project: projectKey, flag: flagKey, environment: environmentKey, reason: auditReason };
          logKillOrRestore(this.deps.log, 'flag.killed', kill.actor, target);
        }
        return recorded;
      });
  }

  /**
   * Applies `change` to one environment in ONE transaction that first runs `claim(tx)` (which
   * locks and checks whatever makes the change due, e.g. a schedule row) and, after the write,
   * `done(tx, auditId)`: when `claim` answers false nothing is written and null is returned. So a
   * change that must happen once (a schedule run by two replicas, or again after a crash) happens
   * once. Errors are those of the equivalent route (404, 409, 400).
   */
  async applyClaimed(
    target: { projectKey: string; flagKey: string; environmentKey: string },
    change: ConfigChange,
    actor: Actor,
    hooks: {
      claim: (tx: Prisma.TransactionClient) => Promise<boolean>;
      done: (tx: Prisma.TransactionClient, auditId: bigint) => Promise<void>;
    },
  ): Promise<ConfigView | null> {
    const { projectKey, flagKey, environmentKey } = target;
    const spec = specOf(change, flagKey, environmentKey);
    const view = await this.#queue.run(queueKey(projectKey, flagKey), async () => {
      const {
        project,
        flag: found,
        environment,
      } = await readTarget(this.deps.prisma, projectKey, flagKey, environmentKey);
      return inChangeTransaction(this.deps, async (tx, record) => {
        if (!(await hooks.claim(tx))) return null;
        const flag = await lockAndReadFlagForShare(tx, found.id);
        if (!flag) throw notFound(`Flag '${found.key}' not found`);
        const current = await lockAndReadConfig(tx, flag.id, environment.id);
        if (!current) throw missingConfig(flag.key, environment.key);
        let auditId: bigint | undefined;
        const recording: RecordFn = async (input) => {
          const recorded = await record(input);
          auditId = recorded.auditId;
          return recorded;
        };
        const result = await applyWrite(tx, recording, { actor, project, flag, environment, current, spec });
        await hooks.done(tx, auditId!);
        return result;
      });
    });
    if (change.kind !== 'kill' && change.kind !== 'restore') return view;
    const event = change.kind === 'kill' ? 'flag.killed' : 'flag.restored';
    return this.#logged(event, actor, { project: projectKey, flag: flagKey, reason: change.reason }, view);
  }

  /**
   * Brings back the configuration from before the kill; 409 when the flag is not killed there, or
   * when `onlyIfKill` says the current kill is not one the caller may end (nothing written).
   */
  async restore(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    reason: string | undefined,
    actor: Actor,
    options: { onlyIfKill?: (killReason: string | null) => boolean } = {},
  ) {
    const view = await this.#writeOne(
      projectKey,
      flagKey,
      environmentKey,
      actor,
      restoreSpec(reason, options.onlyIfKill),
    );
    return this.#logged('flag.restored', actor, { project: projectKey, flag: flagKey, reason }, view);
  }

  /** Restores every environment where the flag is killed; 409 when it is killed nowhere. */
  async restoreAll(projectKey: string, flagKey: string, reason: string | undefined, actor: Actor) {
    const views = await this.#writeAll(
      projectKey,
      flagKey,
      actor,
      (row) => row.killedFrom !== null,
      restoreSpec(reason),
    );
    return this.#logged('flag.restored', actor, { project: projectKey, flag: flagKey, reason }, views);
  }

  /**
   * One environment, usually in ONE statement: the write is computed from the rows the previous
   * write of this target left (cached), and lands only if they are still current (see
   * `writeConfigIfCurrent`). Without a cached entry, or when it was stale, the rows are read first
   * (one more statement) and the write tried again. When that misses too (another instance wrote),
   * or when validating needs other rows read under lock (prerequisites, segments), the write runs
   * in a transaction that locks the flag and the configuration first.
   */
  async #writeOne(
    projectKey: string,
    flagKey: string,
    environmentKey: string,
    actor: Actor,
    spec: WriteSpec,
  ): Promise<ConfigView> {
    return this.#queue.run(queueKey(projectKey, flagKey), async () => {
      const key = TargetCache.keyOf(projectKey, flagKey, environmentKey);
      const cached = this.#targets.get(key);
      if (cached) {
        const written = await this.#writeIfCurrent(key, cached, actor, spec).catch((error: unknown) => {
          // An answer computed from rows that may be stale (412, 400, …): read them and decide again.
          if (error instanceof HttpError) return undefined;
          throw error;
        });
        if (written) return written;
        this.#targets.delete(key);
      }
      const target = await readTarget(this.deps.prisma, projectKey, flagKey, environmentKey);
      const { project, flag: found, environment } = target;
      if (!target.config) throw missingConfig(found.key, environment.key);
      const written = await this.#writeIfCurrent(key, target, actor, spec);
      if (written) return written;
      return inChangeTransaction(this.deps, async (tx, record) => {
        const flag = await lockAndReadFlagForShare(tx, found.id);
        if (!flag) throw notFound(`Flag '${found.key}' not found`);
        const current = await lockAndReadConfig(tx, flag.id, environment.id);
        if (!current) throw missingConfig(flag.key, environment.key);
        return applyWrite(tx, record, { actor, project, flag, environment, current, spec });
      });
    });
  }

  /**
   * The write as one statement, computed from `target` (read just now, or cached). Errors (412,
   * 400, 404 for an unknown rule, 409) are answered from those rows. Undefined when the statement
   * found the flag or the configuration changed (nothing was written), or when the validation needs
   * rows read under lock. On success the rows written are cached for the next write of the target.
   */
  async #writeIfCurrent(
    key: string,
    target: CachedTarget,
    actor: Actor,
    spec: WriteSpec,
  ): Promise<ConfigView | undefined> {
    const { project, flag, environment, config: current } = target;
    if (!current) return undefined;
    const write = computeWrite({ flag, environment, current, spec });
    if (spec.validate && needsLockedReads(write.state)) return undefined;
    // A toggle of a configuration validated by the last write of this target (same flag row: the
    // statement checks its xmin) is valid already (see shapeOf): skip the schema check.
    const shape = spec.validate ? shapeOf(write.state) : undefined;
    if (shape === undefined || shape !== target.validatedShape) {
      await checkWrite(this.deps.prisma, { flag, environment, current, spec, write });
    }
    const base = {
      flagId: flag.id,
      flagXmin: flag.xmin,
      environmentId: environment.id,
      environmentKey: environment.key,
      version: current.version,
    };
    const record = changeRecord({ actor, project, flag, environment, current, spec });
    const result = await writeConfigIfCurrent(this.deps.prisma, base, write, record);
    if (!result) return undefined;
    this.#targets.set(key, { ...target, config: result.row, validatedShape: shape });
    // Committed. Snapshot reloads and publishing start once the response is on its way (the I/O
    // that brought this result ends before immediates run); a request sent after reading the
    // response still finds the revision announced, so this replica serves its own writes.
    // The flag's new snapshot entry goes with it: this replica's snapshot cache applies it without
    // reading it back. (An archived flag is in no snapshot and its changes move no revision.)
    const { recorded } = result;
    const entries =
      flag.archivedAt === null
        ? { flags: [toCoreFlag(flag, { ...configStateOf(result.row), version: result.row.version })], segments: [] }
        : undefined;
    setImmediate(() => announceRecorded(this.deps.notifier, [recorded], entries));
    return toConfigResponse(result.row, environment.key);
  }

  async #writeAll(
    projectKey: string,
    flagKey: string,
    actor: Actor,
    applies: (row: FlagConfigRow) => boolean,
    spec: WriteSpec,
  ): Promise<ConfigView[]> {
    const project = await requireProject(this.deps.prisma, projectKey);
    const found = await requireFlag(this.deps.prisma, project.id, flagKey);
    return this.#queue.run(queueKey(projectKey, flagKey), () =>
      inChangeTransaction(this.deps, async (tx, record) => {
        const flag = await lockAndReadFlag(tx, found, 'share');
        await lockConfigs(tx, flag.id);
        const rows = (await listFlagConfigs(tx, flag.id)).filter(applies);
        if (rows.length === 0) throw conflict(`Flag '${flag.key}' is not killed in any environment`);
        const results: ConfigView[] = [];
        for (const { environment: env, ...current } of rows) {
          const environment = { id: current.environmentId, key: env.key };
          results.push(await applyWrite(tx, record, { actor, project, flag, environment, current, spec }));
        }
        return results.sort((a, b) => a.environment.localeCompare(b.environment));
      }),
    );
  }
}

function missingConfig(flagKey: string, environmentKey: string): HttpError {
  return notFound(`Flag '${flagKey}' has no configuration in environment '${environmentKey}'`);
}

/** A one-environment write: what it applies to and what it does. */
interface WriteInput {
  actor: Actor;
  project: Pick<ProjectRow, 'id'>;
  flag: FlagRow;
  environment: Pick<EnvironmentRow, 'id' | 'key'>;
  current: FlagConfigRow;
  spec: WriteSpec;
}

/** The new configuration, after the If-Match check (412). */
function computeWrite({ flag, environment, current, spec }: Omit<WriteInput, 'actor' | 'project'>): ConfigWrite {
  if (spec.expectedVersion !== undefined && current.version !== spec.expectedVersion) {
    throw staleVersion(flag.key, environment.key, spec.expectedVersion, current.version);
  }
  return spec.next(current);
}

/** Validates the new configuration when the spec asks for it (400, or 409 for a restore). */
async function checkWrite(
  tx: Prisma.TransactionClient,
  {
    flag,
    environment,
    current,
    spec,
    write,
  }: Pick<WriteInput, 'flag' | 'environment' | 'current' | 'spec'> & { write: ConfigWrite },
): Promise<void> {
  if (!spec.validate) return;
  try {
    const clientSideParents = spec.setsPrerequisites === true;
    const previous = configStateOf(current);
    await validateConfig(tx, { flag, environmentId: environment.id, config: write.state, previous, clientSideParents });
  } catch (error) {
    if (spec.invalidStatus === 409 && error instanceof HttpError && error.statusCode === 400) {
      throw conflict(`Cannot restore: the saved configuration is no longer valid (${error.message})`, error.details);
    }
    throw error;
  }
}

/** The audit record of a write (its `after` is the written row). */
function changeRecord({ actor, project, flag, environment, current, spec }: WriteInput): WriteRecord {
  return {
    actor,
    projectId: project.id,
    action: spec.action,
    targetType: 'flag_config',
    targetKey: flag.key,
    environment: environment.key,
    before: toConfigResponse(current, environment.key),
    reason: spec.reason ?? null,
    // Archived flags are in no snapshot: their configuration changes move no revision.
    ...(flag.archivedAt === null ? { affects: { environmentIds: [environment.id], flags: [flag.key] } } : {}),
  };
}

/** Checks, writes and records one configuration change inside the caller's transaction. */
async function applyWrite(tx: Prisma.TransactionClient, record: RecordFn, input: WriteInput): Promise<ConfigView> {
  const { flag, environment, current, spec } = input;
  const write = computeWrite(input);
  await checkWrite(tx, { flag, environment, current, spec, write });
  const key = { flagId: flag.id, environmentId: environment.id };
  const updated = await writeConfig(tx, key, write, spec.expectedVersion);
  if (!updated) {
    // Another writer got in between our read and our UPDATE (which waited for its commit).
    const latest = await findConfig(tx, flag.id, environment.id);
    throw staleVersion(flag.key, environment.key, spec.expectedVersion ?? current.version, latest?.version);
  }
  const after = toConfigResponse(updated, environment.key);
  await record({ ...changeRecord(input), after });
  return after;
}

/** The KeyedQueue key of a flag's configuration writes. */
function queueKey(projectKey: string, flagKey: string): string {
  return `${projectKey}\u0000${flagKey}`;
}

function staleVersion(flagKey: string, environmentKey: string, expected: number, actual: number | undefined) {
  return preconditionFailed(
    `Configuration of '${flagKey}' in '${environmentKey}' is at version ${actual ?? '?'}, not ${expected}; ` +
      'GET it again and reapply your change',
    { expectedVersion: expected, currentVersion: actual ?? null },
  );
}
