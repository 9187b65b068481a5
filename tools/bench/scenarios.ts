// The benchmark's scenarios. Each returns its figures, or throws NotAvailable when the feature it measures is not
// there (the report then says "n/a (reason)").
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { Request } from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Headers, Topics, WalletEventTypes, decodeMessage } from '@coupons/contracts';
import { workspaceRoot } from '@coupons/testing';
import { BenchCoupon, Chain, rng } from './chain-data';
import { Rate, cannon, percentile, progressBar, round, sleep } from './load';
import { startBrokerProcess } from './system';

export class NotAvailable extends Error {}

export interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Throughput {
  messages: number;
  seconds: number;
  perSecond: number;
}

export interface Settings {
  quick: boolean;
  /** Seconds per load phase. */
  seconds: number;
  /** autocannon connections for scans and the bare route. */
  scanConnections: number;
  /** Concurrent requests for claims, orders and the raw round trip. */
  commandConcurrency: number;
}

const root = () => workspaceRoot(__dirname);

/** Wraps a scenario's measured load phase (not its probe or warm-up), e.g. to read every process's CPU around it. */
export type AroundPhase = <T>(phase: () => Promise<T>) => Promise<T>;
const bare: AroundPhase = (phase) => phase();

/** Spawns a compiled child (dist/tools/bench/...) and waits for a line matching `ready`. */
async function child(script: string, args: string[], ready: RegExp): Promise<{ proc: ChildProcess; match: RegExpExecArray; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, [join(root(), 'dist', 'tools', 'bench', script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr = (stderr + d.toString()).slice(-4000)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not get ready in 30 s: ${stderr}`)), 30_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = ready.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderr}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  return { proc, match, stop };
}

// ---------------------------------------------------------------------------------------------------------------
// Scans and their baseline

/**
 * A bare Fastify route (own process) with the scans' connections and duration: at saturation, and at `rate` (the scans'
 * half-saturation rate) for the latency the machine and the load tool give at that rate.
 */
export async function bareFastify(s: Settings, rate: number): Promise<{ saturation: Rate; atRate: Rate }> {
  const server = await child('baselines/hello-server.js', [], /listening on (\S+)/);
  try {
    const url = server.match[1];
    const requests: Request[] = [{ method: 'GET', path: '/hello' }];
    await cannon({ label: 'bare Fastify: warm-up', url, connections: s.scanConnections, durationSeconds: 1, requests });
    const saturation = await cannon({ label: 'bare Fastify: saturation', url, connections: s.scanConnections, durationSeconds: s.seconds, requests });
    const atRate = await cannon({ label: `bare Fastify: ${rate}/s`, url, connections: s.scanConnections, durationSeconds: s.seconds, overallRate: rate, requests });
    return { saturation, atRate };
  } finally {
    await server.stop();
  }
}

/** Scan bodies a chain's terminals send: every code form of the contract, with and without a store, some unknown. */
export function scanBodies(chain: Chain, n: number): string[] {
  const r = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = pick(chain.products);
    const store = pick(chain.stores);
    const x = r();
    const body =
      x < 0.5 ? { code: p.gtin, storeId: store }
      : x < 0.7 ? { code: `https://qr.example.com/s/${store}?gtin=${p.gtin}` }
      : x < 0.85 ? { code: `https://id.example.com/01/${p.gtin.padStart(14, '0')}` }
      : x < 0.95 ? { code: `https://qr.example.com/s/${store}` }
      : { code: '4006381333931', storeId: store }; // a valid GTIN no store sells: product null
    out.push(JSON.stringify(body));
  }
  return out;
}

function scanRequests(bodies: string[], tokens: string[]): Request[] {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/v1/scans',
      setupRequest: (req) => {
        const n = i++;
        req.body = bodies[n % bodies.length];
        // Half the terminals are logged in (the token is verified when sent).
        req.headers = { 'content-type': 'application/json', ...(n % 2 === 0 ? { authorization: `Bearer ${tokens[n % tokens.length]}` } : {}) };
        return req;
      },
    },
  ];
}

