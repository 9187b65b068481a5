import { join } from 'node:path';
import { Client } from 'pg';
import { startBroker } from '@coupons/dev-broker';
import { startEmbeddedPostgres } from '@coupons/testing';
import { StackConfig } from './env';
import { preferredOrFreePort } from './ports';

/** Default ports of the embedded servers: used when free, so URLs stay the same from one start to the next. */
export const EMBEDDED_BROKER_PORT = 9092;
export const EMBEDDED_POSTGRES_PORT = 54329;
/** The database the services share under `npm start` (each in its own schema). */
export const EMBEDDED_DATABASE = 'coupons';

export interface Infrastructure {
  brokers: string;
  databaseUrl: string;
  /** What runs embedded, for the banner and for checks that nothing is left behind. */
  embedded: { broker?: { port: number; dataDir: string }; postgres?: { port: number; dataDir: string; runnerPid?: number } };
  /** Stops the broker, then PostgreSQL (external ones are left alone). */
  stop(): Promise<void>;
}

/** Starts (or points at) the broker and PostgreSQL. Everything started is stopped again if a later part fails. */
export async function startInfrastructure(config: StackConfig, log: (source: 'broker' | 'postgres', line: string) => void): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => log('broker', `stop failed: ${(e as Error).message}`));
    stops.length = 0;
  };
  const embedded: Infrastructure['embedded'] = {};
  try {
    let brokers = config.kafkaBrokers;
    if (!brokers) {
      const dataDir = join(config.dataDir, 'kafka');
      const broker = await startBroker({
        host: '127.0.0.1',
        port: await preferredOrFreePort(EMBEDDED_BROKER_PORT),
        dataDir,
        // As in production: services provision their topics with their retention; nothing appears by accident.
        autoCreateTopics: false,
        logger: (line) => log('broker', line),
      });
      stops.push(() => broker.close());
      brokers = broker.brokers;
      embedded.broker = { port: broker.port, dataDir };
    }

    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const dataDir = join(config.dataDir, 'postgres');
      const port = await preferredOrFreePort(EMBEDDED_POSTGRES_PORT);
      const pg = await startEmbeddedPostgres({ dataDir, port, ownProcessGroup: true, timeoutMs: 120_000 });
      stops.push(() => pg.stop());
      databaseUrl = await ensureDatabase(pg.url, EMBEDDED_DATABASE);
      embedded.postgres = { port, dataDir, runnerPid: pg.pid };
    }
    return { brokers, databaseUrl, embedded, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Creates the database on the server unless it exists; returns its URL. */
async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
