import { SingleBar } from 'cli-progress';
import { ReplayProgress } from './engine';

export interface ProgressReporter {
  update(p: ReplayProgress): void;
  stop(): void;
}

const rate = (done: number, ms: number) => (ms > 0 ? (done * 1000) / ms : 0);
const fmtSeconds = (s: number) => (Number.isFinite(s) ? (s >= 90 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${s.toFixed(0)}s`) : '?');

/**
 * Progress of a replay: a bar (events done / total, rate, ETA) when `stream` is a terminal, plain lines otherwise
 * (one every `everyMs`, and a last one), so logs and CI output stay readable.
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr, everyMs = 2_000): ProgressReporter {
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta_formatted}`,
      barCompleteChar: '=',
      barIncompleteChar: ' ',
      hideCursor: true,
      fps: 5,
      etaBuffer: 200,
    });
    let begun = false;
    return {
      update: (p) => {
        const payload = { rate: rate(p.done, Date.now() - started).toFixed(0) };
        if (!begun) {
          bar.start(Math.max(p.total, 1), p.done, payload);
          begun = true;
        } else {
          bar.setTotal(Math.max(p.total, 1));
          bar.update(p.done, payload);
        }
      },
      stop: () => begun && bar.stop(),
    };
  }
  let last = 0;
  let latest: ReplayProgress = { done: 0, total: 0 };
  const line = () => {
    const ms = Date.now() - started;
    const r = rate(latest.done, ms);
    const eta = r > 0 ? (latest.total - latest.done) / r : Infinity;
    const pct = latest.total ? Math.floor((latest.done * 100) / latest.total) : 100;
    stream.write(`${label}: ${latest.done}/${latest.total} events (${pct}%), ${r.toFixed(0)} events/s, ETA ${fmtSeconds(eta)}\n`);
  };
  return {
    update: (p) => {
      latest = p;
      if (Date.now() - last >= everyMs) {
        last = Date.now();
        line();
      }
    },
    stop: () => line(),
  };
}
