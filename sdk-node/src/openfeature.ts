import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type ErrorCode,
  type EvaluationContext as OpenFeatureContext,
  type FlagMetadata,
  type JsonValue as OpenFeatureJson,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { createClient, type SwitchyardClient } from './client.js';
import type { EvaluationContext, FlagType, NodeClientOptions } from './types.js';

/**
 * Switchyard context from an OpenFeature context: `targetingKey` becomes `userId` (unless one is
 * given), dates become ISO strings, string arrays stay, other nested values are dropped (Switchyard
 * contexts are flat). Same mapping as the browser provider.
 */
export function toSwitchyardContext(context: OpenFeatureContext = {}): EvaluationContext {
  const result: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = value;
    else if (value instanceof Date) result[key] = value.toISOString();
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) result[key] = value as string[];
  }
  if (context.targetingKey !== undefined && result.userId === undefined) result.userId = context.targetingKey;
  delete result.targetingKey;
  return result;
}

/**
 * OpenFeature server provider backed by a Switchyard {@link SwitchyardClient}. Reasons and error
 * codes are OpenFeature's (plus Switchyard's `DISABLED` and `PREREQUISITE_FAILED` reasons); flag
 * metadata carries `ruleId` (when a rule matched) and the snapshot `revision`. Events: READY,
 * CONFIGURATION_CHANGED with `flagsChanged`, STALE, ERROR (once per outage) and READY again on
 * recovery.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new SwitchyardProvider({ url, sdkKey }));
 * await OpenFeature.getClient().getBooleanValue('new-checkout', false, { targetingKey: 'u-42' });
 */
export class SwitchyardProvider implements Provider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  /** The underlying client (for `allFlags`, `on`, …). */
  readonly client: SwitchyardClient;
  #initialized = false;
  #failing = false;

  /** Takes client options or a client you created (then `onClose` closes it too). */
  constructor(clientOrOptions: SwitchyardClient | NodeClientOptions) {
    this.client = 'evaluate' in clientOrOptions ? clientOrOptions : createClient(clientOrOptions);
    this.client.on('change', ({ flags }) =>
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: flags }),
    );
    this.client.on('stale', () =>
      this.events.emit(ProviderEvents.Stale, { message: 'no contact with the flag server' }),
    );
    // One ERROR per outage: retries fail every poll, and each ERROR would pull the status back
    // from STALE to ERROR.
    this.client.on('error', (error) => {
      if (this.#failing) return;
      this.#failing = true;
      this.events.emit(ProviderEvents.Error, { message: error.message });
    });
    // The SDK emits the first READY itself when initialize() resolves; later ones mean "recovered".
    this.client.on('ready', () => {
      this.#failing = false;
      if (this.#initialized) this.events.emit(ProviderEvents.Ready);
    });
  }

  async initialize(): Promise<void> {
    await this.client.ready();
    this.#initialized = true;
  }

  async onClose(): Promise<void> {
    await this.client.close();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: OpenFeatureContext,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.#resolve(flagKey, defaultValue, context, 'boolean'));
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: OpenFeatureContext,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.#resolve(flagKey, defaultValue, context, 'string'));
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: OpenFeatureContext,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.#resolve(flagKey, defaultValue, context, 'number'));
  }

  resolveObjectEvaluation<T extends OpenFeatureJson>(
    flagKey: string,
    defaultValue: T,
    context: OpenFeatureContext,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.#resolve(flagKey, defaultValue, context, 'json'));
  }

  #resolve<T>(flagKey: string, defaultValue: T, context: OpenFeatureContext, type: FlagType): ResolutionDetails<T> {
    const details = this.client.evaluate(flagKey, toSwitchyardContext(context), defaultValue, type);
    const flagMetadata: Record<string, string | number> = {};
    if (details.ruleId !== undefined) flagMetadata.ruleId = details.ruleId;
    const revision = this.client.revision;
    if (revision !== undefined) flagMetadata.revision = revision;
    return {
      value: details.value as T,
      variant: details.variant,
      reason: details.reason,
      errorCode: details.errorCode as ErrorCode | undefined,
      errorMessage: details.errorMessage,
      flagMetadata: flagMetadata as FlagMetadata,
    };
  }
}

export type { NodeClientOptions } from './types.js';
