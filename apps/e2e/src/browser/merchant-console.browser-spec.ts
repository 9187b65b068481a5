// The merchant console (/merchant in the web app) in a real browser (Debian's Chromium, headless, via playwright-core)
// against every service as a process: a merchant creates a store, a product and a coupon in the console, a shopper
// claims it in the terminal, and the console shows it issued. Elements are found by role, label and text, as people
// and screen readers find them. Screenshots of each page go to tmp/merchant-console-screens/.
import { RunningStack, startStack } from '@coupons/testing';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, phoneContext } from './browser';
import { withCheckDigit, writeBarcodeVideo } from './fake-camera';

const SCREENS = join(__dirname, '../../../../tmp/merchant-console-screens');
const RUN = Date.now().toString(36);
const MERCHANT_A = `mc-a-${RUN}`;
const MERCHANT_B = `mc-b-${RUN}`;
const STORE = { id: `mc-store-${RUN}`, name: 'Console Corner Shop' };
const OAT = { sku: `mc-oat-${RUN}`, name: 'Console Oat Milk', price: '15.90', gtin: withCheckDigit('690123499001') };
const COUPON = '¥3 off Console Oat Milk';

let stack: RunningStack;
let browser: Browser;
let workDir: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const offOrigin: string[] = [];
let couponUrl = '';

/** Waits until the locator shows (playwright-core has no expect of its own: jest's expect checks values). */
const seen = (l: Locator, timeout = 15_000) => l.first().waitFor({ state: 'visible', timeout });

/** The message shown beside the field labelled `label`. */
const errorBeside = (page: Page, label: string) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).getByRole('alert');

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });

async function newPage(width = 1280, height = 900): Promise<Page> {
  const made = await phoneContext(browser, stack.gatewayUrl);
  contexts.push(made.context);
  const page = await made.context.newPage();
  await page.setViewportSize({ width, height });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  made.context.on('close', () => offOrigin.push(...made.offOrigin));
  return page;
}

async function signInMerchant(page: Page, merchant: string): Promise<void> {
  await page.goto(`${stack.gatewayUrl}/merchant/sign-in`);
  await page.getByLabel('Merchant', { exact: true }).fill(merchant);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await seen(page.getByRole('heading', { name: 'Coupons', level: 2 }));
  await seen(page.getByText(`Merchant ${merchant}`));
}

