/**
 * Webhook signing secrets at rest. Unlike API tokens (stored as a hash: the server only compares),
 * the server must read a signing secret back to sign with it, so it is encrypted: AES-256-GCM
 * under the server's secret key (`SWITCHYARD_SECRET_KEY`, never in the database). A database dump
 * or backup alone does not reveal the secrets, and a tampered ciphertext fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config.js';

const VERSION = 'v1';

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox: the key must be 32 bytes');
  }

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url), with a fresh 12-byte IV. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
  }

  /** The plain text; throws when the value was not sealed with this key or was altered. */
  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined)
      throw new Error('SecretBox: not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * The server's secret key: `config.secretKey`; in embedded mode without it, `<dataDir>/secret.key`
 * (created with 32 random bytes, mode 0600, on first use). Undefined with PostgreSQL and no key:
 * replicas must share one key, which only the operator can give them all.
 */
export async function loadSecretKey(config: Config): Promise<Buffer | undefined> {
  if (config.secretKey) return config.secretKey;
  if (config.databaseUrl !== undefined) return undefined;
  const path = join(config.dataDir, 'secret.key');
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  // `wx`: two processes starting at once cannot both write one (the loser reads the winner's).
  await writeFile(path, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  await chmod(path, 0o600);
  return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
}

const boxes = new WeakMap<Config, Promise<SecretBox | undefined>>();

/** The app's SecretBox (one per configuration, key loaded once); undefined when there is no key. */
export function secretBoxOf(config: Config): Promise<SecretBox | undefined> {
  let box = boxes.get(config);
  if (!box) {
    box = loadSecretKey(config).then((key) => (key ? new SecretBox(key) : undefined));
    box.catch(() => boxes.delete(config));
    boxes.set(config, box);
  }
  return box;
}