export interface ScanFigures {
  saturation: Rate;
  halfRate: Rate & { targetRate: number };
}

export async function scans(s: Settings, gatewayUrl: string, chain: Chain, tokens: string[]): Promise<ScanFigures> {
  const bodies = scanBodies(chain, 5_000);
  const probe = await fetch(`${gatewayUrl}/v1/scans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] });
  if (probe.status !== 200) throw new NotAvailable(`POST /v1/scans answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`);
  await cannon({ label: 'scans: warm-up', url: gatewayUrl, connections: s.scanConnections, durationSeconds: 2, requests: scanRequests(bodies, tokens) });
  const saturation = await cannon({ label: 'scans: saturation', url: gatewayUrl, connections: s.scanConnections, durationSeconds: s.seconds, requests: scanRequests(bodies, tokens) });
  const targetRate = Math.max(1, Math.floor(saturation.perSecond / 2));
  await sleep(500);
  const halfRate = await cannon({
    label: `scans: ${targetRate}/s (half)`,
    url: gatewayUrl,
    connections: s.scanConnections,
    durationSeconds: s.seconds,
    overallRate: targetRate,
    requests: scanRequests(bodies, tokens),
  });
  return { saturation, halfRate: { ...halfRate, targetRate } };
}

// ---------------------------------------------------------------------------------------------------------------
// Claims, orders, notifications and their baseline

/**
 * Raw kafkajs request/reply through the broker: a responder process, `concurrency` requests in flight. With
 * `databaseUrl`, the responder records each fetched batch in PostgreSQL (one durable insert) before replying.
 */
export async function rawRoundTrip(s: Settings, brokers: string, databaseUrl?: string): Promise<Rate> {
  const label = databaseUrl ? 'kafkajs request/reply + durable insert' : 'raw kafkajs round trip';
  const run = Date.now().toString(36);
  const topics = { requests: `bench-rr-requests-${run}`, replies: `bench-rr-replies-${run}` };
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench-rr', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.requests, numPartitions: 3 }, { topic: topics.replies, numPartitions: 3 }] });
  const echo = await child('baselines/kafka-echo.js', [brokers, topics.requests, topics.replies, ...(databaseUrl ? [databaseUrl] : [])], /^ready$/);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `bench-rr-client-${run}`, maxWaitTimeInMs: 200 });
  const waiting = new Map<string, () => void>();
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: topics.replies, fromBeginning: true });
    await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: async ({ message }) => waiting.get(message.value!.toString())?.() });
    const ask = (id: string, timeoutMs: number) =>
      new Promise<boolean>((resolve) => {
        const t = setTimeout(() => {
          waiting.delete(id);
          resolve(false);
        }, timeoutMs);
        waiting.set(id, () => {
          clearTimeout(t);
          waiting.delete(id);
          resolve(true);
        });
        producer.send({ topic: topics.requests, acks: -1, messages: [{ key: id, value: id }] }).catch(() => undefined);
      });
    // Until both sides have joined and positioned, requests can go unanswered: probe until one comes back.
    for (let i = 0; !(await ask(`probe-${i}`, 1_000)); i++) if (i > 30) throw new Error('the echo responder never answered');

    const latencies: number[] = [];
    let failed = 0;
    let seq = 0;
    const loop = async (deadline: number, record: boolean) => {
      while (Date.now() < deadline) {
        const id = `rr-${seq++}`;
        const t = performance.now();
        if (await ask(id, 10_000)) {
          if (record) latencies.push(performance.now() - t);
        } else if (record) failed++;
      }
    };
    const workers = (ms: number, record: boolean) => Promise.all(Array.from({ length: s.commandConcurrency }, () => loop(Date.now() + ms, record)));
    await workers(1_000, false);
    const bar = progressBar(label, s.seconds, 's');
    const started = Date.now();
    const timer = setInterval(() => bar.update(Math.floor((Date.now() - started) / 1000), `${latencies.length} ok`), 500);
    await workers(s.seconds * 1000, true);
    clearInterval(timer);
    bar.update(s.seconds, `${latencies.length} ok`);
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { perSecond: round(latencies.length / seconds), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), ok: latencies.length, failed, errors: 0, seconds: round(seconds, 2) };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await echo.stop();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

export interface ClaimRecord {
  userId: string;
  couponId: string;
}

/** A response body as far as the probes read it. */
type ProbeBody = { error?: { code?: string } } | string;

async function probe(url: string, init: RequestInit, feature: string): Promise<{ status: number; body: ProbeBody }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let body: ProbeBody = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  if (res.status === 404 && !((typeof body === 'object' ? body.error?.code : undefined) ?? '').endsWith('_NOT_FOUND')) throw new NotAvailable(`${feature}: the route is missing (404)`);
  if (res.status === 202) throw new NotAvailable(`${feature}: no decision within the gateway's timeout (202 PENDING)`);
  if (res.status >= 500 || res.status === 501) throw new NotAvailable(`${feature}: ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, body };
}

/** POST /v1/claims by many users over all coupons; 201s are recorded for the order scenario. */
export async function claims(s: Settings, gatewayUrl: string, chain: Chain, tokens: Map<string, string>, around: AroundPhase = bare): Promise<{ rate: Rate; claimed: ClaimRecord[] }> {
  const couponIds = chain.coupons.map((c) => c.couponId!).filter(Boolean);
  const first = await probe(`${gatewayUrl}/v1/claims`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(chain.users[0])}` },
    body: JSON.stringify({ couponId: couponIds[0] }),
  }, 'claims');
  if (first.status !== 201) throw new NotAvailable(`claims: the probe claim answered ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`);
  const claimed: ClaimRecord[] = [{ userId: chain.users[0], couponId: couponIds[0] }];
  const r = rng(11);
  const requests: Request[] = [
    {
      method: 'POST',
      path: '/v1/claims',
      setupRequest: (req, context: { claim?: ClaimRecord }) => {
        const userId = chain.users[Math.floor(r() * chain.users.length)];
        const couponId = couponIds[Math.floor(r() * couponIds.length)];
        context.claim = { userId, couponId };
        req.headers = { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(userId)}` };
        req.body = JSON.stringify({ couponId });
        return req;
      },
      onResponse: (status, _body, context: { claim?: ClaimRecord }) => {
        if (status === 201 && context.claim) claimed.push(context.claim);
      },
    },
  ];
  await cannon({ label: 'claims: warm-up', url: gatewayUrl, connections: s.commandConcurrency, durationSeconds: 1, requests });
  const rate = await around(() => cannon({ label: 'claims', url: gatewayUrl, connections: s.commandConcurrency, durationSeconds: s.seconds, requests, timeoutSeconds: 15, okStatus: 201 }));
  return { rate, claimed };
}

/** An order a user's claimed coupon applies to: a product its target matches, in a store it is valid in. */
function orderFor(coupon: BenchCoupon | undefined, chain: Chain, r: () => number): { storeId: string; items: Array<{ sku: string; quantity: number }> } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const t = coupon?.body.target;
  let sku = pick(chain.products).sku;
  if (t?.skus?.length) sku = pick(t.skus);
  else if (t?.categories?.length) sku = (chain.products.find((p) => p.category === t.categories![0] && r() < 0.5) ?? chain.products.find((p) => p.category === t.categories![0]))?.sku ?? sku;
  else if (t?.brands?.length) sku = (chain.products.find((p) => p.brand === t.brands![0] && r() < 0.5) ?? chain.products.find((p) => p.brand === t.brands![0]))?.sku ?? sku;
  const storeId = coupon?.body.storeIds?.length ? pick(coupon.body.storeIds) : pick(chain.stores);
  const items = [{ sku, quantity: 1 + Math.floor(r() * 3) }];
  if (r() < 0.5) items.push({ sku: pick(chain.products).sku, quantity: 1 });
  return { storeId, items: items.filter((it, i) => items.findIndex((x) => x.sku === it.sku) === i) };
}

/** POST /v1/orders without couponId (the best claimed coupon is applied) by users who claimed in the claim scenario. */
export async function orders(
  s: Settings,
  gatewayUrl: string,
  chain: Chain,
  tokens: Map<string, string>,
  claimed: ClaimRecord[],
  around: AroundPhase = bare,
): Promise<{ rate: Rate; withCoupon: number }> {
  const byId = new Map(chain.coupons.map((c) => [c.couponId, c]));
  const r = rng(13);
  const bodies = claimed.map((c) => ({ userId: c.userId, body: JSON.stringify(orderFor(byId.get(c.couponId), chain, r)) }));
  if (!bodies.length) throw new NotAvailable('orders: no claimed coupons to spend (the claim scenario did not run)');
  const first = await probe(`${gatewayUrl}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(bodies[0].userId)}` },
    body: bodies[0].body,
  }, 'orders');
  if (first.status !== 201) throw new NotAvailable(`orders: the probe order answered ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`);
  let next = 1;
  let withCoupon = 0;
  const requests: Request[] = [
    {
      method: 'POST',
      path: '/v1/orders',
      setupRequest: (req) => {
        const o = bodies[next++ % bodies.length];
        req.headers = { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(o.userId)}` };
        req.body = o.body;
        return req;
      },
      onResponse: (status, body) => {
        if (status === 201 && body.includes('"appliedCoupon":{')) withCoupon++;
      },
    },
  ];
  const rate = await around(() =>
    cannon({ label: 'orders (best coupon)', url: gatewayUrl, connections: s.commandConcurrency, durationSeconds: s.seconds, requests, timeoutSeconds: 15, okStatus: 201 }),
  );
  return { rate, withCoupon };
}