/** The count shown under a label (Issued, Redeemed, Remaining) on the coupon page, once it reads `value`. */
async function countReads(page: Page, label: string, value: string, timeout = 20_000): Promise<void> {
  const dd = page.locator('.counts div', { has: page.getByText(label, { exact: true }) }).locator('dd');
  for (const until = Date.now() + timeout; (await dd.textContent()) !== value; ) {
    if (Date.now() > until) throw new Error(`${label} shows ${await dd.textContent()}, expected ${value}`);
    await page.waitForTimeout(200);
  }
}

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  workDir = mkdtempSync(join(tmpdir(), 'merchant-console-browser-'));
  const video = join(workDir, 'oat-barcode.y4m');
  await writeBarcodeVideo(video, 'ean13', OAT.gtin);
  [stack, browser] = await Promise.all([startStack(), launchChromium(video)]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the merchant console in Chromium', () => {
  it('a merchant creates a store, a product and a coupon; a shopper claims it in the terminal; the console shows issued 1', async () => {
    const page = await newPage();
    await page.goto(`${stack.gatewayUrl}/merchant/coupons`);
    await seen(page.getByRole('heading', { name: 'Merchant sign-in' })); // signed out: the console sends you to sign in
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seen(page.getByText('Required.'));
    await shot(page, '01-sign-in');
    await signInMerchant(page, MERCHANT_A);

    // A store, refused first for the field the form checks, then saved.
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await page.getByLabel('Store id').fill('has space');
    await page.getByLabel('Store name').fill(STORE.name);
    await page.getByRole('button', { name: 'Save store' }).click();
    await seen(errorBeside(page, 'Store id').getByText('1 to 64 characters, no spaces.'));
    await page.getByLabel('Store id').fill(STORE.id);
    await page.getByRole('button', { name: 'Save store' }).click();
    const storeItem = page.getByRole('list', { name: 'Stores' }).getByRole('listitem').filter({ hasText: STORE.id });
    await seen(storeItem.getByRole('heading', { name: STORE.name }));
    expect(await errorBeside(page, 'Store id').count()).toBe(0);

    // A product: a bad GTIN is refused beside its field before anything is sent.
    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await page.getByLabel('Sku', { exact: true }).fill(OAT.sku);
    await page.getByLabel('Name', { exact: true }).fill(OAT.name);
    await page.getByLabel('Price', { exact: true }).fill(OAT.price);
    await page.getByLabel('GTIN (barcode)').fill(OAT.gtin.slice(0, -1) + String((Number(OAT.gtin.slice(-1)) + 1) % 10));
    await page.getByLabel('Category').first().fill('dairy');
    await page.getByRole('button', { name: 'Save product' }).click();
    await seen(errorBeside(page, 'GTIN (barcode)').getByText('A GTIN-8, -12, -13 or -14 with a valid check digit.'));
    await page.getByLabel('GTIN (barcode)').fill(OAT.gtin);
    await page.getByRole('button', { name: 'Save product' }).click();
    const productItem = page.getByRole('list', { name: 'Products' }).getByRole('listitem').filter({ hasText: OAT.sku });
    await seen(productItem.getByRole('heading', { name: OAT.name }));
    await seen(productItem.getByText('¥15.90'));
    await shot(page, '03-products');

    // The store's promoted products: the API's refusal of an unknown sku is shown beside that row's sku.
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await storeItem.getByRole('button', { name: 'Promoted products' }).click();
    await page.getByLabel('Sku 1', { exact: true }).fill('no-such-sku');
    await page.getByLabel('Headline 1', { exact: true }).fill('Fresh this week');
    await page.getByRole('button', { name: 'Save promoted products' }).click();
    await seen(errorBeside(page, 'Sku 1').getByText(/no product no-such-sku/));
    await page.getByLabel('Sku 1', { exact: true }).fill(OAT.sku);
    await page.getByRole('button', { name: 'Save promoted products' }).click();
    await seen(page.getByRole('status').filter({ hasText: 'Saved.' }));
    expect(await errorBeside(page, 'Sku 1').count()).toBe(0);
    await shot(page, '02-stores');

    // A coupon for the product in the store: a zero quantity is refused beside it, then the coupon is created.
    await page.getByRole('link', { name: 'Coupons', exact: true }).click();
    await page.getByRole('button', { name: 'New coupon' }).click();
    const form = page.getByRole('form', { name: 'New coupon' });
    await form.getByLabel('Title').fill(COUPON);
    await form.getByLabel('Amount off (yuan)').fill('3');
    await form.getByRole('checkbox', { name: new RegExp(STORE.name) }).check();
    await form.getByLabel('Target skus').fill(OAT.sku);
    await form.getByLabel('Total quantity').fill('0');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    await seen(errorBeside(page, 'Total quantity').getByText('A whole number from 1 to 100000000.'));
    await form.getByLabel('Total quantity').fill('10');
    await shot(page, '04-coupon-form');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    await seen(page.getByRole('heading', { name: COUPON, level: 2 }));
    couponUrl = page.url();
    expect(couponUrl).toMatch(/\/merchant\/coupons\/[^/]+$/);
    await countReads(page, 'Issued', '0');
    await countReads(page, 'Remaining', '10');

    // The shopper, on a phone, in the terminal: the store's code, the product's barcode, Claim.
    const phone = await newPage(360, 640);
    await phone.goto(`${stack.gatewayUrl}/sign-in`);
    await phone.getByLabel('User id').fill(`mc-shopper-${RUN}`);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await seen(phone.getByLabel('Code', { exact: true }));
    await phone.getByLabel('Code', { exact: true }).fill(`https://scan.example/s/${STORE.id}`);
    await phone.getByRole('button', { name: 'Look up' }).click();
    await seen(phone.getByRole('status').filter({ hasText: `Store set to ${STORE.id}.` }));
    await phone.getByLabel('Code', { exact: true }).fill(OAT.gtin);
    await phone.getByRole('button', { name: 'Look up' }).click();
    await seen(phone.getByRole('heading', { name: OAT.name }));
    const offer = phone.getByRole('listitem').filter({ has: phone.getByRole('heading', { name: COUPON }) });
    await offer.getByRole('button', { name: 'Claim' }).click();
    await seen(phone.getByRole('status').filter({ hasText: `Coupon claimed: ${COUPON}` }));

    // Back in the console: issued 1 (the page reads the coupon again on its own).
    await countReads(page, 'Issued', '1');
    await countReads(page, 'Redeemed', '0');
    await countReads(page, 'Remaining', '9');
    await shot(page, '05-coupon-issued');

    // Pause and resume; an edit below what is issued is refused beside the field before it is sent.
    await page.getByRole('button', { name: 'Pause' }).click();
    await seen(page.locator('.status').getByText('Paused'));
    await page.getByRole('button', { name: 'Resume' }).click();
    await seen(page.locator('.status').getByText('Active'));
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('form', { name: 'Edit' }).getByLabel('Total quantity').fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await seen(errorBeside(page, 'Total quantity').getByText('Can\'t go below the 1 already issued.'));
    await shot(page, '06-coupon-edit');

    await page.getByRole('link', { name: 'Coupons', exact: true }).click();
    await seen(page.getByRole('list', { name: 'Coupons' }).getByRole('link', { name: COUPON }));
    await shot(page, '07-coupons');

    // The same pages at a phone's width.
    await page.setViewportSize({ width: 360, height: 640 });
    await page.getByRole('list', { name: 'Coupons' }).getByRole('link', { name: COUPON }).click();
    await countReads(page, 'Issued', '1');
    await shot(page, '08-coupon-phone');
    await page.getByRole('link', { name: 'Coupons', exact: true }).click();
    await page.getByRole('button', { name: 'New coupon' }).click();
    await shot(page, '09-coupon-form-phone');
  });

  it('speaks Chinese to a browser that prefers it', async () => {
    const made = await phoneContext(browser, stack.gatewayUrl, 'zh-CN');
    contexts.push(made.context);
    const page = await made.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${stack.gatewayUrl}/merchant/stores`);
    await seen(page.getByRole('heading', { name: '商家登录' }));
    await page.getByLabel('商家', { exact: true }).fill(`mc-zh-${RUN}`);
    await page.getByRole('button', { name: '登录' }).click();
    await seen(page.getByRole('heading', { name: '优惠券', level: 2 }));
    await page.getByRole('button', { name: '新建优惠券' }).click();
    await page.getByRole('button', { name: '创建优惠券' }).click();
    await seen(errorBeside(page, '标题').getByText('必填。'));
    await shot(page, '10-zh-coupon-form');
  });

  it('a merchant lists its coupons with their counts, edits one, and ends it after confirming', async () => {
    const page = await newPage();
    await signInMerchant(page, MERCHANT_A);
    const item = page.getByRole('list', { name: 'Coupons' }).getByRole('listitem').filter({ hasText: COUPON });
    await seen(item);
    expect(await page.getByText('This server can\'t list these yet').count()).toBe(0);
    await seen(item.locator('[data-count="issued"]').getByText('1', { exact: true }));
    await page.getByLabel('Status').selectOption('PAUSED');
    await page.waitForTimeout(500);
    expect(await item.count()).toBe(0);
    await page.getByLabel('Status').selectOption('ACTIVE');
    await seen(item);
    await shot(page, '11-coupon-list');

    // The store's promoted products editor starts from the list saved earlier (a new visit: read from the gateway).
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    const storeItem = page.getByRole('list', { name: 'Stores' }).getByRole('listitem').filter({ hasText: STORE.id });
    await storeItem.getByRole('button', { name: 'Promoted products' }).click();
    await seen(page.getByLabel('Sku 1', { exact: true }));
    expect([await page.getByLabel('Sku 1', { exact: true }).inputValue(), await page.getByLabel('Headline 1', { exact: true }).inputValue()])
      .toEqual([OAT.sku, 'Fresh this week']);

    await page.getByRole('link', { name: 'Coupons', exact: true }).click();
    await item.getByRole('link', { name: COUPON }).click();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit' });
    await edit.getByLabel('Title').fill(`${COUPON} (renamed)`);
    await edit.getByLabel('Total quantity').fill('20');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await seen(page.getByRole('heading', { name: `${COUPON} (renamed)`, level: 2 }));
    await countReads(page, 'Remaining', '19');

    await page.getByRole('button', { name: 'End coupon' }).click();
    await seen(page.getByRole('alertdialog'));
    await page.getByRole('button', { name: 'Yes, end it' }).click();
    await seen(page.locator('.status').getByText('Ended'));
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await shot(page, '12-coupon-ended');
  });

  it('a second merchant signed in does not see the first one\'s coupon, listed or by its link', async () => {
    const page = await newPage();
    await signInMerchant(page, MERCHANT_B);
    await seen(page.getByText('No coupons yet.'));
    expect(await page.getByText('This server can\'t list these yet').count()).toBe(0);
    expect(await page.getByText(COUPON).count()).toBe(0);
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await seen(page.getByText('No stores yet.'));
    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await seen(page.getByText('No products yet.'));
    await page.goto(couponUrl);
    await seen(page.getByRole('heading', { name: 'No such coupon.' }));
    await shot(page, '13-second-merchant');
  });

  it('loaded everything from the gateway and threw no error in the page', async () => {
    for (const c of contexts.splice(0)) await c.close();
    expect(offOrigin).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
