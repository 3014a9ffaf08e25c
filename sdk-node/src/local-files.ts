import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Snapshot } from '@switchyard/core';

/**
 * The `bootstrap` option as a value: the object itself, or the JSON in the file it names. Read
 * synchronously: it runs once, at start-up, so that evaluation works from the first call.
 * Unreadable or unparseable → `undefined` plus the reason (the store validates the shape).
 */
export function readBootstrap(bootstrap: Snapshot | string | undefined): { value: unknown; error?: Error } {
  if (bootstrap === undefined) return { value: undefined };
  if (typeof bootstrap !== 'string') return { value: bootstrap };
  try {
    return { value: JSON.parse(readFileSync(bootstrap, 'utf8')) };
  } catch (error) {
    return {
      value: undefined,
      error: new Error(`Switchyard: cannot read bootstrap file ${bootstrap}: ${message(error)}`),
    };
  }
}

/**
 * The last good snapshot, kept in a file so a restart while the server is unreachable still
 * serves real flags. Writes go to a temporary file in the same directory and are renamed over
 * the target, so a crash mid-write never leaves half a snapshot; writes are serialized and only
 * the newest pending snapshot is written.
 */
export class SnapshotFile {
  readonly #path: string;
  #writing: Promise<void> | undefined;
  #pending: Snapshot | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  /** The file's content, parsed (unvalidated), or `undefined` when absent or unreadable. */
  async load(): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Queues `snapshot` for writing; resolves when it (or a newer one) is on disk. */
  save(snapshot: Snapshot): Promise<void> {
    this.#pending = snapshot;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  /** Waits for writes in progress. */
  async flush(): Promise<void> {
    await this.#writing;
  }

  async #drain(): Promise<void> {
    while (this.#pending) {
      const snapshot = this.#pending;
      this.#pending = undefined;
      await writeAtomically(this.#path, JSON.stringify(snapshot));
    }
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flush: true });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
