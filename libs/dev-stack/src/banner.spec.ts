import { execFileSync } from 'node:child_process';
import { curlCommand, renderBanner } from './banner';

describe('banner', () => {
  it('prints curl commands that a shell turns back into the same URL, header and JSON body', () => {
    const body = { code: "it's \"1\" $HOME `x`", storeId: 's' };
    const cmd = curlCommand('http://127.0.0.1:3000/v1/scans', body, 'tok');
    // Replace curl with a function printing its arguments, one per line, and run the command in a real shell.
    const script = `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${cmd}`;
    const args = execFileSync('sh', ['-c', script]).toString().split('\n');
    expect(args).toContain('http://127.0.0.1:3000/v1/scans');
    expect(args).toContain('authorization: Bearer tok');
    expect(JSON.parse(args[args.indexOf('-d') + 1])).toEqual(body);
  });

  it('shows the gateway, both tokens and two example scans, without the database password', () => {
    const text = renderBanner({
      gatewayUrl: 'http://127.0.0.1:3000',
      customerToken: 'cust.tok.en',
      merchantToken: 'merch.tok.en',
      brokers: '127.0.0.1:9092',
      databaseUrl: 'postgres://postgres:secret@127.0.0.1:54329/coupons',
      dataDir: '/tmp/d',
      services: [{ name: 'wallet', url: 'http://127.0.0.1:3102' }],
      seeded: 'now',
    });
    expect(text).toContain('http://127.0.0.1:3000');
    expect(text).toMatch(/Shopper app: +\S*http:\/\/127\.0\.0\.1:3000\//);
    expect(text).toContain('cust.tok.en');
    expect(text).toContain('merch.tok.en');
    expect(text.match(/curl -s -X POST/g)).toHaveLength(2);
    expect(text).not.toContain('secret');
  });
});
