import { randomBytes } from 'node:crypto';
import type { Actor } from '../../auth/principal.js';
import { inChangeTransaction, type ChangeDeps } from '../../changes/index.js';
import type { Config } from '../../config.js';
import type { Prisma, Webhook, WebhookDelivery } from '../../generated/prisma/client.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { enqueueJob } from '../../jobs/queue.js';
import { DELIVER_JOB, DELIVERY_ATTEMPTS, DELIVERY_BACKOFF_MS } from './fan-out.js';
import type { CreateWebhookBody, UpdateWebhookBody, WebhookView } from './schemas.js';
import { secretBoxOf } from './secret-box.js';
import { parseWebhookUrl } from './url-policy.js';

type WebhookRow = Webhook & { project: { key: string } | null };

/** Outgoing webhooks: CRUD (audited), their delivery log and redelivery. */
export class WebhookService {
  constructor(
    private readonly deps: ChangeDeps,
    private readonly config: Config,
    private readonly wake: () => void = () => {},
  ) {}

  async list(): Promise<WebhookView[]> {
    const rows = await this.deps.prisma.webhook.findMany({
      include: { project: { select: { key: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toView);
  }

  async get(id: string): Promise<WebhookView> {
    return toView(await this.#find(this.deps.prisma, id));
  }

  /** Creates a webhook with a new signing secret, returned this once. */
  async create(body: CreateWebhookBody, actor: Actor): Promise<WebhookView & { secret: string }> {
    const url = parseWebhookUrl(body.url, this.config.webhookDenyPrivate).toString();
    const box = await secretBoxOf(this.config);
    if (!box) {
      throw conflict(
        'Webhooks need SWITCHYARD_SECRET_KEY (32 random bytes, base64) to keep their signing secrets encrypted',
      );
    }
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    return inChangeTransaction(this.deps, async (tx, record) => {
      const projectId = await this.#projectId(tx, body.project);
      const row = await tx.webhook.create({
        data: {
          name: body.name,
          url,
          format: body.format,
          projectId,
          environments: unique(body.environments),
          events: unique(body.events),
          enabled: body.enabled,
          secretCiphertext: box.seal(secret),
          secretPrefix: secret.slice(0, 10),
        },
        include: { project: { select: { key: true } } },
      });
      // The fan-out sends events recorded since `created_at` (the database's clock, like the events'):
      // set it from that clock, not the client's.
      const [stamp] = await tx.$queryRaw<{ created_at: Date }[]>`
        UPDATE webhooks SET created_at = clock_timestamp() WHERE id = ${row.id}::uuid RETURNING created_at`;
      const view = toView({ ...row, createdAt: stamp!.created_at });
      await record({
        actor,
        projectId,
        action: 'webhook.created',
        targetType: 'webhook',
        targetKey: row.id,
        after: view,
      });
      return { ...view, secret };
    });
  }

  async update(id: string, body: UpdateWebhookBody, actor: Actor): Promise<WebhookView> {
    const url =
      body.url === undefined ? undefined : parseWebhookUrl(body.url, this.config.webhookDenyPrivate).toString();
    return inChangeTransaction(this.deps, async (tx, record) => {
      const before = toView(await this.#find(tx, id, true));
      const projectId = body.project === undefined ? undefined : await this.#projectId(tx, body.project);
      const row = await tx.webhook.update({
        where: { id },
        data: {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(url === undefined ? {} : { url }),
          ...(body.format === undefined ? {} : { format: body.format }),
          ...(projectId === undefined ? {} : { projectId }),
          ...(body.environments === undefined ? {} : { environments: unique(body.environments) }),
          ...(body.events === undefined ? {} : { events: unique(body.events) }),
          ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
        },
        include: { project: { select: { key: true } } },
      });
      const after = toView(row);
      await record({
        actor,
        projectId: row.projectId,
        action: 'webhook.updated',
        targetType: 'webhook',
        targetKey: id,
        before,
        after,
      });
      return after;
    });
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await inChangeTransaction(this.deps, async (tx, record) => {
      const before = await this.#find(tx, id, true);
      await tx.webhook.delete({ where: { id } });
      await record({
        actor,
        projectId: before.projectId,
        action: 'webhook.deleted',
        targetType: 'webhook',
        targetKey: id,
        before: toView(before),
      });
    });
  }

  /** The delivery log, newest first. */
  async deliveries(id: string, limit: number): Promise<WebhookDelivery[]> {
    await this.#find(this.deps.prisma, id);
    return this.deps.prisma.webhookDelivery.findMany({
      where: { webhookId: id },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /**
   * Sends a delivery's body again, as a new delivery (with its own attempts) that refers to it.
   * Audited (`webhook.redelivered`), so who resent what is on record.
   */
  async redeliver(id: string, deliveryId: string, actor: Actor): Promise<WebhookDelivery> {
    const created = await inChangeTransaction(this.deps, async (tx, record) => {
      const original = await tx.webhookDelivery.findFirst({
        where: { id: deliveryId, webhookId: id },
        include: { webhook: { select: { projectId: true } } },
      });
      if (!original) throw notFound(`Delivery '${deliveryId}' of webhook '${id}' not found`);
      const delivery = await tx.webhookDelivery.create({
        data: {
          webhookId: id,
          eventId: original.eventId,
          auditEventId: original.auditEventId,
          eventType: original.eventType,
          body: original.body,
          redeliveryOf: original.id,
        },
      });
      await enqueueJob(
        tx,
        DELIVER_JOB,
        { deliveryId: delivery.id },
        {
          uniqueKey: delivery.id,
          maxAttempts: DELIVERY_ATTEMPTS,
          backoffMs: DELIVERY_BACKOFF_MS,
        },
      );
      await record({
        actor,
        projectId: original.webhook.projectId,
        action: 'webhook.redelivered',
        targetType: 'webhook',
        targetKey: id,
        after: { delivery: delivery.id, redeliveryOf: original.id, eventType: original.eventType },
      });
      return delivery;
    });
    this.wake();
    return created;
  }

  async #find(tx: Prisma.TransactionClient, id: string, forUpdate = false): Promise<WebhookRow> {
    if (forUpdate) await tx.$queryRaw`SELECT id FROM webhooks WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await tx.webhook.findUnique({ where: { id }, include: { project: { select: { key: true } } } });
    if (!row) throw notFound(`Webhook '${id}' not found`);
    return row;
  }

  async #projectId(tx: Prisma.TransactionClient, key: string | null): Promise<string | null> {
    if (key === null) return null;
    const project = await tx.project.findUnique({ where: { key }, select: { id: true } });
    if (!project)
      throw badRequest(`Project '${key}' not found`, {
        issues: [{ path: 'body.project', message: 'no such project' }],
      });
    return project.id;
  }
}

function toView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    format: row.format,
    project: row.project?.key ?? null,
    environments: row.environments,
    events: row.events,
    enabled: row.enabled,
    secretPrefix: row.secretPrefix,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A delivery as the log shows it (the body is not repeated: it is the event, as sent). */
export function toDeliveryView(row: WebhookDelivery) {
  return {
    id: row.id,
    eventType: row.eventType,
    auditEventId: row.auditEventId.toString(),
    state: row.state,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    durationMs: row.durationMs,
    error: row.error,
    redeliveryOf: row.redeliveryOf,
    createdAt: row.createdAt.toISOString(),
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
