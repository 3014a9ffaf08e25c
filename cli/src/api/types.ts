/**
 * The admin API's shapes as the CLI uses them (the server's OpenAPI document at /docs/json is
 * the reference). Rollouts appear here as the REST API speaks them; src/api/rollout.ts is the one
 * place that converts them to and from the percent of files and command lines.
 */
import type { Condition, FlagType, Prerequisite, Variant } from '@switchyard/core';

export interface Project {
  key: string;
  name: string;
  description?: string;
  createdAt?: string;
}
export interface Environment {
  key: string;
  name: string;
  revision?: number;
}
export interface ProjectDetail extends Project {
  environments: Environment[];
}

export interface Flag {
  key: string;
  name: string;
  description: string;
  type: FlagType;
  variants: Variant[];
  tags: string[];
  clientSide: boolean;
  salt: string | null;
  archived: boolean;
  archivedAt?: string | null;
  lastEvaluatedAt?: string | null;
}
export interface FlagDetail extends Flag {
  environments: { environment: string; enabled: boolean; version: number; killed: boolean }[];
}
export interface FlagPage {
  items: Flag[];
  nextCursor: string | null;
}

/** A rollout as the REST API takes it: percent, 0–100 with two decimals. */
export interface ApiRollout {
  percent: number;
  stickiness?: string;
}
export interface ApiShare {
  variant: string;
  percent: number;
}
export type ApiServe = { variant: string } | { split: ApiShare[]; stickiness?: string };
export interface ApiRule {
  id: string;
  description?: string;
  conditions: Condition[];
  segments: string[];
  rollout?: ApiRollout;
  serve: ApiServe;
}
/** PUT body of a flag's configuration in one environment. */
export interface ApiConfigBody {
  enabled: boolean;
  offVariant: string;
  defaultServe: ApiServe;
  rules: ApiRule[];
  prerequisites: Prerequisite[];
}
export interface ApiConfig extends ApiConfigBody {
  environment: string;
  version: number;
  killed: boolean;
  killReason: string | null;
}

export interface Segment {
  key: string;
  name: string;
  description: string;
  conditions: Condition[];
  version?: number;
}

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  principal: { kind: string; id: string | null; display: string };
  action: string;
  project: string | null;
  target: { type: string; key: string };
  environment: string | null;
  reason: string | null;
}
export interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}
