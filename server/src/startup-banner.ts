import { readFileSync } from 'node:fs';
import type { AdminTokenBootstrap } from './features/tokens/bootstrap.js';

/** What the server knows once it listens, for the start-up banner. */
export interface StartupFacts {
  url: string;
  /** Where the console's links point (SWITCHYARD_PUBLIC_URL), when set. */
  publicUrl: string | undefined;
  mode: 'embedded' | 'postgres';
  dataDir: string;
  version: string;
  startMs: number;
  seeded: boolean;
  bootstrap: AdminTokenBootstrap;
  setupToken: string | null;
}

/** The part of pino's logger the banner needs. */
export interface InfoLogger {
  info(fields: object, message: string): void;
}

/**
 * The server package's version (server/package.json, one folder up from src/ and dist/ alike);
 * "unknown" when it cannot be read (a copied bundle without its manifest).
 */
export function serverVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The one structured line for log pipelines: where and how the server runs. Never a secret:
 * the admin token appears only as how it came to be, the set-up token only as "pending".
 */
export function startupLogFields(facts: StartupFacts): Record<string, unknown> {
  return {
    event: 'server.started',
    url: facts.url,
    publicUrl: facts.publicUrl ?? null,
    mode: facts.mode,
    ...(facts.mode === 'embedded' ? { dataDir: facts.dataDir } : {}),
    version: facts.version,
    node: process.versions.node,
    startMs: Math.round(facts.startMs),
    demoSeeded: facts.seeded,
    adminToken: facts.bootstrap.outcome,
    ownerSetupPending: facts.setupToken !== null,
  };
}

/** The human lines printed on stdout (the admin token and set-up link are shown only here, once). */
export function bannerLines(facts: StartupFacts): string[] {
  const { url } = facts;
  const mode = facts.mode === 'embedded' ? `embedded (PGlite in ${facts.dataDir})` : 'postgres';
  const lines = [
    `Switchyard ${facts.version} is up in ${Math.round(facts.startMs)} ms`,
    `  mode:        ${mode}`,
    `  URL:         ${url}  (the web console)`,
    `  API docs:    ${url}/docs`,
  ];
  if (facts.seeded) lines.push(`  demo:        project 'demo' seeded (development, production)`);
  const { bootstrap } = facts;
  if (bootstrap.outcome === 'generated') {
    lines.push(`  admin token: ${bootstrap.secret}`);
    lines.push('               (shown once: store it now; set SWITCHYARD_ADMIN_TOKEN to choose your own;');
    lines.push(`               or paste it in the console, under "Use an API token instead")`);
    if (bootstrap.configuredWasRevoked)
      lines.push('               (SWITCHYARD_ADMIN_TOKEN is revoked and was not used)');
  } else if (bootstrap.outcome === 'configured') {
    lines.push('  admin token: the value of SWITCHYARD_ADMIN_TOKEN (stored now)');
  }
  if (facts.setupToken !== null) {
    const publicUrl = facts.publicUrl ?? url;
    lines.push(`  Create the first owner: ${publicUrl}/setup#token=${facts.setupToken}`);
    lines.push('               (one-time, valid 24 h, a new one at each start until an owner exists; or');
    lines.push(`               POST ${publicUrl}/api/v1/setup {"token", "email", "password", "displayName"})`);
  }
  return lines;
}

/**
 * Announces the start: one structured info line on the log (for machines; at LOG_LEVEL=silent,
 * none) and the human banner on `out` (for the person who ran it; always printed, as it carries the
 * one-time admin token).
 */
export function announceStartup(facts: StartupFacts, log: InfoLogger, out: { write(text: string): unknown }): void {
  log.info(startupLogFields(facts), `Switchyard ${facts.version} listening on ${facts.url}`);
  out.write(`${bannerLines(facts).join('\n')}\n`);
}
