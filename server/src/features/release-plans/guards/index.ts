/**
 * The guard kinds release plans know, by `kind`. `http` and `prometheus` are built in this folder
 * and configured per app (`createGuardRegistry`); kinds written elsewhere join with
 * `registerGuardKind`, which every registry made afterwards includes.
 */
import type { z } from 'zod';
import { httpGuardKind } from './http.js';
import { prometheusGuardKind } from './prometheus.js';
import type { GuardContext, GuardKind, GuardVerdict } from './types.js';

export type { GuardContext, GuardKind, GuardVerdict } from './types.js';

/** A guard kind, with an optional create-time check that needs I/O (e.g. asking Prometheus to parse a query). */
export type RegisteredGuardKind = GuardKind<{ kind: string }> & {
  /** Problems of a parsed spec (`path` inside the guard spec); empty when it is fine. */
  validateSpec?(spec: { kind: string }): Promise<{ path: string; message: string }[]>;
};

const registered = new Map<string, RegisteredGuardKind>();

/**
 * Adds a guard kind to every registry created after the call (so call it when the module loads,
 * before the app is built). Throws on a second kind with the same name.
 *
 * @example
 * // guards/builtin.ts exports `builtinGuardKind: GuardKind<BuiltinGuardSpec>`; it joins with one line
 * // below, in the marked place (ESM cannot import a file only if it exists):
 * registerGuardKind(builtinGuardKind);
 */
export function registerGuardKind<Spec extends { kind: string }>(kind: GuardKind<Spec>): void {
  if (registered.has(kind.kind) || kind.kind === 'http' || kind.kind === 'prometheus') {
    throw new Error(`registerGuardKind: a guard kind '${kind.kind}' exists`);
  }
  registered.set(kind.kind, kind as unknown as RegisteredGuardKind);
}

// ─── Guard kinds from other files register here ────────────────────────────────────────────────
// import { builtinGuardKind } from './builtin.js';
// registerGuardKind(builtinGuardKind);
// ───────────────────────────────────────────────────────────────────────────────────────────────

export interface GuardRegistryOptions {
  /** `SWITCHYARD_PROMETHEUS_URL`: the default Prometheus of `prometheus` guards. */
  prometheusUrl: string | undefined;
  /** The webhooks' address policy (`SWITCHYARD_WEBHOOK_DENY_PRIVATE`), for guard URLs too. */
  denyPrivate: boolean;
}

type Issue = { path: string; message: string };

/** The guard kinds of one app. */
export class GuardRegistry {
  readonly #kinds = new Map<string, RegisteredGuardKind>();

  constructor(kinds: readonly RegisteredGuardKind[]) {
    for (const kind of kinds) this.#kinds.set(kind.kind, kind);
  }

  /** The kinds' names, sorted. */
  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }

  get(kind: string): RegisteredGuardKind | undefined {
    return this.#kinds.get(kind);
  }

  /**
   * Parses and checks one guard spec: the parsed spec (defaults filled in), or its problems with
   * `path` prefixed (e.g. `body.guards.0.threshold`). An unknown kind is a problem.
   */
  async parse(spec: unknown, path: string): Promise<{ spec: { kind: string } } | { issues: Issue[] }> {
    const kindName = (spec as { kind?: unknown } | null)?.kind;
    const kind = typeof kindName === 'string' ? this.#kinds.get(kindName) : undefined;
    if (!kind) {
      return { issues: [{ path: `${path}.kind`, message: `unknown guard kind; one of: ${this.names().join(', ')}` }] };
    }
    const parsed = (kind.schema as z.ZodType<{ kind: string }>).safeParse(spec);
    if (!parsed.success) {
      return {
        issues: parsed.error.issues.map((issue) => ({
          path: [path, ...issue.path.map(String)].join('.'),
          message: issue.message,
        })),
      };
    }
    const problems = (await kind.validateSpec?.(parsed.data)) ?? [];
    if (problems.length > 0) return { issues: problems.map((issue) => ({ ...issue, path: `${path}.${issue.path}` })) };
    return { spec: parsed.data };
  }

  /**
   * Evaluates one guard; a kind that throws (it should not) or does not answer within the context's
   * signal gives `inconclusive` with the reason.
   */
  async evaluate(spec: { kind: string }, context: GuardContext): Promise<GuardVerdict> {
    const kind = this.#kinds.get(spec.kind);
    if (!kind) return { status: 'inconclusive', message: `unknown guard kind '${spec.kind}'`, evidence: {} };
    try {
      const aborted = new Promise<GuardVerdict>((resolve) => {
        const onAbort = () =>
          resolve({
            status: 'inconclusive',
            message: 'no verdict within the guard interval',
            evidence: { timedOut: true },
          });
        if (context.signal.aborted) onAbort();
        else context.signal.addEventListener('abort', onAbort, { once: true });
      });
      return await Promise.race([kind.evaluate(spec, context), aborted]);
    } catch (error) {
      return {
        status: 'inconclusive',
        message: `guard failed to evaluate: ${error instanceof Error ? error.message : String(error)}`,
        evidence: {},
      };
    }
  }
}

/** The registry of one app: `http` and `prometheus` with its settings, and every registered kind. */
export function createGuardRegistry(options: GuardRegistryOptions): GuardRegistry {
  return new GuardRegistry([
    httpGuardKind({ denyPrivate: options.denyPrivate }) as unknown as RegisteredGuardKind,
    prometheusGuardKind({
      defaultUrl: options.prometheusUrl,
      denyPrivate: options.denyPrivate,
    }) as unknown as RegisteredGuardKind,
    ...registered.values(),
  ]);
}
