import { once } from 'node:events';
import { InMemStorageProvider, Unleash } from 'unleash-client';

/* eslint-disable @typescript-eslint/no-explicit-any -- Unleash export JSON, read field by field */

/**
 * The client API response (`/api/client/features`) that an Unleash server would send for one
 * environment of an admin export: what an Unleash SDK evaluates.
 */
export function clientFeatures(adminExport: any, environment: string) {
  const features = adminExport.features
    .filter((f: any) => !f.archived)
    .map((f: any) => {
      const env = adminExport.featureEnvironments.find(
        (e: any) => e.featureName === f.name && e.environment === environment,
      );
      const strategies = adminExport.featureStrategies
        .filter((s: any) => s.featureName === f.name && s.environment === environment && !s.disabled)
        .sort((a: any, b: any) => a.sortOrder - b.sortOrder)
        .map((s: any) => ({
          name: s.name,
          parameters: s.parameters,
          constraints: s.constraints,
          segments: s.segments,
          variants: s.variants,
        }));
      const dependencies = adminExport.dependencies.find((d: any) => d.feature === f.name)?.dependencies;
      return {
        name: f.name,
        type: f.type,
        description: f.description,
        project: f.project,
        enabled: env?.enabled ?? false,
        stale: f.stale,
        impressionData: f.impressionData,
        strategies,
        variants: env?.variants ?? [],
        ...(dependencies ? { dependencies } : {}),
      };
    });
  return { version: 2, features, segments: adminExport.segments };
}

/** An Unleash SDK (unleash-client) that never touches the network, bootstrapped with `client`. */
export async function offlineUnleash(client: { features: unknown[]; segments: unknown[] }): Promise<Unleash> {
  const unleash = new Unleash({
    appName: 'switchyard-import-test',
    url: 'http://127.0.0.1:9/api/', // never contacted: refreshInterval 0 and disableMetrics
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: client.features as never, segments: client.segments as never },
  });
  unleash.on('error', (error) => {
    throw error;
  });
  if (!unleash.isSynchronized()) await once(unleash, 'synchronized');
  return unleash;
}
