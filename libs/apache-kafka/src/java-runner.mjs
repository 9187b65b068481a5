// Runs one Kafka JVM for the launcher: `node java-runner.mjs <java> <args...>`. A JVM cannot watch its parent, so
// this does: its stdin is a pipe from the launcher, and when that ends (the launcher died, however) or this gets
// SIGTERM/SIGINT, the JVM gets SIGTERM, then SIGKILL after a grace period. It prints the JVM's pid as its first
// stdout line (fault tests kill -9 the JVM itself) and exits with the JVM's status.
import { spawn } from 'node:child_process';

const [java, ...args] = process.argv.slice(2);
const graceMs = Number(process.env.KAFKA_STOP_GRACE_MS ?? 20_000);
const jvm = spawn(java, args, { stdio: ['ignore', 'inherit', 'inherit'] });
jvm.on('error', (err) => {
  process.stderr.write(`cannot run ${java}: ${err.message}\n`);
  process.exit(127);
});
if (jvm.pid) process.stdout.write(`${JSON.stringify({ pid: jvm.pid })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  jvm.kill('SIGTERM');
  setTimeout(() => jvm.kill('SIGKILL'), graceMs).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('error', () => {});
process.stdin.on('end', stop);
process.stdin.resume();
jvm.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGKILL' ? 137 : 143)));
