/**
 * The flag model as it travels on the wire (snapshot and patch payloads) and as the server stores
 * it. Everything here is plain JSON: no classes, no Dates, so any language can produce and read it.
 * The exact semantics of every field are specified in `spec/README.md`.
 */

/** Any JSON value; the value type of `json` flags. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The value type a flag serves. `boolean` flags conventionally have variants `on` and `off`. */
export type FlagType = 'boolean' | 'string' | 'number' | 'json';

/** One of the values a flag can serve, addressed by its `key`. */
export interface Variant {
  key: string;
  value: JsonValue;
  /** Human-readable name; not used by evaluation. */
  name?: string;
}

/** String operators honour `caseInsensitive`; all operators honour `negate`. */
export type StringOperator = 'in' | 'not_in' | 'contains' | 'starts_with' | 'ends_with' | 'regex';
export type NumberOperator = 'num_eq' | 'num_gt' | 'num_gte' | 'num_lt' | 'num_lte';
export type DateOperator = 'date_before' | 'date_after';
export type SemverOperator = 'semver_eq' | 'semver_gt' | 'semver_gte' | 'semver_lt' | 'semver_lte';
export type Operator = StringOperator | NumberOperator | DateOperator | SemverOperator | 'cidr' | 'exists';

/**
 * A test of one context attribute. The condition matches when the operator holds for the attribute
 * and at least one of `values` (for `exists`, `values` is ignored). A missing attribute or one of the
 * wrong type never matches, whatever `negate` says (except `exists`, whose negation means "absent").
 */
export interface Condition {
  attribute: string;
  operator: Operator;
  /** Strings for string/date/semver/regex/cidr operators; numbers for number operators. */
  values: (string | number | boolean)[];
  /** Inverts the result of the operator on a present attribute of the right type. */
  negate?: boolean;
  /** For string operators (`in`, `not_in`, `contains`, `starts_with`, `ends_with`, `regex`). */
  caseInsensitive?: boolean;
}

/** A weighted share of a split; weights are basis points and sum to 10000 over a split. */
export interface WeightedVariant {
  variant: string;
  weight: number;
}

/** What a rule (or the fallthrough) serves: one variant, or a consistent-hash split. */
export type Serve =
  | { variant: string }
  | {
      split: WeightedVariant[];
      /** Attribute that identifies the unit for the split; default `userId`, then `sessionId`. */
      stickiness?: string;
    };

/** Limits a rule to a share of the units that match its conditions. */
export interface Rollout {
  /** Basis points: 0..10000 (10000 = 100%, 1 = 0.01%). */
  percentage: number;
  /** Attribute that identifies the unit; default `userId`, then `sessionId`. */
  stickiness?: string;
}

/** Targeting rule: all conditions AND all segments must match, then the rollout must include the unit. */
export interface Rule {
  /** Stable identifier, reported as `ruleId` in evaluation results. */
  id: string;
  description?: string;
  conditions: Condition[];
  /** Segment keys; each must match. */
  segments: string[];
  /** Absent = 100%. */
  rollout?: Rollout;
  serve: Serve;
}

/** The flag `flagKey` must evaluate to one of `variants` for this flag to be evaluated at all. */
export interface Prerequisite {
  flagKey: string;
  variants: string[];
}

/** A flag as one environment's SDKs see it: definition plus that environment's configuration. */
export interface Flag {
  key: string;
  type: FlagType;
  variants: Variant[];
  /** false = killed / off: serve `offVariant` with reason DISABLED. */
  enabled: boolean;
  offVariant: string;
  /** Served when no rule matches (reason DEFAULT, or STATIC when there are no rules, or SPLIT). */
  defaultServe: Serve;
  rules: Rule[];
  prerequisites: Prerequisite[];
  /** Hash salt; defaults to the flag key. Changing it reshuffles every rollout of the flag. */
  salt?: string;
  /** Configuration version in this environment (bumped on every change). */
  version: number;
  /** Exposed to client (browser) tokens. */
  clientSide?: boolean;
}

/** A reusable, named set of conditions (AND). */
export interface Segment {
  key: string;
  conditions: Condition[];
}

/** Current wire schema version of snapshots and patches. */
export const SCHEMA_VERSION = 1;

/** Everything an SDK needs to evaluate every flag of one environment. */
export interface Snapshot {
  schemaVersion: typeof SCHEMA_VERSION;
  projectKey: string;
  environmentKey: string;
  /** Monotonically increasing per environment; bumped by every change that affects the snapshot. */
  revision: number;
  flags: Flag[];
  segments: Segment[];
}

/** The change that takes a snapshot from `revision - 1` (or earlier) to `revision`. */
export interface SnapshotPatch {
  schemaVersion: typeof SCHEMA_VERSION;
  revision: number;
  /** Flags added or replaced, whole. */
  flags: Flag[];
  /** Keys of flags that left the snapshot (archived, deleted, no longer client-side). */
  deletedFlags: string[];
  segments: Segment[];
  deletedSegments: string[];
}

/** Attribute values a context may hold. */
export type ContextValue = string | number | boolean | string[];

/** The evaluation context: a flat object of attributes. `userId` / `sessionId` drive stickiness. */
export type EvaluationContext = Readonly<Record<string, ContextValue | undefined>>;
