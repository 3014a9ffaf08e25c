import { defineConfig } from 'prisma/config';

// The CLI reads this; the server builds its own adapter at run time (see server/src/db).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test' },
});
