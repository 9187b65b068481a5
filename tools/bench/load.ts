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

/** One autocannon run with a progress bar; only 2xx responses (or `okStatus`) count as throughput; latencies are of 2xx. */
export function cannon(o: CannonOptions): Promise<Rate> {
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
