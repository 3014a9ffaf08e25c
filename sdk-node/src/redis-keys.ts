/*
 * Names the flag server uses in Redis (server/src/propagation/change-message.ts; the protocol is in
 * spec/sdk-protocol.md). Duplicated on purpose: the SDK must not depend on the server package.
 */

/** Channel on which every committed change of one environment is announced. */
export function changesChannel(projectKey: string, environmentKey: string): string {
  return `switchyard:changes:${projectKey}:${environmentKey}`;
}

/** Key holding one environment's full (server-view) snapshot JSON. */
export function snapshotKey(projectKey: string, environmentKey: string): string {
  return `switchyard:snapshot:${projectKey}:${environmentKey}`;
}

/** The revision announced by a change message, or undefined when the text is not one. */
export function announcedRevision(text: string): number | undefined {
  try {
    const message = JSON.parse(text) as { revision?: unknown };
    return typeof message.revision === 'number' && Number.isSafeInteger(message.revision)
      ? message.revision
      : undefined;
  } catch {
    return undefined;
  }
}
