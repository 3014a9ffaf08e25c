import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { createGuardRegistry, type GuardRegistry } from './guards/index.js';

/** By config object: the routes (a child plugin instance) and the job (the root app) share one. */
const registries = new WeakMap<Config, GuardRegistry>();

/** The app's guard registry, made once from its config (Prometheus URL, the webhooks' address policy). */
export function guardRegistryOf(app: FastifyInstance): GuardRegistry {
  let registry = registries.get(app.config);
  if (!registry) {
    registry = createGuardRegistry({
      prometheusUrl: app.config.prometheusUrl,
      denyPrivate: app.config.webhookDenyPrivate,
    });
    registries.set(app.config, registry);
  }
  return registry;
}
