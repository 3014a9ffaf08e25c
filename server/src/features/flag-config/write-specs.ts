/**
 * The configuration writes other than a whole new configuration (on/off, rollout, kill, restore)
 * as `WriteSpec`s: what `FlagConfigService` applies, by a route or by a schedule.
 */
import { conflict, notFound } from '../../http/errors.js';
import type { ConfigState, FlagConfigRow } from '../flags/store.js';
import { configStateOf, killedFromOf } from '../flags/store.js';
import type { ConfigWrite } from './store.js';

/** One configuration write, as `applyWrite` runs it. */
export interface WriteSpec {
  action: string;
  reason?: string | undefined;
  /** Required version (If-Match); absent = whatever the current version is. */
  expectedVersion?: number | undefined;
  /** Check the new configuration (400, or `invalidStatus`, when it is not valid). */
  validate: boolean;
  /**
   * The write sets the prerequisites (a PUT): a client-side flag's must be client-side too. The
   * other writes keep the ones the row has (a kill saves them, restore brings them back), so they
   * cannot add a server-only parent (and rows saved before the rule can still be switched off).
   */
  setsPrerequisites?: boolean;
  invalidStatus?: 400 | 409;
  /** The new configuration from the current row (may throw, e.g. 404 for an unknown rule). */
  next: (current: FlagConfigRow) => ConfigWrite;
}

/** A configuration that any write other than kill/restore leaves: not killed. */
export function plain(state: ConfigState): ConfigWrite {
  return { state, killedFrom: null, killReason: null };
}

/** A one-environment change that is not a whole new configuration (schedules, release plans). */
export type ConfigChange =
  | { kind: 'enable' | 'disable' | 'restore'; reason?: string | undefined }
  | { kind: 'kill'; reason: string }
  | {
      kind: 'percent';
      ruleId: string;
      percentage: number;
      reason?: string | undefined;
      /** A killed flag is a 409 (`details.killed`) instead of ending the kill (release plans). */
      unlessKilled?: boolean | undefined;
    };

export function specOf(change: ConfigChange, flagKey: string, environmentKey: string): WriteSpec {
  switch (change.kind) {
    case 'enable':
    case 'disable':
      return enabledSpec(change.kind === 'enable', change.reason);
    case 'kill':
      return killSpec(change.reason);
    case 'restore':
      return restoreSpec(change.reason);
    case 'percent':
      return rolloutSpec(
        flagKey,
        environmentKey,
        change.ruleId,
        change.percentage,
        change.reason,
        change.unlessKilled === true,
      );
  }
}

export function enabledSpec(enabled: boolean, reason: string | undefined): WriteSpec {
  return {
    action: enabled ? 'flag_config.enabled' : 'flag_config.disabled',
    reason,
    validate: true,
    next: (current) => plain({ ...configStateOf(current), enabled }),
  };
}

export function rolloutSpec(
  flagKey: string,
  environmentKey: string,
  ruleId: string,
  percentage: number,
  reason: string | undefined,
  unlessKilled = false,
): WriteSpec {
  return {
    action: 'flag_config.rollout_changed',
    reason,
    validate: true,
    next: (current) => {
      if (unlessKilled && current.killedFrom !== null) {
        throw conflict('The flag is killed in this environment; its rollout is left as it is', KILLED);
      }
      const state = configStateOf(current);
      if (!state.rules.some((rule) => rule.id === ruleId)) {
        throw notFound(`Rule '${ruleId}' not found in flag '${flagKey}' in environment '${environmentKey}'`);
      }
      const rules = state.rules.map((rule) =>
        rule.id === ruleId ? { ...rule, rollout: { ...rule.rollout, percentage } } : rule,
      );
      return plain({ ...state, rules });
    },
  };
}

/** The 409 of a rollout change with `unlessKilled` on a killed flag. */
export const KILLED = { killed: true } as const;
/** The 409 of a kill with `unlessKilled` on a killed flag: `details.alreadyKilled` tells it apart. */
export const ALREADY_KILLED = { alreadyKilled: true } as const;
/** The 409 of a restore whose `onlyIfKill` refused the current kill, or of a flag not killed. */
export const NOT_RESTORABLE = { notRestorable: true } as const;

/** A kill; with `unlessKilled`, a flag already killed there is a 409 (nothing written, no second audit event). */
export function killSpec(reason: string, unlessKilled = false): WriteSpec {
  return {
    action: 'flag_config.killed',
    reason,
    validate: false,
    next: (current) => {
      if (unlessKilled && current.killedFrom !== null) {
        throw conflict('The flag is already killed in this environment', ALREADY_KILLED);
      }
      return {
        state: { ...configStateOf(current), enabled: false },
        // Killing a killed flag keeps the configuration from before the first kill.
        killedFrom: killedFromOf(current) ?? configStateOf(current),
        killReason: reason,
      };
    },
  };
}

/** A restore; with `onlyIfKill`, only a kill it accepts (by its reason) is ended. */
export function restoreSpec(
  reason: string | undefined,
  onlyIfKill?: (killReason: string | null) => boolean,
): WriteSpec {
  return {
    action: 'flag_config.restored',
    reason,
    validate: true,
    // What was valid before the kill may not be any more (a segment or flag it uses was removed).
    invalidStatus: 409,
    next: (current) => {
      const killedFrom = killedFromOf(current);
      if (!killedFrom) throw conflict('The flag is not killed in this environment; nothing to restore', NOT_RESTORABLE);
      if (onlyIfKill && !onlyIfKill(current.killReason)) {
        throw conflict('The current kill was not made by this caller; it is left in place', NOT_RESTORABLE);
      }
      return plain(killedFrom);
    },
  };
}
