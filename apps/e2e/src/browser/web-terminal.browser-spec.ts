// The shopper's web terminal in a real browser (Debian's Chromium, headless, via playwright-core) against every
// service as a process. The camera is Chromium's fake device playing a video of a barcode made here with bwip-js.
// Elements are found as people and screen readers find them: by role, label and text, with the names.
import { Envelope, Headers, Topics, envelope } from '@coupons/contracts';
import { RunningStack, startStack } from '@coupons/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Api } from '../support/http';
import { launchChromium, phoneContext } from './browser';
import { withCheckDigit, writeBarcodeVideo } from './fake-camera';

const STORE = 'web-store';
const MILK = { sku: 'web-milk', name: 'Web Fresh Milk', price: 1590, gtin: withCheckDigit('690123400101'), category: 'dairy', brand: 'Meadow' };
const TEA = { sku: 'web-tea', name: 'Web Green Tea', price: 450, gtin: withCheckDigit('690123400102'), category: 'drinks', brand: 'Leaf' };
const RARE = { sku: 'web-rare', name: 'Web Rare Truffle', price: 9900, gtin: withCheckDigit('690123400103'), category: 'deli', brand: 'Rare' };
const GUM = { sku: 'web-gum', name: 'Web Mint Gum', price: 250, gtin: withCheckDigit('690123400104'), category: 'snacks', brand: 'Mint' };

const SCREENS = join(__dirname, '../../../../tmp/web-terminal-screens');

let stack: RunningStack;
let merchant: Api;
let browser: Browser;
let workDir: string;
const contexts: BrowserContext[] = [];
const offOrigin: string[] = [];
let seq = 0;
const couponIds: Record<string, string> = {};

/** Waits until the locator shows (playwright-core has no expect of its own: jest's expect checks values). */
const seen = (l: Locator, timeout = 15_000) => l.first().waitFor({ state: 'visible', timeout });

