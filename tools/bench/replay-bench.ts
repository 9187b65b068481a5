/**
 * The replay figure of `npm run bench -- --only replay` without the rest of the system: `replay wallet --from-scratch`
 * (the real tool, as a child process) over synthetic CouponClaimed events on a scratch broker, against a raw kafkajs
 * consumer reading the same topic (the target: replay >= 0.5x the raw rate). Hold the bench lock:
 *
 *   flock /work/bench.lock npm run bench:replay [-- --events 100000 --profile --database-url postgres://...]
 *
 * Without --database-url an embedded PostgreSQL is started. --profile writes the replay process's V8 CPU profile
 * (tmp/bench-profiles/replay-<time>/replay-wallet-<pid>.cpuprofile; read it with tools/bench/profile-summary.mjs).
 */
import { createTestDatabase, startEmbeddedPostgres, workspaceRoot } from '@coupons/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { replayWallet } from './scenarios';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, profile: { type: 'boolean', default: false }, 'database-url': { type: 'string' } } });
  const root = workspaceRoot(__dirname);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(root, 'tmp', 'bench', `replay-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  const profileDir = values.profile ? join(root, 'tmp', 'bench-profiles', `replay-${stamp}`) : undefined;
  const pg = values['database-url'] ? undefined : await startEmbeddedPostgres({ timeoutMs: 120_000 });
  try {
    const url = values['database-url'] ?? (await createTestDatabase(pg!.url, 'replay_bench'));
    const r = await replayWallet({ quick: false }, url, runDir, { events: Number(values.events), profileDir });
    const ratio = r.replay.perSecond / r.rawConsumer.perSecond;
    process.stdout.write(`${JSON.stringify({ events: r.events, replayEventsPerSec: r.replay.perSecond, replaySeconds: r.replay.seconds, rawEventsPerSec: r.rawConsumer.perSecond, rawSeconds: r.rawConsumer.seconds, ratio: Number(ratio.toFixed(3)) })}\n`);
    if (profileDir) process.stdout.write(`CPU profile in ${profileDir} (node tools/bench/profile-summary.mjs <file>)\n`);
  } finally {
    await pg?.stop();
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(1); });
