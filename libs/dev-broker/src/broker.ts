import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LogStore } from './log/log-store';
import { GroupCoordinator } from './group/coordinator';
import { OffsetStore } from './group/offset-store';
import { Connection } from './server/connection';
import { handleFrame, type BrokerContext } from './server/handlers';

export interface BrokerOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** where logs and committed offsets live; required unless inMemory */
  dataDir?: string;
  inMemory?: boolean;
  /** partitions of auto-created topics (default 3) */
  defaultPartitions?: number;
  /** create unknown topics on Metadata requests (default true) */
  autoCreateTopics?: boolean;
  logger?: (line: string) => void;
  /** advanced: memory budget per partition for batches that are also on disk (default 32 MB) */
  cacheBytesPerPartition?: number;
  /** advanced: size at which a partition starts a new segment file (default 256 MB) */
  segmentBytes?: number;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** "host:port", ready for a client's brokers list */
  brokers: string;
  close(): Promise<void>;
}

const NODE_ID = 1;

/** Starts a single-node broker that speaks the Kafka wire protocol (development and tests only). */
export async function startBroker(opts: BrokerOptions = {}): Promise<RunningBroker> {
  const inMemory = opts.inMemory ?? false;
  if (!inMemory && !opts.dataDir) throw new Error('startBroker: dataDir is required unless inMemory is set');
  const dataDir = inMemory ? undefined : opts.dataDir;
  const host = opts.host ?? '127.0.0.1';
  const log = opts.logger ?? ((line: string) => process.stderr.write(`[dev-broker] ${line}\n`));
  const defaultPartitions = opts.defaultPartitions ?? 3;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) throw new Error('startBroker: defaultPartitions must be a positive integer');

  const releaseLock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let store: LogStore;
  let offsets: OffsetStore;
  try {
    store = new LogStore(dataDir, log, opts.cacheBytesPerPartition, opts.segmentBytes);
    store.open();
    offsets = new OffsetStore(dataDir, log);
    offsets.open();
  } catch (e) {
    releaseLock();
    throw e;
  }
  const groups = new GroupCoordinator(log);

  const ctx: BrokerContext = {
    nodeId: NODE_ID,
    host,
    port: 0,
    clusterId: `dev-broker-${randomBytes(6).toString('hex')}`,
    defaultPartitions,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    store,
    groups,
    offsets,
    log,
  };

  const connections = new Set<Connection>();
  let nextId = 1;
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, nextId++, (frame, c) => handleFrame(ctx, frame, c), log);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });
  server.on('error', (e) => log(`server error: ${e.message}`));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    groups.close();
    store.close();
    offsets.close();
    releaseLock();
    throw e;
  }
  const address = server.address() as net.AddressInfo;
  ctx.port = address.port;
  log(`listening on ${host}:${ctx.port}${dataDir ? ` (data in ${dataDir})` : ' (in memory)'}`);

  let closing: Promise<void> | null = null;
  return {
    host,
    port: ctx.port,
    brokers: `${host}:${ctx.port}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.close();
        groups.close();
        store.close();
        offsets.close();
        releaseLock();
      });
      return closing;
    },
  };
}

const heldLocks = new Set<string>();

/** One broker per data dir: two writers would interleave segment files. A lock left by a dead process is taken over. */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (heldLocks.has(file)) throw new Error(`startBroker: data dir ${dataDir} is already used by a broker in this process`);
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldLocks.add(file);
      return () => {
        heldLocks.delete(file);
        fs.rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      // our own pid here means a previous incarnation (e.g. a restarted container) left it
      if (pid && pid !== process.pid && isAlive(pid)) throw new Error(`startBroker: data dir ${dataDir} is in use by process ${pid}`);
      fs.rmSync(file, { force: true }); // stale
    }
  }
  throw new Error(`startBroker: could not lock data dir ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
