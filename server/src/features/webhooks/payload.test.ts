import { describe, expect, it } from 'vitest';
import { webhookBody, webhookMatches, type OutboxEvent } from './payload.js';

const created = new Date('2026-12-03T12:00:00Z');
const event: OutboxEvent = {
  id: 7n,
  auditEventId: 9n,
  projectId: 'p1',
  projectKey: 'shop',
  environment: 'production',
  eventType: 'flag_config.killed',
  targetType: 'flag_config',
  targetKey: 'checkout',
  actorKind: 'token',
  actorId: 't1',
  actor: 'deploy-bot',
  before: { enabled: true },
  after: { enabled: false },
  reason: 'errors',
  createdAt: new Date('2026-12-03T12:00:01Z'),
};
const hook = { projectId: null, environments: [], events: [], createdAt: created };

describe('webhookMatches', () => {
  it.each([
    ['no filters', {}, true],
    ['its project', { projectId: 'p1' }, true],
    ['another project', { projectId: 'p2' }, false],
    ['its environment', { environments: ['staging', 'production'] }, true],
    ['another environment', { environments: ['staging'] }, false],
    ['the exact type', { events: ['flag_config.killed'] }, true],
    ['a prefix', { events: ['flag_config.*'] }, true],
    ['a prefix that only starts alike', { events: ['flag.*'] }, false],
    ['star', { events: ['*'] }, true],
    ['another type', { events: ['flag_config.restored'] }, false],
    ['created after the event', { createdAt: new Date('2026-12-03T12:00:02Z') }, false],
  ])('%s', (_name, overrides, expected) => {
    expect(webhookMatches({ ...hook, ...overrides }, event)).toBe(expected);
  });

  it('an environment filter excludes changes outside environments', () => {
    expect(webhookMatches({ ...hook, environments: ['production'] }, { ...event, environment: null })).toBe(false);
  });
});

describe('webhookBody', () => {
  it('json: the change with keys, ids as strings', () => {
    expect(JSON.parse(webhookBody(event, 'json'))).toEqual({
      id: '7',
      type: 'flag_config.killed',
      createdAt: '2026-12-03T12:00:01.000Z',
      project: 'shop',
      environment: 'production',
      target: { type: 'flag_config', key: 'checkout' },
      actor: { kind: 'token', id: 't1', display: 'deploy-bot' },
      reason: 'errors',
      auditEventId: '9',
      before: { enabled: true },
      after: { enabled: false },
    });
  });

  it('slack: one { text } line', () => {
    expect(JSON.parse(webhookBody(event, 'slack'))).toEqual({
      text: '*flag_config.killed* flag_config `checkout` in shop/production by deploy-bot (errors)',
    });
  });
});
