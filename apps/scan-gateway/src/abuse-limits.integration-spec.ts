// Rate limits and stream caps (issue 12), with limits set low through the environment: each limit answers 429
// RATE_LIMITED in the contract's format with Retry-After, per address before authentication, per user after it.
import { GatewayHarness, HttpResult, startHarness } from '../test/gateway-harness';
import { openStream } from '../test/sse-client';
import { waitFor } from '../test/wait-for';

jest.setTimeout(60_000);

let h: GatewayHarness;
const limited = (res: HttpResult, scope: 'address' | 'user') => {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    error: { code: 'RATE_LIMITED', message: expect.any(String), details: [expect.objectContaining({ scope, retryAfterSeconds: expect.any(Number) })] },
  });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
};

beforeAll(async () => {
  h = await startHarness({
    RATE_LIMIT_WINDOW_MS: '60000',
    RATE_LIMIT_SCANS_PER_ADDRESS: '5',
    RATE_LIMIT_CLAIMS_PER_ADDRESS: '6',
    RATE_LIMIT_CLAIMS_PER_USER: '3',
    RATE_LIMIT_DEV_TOKENS_PER_ADDRESS: '50',
    RATE_LIMIT_DEV_TOKENS_PER_USER: '2',
    RATE_LIMIT_OTHER_PER_ADDRESS: '10',
    SSE_STREAMS_PER_USER: '2',
  });
});

afterAll(async () => {
  await h?.stop();
});

it('limits anonymous scans per address', async () => {
  for (let i = 0; i < 5; i++) expect((await h.http('POST', '/v1/scans', { body: { code: '6901234000016' } })).status).toBe(200);
  limited(await h.http('POST', '/v1/scans', { body: { code: '6901234000016' } }), 'address');
});

it('limits claims per user, then per address, whoever the user', async () => {
  const alice = await h.token('rl-alice');
  const bob = await h.token('rl-bob');
  const claim = (token: string) => h.http('POST', '/v1/claims', { body: { couponId: 'cpn_nothing' }, token });
  for (let i = 0; i < 3; i++) expect((await claim(alice)).status).not.toBe(429);
  limited(await claim(alice), 'user');
  // Four of the address's six are used: Bob has two before the address limit.
  expect((await claim(bob)).status).not.toBe(429);
  expect((await claim(bob)).status).not.toBe(429);
  limited(await claim(bob), 'address');
});

it('limits dev tokens per requested user', async () => {
  expect((await h.http('POST', '/v1/auth/dev-token', { body: { userId: 'rl-dev' } })).status).toBe(200);
  expect((await h.http('POST', '/v1/auth/dev-token', { body: { userId: 'rl-dev' } })).status).toBe(200);
  limited(await h.http('POST', '/v1/auth/dev-token', { body: { userId: 'rl-dev' } }), 'user');
  expect((await h.http('POST', '/v1/auth/dev-token', { body: { userId: 'rl-dev-2' } })).status).toBe(200);
});

it('keeps at most SSE_STREAMS_PER_USER streams per user, closing the oldest', async () => {
  const token = await h.token('rl-streamer');
  const url = `${h.base}/v1/notifications/stream`;
  const first = await openStream(url, { authorization: `Bearer ${token}` });
  const second = await openStream(url, { authorization: `Bearer ${token}` });
  const third = await openStream(url, { authorization: `Bearer ${token}` });
  expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
  await waitFor('the oldest stream to be closed', async () => ((await first.ended) ? true : undefined), 5000);
  expect(await Promise.race([second.ended, new Promise((r) => setTimeout(() => r(false), 500))])).toBe(false);
  await Promise.all([first.close(), second.close(), third.close()]);
});

it('limits a flood of bad tokens per address, before checking them', async () => {
  // Earlier tests' streams count too (the same address): some 401s, then only 429s.
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await h.http('GET', '/v1/wallet', { token: `bad.token.${i}` })).status);
  const first429 = statuses.indexOf(429);
  expect(first429).toBeGreaterThan(0);
  expect(statuses.slice(0, first429).every((s) => s === 401)).toBe(true);
  expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
  limited(await h.http('GET', '/v1/wallet', { token: 'bad.token.last' }), 'address');
});