/** Waits until the locator matches exactly `n` elements. */
async function count(l: Locator, n: number, timeout = 15_000): Promise<void> {
  for (const until = Date.now() + timeout; (await l.count()) !== n; ) {
    if (Date.now() > until) throw new Error(`expected ${n} of ${l}, found ${await l.count()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const uniqueUser = (name: string) => `web-${name}-${++seq}-${Date.now().toString(36)}`;

async function newPage(locale = 'en-US'): Promise<Page> {
  const made = await phoneContext(browser, stack.gatewayUrl, locale);
  contexts.push(made.context);
  const page = await made.context.newPage();
  page.on('pageerror', (err) => console.warn(`page error: ${err.message}`));
  made.context.on('close', () => offOrigin.push(...made.offOrigin));
  return page;
}

async function signIn(page: Page, userId: string): Promise<void> {
  await page.goto(`${stack.gatewayUrl}/sign-in`);
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await seen(page.getByLabel('Code', { exact: true }));
  await seen(page.getByText('Live'), 20_000);
}

async function lookUp(page: Page, code: string): Promise<void> {
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Look up' }).click();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: false });

async function createCoupon(key: string, body: Record<string, unknown>): Promise<string> {
  const res = await merchant.post('/v1/admin/coupons', { validDaysAfterClaim: 30, ...body });
  if (res.status !== 201) throw new Error(`coupon ${key}: ${res.status} ${res.text}`);
  couponIds[key] = res.body.couponId;
  return res.body.couponId;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  for (const until = Date.now() + timeoutMs; ; ) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), 'web-terminal-browser-'));
  const video = join(workDir, 'milk-barcode.y4m');
  await writeBarcodeVideo(video, 'ean13', MILK.gtin);
  [stack, browser] = await Promise.all([startStack(), launchChromium(video)]);
  merchant = new Api(stack.gatewayUrl, await stack.devToken('web-merchant', ['merchant']));
  expect((await merchant.put(`/v1/admin/stores/${STORE}`, { name: 'Web Store' })).status).toBe(200);
  for (const { sku, ...p } of [MILK, TEA, RARE, GUM]) expect((await merchant.put(`/v1/admin/products/${sku}`, p)).status).toBe(200);
  await createCoupon('milk3', { title: '¥3 off Web Fresh Milk', discount: { type: 'AMOUNT_OFF', amount: 300 }, target: { skus: [MILK.sku] }, totalQuantity: 100, perUserLimit: 1 });
  await createCoupon('dairy10', { title: '10% off dairy', discount: { type: 'PERCENT_OFF', percent: 10, maxDiscount: 200 }, target: { categories: ['dairy'] }, totalQuantity: 100, minSpend: 1000 });
  await createCoupon('rare', { title: 'Last truffle ¥20 off', discount: { type: 'AMOUNT_OFF', amount: 2000 }, target: { skus: [RARE.sku] }, totalQuantity: 1 });
  await createCoupon('tea', { title: 'Tea 50 off', discount: { type: 'AMOUNT_OFF', amount: 50 }, target: { skus: [TEA.sku] }, totalQuantity: 100, perUserLimit: 1 });
  await createCoupon('teaOffline', { title: 'Tea while the gateway was away', discount: { type: 'AMOUNT_OFF', amount: 60 }, target: { skus: [TEA.sku] }, totalQuantity: 100, perUserLimit: 1 });
  await createCoupon('gum', { title: 'Gum 1 off, five per shopper', discount: { type: 'AMOUNT_OFF', amount: 100 }, target: { skus: [GUM.sku] }, totalQuantity: 100, perUserLimit: 5 });
  expect((await merchant.put(`/v1/admin/stores/${STORE}/displays`, { items: [{ sku: TEA.sku, headline: 'Fresh this week' }] })).status).toBe(200);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the web terminal in Chromium', () => {
  it('reads a product barcode from the camera and shows that product\'s offers, the best one marked', async () => {
    const page = await newPage();
    await signIn(page, uniqueUser('camera'));
    await page.getByRole('button', { name: 'Change store' }).click();
    await page.getByLabel('Store').fill(STORE);
    await page.getByRole('button', { name: 'Set store' }).click();
    await page.getByRole('button', { name: 'Start camera' }).click();
    await seen(page.getByRole('heading', { name: MILK.name }), 30_000);
    expect(await page.getByLabel('Code', { exact: true }).inputValue()).toBe(MILK.gtin);
    const best = page.getByRole('listitem').filter({ hasText: 'Best' });
    await count(best, 1);
    await seen(best.getByRole('heading', { name: '¥3 off Web Fresh Milk' }));
    await count(page.getByRole('button', { name: 'Claim' }), 2);
    await seen(page.getByText('Web Green Tea')); // the store's promoted product
    await shot(page, '02-scan-camera');
  });

  it('the whole journey: sign in, scan, claim, wallet, cart, order with the coupon, cancel, coupon available again', async () => {
    const page = await newPage();
    const userId = uniqueUser('journey');
    await page.goto(`${stack.gatewayUrl}/sign-in`);
    await shot(page, '01-sign-in');
    await signIn(page, userId);
    const api = new Api(stack.gatewayUrl, await stack.devToken(userId));

    await lookUp(page, `https://scan.example/s/${STORE}`);
    await seen(page.getByRole('status').filter({ hasText: `Store set to ${STORE}.` }));
    await lookUp(page, MILK.gtin);
    await seen(page.getByRole('heading', { name: MILK.name }));
    await seen(page.getByText('¥15.90').first());
    const milkOffer = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: '¥3 off Web Fresh Milk' }) });
    await seen(milkOffer.getByText('¥3.00 off'));
    await seen(milkOffer.getByText(/100 left/));
    await shot(page, '03-offers');
    await milkOffer.getByRole('button', { name: 'Claim' }).click();
    await seen(page.getByRole('status').filter({ hasText: 'Coupon claimed: ¥3 off Web Fresh Milk' }));
    await seen(milkOffer.getByText('In your wallet'));
    await count(milkOffer.getByRole('button', { name: 'Claim' }), 0);
    await shot(page, '04-claimed');

    await page.getByRole('link', { name: 'Wallet' }).click();
    const available = page.getByRole('region', { name: 'Available' });
    await seen(available.getByRole('heading', { name: '¥3 off Web Fresh Milk' }));
    await seen(available.getByText(/on web-milk/));
    await seen(available.getByText(/in every store/));
    await shot(page, '05-wallet');

    await page.getByRole('link', { name: 'Scan' }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Cart' }).click();
    await page.getByLabel(`Quantity of ${MILK.name}`).fill('2');
    await shot(page, '06-cart');
    await page.getByRole('button', { name: 'Place order' }).click();
    await seen(page.getByRole('button', { name: 'Cancel order' }));
    const orders = await api.get('/v1/orders');
    expect(orders.status).toBe(200);
    const placed = orders.body.orders[0];
    expect(placed).toMatchObject({ subtotal: 3180, appliedCoupon: { couponId: couponIds.milk3 } });
    const receipt = page.getByRole('article', { name: `Order ${placed.orderId}` });
    await seen(receipt.getByRole('definition').filter({ hasText: `−¥${(placed.discount / 100).toFixed(2)}` }));
    await seen(receipt.getByText(`¥${(placed.total / 100).toFixed(2)}`).last());
    await seen(receipt.getByText('¥3 off Web Fresh Milk'));
    await seen(page.getByRole('status').filter({ hasText: 'Order confirmed' }));
    await shot(page, '07-order-placed');

    await receipt.getByRole('button', { name: 'Cancel order' }).click();
    await seen(receipt.getByText('Cancelled'));
    await count(receipt.getByRole('button', { name: 'Cancel order' }), 0);
    await page.getByRole('link', { name: 'Orders' }).click();
    await seen(page.getByRole('link', { name: `Order ${placed.orderId}` }));
    await shot(page, '08-orders');
    await page.getByRole('link', { name: `Order ${placed.orderId}` }).click();
    await seen(page.getByRole('article', { name: `Order ${placed.orderId}` }).getByText('Cancelled'));
    await shot(page, '08b-order-detail');
    await page.getByRole('link', { name: 'Wallet' }).click();
    await seen(page.getByRole('region', { name: 'Available' }).getByRole('heading', { name: '¥3 off Web Fresh Milk' }), 20_000);
    expect((await api.get('/v1/wallet')).body.coupons).toEqual([expect.objectContaining({ couponId: couponIds.milk3, status: 'AVAILABLE' })]);
  });

  it('a double-tapped Claim claims once', async () => {
    const page = await newPage();
    const userId = uniqueUser('double');
    await signIn(page, userId);
    await lookUp(page, GUM.gtin);
    await page.getByRole('button', { name: 'Claim' }).dblclick();
    await seen(page.getByRole('status').filter({ hasText: 'Coupon claimed: Gum 1 off, five per shopper' }));
    await seen(page.getByText('In your wallet'));
    await new Promise((r) => setTimeout(r, 1000)); // a second claim, had one been sent, would be decided by now
    const wallet = await new Api(stack.gatewayUrl, await stack.devToken(userId)).get('/v1/wallet');
    expect(wallet.body.coupons.filter((c: any) => c.couponId === couponIds.gum)).toHaveLength(1);
  });

  it('a claim refused for stock says why', async () => {
    const page = await newPage();
    await signIn(page, uniqueUser('stock'));
    await lookUp(page, RARE.gtin);
    await seen(page.getByText('1 left', { exact: false }));
    // Someone else takes the last one after this terminal showed it.
    const other = new Api(stack.gatewayUrl, await stack.devToken(uniqueUser('quicker')));
    expect((await other.post('/v1/claims', { couponId: couponIds.rare })).status).toBe(201);
    await page.getByRole('button', { name: 'Claim' }).click();
    await seen(page.getByRole('status').filter({ hasText: 'Sorry, this coupon has run out.' }));
    await shot(page, '09-refused');
  });

  it('reconnects after the gateway restarts and shows an event that happened while it was down', async () => {
    const page = await newPage();
    const userId = uniqueUser('restart');
    await signIn(page, userId);
    await lookUp(page, TEA.gtin);
    const first = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Tea 50 off' }) });
    await first.getByRole('button', { name: 'Claim' }).click();
    await seen(page.getByRole('status').filter({ hasText: 'Coupon claimed: Tea 50 off' }));

    const gateway = stack.proc('scan-gateway');
    await gateway.kill('SIGTERM');
    await seen(page.getByText('Reconnecting…'));
    await shot(page, '11-reconnecting');

    // While no gateway runs, the wallet decides a claim of this shopper sent straight to its command topic.
    const kafka = new Kafka({ clientId: 'browser-spec', brokers: stack.brokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const reader = kafka.consumer({ groupId: `browser-spec-${randomUUID()}` });
    const decided: Envelope[] = [];
    try {
      await reader.connect();
      await reader.subscribe({ topics: [Topics.walletEvents], fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void decided.push(JSON.parse(message.value!.toString())) });
      await producer.connect();
      const claimId = `clm_offline_${randomUUID().slice(0, 8)}`;
      const cmd = envelope('ClaimCoupon', { claimId, couponId: couponIds.teaOffline, userId, requestedAt: new Date().toISOString() }, {
        aggregateId: couponIds.teaOffline, correlationId: randomUUID(),
      });
      await producer.send({
        topic: Topics.walletCommands, acks: -1,
        messages: [{ key: cmd.aggregateId, value: JSON.stringify(cmd), headers: { [Headers.type]: cmd.type, [Headers.version]: String(cmd.version), [Headers.correlationId]: cmd.correlationId } }],
      });
      await waitFor('the wallet to decide the claim', async () => decided.some((e) => e.type === 'CouponClaimed' && (e.payload as { claimId: string }).claimId === claimId), 30_000);
    } finally {
      await producer.disconnect();
      await reader.disconnect();
    }
    expect(await page.getByText('Coupon claimed: Tea while the gateway was away').count()).toBe(0);

    gateway.start();
    await gateway.waitHealthy(60_000);
    await seen(page.getByRole('status').filter({ hasText: 'Coupon claimed: Tea while the gateway was away' }), 30_000);
    await seen(page.getByText('Live'));
  });

  it('shows when the tab is offline, and goes live again when it is back', async () => {
    const page = await newPage();
    await signIn(page, uniqueUser('offline'));
    await page.context().setOffline(true);
    await seen(page.getByText('You are offline.'));
    await shot(page, '12-offline');
    await page.context().setOffline(false);
    await seen(page.getByText('Live'), 30_000);
  });

  it('lays out on a desktop screen too', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, uniqueUser('desktop'));
    await lookUp(page, MILK.gtin);
    await seen(page.getByRole('heading', { name: MILK.name }));
    await page.screenshot({ path: join(SCREENS, '13-desktop-offers.png') });
  });

  it('speaks Chinese when the browser prefers it', async () => {
    const page = await newPage('zh-CN');
    await page.goto(`${stack.gatewayUrl}/sign-in`);
    await seen(page.getByRole('link', { name: '券包' }));
    await seen(page.getByLabel('用户 ID'));
    await shot(page, '10-sign-in-zh');
  });

  it('is installable: a web manifest with icons, all from the gateway', async () => {
    const res = await fetch(`${stack.gatewayUrl}/manifest.webmanifest`);
    expect(res.headers.get('content-type')).toContain('application/manifest+json');
    const manifest = (await res.json()) as { display: string; start_url: string; icons: Array<{ src: string; sizes: string }> };
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/scan' });
    for (const icon of manifest.icons) expect((await fetch(`${stack.gatewayUrl}${icon.src}`)).status).toBe(200);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  });

  it('loads nothing from anywhere but the gateway', async () => {
    for (const c of contexts.splice(0)) await c.close();
    expect(offOrigin).toEqual([]);
  });
});
