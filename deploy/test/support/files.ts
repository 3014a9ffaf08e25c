import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Repository root (deploy/test/support -> ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Kubernetes manifests folder. */
export const KUBERNETES_DIR = join(REPO_ROOT, 'deploy', 'kubernetes');

/** Kustomize entry points that are rendered and checked. */
export const KUSTOMIZATIONS = {
  base: join(KUBERNETES_DIR, 'base'),
  production: join(KUBERNETES_DIR, 'overlays', 'production'),
  canary: join(KUBERNETES_DIR, 'overlays', 'canary'),
} as const;

export type KustomizationName = keyof typeof KUSTOMIZATIONS;

/** Absolute path of a repository file. */
export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

/** Path relative to the repository root, for messages. */
export function relativePath(path: string): string {
  return relative(REPO_ROOT, path);
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Parses every YAML document in `text` strictly: duplicate keys and syntax errors throw, with the
 * source name in the message. `merge` enables `<<:` keys (compose uses them).
 */
export function parseYamlDocuments(text: string, source: string, options: { merge?: boolean } = {}): unknown[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true, merge: options.merge ?? false, prettyErrors: true });
  const docs = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${source}: ${problems.map((p) => p.message).join('; ')}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** Parses a YAML file that holds exactly one document. */
export function readYamlFile(path: string, options: { merge?: boolean } = {}): unknown {
  const docs = parseYamlDocuments(readText(path), relativePath(path), options);
  if (docs.length !== 1) throw new Error(`${relativePath(path)}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

/** Every .yaml/.yml file below `dir`, sorted. */
export function listYamlFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(join(entry.parentPath, entry.name));
  }
  return found.sort();
}
