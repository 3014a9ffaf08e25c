import type { Actor } from '../../auth/principal.js';
import type { RecordFn } from '../../changes/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import * as store from './store.js';
import { tokenNameKey } from './token-names.js';

/**
 * Recomputes every active token's name key with `tokenNameKey`, for keys written by something
 * else: the migration that added them (an SQL approximation), or an older version of the rule
 * (e.g. older Unicode confusables data). Active tokens whose names turn out to look alike keep the
 * oldest one's name; the others are renamed `<name> [<id>]`, audited as `actor`'s. Call it in a
 * change transaction; it blocks token writes until that ends. Returns how many keys changed.
 */
export async function refreshTokenNameKeys(tx: Prisma.TransactionClient, record: RecordFn, actor: Actor) {
  await store.lockTokenWrites(tx);
  const rows = await store.listActiveTokenNames(tx);
  const taken = new Set<string>();
  const changes: { id: string; projectId: string | null; oldName: string; name: string; nameKey: string }[] = [];
  for (const row of rows) {
    let name = row.name;
    let nameKey = tokenNameKey(name);
    if (taken.has(nameKey)) {
      name = `${row.name} [${row.id}]`;
      nameKey = tokenNameKey(name);
    }
    taken.add(nameKey);
    if (nameKey !== row.nameKey || name !== row.name) {
      changes.push({ id: row.id, projectId: row.projectId, oldName: row.name, name, nameKey });
    }
  }
  // Two steps: a token may take the key another one still holds, and the unique index checks
  // every row at once, not at the end of the statement.
  for (const change of changes) {
    await store.setTokenName(tx, change.id, { name: change.oldName, nameKey: `refreshing ${change.id}` });
  }
  for (const change of changes) {
    await store.setTokenName(tx, change.id, { name: change.name, nameKey: change.nameKey });
    if (change.name === change.oldName) continue;
    await record({
      actor,
      projectId: change.projectId,
      action: 'token.renamed',
      targetType: 'token',
      targetKey: change.id,
      before: { name: change.oldName },
      after: { name: change.name },
      reason: 'Another active token had a name that looks the same; active token names are unique',
    });
  }
  return changes.length;
}
