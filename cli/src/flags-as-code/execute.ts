import { seg, type ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { Operation } from './plan.js';
import { configPath, readConfig } from './server-state.js';

/** A write refused mid-apply: what was written before it, and why it stopped. */
export class ApplyStopped extends Error {
  override name = 'ApplyStopped';
  constructor(
    message: string,
    readonly applied: number,
    override readonly cause: ApiError,
  ) {
    super(message);
  }
}

/** The target of an operation, for people: `flag checkout@prod`. */
export function targetOf(op: Operation): string {
  switch (op.kind) {
    case 'segment.create':
    case 'segment.update':
    case 'segment.delete':
      return `segment ${op.key}`;
    case 'flag.create':
    case 'flag.update':
    case 'flag.archive':
      return `flag ${op.key}`;
    case 'config.replace':
      return `flag ${op.flag}@${op.environment}`;
  }
}

/**
 * Runs a plan's writes in order. Configurations are written with the If-Match read while planning,
 * so a change made on the server since is refused (412) rather than overwritten; the apply then
 * stops there.
 */
export async function executePlan(
  api: ApiClient,
  project: string,
  operations: Operation[],
  onDone: (op: Operation) => void = () => undefined,
): Promise<void> {
  const p = `/projects/${seg(project)}`;
  let applied = 0;
  for (const op of operations) {
    try {
      switch (op.kind) {
        case 'segment.create':
          await api.post(`${p}/segments`, op.body);
          break;
        case 'segment.update':
          await api.patch(`${p}/segments/${seg(op.key)}`, op.body);
          break;
        case 'segment.delete':
          await api.delete(`${p}/segments/${seg(op.key)}`);
          break;
        case 'flag.create':
          await api.post(`${p}/flags`, op.body);
          break;
        case 'flag.update':
          await api.patch(`${p}/flags/${seg(op.key)}`, op.body);
          break;
        case 'flag.archive':
          await api.post(`${p}/flags/${seg(op.key)}/archive`);
          break;
        case 'config.replace': {
          // A flag this apply created has no ETag from the plan: its fresh configuration's is read now.
          const etag = op.etag ?? (await readConfig(api, project, op.flag, op.environment)).etag;
          await api.request('PUT', configPath(project, op.flag, op.environment), { body: op.body, ifMatch: etag });
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const written = applied === 0 ? 'nothing was written' : `${applied} earlier change(s) were written`;
      const why =
        error.status === 412
          ? `${targetOf(op)} changed on the server after the plan was read; it was not overwritten`
          : `${targetOf(op)}: ${error.message}`;
      throw new ApplyStopped(`${why}. Apply stopped: ${written}; run apply again to see the new diff.`, applied, error);
    }
    applied++;
    onDone(op);
  }
}
