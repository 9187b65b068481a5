import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DISPLAYS, DEMO_PRODUCTS, DEMO_STORES, demoCoupons } from './demo-data';

/** Written to DATA_DIR once the demo data is in, so a second `npm start` does not load it again. */
export const SEED_MARKER = 'demo-seed.json';

export interface SeedMarker {
  seededAt: string;
  gatewayUrl: string;
  /** Demo coupon key -> couponId the server assigned. */
  coupons: Record<string, string>;
}

export function readSeedMarker(dataDir: string): SeedMarker | undefined {
  const file = join(dataDir, SEED_MARKER);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as SeedMarker;
}

/**
 * Loads the demo data set through the gateway's admin API as a merchant: stores, products, coupons, displays.
 * Stores, products and displays are PUTs (repeatable); coupons are created once, each with an Idempotency-Key.
 */
export async function seedDemoData(gatewayUrl: string, merchantToken: string, dataDir: string, log: (line: string) => void): Promise<SeedMarker> {
  const call = adminClient(gatewayUrl, merchantToken);
  for (const s of DEMO_STORES) await call('PUT', `/v1/admin/stores/${encodeURIComponent(s.storeId)}`, { name: s.name });
  log(`${DEMO_STORES.length} stores`);
  for (const p of DEMO_PRODUCTS) {
    const { sku, ...body } = p;
    await call('PUT', `/v1/admin/products/${encodeURIComponent(sku)}`, body);
  }
  log(`${DEMO_PRODUCTS.length} products`);
  const coupons: Record<string, string> = {};
  for (const c of demoCoupons()) {
    const created = (await call('POST', '/v1/admin/coupons', c.body, { 'idempotency-key': `demo-seed-${c.key}` })) as { couponId?: string };
    if (!created?.couponId) throw new Error(`POST /v1/admin/coupons (${c.key}) returned no couponId: ${JSON.stringify(created)}`);
    coupons[c.key] = created.couponId;
  }
  log(`${Object.keys(coupons).length} coupons`);
  for (const d of DEMO_DISPLAYS) await call('PUT', `/v1/admin/stores/${encodeURIComponent(d.storeId)}/displays`, { items: d.items });
  log(`promoted products in ${DEMO_DISPLAYS.length} stores`);

  const marker: SeedMarker = { seededAt: new Date().toISOString(), gatewayUrl, coupons };
  const file = join(dataDir, SEED_MARKER);
  writeFileSync(`${file}.tmp`, JSON.stringify(marker, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return marker;
}

function adminClient(gatewayUrl: string, token: string) {
  return async (method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> => {
    // A service that just became healthy may still be joining its consumer group: retry what was not decided.
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status === 200 || res.status === 201) return text ? JSON.parse(text) : undefined;
      const retryable = res.status === 202 || res.status === 503 || res.status === 504;
      if (!retryable || attempt >= 10) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 1_000 * attempt));
    }
  };
}
