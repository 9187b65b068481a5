import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApacheKafkaCluster } from '@coupons/apache-kafka';
import { BrokerKind, brokerKindFromEnv, stackBroker } from './broker';
import { freePort } from './free-port';
import { createTestDatabase, startEmbeddedPostgres, testPostgres } from './postgres';
import { SERVICE_NAMES, ServiceName, ServiceProcess, serviceEnv, serviceScript, workspaceRoot } from './service-process';
import { RAISED_RATE_LIMITS } from './rate-limits';

export interface StackOptions {
  /** Which services to run (default: all four). */
  services?: ServiceName[];
  /** How many instances of each service (default 1). Extra instances start once the first one is healthy. */
  instances?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every service process (e.g. `{ LOG_LEVEL: 'debug' }`). */
  env?: Record<string, string>;
  /**
   * The stack's broker: the embedded one or Apache Kafka (a fresh single-node cluster for this stack). Default:
   * E2E_KAFKA, else embedded. Neither auto-creates topics: the services provision theirs, as in production.
   */
  kafka?: BrokerKind;
  /** Nodes of the stack's Apache Kafka cluster (default 1; 3 for fault tests: replication 3, min.insync.replicas 2). */
  kafkaBrokers?: 1 | 3;
  /** How long each process may take to answer /health (default 60 s). */
  healthTimeoutMs?: number;
  /** Keep the broker's log in this folder instead of in memory, so that {@link RunningStack.restartBroker} keeps data. */
  brokerDataDir?: string;
  /**
   * A PostgreSQL server of the stack's own instead of the shared test server (for tests that create cluster-wide
   * objects such as roles), and how each service's DATABASE_URL is made on it: called once with the server's admin
   * URL before any service starts. Default: every service in one fresh database of the shared server.
   */
  ownPostgres?: { databaseUrls: (serverUrl: string) => Promise<(service: ServiceName) => string> };
  /**
   * Services run as containers run them (ServiceProcess `isolated`): their env is exactly what serviceEnv and `env`
   * give, nothing inherited and no dev preload, and without INSTANCE_ID (a container has its hostname).
   */
  isolated?: boolean;
}

export interface RunningStack {
  /** URL of the first gateway instance, e.g. `http://127.0.0.1:41234`. */
  gatewayUrl: string;
  /** KAFKA_BROKERS of the stack's broker. */
  brokers: string;
  /** Which broker the stack runs on. */
  kafka: BrokerKind;
  /** The stack's Apache Kafka cluster, to kill -9 and restart its nodes; undefined on the embedded broker. */
  readonly kafkaCluster: ApacheKafkaCluster | undefined;
  /** The stack's own database (services use their default schemas in it); with `ownPostgres`, the server's admin URL. */
  databaseUrl: string;
  /** The secret the gateways verify tokens with (to mint or forge tokens in tests). */
  jwtSecret: string;
  /** Every service process, in start order. */
  processes: ServiceProcess[];
  /** One service process: `proc('wallet', 1)` is the second wallet instance. */
  proc(service: ServiceName, instance?: number): ServiceProcess;
  /** Folder holding one log file per process. */
  logDir: string;
  /** A bearer token from POST /v1/auth/dev-token. */
  devToken(userId: string, roles?: string[]): Promise<string>;
  /**
   * Stops the broker, waits `downMs`, and starts it again on the same port (and data dir: start the stack with
   * `brokerDataDir`, or every topic is lost). The services are left running: they must reconnect by themselves.
   */
  restartBroker(downMs?: number): Promise<void>;
  /** Stops every process, then the broker (and the PostgreSQL server when the stack started its own). */
  stop(): Promise<void>;
}

/**
 * Starts the system as it runs for real, each service a separate node process from dist/, over a broker of its own
 * (the embedded one or Apache Kafka, see {@link StackOptions.kafka}) and one PostgreSQL database, and waits until every /health answers 200.
 * Needs `npm run build` first. Each process writes its output to `tmp/e2e-logs/<run>/<service>-<n>.log`; a
 * process that does not become healthy fails the call with the tail of its log.
 */
