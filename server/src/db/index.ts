export { openDatabase, type Database, type OpenDatabaseOptions } from './client.js';
export { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migration-files.js';
export { MigrationError, type MigrateResult } from './migrator.js';
export { queryRows } from './direct-query.js';
export { PREPARE } from './prepared-statements.js';
export { isDatabaseUnavailable } from './unavailable.js';
