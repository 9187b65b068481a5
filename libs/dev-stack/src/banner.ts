import { colors } from './colors';
import { DEMO_EXAMPLES } from './seed/demo-data';

export interface BannerInfo {
  gatewayUrl: string;
  customerToken?: string;
  merchantToken?: string;
  brokers: string;
  databaseUrl: string;
  dataDir: string;
  services: Array<{ name: string; url: string; pid?: number }>;
  seeded: 'now' | 'earlier' | 'skipped';
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that posts a JSON body to the gateway, ready to paste into a POSIX shell. */
export function curlCommand(url: string, body: unknown, token?: string): string {
  const auth = token ? ` \\\n  -H ${shellQuote(`authorization: Bearer ${token}`)}` : '';
  return `curl -s -X POST ${shellQuote(url)} \\\n  -H 'content-type: application/json'${auth} \\\n  -d ${shellQuote(JSON.stringify(body))}`;
}

/** The text printed once everything is up: where the gateway is, tokens to use, and two scans to try. */
export function renderBanner(b: BannerInfo): string {
  const scanUrl = `${b.gatewayUrl}/v1/scans`;
  const line = colors.dim('─'.repeat(78));
  const seeded = { now: 'loaded just now', earlier: 'kept from an earlier start', skipped: 'not loaded (AUTH_DEV_TOKENS=false)' }[b.seeded];
  const out = [
    '',
    line,
    colors.bold(colors.green('  Scan-to-coupon is running')),
    '',
    `  Gateway:        ${colors.bold(b.gatewayUrl)}   (OpenAPI: ${b.gatewayUrl}/docs)`,
    `  Shopper app:    ${colors.bold(`${b.gatewayUrl}/`)}   (open it on a phone or a desktop; sign in with any user id)`,
    ...b.services.filter((s) => s.name !== 'scan-gateway').map((s) => `  ${(s.name + ':').padEnd(16)}${s.url}/health`),
    `  Kafka:          ${b.brokers}`,
    `  PostgreSQL:     ${redactPassword(b.databaseUrl)}`,
    `  Data:           ${b.dataDir}   (demo data ${seeded})`,
    '',
  ];
  if (b.customerToken) out.push(`  Customer token (${DEMO_EXAMPLES.customer.userId}):`, `    ${b.customerToken}`);
  if (b.merchantToken) out.push(`  Merchant token (${DEMO_EXAMPLES.merchant.userId}):`, `    ${b.merchantToken}`);
  out.push(
    '',
    colors.bold('  Scan a product (GTIN-13) at a store:'),
    indent(curlCommand(scanUrl, DEMO_EXAMPLES.scan, b.customerToken)),
    '',
    colors.bold("  Scan a store's QR code with a product in it:"),
    indent(curlCommand(scanUrl, DEMO_EXAMPLES.storeQr, b.customerToken)),
    '',
    '  Press Ctrl-C to stop everything.',
    line,
    '',
  );
  return out.join('\n');
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}

function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
