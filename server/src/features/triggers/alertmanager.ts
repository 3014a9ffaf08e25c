import { z } from 'zod';

/**
 * Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Loose objects: fields Alertmanager adds later are ignored, not refused.
 */
const labelsSchema = z.record(z.string(), z.string());
const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelsSchema,
  annotations: labelsSchema.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
export const alertmanagerPayloadSchema = z
  .looseObject({
    version: z.literal('4').describe('Alertmanager webhook payload version (only 4 exists)'),
    groupKey: z.string(),
    truncatedAlerts: z.number().int().nonnegative().optional(),
    status: z.enum(['firing', 'resolved']).describe('firing: kill; resolved: restore when the trigger says so'),
    receiver: z.string(),
    groupLabels: labelsSchema,
    commonLabels: labelsSchema,
    commonAnnotations: labelsSchema,
    externalURL: z.string(),
    alerts: z.array(alertSchema).min(1).max(10_000),
  })
  .meta({ id: 'AlertmanagerWebhook' });
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** What an incoming call asks: kill, restore, or nothing (a resolve the trigger does not act on). */
export interface TriggerCommand {
  action: 'kill' | 'restore' | 'none';
  /** One line for the audit log: what the caller sent, summarised (the evidence). */
  summary: string;
  /** A restore that ends only a kill this trigger made (Alertmanager's resolve). */
  onlyOwnKill?: boolean;
}

/** Longest summary kept (the audit reason also carries the trigger's marker). */
export const MAX_SUMMARY_LENGTH = 900;
/** Alert names listed in a summary; the rest are counted. */
const MAX_NAMES = 5;

/**
 * Reads an Alertmanager notification: `firing` (at least one alert of the group fires) kills;
 * `resolved` (all resolved) restores only when the trigger has `restoreOnResolve`. The summary names
 * the alerts and the first summary/description annotation, so the audit log shows why.
 */
export function commandFromAlertmanager(payload: AlertmanagerPayload, restoreOnResolve: boolean): TriggerCommand {
  const relevant = payload.alerts.filter((alert) => alert.status === payload.status);
  const alerts = relevant.length > 0 ? relevant : payload.alerts;
  const names = [...new Set(alerts.map((alert) => alert.labels['alertname'] ?? '(unnamed)'))];
  const listed =
    names.slice(0, MAX_NAMES).join(', ') + (names.length > MAX_NAMES ? `, +${names.length - MAX_NAMES} more` : '');
  const annotations = { ...alerts[0]?.annotations, ...payload.commonAnnotations };
  const note = annotations['summary'] ?? annotations['description'];
  const truncated = payload.truncatedAlerts ? ` (+${payload.truncatedAlerts} truncated)` : '';
  const parts = [
    `Alertmanager ${payload.status}: ${listed}${note ? ` (${note})` : ''}`,
    `${alerts.length} alert${alerts.length === 1 ? '' : 's'}${truncated}`,
    `receiver '${payload.receiver}'`,
    `group ${payload.groupKey}`,
  ];
  if (payload.externalURL) parts.push(payload.externalURL);
  const summary = clip(parts.join('; '));
  if (payload.status === 'firing') return { action: 'kill', summary };
  return { action: restoreOnResolve ? 'restore' : 'none', summary, onlyOwnKill: true };
}

/** The generic body: `{ action, reason? }`. */
export const genericTriggerBodySchema = z
  .strictObject({
    action: z.enum(['kill', 'restore']),
    reason: z.string().trim().min(1, 'must not be empty').max(MAX_SUMMARY_LENGTH).optional(),
  })
  .meta({ id: 'TriggerCommand' });
export type GenericTriggerBody = z.infer<typeof genericTriggerBodySchema>;

export function commandFromGeneric(body: GenericTriggerBody): TriggerCommand {
  return { action: body.action, summary: clip(body.reason ?? `${body.action} requested through the trigger URL`) };
}

function clip(text: string): string {
  // NUL cannot be stored in Postgres text; control characters make log lines lie.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length <= MAX_SUMMARY_LENGTH ? clean : `${clean.slice(0, MAX_SUMMARY_LENGTH - 1)}…`;
}
