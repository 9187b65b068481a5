/**
 * `npm run bench [-- --quick] [--out <dir>] [--seconds <n>] [--only scans,claims,...] [--profile scan-gateway,wallet]
 *   [--no-sql-statements]`
 *
 * Starts the whole system (embedded broker and PostgreSQL, or KAFKA_BROKERS / DATABASE_URL), loads it as a chain's
 * terminals would, and prints every figure next to a baseline measured in the same run on the same machine, with the
 * ratio and the target. Writes the report as JSON to bench/results/<time>.json (or --out). Never fails on a figure:
 * the exit code says only whether the benchmark itself ran.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { workspaceRoot } from '@coupons/testing';
import { BrokerBenchResult, runBrokerBench } from './broker-bench';
import { startMockCluster } from './mock-cluster';
import { FULL_CHAIN, QUICK_CHAIN, makeChain, seedChain, signTokens } from './chain-data';
import { Figure, Report, formatReport } from './report';
import { NotAvailable, Settings, bareFastify, claimNotification, claims, orders, peakRssMb, rawRoundTrip, replayWallet, scans } from './scenarios';
import type { ClaimRecord } from './scenarios';
import { startSystem } from './system';
import { PhaseCost, PhaseMeter, costFigures } from './phase-cost';

const SCENARIOS = ['scans', 'claims', 'orders', 'notifications', 'broker', 'replay'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** Targets of issue 6, as ratios to the baseline or absolute bounds. */
export const TARGETS = {
  scansRatio: 0.1,
  scansHalfRateP99Ms: 25,
  claimsRatio: 0.5,
  ordersRatio: 0.5,
  replayRatio: 0.5,
  /** librdkafka's mock cluster driven by the same kafkajs code: issue 6's figures, used when kcat is missing. */
  brokerBatched: 95_000,
  brokerOneByOne: 2_600,
  rssMb: 200,
};

const say = (line: string) => process.stderr.write(`${line}\n`);