export async function startStack(opts: StackOptions = {}): Promise<RunningStack> {
  const root = workspaceRoot();
  const services = opts.services ?? [...SERVICE_NAMES];
  for (const s of services) {
    const script = serviceScript(s, root);
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` before the end-to-end tests`);
  }
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const logDir = join(root, 'tmp', 'e2e-logs', runId);
  const jwtSecret = randomBytes(32).toString('hex');
  const healthTimeoutMs = opts.healthTimeoutMs ?? 60_000;

  const broker = await stackBroker(opts.kafka ?? brokerKindFromEnv(), { dataDir: opts.brokerDataDir, brokers: opts.kafkaBrokers });
  const pg = await (opts.ownPostgres ? startEmbeddedPostgres() : testPostgres()).catch(async (err) => {
    await broker.stop();
    throw err;
  });
  const processes: ServiceProcess[] = [];
  const restartBroker = (downMs = 1_000) => broker.restart(downMs);
  const stop = async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await broker.stop();
    await pg.stop();
  };

  try {
    const databaseUrl = opts.ownPostgres ? pg.url : await createTestDatabase(pg.url, 'e2e');
    const databaseUrlOf = opts.ownPostgres ? await opts.ownPostgres.databaseUrls(pg.url) : () => databaseUrl;
    const make = async (service: ServiceName, instance: number) => {
      const httpPort = await freePort();
      const label = instance === 0 ? service : `${service}#${instance}`;
      const env = {
        ...serviceEnv(service, {
          brokers: broker.brokers,
          databaseUrl: databaseUrlOf(service),
          httpPort,
          jwtSecret,
          authDevTokens: true,
          logLevel: 'info',
          instanceId: `${service}-${instance}`,
        }),
        ...(service === 'scan-gateway' ? RAISED_RATE_LIMITS : {}),
        ...opts.env,
      };
      // A container has its hostname, and listens on every address (HOST's default).
      if (opts.isolated) {
        delete env.INSTANCE_ID;
        delete env.HOST;
      }
      const p = new ServiceProcess({
        service,
        label,
        script: serviceScript(service, root),
        env,
        httpPort,
        output: { kind: 'file', path: join(logDir, `${service}-${instance}.log`) },
        isolated: opts.isolated,
      });
      processes.push(p);
      return p;
    };

    // First instances together (each migrates its own schema), then the extra ones, so two instances of one
    // service never race through the same migration.
    const first = [];
    for (const s of services) first.push(await make(s, 0));
    first.forEach((p) => p.start());
    await Promise.all(first.map((p) => p.waitHealthy(healthTimeoutMs)));
    const extra = [];
    for (const s of services) for (let i = 1; i < (opts.instances?.[s] ?? 1); i++) extra.push(await make(s, i));
    extra.forEach((p) => p.start());
    await Promise.all(extra.map((p) => p.waitHealthy(healthTimeoutMs)));

    const proc = (service: ServiceName, instance = 0) => {
      const found = processes.filter((p) => p.service === service)[instance];
      if (!found) throw new Error(`no instance ${instance} of ${service} in this stack`);
      return found;
    };
    const gateway = processes.find((p) => p.service === 'scan-gateway');
    const gatewayUrl = gateway?.url ?? '';
    return {
      gatewayUrl,
      brokers: broker.brokers,
      kafka: broker.kind,
      get kafkaCluster() { return broker.cluster; },
      databaseUrl,
      jwtSecret,
      processes,
      proc,
      logDir,
      restartBroker,
      devToken: (userId, roles = ['customer']) => {
        if (!gateway) throw new Error('this stack runs no scan-gateway');
        return mintDevToken(gateway.url, userId, roles);
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Asks a gateway (started with AUTH_DEV_TOKENS=true) for a token: POST /v1/auth/dev-token. */
export async function mintDevToken(gatewayUrl: string, userId: string, roles: string[] = ['customer'], merchantId?: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/v1/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, roles, ...(merchantId !== undefined ? { merchantId } : {}) }),
  });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 201) throw new Error(`POST /v1/auth/dev-token answered ${res.status}: ${text}`);
  const token = (JSON.parse(text) as { accessToken?: string }).accessToken;
  if (!token) throw new Error(`POST /v1/auth/dev-token gave no accessToken: ${text}`);
  return token;
}
