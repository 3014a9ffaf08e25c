import { parseJsonObject } from './json-object.js';
/**
 * The message announcing that access ended: tokens revoked, or environments deleted (with their
 * tokens, by cascade; deleting a project deletes all its environments). Published on
 * `switchyard:revocations` (see spec/sdk-protocol.md) by the replica that committed it; every
 * replica then forgets the tokens' cached verifications and ends their SDK streams.
 */
export interface RevocationMessage {
  /** Ids of revoked tokens. */
  tokenIds: string[];
  /** Ids of deleted environments: every token bound to one of them is gone. */
  environmentIds: string[];
}

/** Called for every revocation any replica published. */
export type RevocationListener = (message: RevocationMessage) => void;

/** Announces a revocation on this replica and the others (see `Revocations`); never rejects. */
export interface RevocationAnnouncer {
  announce(message: RevocationMessage): Promise<void>;
}

export const REVOCATIONS_CHANNEL = 'switchyard:revocations';

/** Parses a message received from the bus; null when it is not a revocation message. */
export function parseRevocationMessage(text: string): RevocationMessage | null {
  const value = parseJsonObject(text);
  if (value === null) return null;
  const { tokenIds, environmentIds } = value as Partial<Record<keyof RevocationMessage, unknown>>;
  const strings = (list: unknown) =>
    Array.isArray(list) && list.every((item) => typeof item === 'string') ? (list as string[]) : null;
  const tokens = strings(tokenIds ?? []);
  const environments = strings(environmentIds ?? []);
  if (!tokens || !environments) return null;
  return { tokenIds: tokens, environmentIds: environments };
}
