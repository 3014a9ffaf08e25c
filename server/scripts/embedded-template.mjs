// Writes dist/embedded-template: the pre-migrated PGlite data dir that an empty embedded data dir
// starts from (see src/db/embedded-template.ts), generated from prisma/migrations by the server's
// own migrator. Runs after `tsc -b` (it uses dist/) and skips the work when the template already
// holds exactly the current migrations for the installed PGlite.
import { buildTemplate, defaultTemplateDir, templateIsCurrent } from '../dist/db/embedded-template.js';
import { readMigrationFiles } from '../dist/db/migration-files.js';

const migrations = await readMigrationFiles();
if (!(await templateIsCurrent(defaultTemplateDir, migrations))) {
  const startedAt = performance.now();
  await buildTemplate(defaultTemplateDir, migrations);
  console.log(
    `embedded template: ${migrations.length} migration(s) in ${Math.round(performance.now() - startedAt)} ms`,
  );
}
