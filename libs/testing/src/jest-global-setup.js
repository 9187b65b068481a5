// One embedded PostgreSQL per jest run, shared by every suite through TEST_DATABASE_URL (each suite makes its own
// database with createTestDatabase). Plain CommonJS: jest loads global setup before any transform is configured.
const { spawn } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createInterface } = require('node:readline');
const { createServer } = require('node:net');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

module.exports = async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'coupons-pg-'));
  const child = spawn(process.execPath, [join(__dirname, 'pg-runner.mjs'), dataDir, String(port), '--ephemeral'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded PostgreSQL did not start: ${stderr}`)), 90_000);
    createInterface({ input: child.stdout }).once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line).url); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`embedded PostgreSQL exited with ${code}: ${stderr}`)); });
  });
  process.env.TEST_DATABASE_URL = url;
  globalThis.__COUPONS_PG__ = child;
};
