/** An event_outbox row as the fan-out reads it (with its project's key). */
export interface OutboxEvent {
  id: bigint;
  auditEventId: bigint;
  projectId: string | null;
  projectKey: string | null;
  environment: string | null;
  eventType: string;
  targetType: string;
  targetKey: string;
  actorKind: string;
  actorId: string | null;
  actor: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  createdAt: Date;
}

/**
 * The body POSTed for `event`. `json`: the change as the audit log has it, keys rather than ids.
 * `slack`: `{ text }`, which Slack's incoming webhooks (and Mattermost, Rocket.Chat, Teams'
 * Slack-compatible connectors) show as a message.
 */
export function webhookBody(event: OutboxEvent, format: 'json' | 'slack'): string {
  if (format === 'slack') return JSON.stringify({ text: slackText(event) });
  return JSON.stringify({
    id: event.id.toString(),
    type: event.eventType,
    createdAt: event.createdAt.toISOString(),
    project: event.projectKey,
    environment: event.environment,
    target: { type: event.targetType, key: event.targetKey },
    actor: { kind: event.actorKind, id: event.actorId, display: event.actor },
    reason: event.reason,
    auditEventId: event.auditEventId.toString(),
    before: event.before ?? null,
    after: event.after ?? null,
  });
}

function slackText(event: OutboxEvent): string {
  const where = [event.projectKey, event.environment].filter((part) => part !== null).join('/');
  const reason = event.reason ? ` (${event.reason})` : '';
  return `*${event.eventType}* ${event.targetType} \`${event.targetKey}\`${where ? ` in ${where}` : ''} by ${event.actor}${reason}`;
}

/**
 * True when a webhook's filters select `event`: recorded since the webhook exists (a new webhook
 * does not receive the backlog the outbox may still hold), and of its project, environments and
 * event types (`events` entries are exact types, `prefix.*` or `*`).
 */
export function webhookMatches(
  webhook: { projectId: string | null; environments: readonly string[]; events: readonly string[]; createdAt: Date },
  event: Pick<OutboxEvent, 'projectId' | 'environment' | 'eventType' | 'createdAt'>,
): boolean {
  if (event.createdAt < webhook.createdAt) return false;
  if (webhook.projectId !== null && webhook.projectId !== event.projectId) return false;
  if (
    webhook.environments.length > 0 &&
    (event.environment === null || !webhook.environments.includes(event.environment))
  ) {
    return false;
  }
  if (webhook.events.length === 0) return true;
  return webhook.events.some((pattern) =>
    pattern === '*'
      ? true
      : pattern.endsWith('.*')
        ? event.eventType.startsWith(pattern.slice(0, -1))
        : pattern === event.eventType,
  );
}
