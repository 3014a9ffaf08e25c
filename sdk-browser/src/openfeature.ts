import {
  OpenFeatureEventEmitter,
  ProviderFatalError,
  type ErrorCode,
  type EvaluationContext as OpenFeatureContext,
  type JsonValue as OpenFeatureJson,
  type Provider,
  type ProviderEmittableEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { forwardClientEvents, toResolution, toSwitchyardContext } from '@switchyard/core/client-api';
import { createBrowserClient, type BrowserClient, type BrowserClientOptions, type FlagType } from './index.js';

export { toSwitchyardContext };

/**
 * OpenFeature web provider backed by a Switchyard {@link BrowserClient}.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new SwitchyardWebProvider({ url, clientKey }), { targetingKey: 'u-42' });
 * OpenFeature.getClient().getBooleanValue('new-checkout', false);
 */
export class SwitchyardWebProvider implements Provider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  /** The underlying client (for `on`, `allFlags`, etc.). */
  readonly client: BrowserClient;
  readonly #events;
  #reconciling = false;

  /** Takes client options (the context comes from OpenFeature) or a client you created. */
  constructor(clientOrOptions: BrowserClient | Omit<BrowserClientOptions, 'context'>) {
    this.client = 'evaluate' in clientOrOptions ? clientOrOptions : createBrowserClient(clientOrOptions);
    // Our own identify() in onContextChange is no CONFIGURATION_CHANGED: OpenFeature handles the context change.
    this.#events = forwardClientEvents(
      this.client,
      (event, details) => this.events.emit(event as ProviderEmittableEvents, details),
      { isReconciling: () => this.#reconciling },
    );
  }

  async initialize(context?: OpenFeatureContext): Promise<void> {
    if (context) await this.onContextChange({}, context);
    try {
      await this.client.ready();
    } catch (error) {
      // A refused key (401/403) is for good: FATAL, not the ERROR OpenFeature would otherwise set.
      const fatal = this.#events.fatal;
      throw fatal ? new ProviderFatalError(fatal.message) : error;
    }
    this.#events.markInitialized();
  }

  /** Evaluation is local, so a new context is applied at once (no RECONCILING round trip). */
  async onContextChange(_oldContext: OpenFeatureContext, newContext: OpenFeatureContext): Promise<void> {
    this.#reconciling = true;
    try {
      await this.client.identify(toSwitchyardContext(newContext));
    } finally {
      this.#reconciling = false;
    }
  }

  async onClose(): Promise<void> {
    this.client.close();
  }

  /**
   * OpenFeature's `track`: the event, with `details.value` (default 1), counts for the variants this
   * client served (see `BrowserClient.track`); sent with the usage metrics when the options have the
   * `metrics` module (`@switchyard/sdk-browser/metrics`), else nothing. Never throws. The
   * context is OpenFeature's global one, the one the client already evaluates with: not converted.
   */
  track(trackingEventName: string, _context: OpenFeatureContext, details?: TrackingEventDetails): void {
    this.client.track(trackingEventName, undefined, details?.value);
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    return this.#resolve(flagKey, defaultValue, 'boolean');
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string): ResolutionDetails<string> {
    return this.#resolve(flagKey, defaultValue, 'string');
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number): ResolutionDetails<number> {
    return this.#resolve(flagKey, defaultValue, 'number');
  }

  resolveObjectEvaluation<T extends OpenFeatureJson>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
    return this.#resolve(flagKey, defaultValue, 'json');
  }

  #resolve<T>(flagKey: string, defaultValue: T, type: FlagType): ResolutionDetails<T> {
    const resolution = toResolution<T>(this.client.evaluate(flagKey, defaultValue, type));
    return { ...resolution, errorCode: resolution.errorCode as ErrorCode | undefined };
  }
}
