// Tenancy upgrades a data dir in place (issue 15 §1): `npm start` of the version before tenancy (built from git into a
// temp dir) seeds a DATA_DIR and a shopper claims there; then this version starts on the same DATA_DIR. Everything
// made before is the default merchant's: the demo merchant token lists it, another merchant gets 404 / 409 for it,
// scans still answer, and `npm run replay -- <service> --verify` says each service's tables equal a replay of its
// topics (old-shape events read through the upcasters).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, mintDevToken, workspaceRoot } from '@coupons/testing';
import { Api, expectError } from './support/http';
import { Launch, launchNpmStart, waitForBanner } from './support/npm-start';

const root = workspaceRoot(__dirname);
/** The last commit before tenancy; TENANCY_UPGRADE_FROM names another. */
const BEFORE_TENANCY = process.env.TENANCY_UPGRADE_FROM ?? '74b01aa';

const launch = (workspace: string, dataDir: string, port: number): Launch => launchNpmStart(dataDir, port, { workspace });

async function stop(l: Launch): Promise<void> {
  l.child.kill('SIGINT');
  expect(await l.exited).toBe(0);
}

/** The previous version comes from git history: a clone without that commit (a shallow one) cannot build it. */
const hasOldCommit = spawnSync('git', ['-C', root, 'cat-file', '-e', `${BEFORE_TENANCY}^{commit}`]).status === 0;
if (!hasOldCommit) console.warn(`upgrade e2e skipped: commit ${BEFORE_TENANCY} is not in this clone's history (shallow clone?)`);
// `npm start` brings its own embedded broker whichever broker the run is on: once, in the embedded step, is enough.
const describeUpgrade = hasOldCommit && process.env.E2E_KAFKA !== 'apache' ? describe : describe.skip;

describeUpgrade('upgrading a data dir made before tenancy', () => {
  let oldWorkspace: string;
  let dataDir: string;
  let current: Launch | undefined;

  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'libs', 'dev-stack', 'src', 'cli', 'start.js'))) throw new Error('run `npm run build` first');
    // The previous version, as its commit holds it, built with this checkout's dependencies.
    oldWorkspace = mkdtempSync(join(tmpdir(), 'coupons-before-tenancy-'));
    execFileSync('sh', ['-c', `git -C "${root}" archive ${BEFORE_TENANCY} | tar -x -C "${oldWorkspace}"`], { stdio: 'pipe' });
    symlinkSync(join(root, 'node_modules'), join(oldWorkspace, 'node_modules'));
    execFileSync('bash', ['tools/build.sh'], { cwd: oldWorkspace, stdio: 'pipe', timeout: 300_000 });
    dataDir = mkdtempSync(join(tmpdir(), 'coupons-upgrade-'));
  }, 400_000);

  afterAll(async () => {
    if (current && current.child.exitCode === null) {
      current.child.kill('SIGINT');
      await Promise.race([current.exited, new Promise((r) => setTimeout(r, 30_000))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(oldWorkspace, { recursive: true, force: true });
  });

  it('keeps every store, product and coupon as the default merchant\'s, answers scans, and replays equal', async () => {
    const port = await freePort();
    const gateway = `http://127.0.0.1:${port}`;

    // Before: the demo data set, and a shopper's claim of one of its coupons.
    current = launch(oldWorkspace, dataDir, port);
    expect(await waitForBanner(current)).toContain('demo data loaded just now');
    const shopper = new Api(gateway, await mintDevToken(gateway, 'upgrade-shopper', ['customer']));
    const before = { ...(await new Api(gateway).post('/v1/scans', { code: '6901234000016', storeId: 'sh-xuhui' })), date: new Date().toISOString() };
    expect(before.body.best).toBeTruthy();
    expect(before.body.best.merchantId).toBeUndefined();
    expect((await shopper.post('/v1/claims', { couponId: before.body.best.couponId })).status).toBe(201);
    await stop(current);

    // After: this version on the same DATA_DIR.
    current = launch(root, dataDir, port);
    expect(await waitForBanner(current)).toContain('demo data kept from an earlier start');
    const demoMerchant = new Api(gateway, await mintDevToken(gateway, 'demo-merchant', ['merchant'], 'default'));
    const other = new Api(gateway, await mintDevToken(gateway, 'upgrade-other', ['merchant']));

    const after = await new Api(gateway).post('/v1/scans', { code: '6901234000016', storeId: 'sh-xuhui' });
    expect(after.body.coupons.map((c: { couponId: string }) => c.couponId)).toEqual(before.body.coupons.map((c: { couponId: string }) => c.couponId));
    expect(after.body.product).toMatchObject({ sku: before.body.product.sku, merchantId: 'default' });
    expect(after.body.coupons.every((c: { merchantId: string }) => c.merchantId === 'default')).toBe(true);

    const stores = (await demoMerchant.get('/v1/admin/stores')).body.items;
    expect(stores.map((s: { storeId: string }) => s.storeId).sort()).toEqual(['bj-chaoyang', 'sh-pudong', 'sh-xuhui']);
    // Their creation times come from their first upserts' stored outcomes (as a replay gives them), not the upgrade's clock.
    expect(stores.every((s: { merchantId: string; createdAt: string }) => s.merchantId === 'default' && Date.parse(s.createdAt) < Date.parse(before.date))).toBe(true);
    const coupons = (await demoMerchant.get('/v1/admin/coupons?limit=100')).body.items;
    expect(coupons.length).toBeGreaterThan(3);
    expect(coupons.find((c: { couponId: string }) => c.couponId === before.body.best.couponId)).toMatchObject({ merchantId: 'default', issued: 1 });
    expect((await demoMerchant.get(`/v1/admin/coupons/${before.body.best.couponId}`)).status).toBe(200);

    expectError(await other.get(`/v1/admin/coupons/${before.body.best.couponId}`), 404, 'COUPON_NOT_FOUND');
    expectError(await other.put('/v1/admin/stores/sh-xuhui', { name: 'Mine' }), 409, 'STORE_ID_TAKEN');
    expect((await other.get('/v1/admin/coupons')).body.items).toEqual([]);

    // The shopper's claim survived and is spent at the default merchant's store.
    const order = await shopper.post('/v1/orders', { storeId: 'sh-xuhui', items: [{ sku: before.body.product.sku, quantity: 1 }] });
    expect(order.body).toMatchObject({ status: 'PROCESSED', appliedCoupon: { couponId: before.body.best.couponId } });

    for (const service of ['coupon-catalog', 'wallet', 'ordering']) {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NO_COLOR: '1' };
      for (const v of ['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA']) delete env[v];
      const run = spawnSync(process.execPath, [join(root, 'dist', 'tools', 'replay.js'), service, '--verify', '--timeout', '60'], { cwd: root, env, encoding: 'utf8', timeout: 180_000 });
      const text = `${run.stdout}\n${run.stderr}`;
      if (run.status !== 0) throw new Error(`replay ${service} --verify exited ${run.status}:\n${text.slice(-4000)}`);
      expect(text).toMatch(new RegExp(`verify ${service}: EQUAL`));
    }
    await stop(current);
  });
});
