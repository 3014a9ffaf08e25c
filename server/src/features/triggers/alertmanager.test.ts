import { describe, expect, it } from 'vitest';
import {
  alertmanagerPayloadSchema,
  commandFromAlertmanager,
  commandFromGeneric,
  MAX_SUMMARY_LENGTH,
} from './alertmanager.js';
import { alertmanagerPayload } from '../../../test/helpers/alertmanager-payload.js';

const parse = (value: unknown) => alertmanagerPayloadSchema.parse(value);

describe('commandFromAlertmanager', () => {
  const cases: {
    name: string;
    status: 'firing' | 'resolved';
    restoreOnResolve: boolean;
    action: 'kill' | 'restore' | 'none';
  }[] = [
    { name: 'firing kills', status: 'firing', restoreOnResolve: false, action: 'kill' },
    { name: 'firing kills (restoreOnResolve)', status: 'firing', restoreOnResolve: true, action: 'kill' },
    {
      name: 'resolved does nothing without restoreOnResolve',
      status: 'resolved',
      restoreOnResolve: false,
      action: 'none',
    },
    { name: 'resolved restores with restoreOnResolve', status: 'resolved', restoreOnResolve: true, action: 'restore' },
  ];
  it.each(cases)('$name', ({ status, restoreOnResolve, action }) => {
    expect(commandFromAlertmanager(parse(alertmanagerPayload(status)), restoreOnResolve).action).toBe(action);
  });

  it('a resolve restores only a kill the trigger made itself', () => {
    expect(commandFromAlertmanager(parse(alertmanagerPayload('resolved')), true).onlyOwnKill).toBe(true);
  });

  it('summarises the alert names, the summary annotation, the receiver and the group as evidence', () => {
    const { summary } = commandFromAlertmanager(parse(alertmanagerPayload('firing')), false);
    expect(summary).toBe(
      "Alertmanager firing: HighErrorRate (error rate 12% > 5%); 1 alert; receiver 'switchyard'; " +
        'group {}:{alertname="HighErrorRate"}; http://alertmanager.example:9093',
    );
  });

  it('lists at most five names and counts the rest; names only the alerts in the group status', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((name) => ({ name }));
    const payload = alertmanagerPayload('firing', names);
    (payload['alerts'] as { status: string }[])[6]!.status = 'resolved';
    const { summary } = commandFromAlertmanager(parse(payload), false);
    expect(summary).toMatch(/^Alertmanager firing: A, B, C, D, E, \+1 more; 6 alerts;/);
  });

  it('clips a huge annotation and strips control characters', () => {
    const payload = alertmanagerPayload('firing', [{ name: 'X', summary: `line1\nline2\u0000${'y'.repeat(5000)}` }]);
    const { summary } = commandFromAlertmanager(parse(payload), false);
    expect(summary.length).toBe(MAX_SUMMARY_LENGTH);
    expect([...summary].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
  });

  it.each([
    ['version 3', { ...alertmanagerPayload('firing'), version: '3' }],
    ['no alerts', { ...alertmanagerPayload('firing'), alerts: [] }],
    ['unknown status', { ...alertmanagerPayload('firing'), status: 'pending' }],
    ['labels not strings', { ...alertmanagerPayload('firing'), commonLabels: { a: 1 } }],
  ])('refuses a malformed payload: %s', (_name, payload) => {
    expect(alertmanagerPayloadSchema.safeParse(payload).success).toBe(false);
  });
});

describe('commandFromGeneric', () => {
  it('takes the action and the reason, or a default reason', () => {
    expect(commandFromGeneric({ action: 'kill', reason: 'p99 over budget' })).toEqual({
      action: 'kill',
      summary: 'p99 over budget',
    });
    expect(commandFromGeneric({ action: 'restore' }).summary).toBe('restore requested through the trigger URL');
  });
});
