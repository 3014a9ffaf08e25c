import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AuthError } from './exit-codes.js';

/** What `switchyard login` stores. */
export interface StoredConfig {
  url: string;
  token: string;
}

/** `$XDG_CONFIG_HOME/switchyard/config.json` (default `~/.config/switchyard/config.json`). */
export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'switchyard', 'config.json');
}

export function readStoredConfig(env: NodeJS.ProcessEnv): Partial<StoredConfig> {
  try {
    const value = JSON.parse(readFileSync(configPath(env), 'utf8')) as Partial<StoredConfig>;
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/** Writes the file readable by its owner only (0600): it holds a secret. */
export function writeStoredConfig(env: NodeJS.ProcessEnv, config: StoredConfig): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
  return path;
}

/** Flags win over SWITCHYARD_URL / SWITCHYARD_TOKEN, which win over the stored login. */
export function resolveCredentials(
  flags: { url?: string | undefined; token?: string | undefined },
  env: NodeJS.ProcessEnv,
): StoredConfig {
  const stored = readStoredConfig(env);
  const url = flags.url ?? env.SWITCHYARD_URL ?? stored.url;
  const token = flags.token ?? env.SWITCHYARD_TOKEN ?? stored.token;
  if (!url || !token)
    throw new AuthError(
      'not signed in: run `switchyard login --url <server> --token <token>`, or set SWITCHYARD_URL and SWITCHYARD_TOKEN',
    );
  return { url, token };
}