/** Claim -> `coupon.claimed` on the user's SSE stream, from sending the claim to reading the event. */
export async function claimNotification(s: Settings, gatewayUrl: string, chain: Chain, tokens: Map<string, string>): Promise<Latency> {
  const users = chain.users.slice(-8);
  const couponIds = chain.coupons.map((c) => c.couponId!).filter(Boolean);
  const arrived = new Map<string, number>();
  const waiters = new Map<string, (t: number) => void>();
  const streams = users.map(() => new AbortController());
  const open = users.map(async (userId, i) => {
    const res = await fetch(`${gatewayUrl}/v1/notifications/stream`, { headers: { authorization: `Bearer ${tokens.get(userId)}`, accept: 'text/event-stream' }, signal: streams[i].signal });
    if (res.status !== 200 || !res.body) throw new NotAvailable(`notification stream answered ${res.status}`);
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, end);
            buf = buf.slice(end + 2);
            if (!/^event: coupon\.claimed$/m.test(frame)) continue;
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            const claimId = data ? (JSON.parse(data) as { claimId?: string }).claimId : undefined;
            if (!claimId) continue;
            const t = performance.now();
            const w = waiters.get(claimId);
            if (w) w(t);
            else arrived.set(claimId, t);
          }
        }
      } catch {
        // aborted at the end
      }
    })();
  });
  await Promise.all(open);
  await sleep(300);
  const samples = s.quick ? 40 : 400;
  const latencies: number[] = [];
  let missed = 0;
  const bar = progressBar('claim -> coupon.claimed (SSE)', samples, 'claims');
  const r = rng(17);
  let n = 0;
  const one = async (userId: string) => {
    const couponId = couponIds[Math.floor(r() * couponIds.length)];
    const t0 = performance.now();
    const res = await fetch(`${gatewayUrl}/v1/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(userId)}` },
      body: JSON.stringify({ couponId }),
    });
    const body = (await res.json()) as { claimId?: string };
    if (res.status !== 201 || !body.claimId) return;
    const claimId = body.claimId;
    const t = arrived.get(claimId) ?? (await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 10_000);
      waiters.set(claimId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    }));
    waiters.delete(claimId);
    if (t === null) missed++;
    else latencies.push(t - t0);
  };
  try {
    // A few terminals at once, each claiming one after another at a human-ish pace.
    await Promise.all(users.slice(0, 4).map(async (userId) => {
      while (n < samples) {
        n++;
        await one(userId);
        bar.update(latencies.length + missed);
        await sleep(5);
      }
    }));
  } finally {
    bar.stop();
    streams.forEach((c) => c.abort());
  }
  if (!latencies.length) throw new NotAvailable('no coupon.claimed event arrived on the stream');
  latencies.sort((a, b) => a - b);
  return { samples: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

// ---------------------------------------------------------------------------------------------------------------
// Replay of the wallet projection and its baseline

export interface ReplayFigures {
  events: number;
  replay: Throughput & { reportedByTool: boolean };
  rawConsumer: Throughput;
}

/**
 * Synthetic but valid CouponClaimed events (contracts envelope, payload as the wallet decides it), produced straight
 * to wallet.events.v1 of a scratch broker; then `replay wallet --from-scratch` into a scratch schema, and a raw kafkajs
 * consumer reading the same topic without doing anything.
 */
export async function replayWallet(
  s: Pick<Settings, 'quick'>,
  databaseUrl: string,
  runDir: string,
  opts: { events?: number; profileDir?: string } = {},
): Promise<ReplayFigures> {
  const entry = join(root(), 'dist', 'apps', 'wallet', 'src', 'replay', 'replay.js');
  const tool = join(root(), 'dist', 'tools', 'replay.js');
  if (!existsSync(entry) || !existsSync(tool)) throw new NotAvailable('the replay tool (npm run replay -- wallet) is not built');
  const total = opts.events ?? (s.quick ? 10_000 : 100_000);
  const broker = await startBrokerProcess(join(runDir, 'replay-kafka'));
  const schema = `wallet_replay_bench_${Date.now().toString(36)}`;
  const kafka = new Kafka({ brokers: broker.brokers.split(','), clientId: 'bench-replay', logLevel: logLevel.NOTHING });
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [Topics.walletEvents, Topics.catalogEvents, Topics.orderingEvents].map((topic) => ({ topic, numPartitions: 3 })) });
    await admin.disconnect();
    await produceClaims(kafka, total);

    // The baseline: a consumer doing nothing with what it reads.
    const rawConsumer = await rawConsume(kafka, Topics.walletEvents, total);

    const bar = progressBar('replay wallet --from-scratch', total, 'events');
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      // The V8 profiler preloaded as for services (--profile); tools/replay.js passes NODE_OPTIONS on to the replay
      // entry it runs, so both write a profile (the entry's is the one that counts: replay-wallet-<pid>).
      const profile = opts.profileDir
        ? { NODE_OPTIONS: `--import ${pathToFileURL(join(root(), 'tools', 'bench', 'cpu-profiler.mjs')).href}`, BENCH_PROFILE_DIR: opts.profileDir, INSTANCE_ID: 'replay-wallet' }
        : {};
      const p = spawn(process.execPath, [tool, 'wallet', '--from-scratch'], {
        env: { ...process.env, KAFKA_BROKERS: broker.brokers, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn', ...profile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout!.on('data', (d) => (stdout += d.toString()));
      p.stderr!.on('data', (d) => {
        stderr = (stderr + d.toString()).slice(-8000);
        // The tool's own progress bar: take its "<done>/<total>" when it prints one.
        const m = /(\d[\d,]*)\s*\/\s*(\d[\d,]*)/.exec(d.toString());
        if (m) bar.update(Number(m[1].replace(/,/g, '')));
      });
      p.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`replay wallet --from-scratch exited with ${code}: ${stderr.slice(-1500)}${stdout.slice(-500)}`))));
    });
    const wallSeconds = (Date.now() - started) / 1000;
    bar.update(total);
    bar.stop();
    // "replayed N events in X s (Y events/s)": the tool's own timing (without process start-up), else wall time.
    const m = /replayed (\d+) events in ([\d.]+) s/.exec(out);
    const replay = m
      ? { messages: Number(m[1]), seconds: Number(m[2]), perSecond: round(Number(m[1]) / Math.max(Number(m[2]), 0.001)), reportedByTool: true }
      : { messages: total, seconds: round(wallSeconds, 2), perSecond: round(total / wallSeconds), reportedByTool: false };
    if (replay.messages < total) throw new Error(`the replay folded ${replay.messages} events of ${total}`);
    return { events: total, replay, rawConsumer };
  } finally {
    await broker.stop();
    const c = new Client({ connectionString: databaseUrl });
    await c.connect().then(() => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined).finally(() => c.end().catch(() => undefined));
  }
}

