import { afterAll, beforeAll, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';

/**
 * Changes this replica commits are published right away and their outbox rows marked in batches
 * shortly after; the drain marks what is pending before it looks for unpublished rows, so nothing
 * is published twice and nothing stays unmarked.
 */
let server: ListeningApp;

beforeAll(async () => {
  // No poll: only the explicit drain below runs.
  server = await startListeningApp({ propagation: { outboxPollMs: 3_600_000 } });
  await server.api.createProject('marks');
  await server.api.createEnvironment('marks', 'prod');
  await server.api.createFlag('marks', 'f');
});
afterAll(() => server?.close());

const published = async () => (await server.app.propagation.metrics.messagesPublished.get()).values[0]?.value ?? 0;

it('publishes each change once and leaves no row unmarked', async () => {
  const { prisma } = server.db;
  const { publisher } = server.app.propagation;
  await publisher.drain();
  const before = await published();
  const toggles = 6;
  for (let i = 0; i < toggles; i++) await server.api.toggle('marks', 'f', 'prod', i % 2 === 0);
  await expect.poll(published, { interval: 1 }).toBe(before + toggles);
  // Right away, while the last marks may still be pending: the drain must not publish them again.
  await publisher.drain();
  expect(await prisma.changeOutbox.count({ where: { publishedAt: null } })).toBe(0);
  expect(await published()).toBe(before + toggles);
});
