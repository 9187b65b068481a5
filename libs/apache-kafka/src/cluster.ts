import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClasspath } from './classpath';
import { HOST, KafkaNodeSpec, log4jProperties, serverProperties } from './node-config';
import { checkJava, javaBinary } from './requirements';

const RUNNER = join(__dirname, 'java-runner.mjs');

export interface ApacheKafkaOptions {
  /** Combined broker+controller nodes (default 1). */
  brokers?: 1 | 3;
  /**
   * Where the nodes keep their log and config; a cluster started again on it is the same cluster (same id, ports
   * and data). Default: a fresh temporary folder, removed by {@link ApacheKafkaCluster.stop}.
   */
  dataDir?: string;
  /** Broker ports are firstPort..firstPort+n-1, controller ports the next n. Default: the data dir's, or free ones. */
  firstPort?: number;
  /** JVM heap per node (default 512m for one node, 384m each for three). */
  heap?: string;
  /** How long to wait for every broker's metadata (default 120 s). */
  readyTimeoutMs?: number;
}

/** One node of a running cluster; it can be killed and started again (fault tests). */
export interface ApacheKafkaNode {
  readonly id: number;
  readonly brokerPort: number;
  readonly controllerPort: number;
  /** Pid of the node's JVM while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Signals the JVM itself (SIGKILL: a crash, no controlled shutdown) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node's JVM again on its data and ports; see {@link ApacheKafkaCluster.waitReady}. */
  start(): Promise<void>;
}

export interface ApacheKafkaCluster {
  /** KAFKA_BROKERS: `127.0.0.1:port[,127.0.0.1:port...]`. */
  readonly brokers: string;
  readonly dataDir: string;
  readonly nodes: ApacheKafkaNode[];
  /**
   * Waits until every running node answers metadata listing every running node (so the quorum has a leader) and a
   * group coordinator answers.
   */
  waitReady(timeoutMs?: number): Promise<void>;
  /** node.id of the KRaft quorum's leader (the active controller). */
  quorumLeader(): Promise<number>;
  /** Partitions (all topics) whose in-sync replicas are fewer than their replicas. */
  underReplicatedPartitions(): Promise<number>;
  /** node.id of the broker leading one partition of a topic, as the running nodes' metadata says. */
  partitionLeader(topic: string, partition: number): Promise<number>;
  /** The node of a node.id. */
  node(id: number): ApacheKafkaNode;
  /** Stops every node (SIGTERM, SIGKILL after a grace period); a temporary data dir is removed. */
  stop(): Promise<void>;
}

interface ClusterFile {
  clusterId: string;
  nodes: { id: number; brokerPort: number; controllerPort: number }[];
}

/**
 * Starts Apache Kafka (from tools/kafka/pom.xml, via Maven's cache) as a KRaft cluster of combined broker+controller
 * nodes on 127.0.0.1, formats storage the first time, and resolves once every broker answers metadata listing all
 * of them. Throws ApacheKafkaUnavailable when java or Maven is missing. Each JVM stops when this process dies.
 */
