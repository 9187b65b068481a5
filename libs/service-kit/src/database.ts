import { DataSource, DataSourceOptions } from 'typeorm';

/** The schema a DataSource works in (its `schema` option), default `public`. */
export function dataSourceSchema(dataSource: DataSource): string {
  return ((dataSource.options as { schema?: string }).schema ?? 'public');
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the DataSource's schema if needed and runs its pending migrations, each in its own transaction, under a
 * PostgreSQL advisory lock keyed by the schema: two instances starting together migrate one after the other, and the
 * second finds nothing left to do. Returns the names of the migrations it ran.
 */
export async function runMigrationsWithLock(dataSource: DataSource): Promise<string[]> {
  const schema = dataSourceSchema(dataSource);
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    // Session-level lock on a dedicated connection: held across the migration transactions run on other connections.
    await lockRunner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`migrations:${schema}`]);
    try {
      await lockRunner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await lockRunner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`migrations:${schema}`]);
    }
  } finally {
    await lockRunner.release();
  }
}

/**
 * Fails when the entities and the migrated schema disagree: TypeORM's schema builder computes what `synchronize`
 * would run, and any query at all means a migration is missing or wrong. Call it after migrating (at start-up, in tests).
 */
export async function assertSchemaInSync(dataSource: DataSource): Promise<void> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length > 0) {
    const queries = sql.upQueries.map((q) => `  ${q.query}`).join('\n');
    throw new Error(`Database schema ${dataSourceSchema(dataSource)} is out of sync with the entities; a migration is missing:\n${queries}`);
  }
}

export interface PostgresOptions {
  url: string;
  schema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  /** Pool size; default 10. */
  poolSize?: number;
  applicationName?: string;
}

/**
 * TypeORM options every service uses: its own schema (also the connection's search_path, so migrations' raw SQL and
 * hand-written queries land there unqualified), the migrations table inside that schema, and never `synchronize`.
 */
export function postgresOptions(o: PostgresOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize: o.poolSize ?? 10,
    applicationName: o.applicationName,
    extra: { options: `-c search_path=${o.schema}` },
  } as DataSourceOptions;
}

/** Reverts the last applied migration under the same advisory lock as {@link runMigrationsWithLock}. */
export async function revertLastMigrationWithLock(dataSource: DataSource): Promise<void> {
  const schema = dataSourceSchema(dataSource);
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`migrations:${schema}`]);
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
    } finally {
      await lockRunner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`migrations:${schema}`]);
    }
  } finally {
    await lockRunner.release();
  }
}

/**
 * Body of a service's `migration:run` / `migration:revert` script: `node migrate.js run|revert` with the service's
 * standalone DataSource. `run` also checks the schema matches the entities. Exits 0 on success, 1 with the reason.
 */
export async function runMigrationCli(load: () => Promise<DataSource>, argv = process.argv.slice(2)): Promise<void> {
  const command = argv[0];
  let dataSource: DataSource | null = null;
  try {
    if (command !== 'run' && command !== 'revert') throw new Error('usage: migrate.js run|revert');
    dataSource = await load();
    await dataSource.initialize();
    if (command === 'run') {
      const ran = await runMigrationsWithLock(dataSource);
      process.stdout.write(ran.length ? `applied: ${ran.join(', ')}\n` : 'no pending migrations\n');
      await assertSchemaInSync(dataSource);
    } else {
      await revertLastMigrationWithLock(dataSource);
      process.stdout.write('reverted the last migration\n');
    }
    await dataSource.destroy();
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await dataSource?.destroy().catch(() => undefined);
    process.exit(1);
  }
}
