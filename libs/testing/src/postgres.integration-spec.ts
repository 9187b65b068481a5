import { Client } from 'pg';
import { createTestDatabase, testPostgres } from './postgres';

describe('test PostgreSQL', () => {
  it('gives each suite its own database on a real server', async () => {
    const server = await testPostgres();
    try {
      const url = await createTestDatabase(server.url, 'harness');
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('select current_database() as db, version() as v');
      await client.end();
      expect(rows[0].db).toMatch(/^harness_/);
      expect(rows[0].v).toContain('PostgreSQL');
    } finally {
      await server.stop();
    }
  });
});