export async function startApacheKafka(opts: ApacheKafkaOptions = {}): Promise<ApacheKafkaCluster> {
  const java = javaBinary();
  checkJava(java);
  const classpath = await kafkaClasspath();
  const temporary = !opts.dataDir;
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), 'apache-kafka-'));
  mkdirSync(dataDir, { recursive: true });
  const layout = await clusterLayout(dataDir, opts.brokers ?? 1, opts.firstPort);
  const specs: KafkaNodeSpec[] = layout.nodes.map((n) => ({ ...n, dir: join(dataDir, `node-${n.id}`) }));
  const heap = opts.heap ?? (specs.length === 1 ? '512m' : '384m');

  for (const spec of specs) {
    mkdirSync(spec.dir, { recursive: true });
    writeFileSync(join(spec.dir, 'server.properties'), serverProperties(spec, specs));
    writeFileSync(join(spec.dir, 'log4j2.properties'), log4jProperties(spec));
  }
  const jvmArgs = (spec: KafkaNodeSpec) => [
    `-Xms64m`,
    `-Xmx${heap}`,
    // Serial GC: three JVMs share two cores here; the collector does not change what clients see.
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(spec.dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${spec.dir}`,
    '-cp',
    classpath,
  ];
  await Promise.all(
    specs
      .filter((s) => !existsSync(join(s.dir, 'log', 'meta.properties')))
      .map((s) => runToEnd(java, [...jvmArgs(s), 'kafka.tools.StorageTool', 'format', '--ignore-formatted', `--cluster-id=${layout.clusterId}`, '-c', join(s.dir, 'server.properties')], `format node ${s.id}`)),
  );

  const nodes = specs.map((spec) => new NodeProcess(spec, java, [...jvmArgs(spec), 'kafka.Kafka', join(spec.dir, 'server.properties')]));
  const brokers = specs.map((s) => `${HOST}:${s.brokerPort}`).join(',');
  const cluster: ApacheKafkaCluster = {
    brokers,
    dataDir,
    nodes,
    waitReady: (timeoutMs = opts.readyTimeoutMs ?? 120_000) => waitReady(nodes, timeoutMs),
    quorumLeader: async () => {
      const up = nodes.find((n) => n.running);
      if (!up) throw new Error('no Kafka node is running');
      const out = await runToEnd(java, ['-Xmx128m', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${join(up.spec.dir, 'log4j2.properties')}`, '-cp', classpath, 'org.apache.kafka.tools.MetadataQuorumCommand', '--bootstrap-controller', `${HOST}:${up.controllerPort}`, 'describe', '--status'], 'describe the quorum');
      const m = /LeaderId:\s*(\d+)/.exec(out);
      if (!m) throw new Error(`no LeaderId in: ${out}`);
      return Number(m[1]);
    },
    underReplicatedPartitions: async () => {
      const admin = adminOf(nodes.filter((n) => n.running).map((n) => `${HOST}:${n.brokerPort}`));
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata();
        return topics.reduce((sum, t) => sum + t.partitions.filter((p) => p.isr.length < p.replicas.length).length, 0);
      } finally {
        await admin.disconnect();
      }
    },
    partitionLeader: async (topic, partition) => {
      const admin = adminOf(nodes.filter((n) => n.running).map((n) => `${HOST}:${n.brokerPort}`));
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const found = topics[0]?.partitions.find((p) => p.partitionId === partition);
        if (!found || found.leader < 0) throw new Error(`${topic} partition ${partition} has no leader`);
        return found.leader;
      } finally {
        await admin.disconnect();
      }
    },
    node: (id) => {
      const found = nodes.find((n) => n.id === id);
      if (!found) throw new Error(`no Kafka node ${id} in this cluster`);
      return found;
    },
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.waitReady();
    return cluster;
  } catch (err) {
    await cluster.stop().catch(() => undefined);
    throw err;
  }
}

