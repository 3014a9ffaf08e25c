import {
  OpenFeatureEventEmitter,
  ProviderFatalError,
  type ErrorCode,
  type EvaluationContext as OpenFeatureContext,
  type FlagMetadata,
  type JsonValue as OpenFeatureJson,
  type Provider,
  type ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import { forwardClientEvents, toResolution, toSwitchyardContext } from '@switchyard/core/client-api';
import { createClient, type SwitchyardClient } from './client.js';
import type { FlagType, NodeClientOptions } from './types.js';

export { toSwitchyardContext };

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
  readonly #events;

  /** Takes client options or a client you created (then `onClose` closes it too). */
  constructor(clientOrOptions: SwitchyardClient | NodeClientOptions) {
    this.client = 'evaluate' in clientOrOptions ? clientOrOptions : createClient(clientOrOptions);
    this.#events = forwardClientEvents(
      this.client,
      (event, details) => this.events.emit(event as ProviderEvents, details),
      { staleMessage: 'no contact with the flag server', oneErrorPerOutage: true },
    );
  }

  async initialize(): Promise<void> {
    try {
      await this.client.ready();
    } catch (error) {
      // A refused key (401/403) is for good: FATAL, not the ERROR OpenFeature would otherwise set.
      const fatal = this.#events.fatal;
      throw fatal ? new ProviderFatalError(fatal.message) : error;
    }
    this.#events.markInitialized();
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

  /**
   * OpenFeature tracking: the event is recorded with `trackingEventDetails.value` (default 1) and
   * attributed to the variants served to the same context (`targetingKey`, as in evaluation): see
   * `SwitchyardClient.track`. Other details are not sent. Never throws.
   */
  track(trackingEventName: string, context: OpenFeatureContext, trackingEventDetails: TrackingEventDetails): void {
    try {
      const value = trackingEventDetails?.value;
      this.client.track(trackingEventName, toSwitchyardContext(context ?? {}), value ?? 1);
    } catch {
      // A context OpenFeature let through but core cannot read: no event, as for any bad input.
    }
  }

  #resolve<T>(flagKey: string, defaultValue: T, context: OpenFeatureContext, type: FlagType): ResolutionDetails<T> {
    const details = this.client.evaluate(flagKey, toSwitchyardContext(context), defaultValue, type);
    const resolution = toResolution<T>(details, this.client.revision);
    return {
      ...resolution,
      errorCode: resolution.errorCode as ErrorCode | undefined,
      flagMetadata: resolution.flagMetadata as FlagMetadata,
    };
  }
}

export type { NodeClientOptions } from './types.js';
