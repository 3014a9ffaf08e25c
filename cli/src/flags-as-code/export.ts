import type { ApiClient } from '../api/client.js';
import { stringify } from 'yaml';
import { environmentFromApi, flagFromApi, segmentFromApi } from './convert.js';
import { FILE_VERSION, type FileEnvironment, type FlagsFile } from './file-schema.js';
import { mapLimit, readConfig, readServerState } from './server-state.js';

/** A project's live flags and segments as a flags file (the format `apply` reads). */
export async function exportProject(api: ApiClient, project: string): Promise<FlagsFile> {
  const state = await readServerState(api, project);
  const flags = [...state.flags.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const pairs = flags.flatMap((flag) => state.environments.map((environment) => ({ flag: flag.key, environment })));
  const configs = await mapLimit(pairs, 8, (pair) => readConfig(api, project, pair.flag, pair.environment));
  const byFlag = new Map<string, Record<string, FileEnvironment>>();
  pairs.forEach((pair, i) => {
    const envs = byFlag.get(pair.flag) ?? {};
    envs[pair.environment] = environmentFromApi(configs[i]!.body);
    byFlag.set(pair.flag, envs);
  });
  return {
    version: FILE_VERSION,
    project,
    segments: [...state.segments.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map(segmentFromApi),
    flags: flags.map((flag) => flagFromApi(flag, byFlag.get(flag.key) ?? {})),
  };
}

export function formatFlagsFile(file: FlagsFile, format: 'yaml' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(file, null, 2)}\n`;
  return `# Switchyard flags-as-code: switchyard apply -f <this file>\n${stringify(file, { lineWidth: 0 })}`;
}