/** `total` CouponClaimed events over 500 coupons and 10k users, with consistent issue and per-user sequences. */
async function produceClaims(kafka: Kafka, total: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const r = rng(23);
  const issued = new Map<string, number>();
  const perUser = new Map<string, number>();
  const bar = progressBar('producing synthetic CouponClaimed', total, 'events');
  const start = Date.parse('2026-01-01T00:00:00Z');
  try {
    for (let sent = 0; sent < total; ) {
      const messages = [];
      for (let i = 0; i < 1000 && sent < total; i++, sent++) {
        const couponId = `cpn_bench_${Math.floor(r() * 500)}`;
        const userId = `user-${String(1 + Math.floor(r() * 10_000)).padStart(5, '0')}`;
        const issuedCount = (issued.get(couponId) ?? 0) + 1;
        issued.set(couponId, issuedCount);
        const uk = `${userId}/${couponId}`;
        const userClaimSeq = (perUser.get(uk) ?? 0) + 1;
        perUser.set(uk, userClaimSeq);
        const claimedAt = new Date(start + sent * 1000);
        const commandId = randomUUID();
        const envelope = {
          eventId: randomUUID(),
          type: WalletEventTypes.couponClaimed,
          version: 1,
          occurredAt: claimedAt.toISOString(),
          aggregateId: couponId,
          correlationId: randomUUID(),
          causationId: commandId,
          payload: {
            claimId: `clm_bench_${sent}`,
            couponId,
            userId,
            title: `Bench coupon ${couponId}`,
            discount: { type: 'AMOUNT_OFF', amount: 100 },
            claimedAt: claimedAt.toISOString(),
            validUntil: new Date(claimedAt.getTime() + 30 * 86_400_000).toISOString(),
            issuedCount,
            userClaimSeq,
            totalQuantity: 10_000_000,
            perUserLimit: 1_000,
          },
        };
        const value = JSON.stringify(envelope);
        if (sent === 0) {
          const check = decodeMessage(value);
          if (!check.ok) throw new Error(`the synthetic CouponClaimed does not validate: ${check.reason}`);
        }
        messages.push({
          key: couponId,
          value,
          headers: { [Headers.type]: envelope.type, [Headers.version]: '1', [Headers.correlationId]: envelope.correlationId, [Headers.causationId]: commandId },
        });
      }
      await producer.send({ topic: Topics.walletEvents, acks: -1, messages });
      bar.update(sent);
    }
  } finally {
    bar.stop();
    await producer.disconnect();
  }
}

async function rawConsume(kafka: Kafka, topic: string, total: number): Promise<Throughput> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now().toString(36)}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  const bar = progressBar('raw kafkajs consumer (baseline)', total, 'events');
  let n = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const started = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async () => {
      if (++n % 1000 === 0) bar.update(n);
      if (n === total) resolveDone();
    },
  });
  await done;
  const seconds = (Date.now() - started) / 1000;
  bar.update(total);
  bar.stop();
  await consumer.disconnect();
  return { messages: total, seconds: round(seconds, 2), perSecond: round(total / seconds) };
}

// ---------------------------------------------------------------------------------------------------------------
// Memory

/** Peak resident memory (VmHWM) of a process, in MB; null when it is gone or not on Linux. */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}
