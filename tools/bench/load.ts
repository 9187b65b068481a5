// Load generation with autocannon, progress on stderr, and the latency/throughput arithmetic shared by scenarios.
import autocannon from 'autocannon';
import { SingleBar } from 'cli-progress';

export interface Rate {
  /** Successful (2xx) responses per second over the whole run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered, by class. */
  ok: number;
  failed: number;
  errors: number;
  seconds: number;
  /** Counts per HTTP status (when autocannon reports them). */
  statuses?: Record<string, number>;
}

/** A progress bar on stderr (a line every 2 s when stderr is not a terminal, e.g. under the smoke test). */
export function progressBar(label: string, total: number, unit: string): { update(value: number, extra?: string): void; stop(): void } {
  const bar = new SingleBar({
    format: `  ${label.padEnd(34)} [{bar}] {percentage}% {value}/{total} ${unit} {extra}`,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    fps: 5,
  });
  bar.start(total, 0, { extra: '' });
  return {
    update: (value, extra = '') => bar.update(Math.min(value, total), { extra }),
    stop: () => bar.stop(),
  };
}

export interface CannonOptions {
  label: string;
  url: string;
  connections: number;
  durationSeconds: number;
  /** Requests per second over all connections (fixed-rate run); unlimited when absent. */
  overallRate?: number;
  requests: autocannon.Request[];
  timeoutSeconds?: number;
  /** Count only this status as done (e.g. 201: a 202 PENDING is an answer without the decision); default any 2xx. */
  okStatus?: number;
}

/**
 * One autocannon run with a progress bar; only 2xx responses (or `okStatus`) count as throughput; latencies are of 2xx.
 * With `overallRate` it is a paced run ({@link pacedCannon}).
 */
export function cannon(o: CannonOptions): Promise<Rate> {
  if (o.overallRate) return pacedCannon({ ...o, overallRate: o.overallRate });
  return new Promise((resolve, reject) => {
    const bar = progressBar(o.label, o.durationSeconds, 's');
    let answered = 0;
    const started = Date.now();
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: o.durationSeconds,
        overallRate: o.overallRate,
        requests: o.requests,
        timeout: o.timeoutSeconds ?? 10,
        excludeErrorStats: true,
      },
      (err, result) => {
        clearInterval(timer);
        bar.update(o.durationSeconds, `${answered} ok`);
        bar.stop();
        if (err) return reject(err);
        const seconds = result.duration || (Date.now() - started) / 1000;
        const statuses: Record<string, number> = {};
        for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count ?? 0;
        const ok = o.okStatus ? statuses[String(o.okStatus)] ?? 0 : result['2xx'];
        resolve({
          perSecond: round(ok / seconds),
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          ok,
          failed: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'] - ok,
          errors: result.errors,
          seconds: round(seconds, 2),
          statuses,
        });
      },
    );
    instance.on('response', (_client, status) => {
      if (o.okStatus ? status === o.okStatus : status >= 200 && status < 300) answered++;
    });
    const timer = setInterval(() => bar.update(Math.floor((Date.now() - started) / 1000), `${answered} ok`), 500);
  });
}

/**
 * A fixed-rate run whose requests arrive spread over each second, as from terminals that are not synchronized.
 *
 * autocannon's own rate limit (`overallRate`) lets every connection send its whole share of a second back to back when
 * the second starts, so a "half rate" run is really saturation for half of each second; and its coordinated-omission
 * correction records each latency with an expected interval of ceil(1 / rate) = 1 ms, adding a synthetic sample for
 * every millisecond of it, which inflates the percentiles. Here each connection is an autocannon instance of its own
 * with its share of the rate, their starts spread evenly over the first second (so the per-second bursts of the
 * connections interleave instead of coinciding), without that correction; percentiles come from every response time
 * (autocannon's 'response' event), merged over the instances.
 */
async function pacedCannon(o: CannonOptions & { overallRate: number }): Promise<Rate> {
  const connections = Math.max(1, Math.min(o.connections, o.overallRate));
  const bar = progressBar(o.label, o.durationSeconds, 's');
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = Date.now();
  const timer = setInterval(() => bar.update(Math.floor((Date.now() - started) / 1000), `${latencies.length} ok`), 500);
  const isOk = (status: number) => (o.okStatus ? status === o.okStatus : status >= 200 && status < 300);
  const one = async (i: number): Promise<void> => {
    await sleep(Math.round((i * 1000) / connections));
    // The rate split as evenly as whole numbers allow (the first ones get the remainder).
    const rate = Math.floor(o.overallRate / connections) + (i < o.overallRate % connections ? 1 : 0);
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: o.url, connections: 1, duration: o.durationSeconds, overallRate: rate, requests: o.requests,
          timeout: o.timeoutSeconds ?? 10, excludeErrorStats: true, ignoreCoordinatedOmission: true,
        },
        (err, result) => {
          if (err) return reject(err);
          errors += result.errors;
          resolve();
        },
      );
      instance.on('response', (_client, status, _bytes, responseTime) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (isOk(status)) latencies.push(responseTime);
      });
    });
  };
  try {
    await Promise.all(Array.from({ length: connections }, (_, i) => one(i)));
  } finally {
    clearInterval(timer);
    bar.update(o.durationSeconds, `${latencies.length} ok`);
    bar.stop();
  }
  latencies.sort((a, b) => a - b);
  const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    perSecond: round(latencies.length / o.durationSeconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ok: latencies.length,
    failed: answered - latencies.length,
    errors,
    seconds: o.durationSeconds,
    statuses,
  };
}

export function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[i], 2);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` with at most `concurrency` at a time over `items`, reporting progress. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>, onDone?: (n: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
