import type { FastifyInstance } from 'fastify';
import { PermanentJobError, type JobHandler } from '../../jobs/runner.js';
import { DELIVER_JOB } from './fan-out.js';
import { postJson } from './post.js';
import type { SecretBox } from './secret-box.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** How long a receiver may take to answer one delivery. */
const TIMEOUT_MS = 10_000;

/**
 * The delivery job: POSTs the stored body, signed with the webhook's secret at the current time,
 * and records the attempt in the delivery log. A 2xx answer succeeds; anything else (status,
 * timeout, connection error) fails the attempt, which the queue retries with backoff until the
 * last one, after which the delivery is `failed`. A refused address fails at once.
 */
export function webhookDeliveryJob(
  app: FastifyInstance,
  box: () => Promise<SecretBox | undefined>,
): JobHandler<{ deliveryId: string }> {
  const prisma = app.db.prisma;
  return {
    name: DELIVER_JOB,
    async run({ deliveryId }, context) {
      const delivery = await prisma.webhookDelivery.findUnique({
        where: { id: deliveryId },
        include: { webhook: true },
      });
      if (!delivery) return; // its webhook was deleted
      const secrets = await box();
      if (!secrets) throw new Error('no secret key to open the webhook secret with (SWITCHYARD_SECRET_KEY)');
      const secret = secrets.open(delivery.webhook.secretCiphertext);
      // The receiver compares the signed timestamp with ITS clock: the wall clock, not the tick's.
      const timestamp = Math.floor(Date.now() / 1000);
      const outcome = await postJson(new URL(delivery.webhook.url), delivery.body, {
        headers: {
          [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, delivery.body),
          'user-agent': 'Switchyard-Webhooks/1',
          'switchyard-delivery': delivery.id,
          'switchyard-event': delivery.eventType,
        },
        timeoutMs: TIMEOUT_MS,
        denyPrivate: app.config.webhookDenyPrivate,
      });
      const succeeded = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
      const error = succeeded ? null : (outcome.error ?? `HTTP ${outcome.status}`);
      const final = succeeded || outcome.refused || context.lastAttempt;
      await prisma.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          state: succeeded ? 'succeeded' : final ? 'failed' : 'pending',
          attempts: context.attempt,
          responseStatus: outcome.status,
          durationMs: outcome.durationMs,
          error,
          lastAttemptAt: context.now,
        },
      });
      if (outcome.refused) throw new PermanentJobError(error!);
      if (!succeeded) throw new Error(`webhook delivery ${delivery.id}: ${error}`);
    },
  };
}
