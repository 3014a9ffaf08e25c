import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type ErrorCode,
  type EvaluationContext as OpenFeatureContext,
  type JsonValue as OpenFeatureJson,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/web-sdk';
import {
  createBrowserClient,
  type BrowserClient,
  type BrowserClientOptions,
  type EvaluationContext,
  type FlagType,
} from './index.js';

/**
 * Switchyard context from an OpenFeature context: `targetingKey` becomes `userId` (unless one is
 * given), dates become ISO strings, string arrays stay, other nested values are dropped (Switchyard
 * contexts are flat).
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
  #initialized = false;
  #reconciling = false;

  /** Takes client options (the context comes from OpenFeature) or a client you created. */
  constructor(clientOrOptions: BrowserClient | Omit<BrowserClientOptions, 'context'>) {
    this.client = 'evaluate' in clientOrOptions ? clientOrOptions : createBrowserClient(clientOrOptions);
    this.client.on('change', ({ flags }) => {
      if (!this.#reconciling) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: flags });
    });
    this.client.on('stale', () => this.events.emit(ProviderEvents.Stale));
    this.client.on('error', (error) => this.events.emit(ProviderEvents.Error, { message: error.message }));
    // The SDK emits the first READY itself when initialize() resolves; later ones mean "recovered".
    this.client.on('ready', () => this.#initialized && this.events.emit(ProviderEvents.Ready));
  }

  async initialize(context?: OpenFeatureContext): Promise<void> {
    if (context) await this.onContextChange({}, context);
    await this.client.ready();
    this.#initialized = true;
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
    const details = this.client.evaluate(flagKey, defaultValue, type);
    return {
      value: details.value as T,
      variant: details.variant,
      reason: details.reason,
      errorCode: details.errorCode as ErrorCode | undefined,
      errorMessage: details.errorMessage,
      flagMetadata: details.ruleId ? { ruleId: details.ruleId } : {},
    };
  }
}
