import type { ApiClient } from '../api/client.js';
import type { ApiConfigBody } from '../api/types.js';
import { canonical, environmentToApi, same, variantsOf } from './convert.js';
import type { FlagsFile } from './file-schema.js';
import type { FieldPath, FileProblem, Locator } from './parse-file.js';
import { mapLimit, readConfig, type ServerState } from './server-state.js';

/** One field that changes: before/after as the API holds them (undefined = absent). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** One write of an apply, in the order they run. */
export type Operation =
  | { kind: 'segment.create'; key: string; body: Record<string, unknown> }
  | { kind: 'segment.update'; key: string; body: Record<string, unknown>; changes: FieldChange[] }
  | { kind: 'flag.create'; key: string; body: Record<string, unknown> }
  | { kind: 'flag.update'; key: string; body: Record<string, unknown>; changes: FieldChange[] }
  | {
      kind: 'config.replace';
      flag: string;
      environment: string;
      body: ApiConfigBody;
      /** The ETag read while planning; undefined for a flag this apply creates. */
      etag: string | undefined;
      changes: FieldChange[];
    }
  | { kind: 'flag.archive'; key: string }
  | { kind: 'segment.delete'; key: string };

export type PlanResult = { ok: true; operations: Operation[] } | { ok: false; problems: FileProblem[] };

const FLAG_FIELDS = ['name', 'description', 'tags', 'clientSide', 'variants'] as const;
const SEGMENT_FIELDS = ['name', 'description', 'conditions'] as const;
const CONFIG_FIELDS = ['enabled', 'offVariant', 'defaultServe', 'rules', 'prerequisites'] as const;

function changesOf<K extends string>(fields: readonly K[], before: Record<K, unknown>, after: Record<K, unknown>) {
  return fields
    .filter((field) => !same(before[field], after[field]))
    .map((field) => ({ field, before: before[field], after: after[field] }));
}

/**
 * Compares a validated file with the server and lists the writes that make the server match it.
 * Everything that can be checked without writing is checked here (environments, references
 * between flags, segments and variants, immutable fields), so that an apply either starts with a
 * plan the server should accept, or writes nothing.
 */