/** The faster of two runs of the broker benchmark, figure by figure. */
function bestOf(a: BrokerBenchResult | undefined, b: BrokerBenchResult): BrokerBenchResult {
  if (!a) return b;
  const faster = <T extends { messagesPerSecond: number }>(x: T, y: T) => (x.messagesPerSecond >= y.messagesPerSecond ? x : y);
  return { ...b, produceBatched: faster(a.produceBatched, b.produceBatched), produceOneByOne: faster(a.produceOneByOne, b.produceOneByOne), consume: faster(a.consume, b.consume) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seconds: { type: 'string' },
      only: { type: 'string' },
      profile: { type: 'string' },
      // pg_stat_statements costs a little per statement; off gives the figures without it (statements then n/a).
      'no-sql-statements': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick!;
  const only = new Set<Scenario>((values.only ? values.only.split(',') : SCENARIOS) as Scenario[]);
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (known: ${SCENARIOS.join(', ')})`);
  const settings: Settings = {
    quick,
    seconds: values.seconds ? Number(values.seconds) : quick ? 3 : 15,
    scanConnections: 50,
    commandConcurrency: 32,
  };
  const root = workspaceRoot(__dirname);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const outDir = values.out ?? join(root, 'bench', 'results');
  const runDir = join(root, 'tmp', 'bench', stamp);
  mkdirSync(runDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });

  const figures: Figure[] = [];
  const na = (id: string, label: string, reason: string) => figures.push({ id, label, na: reason });
  const attempt = async (id: string, label: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const reason = err instanceof NotAvailable ? err.message : `failed: ${(err as Error).message.split('\n')[0]}`;
      if (!(err instanceof NotAvailable)) say(`${label}: ${(err as Error).stack}`);
      na(id, label, reason);
    }
  };

  const chain = makeChain(quick ? QUICK_CHAIN : FULL_CHAIN);
  say(`bench: ${quick ? 'quick' : 'full'} run, ${settings.seconds} s per load phase; chain of ${chain.users.length} users, ${chain.stores.length} stores, ${chain.products.length} products, ${chain.coupons.length} coupons`);
  const profileDir = join(root, 'tmp', 'bench-profiles', stamp);
  const profile = values.profile ? { services: values.profile.split(','), dir: profileDir } : undefined;
  const system = await startSystem({ runDir, log: (l) => say(`bench: ${l}`), profile, sqlStatements: !values['no-sql-statements'] });
  let memory: Record<string, number | null> = {};
  let replayDb = system.databaseUrl;
  try {
    say(`bench: system up (${system.description.kafka}; ${system.description.postgres}); gateway ${system.gatewayUrl}`);
    const merchant = (await signTokens(['bench-merchant'], system.jwtSecret, ['merchant'])).get('bench-merchant')!;
    const tokens = await signTokens(chain.users, system.jwtSecret, ['customer']);
    await seedChain(system.gatewayUrl, merchant, chain);

    if (only.has('scans')) {
      await attempt('scans', 'scans/s at saturation', async () => {
        const f = await scans(settings, system.gatewayUrl, chain, [...tokens.values()]);
        const { saturation: base, atRate } = await bareFastify(settings, f.halfRate.targetRate);
        figures.push({
          id: 'scans',
          label: 'scans/s at saturation',
          value: f.saturation.perSecond,
          unit: '/s',
          detail: `${settings.scanConnections} connections; ${f.saturation.failed} non-2xx, ${f.saturation.errors} errors`,
          baseline: { label: 'bare Fastify route', value: base.perSecond, unit: '/s' },
          ratio: ratio(f.saturation.perSecond, base.perSecond),
          target: `>= ${TARGETS.scansRatio}`,
          met: ratio(f.saturation.perSecond, base.perSecond) >= TARGETS.scansRatio,
          raw: { saturation: f.saturation, baseline: base },
        });
        figures.push({
          id: 'scans-half-rate',
          label: `scan latency at ${f.halfRate.targetRate}/s (half)`,
          value: f.halfRate.p99Ms,
          unit: 'ms p99',
          detail: `p50 ${f.halfRate.p50Ms} ms, achieved ${f.halfRate.perSecond}/s; bare Fastify at saturation p50 ${base.p50Ms} / p99 ${base.p99Ms} ms`,
          baseline: { label: `bare Fastify at ${f.halfRate.targetRate}/s`, value: atRate.p99Ms, unit: 'ms p99', p50Ms: atRate.p50Ms, p99Ms: atRate.p99Ms },
          target: `p99 < ${TARGETS.scansHalfRateP99Ms} ms`,
          met: f.halfRate.p99Ms < TARGETS.scansHalfRateP99Ms,
          raw: { halfRate: f.halfRate, baselineAtRate: atRate },
        });
      });
    }

    let claimed: ClaimRecord[] = [];
    if (only.has('claims') || only.has('orders')) {
      // CPU per process and SQL statements, read around the claims and the orders phases.
      const meter = await PhaseMeter.open(system);
      let claimCost: PhaseCost | undefined;
      let orderCost: PhaseCost | undefined;
      let rr: Awaited<ReturnType<typeof rawRoundTrip>> | undefined;
      await attempt('raw-round-trip', 'raw kafkajs request/reply', async () => {
        rr = await rawRoundTrip(settings, system.brokers);
      });
      const rrBaseline = rr ? { label: 'raw kafkajs request/reply', value: rr.perSecond, unit: '/s', p50Ms: rr.p50Ms, p99Ms: rr.p99Ms } : undefined;
      // For scale (no target): the same round trip when the responder records each fetched batch durably in
      // PostgreSQL before replying, the least a decision that survives a crash costs. Batching makes it no slower than
      // the per-message raw echo; a claim is that hop plus HTTP, a state read, the outbox and three other consumers.
      await attempt('durable-round-trip', 'request/reply + durable insert', async () => {
        const d = await rawRoundTrip(settings, system.brokers, system.databaseUrl);
        figures.push({
          id: 'durable-round-trip',
          label: 'request/reply + durable insert',
          value: d.perSecond,
          unit: '/s',
          detail: `p50 ${d.p50Ms} / p99 ${d.p99Ms} ms; responder: per fetched batch one INSERT committed, one send (for scale)`,
          baseline: rrBaseline,
          ratio: rr ? ratio(d.perSecond, rr.perSecond) : undefined,
          raw: d,
        });
      });
      await attempt('claims', 'claims/s end to end (201)', async () => {
        const c = await claims(settings, system.gatewayUrl, chain, tokens, async (phase) => {
          const { result, cost } = await meter.measure(phase);
          claimCost = cost;
          return result;
        });
        claimed = c.claimed;
        figures.push({
          id: 'claims',
          label: 'claims/s end to end (201)',
          value: c.rate.perSecond,
          unit: '/s',
          detail: `p50 ${c.rate.p50Ms} / p99 ${c.rate.p99Ms} ms; ${settings.commandConcurrency} in flight; statuses ${JSON.stringify(c.rate.statuses)}`,
          baseline: rrBaseline,
          ratio: rr ? ratio(c.rate.perSecond, rr.perSecond) : undefined,
          target: `>= ${TARGETS.claimsRatio}`,
          met: rr ? ratio(c.rate.perSecond, rr.perSecond) >= TARGETS.claimsRatio : undefined,
          raw: { claims: c.rate, baseline: rr },
        });
        if (claimCost) figures.push(...costFigures('claim', claimCost, c.rate.ok));
      });
      if (only.has('orders')) {
        await attempt('orders', 'orders/s end to end, best coupon', async () => {
          const o = await orders(settings, system.gatewayUrl, chain, tokens, claimed, async (phase) => {
            const { result, cost } = await meter.measure(phase);
            orderCost = cost;
            return result;
          });
          figures.push({
            id: 'orders',
            label: 'orders/s end to end, best coupon',
            value: o.rate.perSecond,
            unit: '/s',
            detail: `p50 ${o.rate.p50Ms} / p99 ${o.rate.p99Ms} ms; ${o.withCoupon} of ${o.rate.ok} with a coupon applied; statuses ${JSON.stringify(o.rate.statuses)}`,
            baseline: rrBaseline,
            ratio: rr ? ratio(o.rate.perSecond, rr.perSecond) : undefined,
            target: `>= ${TARGETS.ordersRatio}`,
            met: rr ? ratio(o.rate.perSecond, rr.perSecond) >= TARGETS.ordersRatio : undefined,
            raw: { orders: o.rate, withCoupon: o.withCoupon, baseline: rr },
          });
          if (orderCost) figures.push(...costFigures('order', orderCost, o.rate.ok));
        });
      }
      await meter.close();
    }

    if (only.has('notifications')) {
      await attempt('claim-notification', 'claim -> coupon.claimed (SSE)', async () => {
        const l = await claimNotification(settings, system.gatewayUrl, chain, tokens);
        figures.push({ id: 'claim-notification', label: 'claim -> coupon.claimed (SSE)', value: l.p99Ms, unit: 'ms p99', detail: `p50 ${l.p50Ms} ms over ${l.samples} claims`, raw: l });
      });
    }

    if (only.has('broker')) {
      // Baseline: librdkafka's mock cluster (kcat), driven by the same kafkajs code; issue 6's figures when kcat is missing.
      let mock: { produceBatched: number; produceOneByOne: number; label: string } = {
        produceBatched: TARGETS.brokerBatched,
        produceOneByOne: TARGETS.brokerOneByOne,
        label: "librdkafka mock cluster (issue 6's figure; kcat missing)",
      };
      // Alternating rounds, the best of each side kept: one round of each is at the mercy of whatever else the shared
      // machine does during it (single rounds moved the ratios between 0.9 and 1.2).
      const rounds = quick ? 1 : 3;
      let ours: BrokerBenchResult | undefined;
      let mockBest: BrokerBenchResult | undefined;
      let mockAvailable = true;
      let oursFailed: unknown;
      for (let round = 1; round <= rounds; round++) {
        if (mockAvailable) {
          await attempt('broker-mock', 'librdkafka mock cluster (baseline)', async () => {
            try {
              const cluster = await startMockCluster();
              try {
                const m = await runBrokerBench({ brokers: cluster.brokers, autoCreateTopics: true, quick, log: (l) => say(`  mock cluster ${round}/${rounds}: ${l}`) });
                mockBest = bestOf(mockBest, m);
              } finally {
                await cluster.close();
              }
            } catch (err) {
              mockAvailable = false; // kcat missing, or the mock failed: the figures stand in
              throw err;
            }
          });
        }
        try {
          ours = bestOf(ours, await runBrokerBench({ brokers: system.brokers, quick, log: (l) => say(`  broker ${round}/${rounds}: ${l}`) }));
        } catch (err) {
          oursFailed = err;
        }
      }
      if (mockBest) {
        const m = mockBest;
        mock = { produceBatched: m.produceBatched.messagesPerSecond, produceOneByOne: m.produceOneByOne.messagesPerSecond, label: `librdkafka mock cluster, same kafkajs code (best of ${rounds})` };
      }
      await attempt('broker', 'broker produce/consume', async () => {
        if (!ours) throw oursFailed;
        const b = ours;
        figures.push({
          id: 'broker-batched',
          label: 'broker produce, batched',
          value: b.produceBatched.messagesPerSecond,
          unit: 'msg/s',
          detail: `${b.batchSize}/send; consume ${b.consume.messagesPerSecond} msg/s; produce->consume p50 ${b.roundTrip.p50Ms} / p99 ${b.roundTrip.p99Ms} ms`,
          baseline: { label: mock.label, value: mock.produceBatched, unit: 'msg/s' },
          ratio: ratio(b.produceBatched.messagesPerSecond, mock.produceBatched),
          target: '>= 1',
          met: b.produceBatched.messagesPerSecond >= mock.produceBatched,
          raw: { broker: b, baseline: mock },
        });
        figures.push({
          id: 'broker-one-by-one',
          label: 'broker produce, one at a time',
          value: b.produceOneByOne.messagesPerSecond,
          unit: 'msg/s',
          baseline: { label: mock.label, value: mock.produceOneByOne, unit: 'msg/s' },
          ratio: ratio(b.produceOneByOne.messagesPerSecond, mock.produceOneByOne),
          target: '>= 1',
          met: b.produceOneByOne.messagesPerSecond >= mock.produceOneByOne,
        });
        figures.push({ id: 'broker-consume', label: 'broker consume', value: b.consume.messagesPerSecond, unit: 'msg/s' });
      });
    }

    // Peak resident memory over the whole run so far (the kernel's high-water mark), before the services stop.
    memory = Object.fromEntries(system.services.map((p) => [p.label, peakRssMb(p.pid)]));
    if (system.brokerPid) memory['dev-broker'] = peakRssMb(system.brokerPid);
    for (const [name, mb] of Object.entries(memory)) {
      const isService = name !== 'dev-broker';
      figures.push({
        id: `rss-${name}`,
        label: `peak resident memory: ${name}`,
        value: mb ?? NaN,
        unit: 'MB',
        ...(isService ? { target: `< ${TARGETS.rssMb} MB`, met: mb !== null && mb < TARGETS.rssMb } : {}),
      });
    }

    if (only.has('replay')) {
      // --from-scratch wants the wallet stopped: run it on a scratch broker and schema once the services are down.
      await system.stopServices();
      replayDb = system.databaseUrl;
      await attempt('replay', 'replay wallet --from-scratch', async () => {
        const r = await replayWallet(settings, replayDb, runDir);
        figures.push({
          id: 'replay',
          label: `replay events/s (wallet, ${r.events} events)`,
          value: r.replay.perSecond,
          unit: 'events/s',
          detail: `${r.replay.seconds} s${r.replay.reportedByTool ? ' as the tool reports it' : ' wall time'}; raw consumer ${r.rawConsumer.seconds} s`,
          baseline: { label: 'raw kafkajs consumer, same topic', value: r.rawConsumer.perSecond, unit: 'events/s' },
          ratio: ratio(r.replay.perSecond, r.rawConsumer.perSecond),
          target: `>= ${TARGETS.replayRatio}`,
          met: ratio(r.replay.perSecond, r.rawConsumer.perSecond) >= TARGETS.replayRatio,
          raw: r,
        });
      });
    }
  } finally {
    await system.stop();
  }

  const report: Report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick,
    secondsPerPhase: settings.seconds,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version, loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))) },
    system: system.description,
    chain: chain.size,
    figures,
  };
  const file = join(outDir, `${stamp}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(formatReport(report) + '\n');
  process.stdout.write(`\nreport written to ${relative(process.cwd(), file) || file}\n`);
  if (profile) process.stdout.write(`CPU profiles of ${profile.services.join(', ')} in ${relative(process.cwd(), profileDir)} (node tools/bench/profile-summary.mjs <file>)\n`);
  rmSync(runDir, { recursive: true, force: true });
  return 0;
}

function ratio(value: number, baseline: number): number {
  return baseline > 0 ? Number((value / baseline).toFixed(3)) : NaN;
}

if (require.main === module) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