/** The cluster's id and ports: as recorded in its data dir, else new (firstPort.., or free ports) and recorded. */
async function clusterLayout(dataDir: string, size: number, firstPort: number | undefined): Promise<ClusterFile> {
  const file = join(dataDir, 'cluster.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterFile) : undefined;
  if (saved && saved.nodes.length !== size) {
    throw new Error(`${dataDir} holds a ${saved.nodes.length}-node cluster, not ${size}: use another --data-dir`);
  }
  const ports = firstPort !== undefined ? Array.from({ length: 2 * size }, (_, i) => firstPort + i) : saved ? undefined : await freePorts(2 * size);
  const layout: ClusterFile = {
    clusterId: saved?.clusterId ?? randomBytes(16).toString('base64url'),
    nodes: ports ? Array.from({ length: size }, (_, i) => ({ id: i + 1, brokerPort: ports[i], controllerPort: ports[size + i] })) : saved!.nodes,
  };
  writeFileSync(file, `${JSON.stringify(layout, null, 2)}\n`);
  return layout;
}

class NodeProcess implements ApacheKafkaNode {
  private runner: ChildProcess | undefined;
  private jvmPid: number | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly spec: KafkaNodeSpec, private readonly java: string, private readonly args: string[]) {}

  get id() { return this.spec.id; }
  get brokerPort() { return this.spec.brokerPort; }
  get controllerPort() { return this.spec.controllerPort; }
  get pid() { return this.running ? this.jvmPid : undefined; }
  get running() { return !!this.runner && this.runner.exitCode === null && this.runner.signalCode === null; }

  /** The end of the node's log, for errors. */
  logTail(lines = 15): string {
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').slice(-lines).join('\n') : '');
    return [read(join(this.spec.dir, 'stdout.log')), read(join(this.spec.dir, 'server.log'))].filter(Boolean).join('\n');
  }

  async start(): Promise<void> {
    if (this.running) return;
    const out = openSync(join(this.spec.dir, 'stdout.log'), 'a');
    // Own process group (out of reach of a terminal's Ctrl-C: the launcher stops nodes itself); stdin is the pipe
    // whose end tells the runner that this process died.
    const runner = spawn(process.execPath, [RUNNER, this.java, ...this.args], { stdio: ['pipe', 'pipe', out], detached: true });
    closeSync(out);
    this.runner = runner;
    this.exited = new Promise((done) => runner.once('exit', () => done()));
    const pid = await new Promise<number>((resolvePid, reject) => {
      const lines = createInterface({ input: runner.stdout! });
      lines.once('line', (line) => resolvePid((JSON.parse(line) as { pid: number }).pid));
      runner.once('exit', (code) => reject(new Error(`Kafka node ${this.id} did not start (exit ${code}):\n${this.logTail()}`)));
    });
    this.jvmPid = pid;
    // The runner must not keep a finished launcher alive; its stdin pipe stays open until this process ends.
    runner.unref();
    (runner.stdin as unknown as { unref?: () => void })?.unref?.();
    (runner.stdout as unknown as { unref?: () => void })?.unref?.();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running || !this.jvmPid) return;
    this.runner!.ref(); // waiting for the exit must keep this process alive
    try {
      process.kill(this.jvmPid, signal);
    } catch {
      // already gone
    }
    await this.exited;
  }

  /** Controlled shutdown (SIGTERM to the runner, which passes it on and SIGKILLs after its grace period). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.runner!.ref(); // waiting for the exit must keep this process alive
    this.runner!.kill('SIGTERM');
    await this.exited;
  }
}

async function waitReady(nodes: NodeProcess[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const running = nodes.filter((n) => n.running);
  const want = running.map((n) => n.id).sort().join(',');
  let last = '';
  for (const node of running) {
    for (;;) {
      if (!node.running) throw new Error(`Kafka node ${node.id} exited while starting:\n${node.logTail()}`);
      const admin = adminOf([`${HOST}:${node.brokerPort}`]);
      try {
        await admin.connect();
        const { brokers } = await admin.describeCluster();
        const seen = brokers.map((b) => b.nodeId).sort().join(',');
        if (seen === want) break;
        last = `node ${node.id} lists brokers [${seen}], waiting for [${want}]`;
      } catch (err) {
        last = `node ${node.id}: ${(err as Error).message}`;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      if (Date.now() > deadline) throw new Error(`Apache Kafka not ready in ${timeoutMs} ms (${last}):\n${node.logTail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // A group coordinator answers only once __consumer_offsets exists and is loaded (FindCoordinator creates it):
  // until then every consumer's join fails, so the cluster is not ready for clients yet.
  for (;;) {
    const admin = adminOf(running.map((n) => `${HOST}:${n.brokerPort}`));
    try {
      await admin.connect();
      await admin.describeCluster(); // loads the broker pool the coordinator lookup needs
      await admin.describeGroups(['apache-kafka-launcher-probe']);
      return;
    } catch (err) {
      last = `group coordinator: ${(err as Error).message}`;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`Apache Kafka not ready in ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function adminOf(brokers: string[]) {
  return new Kafka({ clientId: 'apache-kafka-launcher', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2_000 }).admin();
}

/** Runs a JVM tool to its end; its output, or an error with it. */
function runToEnd(java: string, args: string[], what: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun(output) : reject(new Error(`${what} failed (exit ${code}): ${output.trim()}`))));
  });
}

/** n distinct free ports (all held open until every one is chosen, so none is handed out twice). */
async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = createServer();
      servers.push(srv);
      await new Promise<void>((ok, fail) => srv.once('error', fail).listen(0, HOST, () => ok()));
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}