export async function planApply(
  api: ApiClient,
  file: FlagsFile,
  located: Locator,
  state: ServerState,
  options: { prune: boolean },
): Promise<PlanResult> {
  const problems: FileProblem[] = [];
  const problem = (path: FieldPath, message: string) => problems.push(located.problem(path, message));
  const operations: Operation[] = [];

  // ---- references and immutable fields -------------------------------------------------------
  const fileSegments = new Set<string>();
  file.segments.forEach((segment, i) => {
    if (fileSegments.has(segment.key)) problem(['segments', i, 'key'], `segment "${segment.key}" appears twice`);
    fileSegments.add(segment.key);
  });
  const knownSegments = new Set([...fileSegments, ...(options.prune ? [] : state.segments.keys())]);
  const fileFlags = new Map(file.flags.map((f) => [f.key, f]));
  const knownFlags = new Set([...fileFlags.keys(), ...(options.prune ? [] : state.flags.keys())]);
  const seenFlags = new Set<string>();
  // The server refuses a key that differs from another of the project only in case.
  const serverFolded = new Map(
    [...state.flags.keys(), ...state.archived].map((key) => [key.toLowerCase(), key] as const),
  );
  file.flags.forEach((flag, i) => {
    const at = (...rest: FieldPath) => ['flags', i, ...rest];
    if (seenFlags.has(flag.key.toLowerCase()))
      problem(at('key'), `flag "${flag.key}" appears twice (keys are unique ignoring case)`);
    seenFlags.add(flag.key.toLowerCase());
    const existing = state.flags.get(flag.key);
    const twin = serverFolded.get(flag.key.toLowerCase());
    if (twin !== undefined && twin !== flag.key)
      problem(at('key'), `differs from flag "${twin}" on the server only in case; keys are unique ignoring case`);
    if (state.archived.has(flag.key) && !existing)
      problem(at('key'), `flag "${flag.key}" is archived on the server: unarchive it first, or remove it here`);
    if (existing && existing.type !== flag.type)
      problem(at('type'), `is ${existing.type} on the server; a flag's type never changes`);
    if (existing && (existing.salt ?? undefined) !== flag.salt)
      problem(
        at('salt'),
        `is ${JSON.stringify(existing.salt)} on the server; a salt never changes (it would move every bucket)`,
      );
    const variants = new Set(variantsOf(flag).map((v) => v.key));
    if (variants.size === 0) problem(at('variants'), `a ${flag.type} flag needs variants`);
    for (const [env, config] of Object.entries(flag.environments)) {
      const envAt = (...rest: FieldPath) => at('environments', env, ...rest);
      if (!state.environments.includes(env))
        problem(
          envAt(),
          `project ${state.project} has no environment "${env}" (it has ${state.environments.join(', ')})`,
        );
      const checkVariant = (variant: string, path: FieldPath) => {
        if (!variants.has(variant)) problem(path, `flag ${flag.key} has no variant "${variant}"`);
      };
      checkVariant(config.offVariant, envAt('offVariant'));
      const checkServe = (
        serve: FlagsFile['flags'][number]['environments'][string]['defaultServe'],
        path: FieldPath,
      ) => {
        if ('variant' in serve) checkVariant(serve.variant, [...path, 'variant']);
        else serve.split.forEach((share, s) => checkVariant(share.variant, [...path, 'split', s, 'variant']));
      };
      checkServe(config.defaultServe, envAt('defaultServe'));
      const ruleIds = new Set<string>();
      config.rules.forEach((rule, r) => {
        if (ruleIds.has(rule.id)) problem(envAt('rules', r, 'id'), `rule id "${rule.id}" appears twice`);
        ruleIds.add(rule.id);
        checkServe(rule.serve, envAt('rules', r, 'serve'));
        rule.segments.forEach((segment, s) => {
          if (!knownSegments.has(segment))
            problem(envAt('rules', r, 'segments', s), `no segment "${segment}" in the file or on the server`);
        });
      });
      config.prerequisites.forEach((prerequisite, p) => {
        if (!knownFlags.has(prerequisite.flagKey))
          problem(envAt('prerequisites', p, 'flagKey'), `no live flag "${prerequisite.flagKey}"`);
        const parent = fileFlags.get(prerequisite.flagKey);
        const parentVariants = parent ? variantsOf(parent) : (state.flags.get(prerequisite.flagKey)?.variants ?? []);
        prerequisite.variants.forEach((variant, v) => {
          if (parentVariants.length > 0 && !parentVariants.some((pv) => pv.key === variant))
            problem(
              envAt('prerequisites', p, 'variants', v),
              `flag ${prerequisite.flagKey} has no variant "${variant}"`,
            );
        });
      });
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  // ---- segments ------------------------------------------------------------------------------
  for (const segment of file.segments) {
    const existing = state.segments.get(segment.key);
    if (!existing) {
      operations.push({ kind: 'segment.create', key: segment.key, body: { ...segment } });
      continue;
    }
    const changes = changesOf(SEGMENT_FIELDS, existing, segment);
    if (changes.length > 0)
      operations.push({
        kind: 'segment.update',
        key: segment.key,
        body: Object.fromEntries(changes.map((c) => [c.field, c.after])),
        changes,
      });
  }

  // ---- flags and their configurations --------------------------------------------------------
  const configReads: { flag: string; environment: string; body: ApiConfigBody }[] = [];
  for (const flag of file.flags) {
    const existing = state.flags.get(flag.key);
    const definition = {
      name: flag.name,
      description: flag.description,
      tags: flag.tags,
      clientSide: flag.clientSide,
      variants: variantsOf(flag),
    };
    if (!existing) {
      operations.push({
        kind: 'flag.create',
        key: flag.key,
        body: { key: flag.key, type: flag.type, ...(flag.salt ? { salt: flag.salt } : {}), ...definition },
      });
    } else {
      const changes = changesOf(FLAG_FIELDS, existing, definition);
      if (changes.length > 0)
        operations.push({
          kind: 'flag.update',
          key: flag.key,
          body: Object.fromEntries(changes.map((c) => [c.field, c.after])),
          changes,
        });
    }
    for (const [environment, config] of Object.entries(flag.environments))
      configReads.push({ flag: flag.key, environment, body: environmentToApi(config) });
  }
  const current = await mapLimit(configReads, 8, (read) =>
    state.flags.has(read.flag)
      ? readConfig(api, state.project, read.flag, read.environment)
      : Promise.resolve(undefined),
  );
  configReads.forEach((read, i) => {
    const before = current[i];
    const beforeBody = before?.body as unknown as Record<string, unknown> | undefined;
    const after = read.body as unknown as Record<string, unknown>;
    const changes = beforeBody
      ? changesOf(CONFIG_FIELDS, beforeBody, after)
      : CONFIG_FIELDS.map((field) => ({ field, before: undefined, after: after[field] }));
    if (changes.length > 0)
      operations.push({
        kind: 'config.replace',
        flag: read.flag,
        environment: read.environment,
        body: read.body,
        etag: before?.etag,
        changes,
      });
  });

  // ---- prune ---------------------------------------------------------------------------------
  if (options.prune) {
    for (const key of [...state.flags.keys()].sort())
      if (!fileFlags.has(key)) operations.push({ kind: 'flag.archive', key });
    for (const key of [...state.segments.keys()].sort())
      if (!fileSegments.has(key)) operations.push({ kind: 'segment.delete', key });
  }
  return { ok: true, operations };
}

/** A stable text of a value for diffs. */
export const show = (value: unknown) => (value === undefined ? '(absent)' : canonical(value));
