import { describe, expect, it } from 'vitest';
import { ApiClient, ApiProblem, NetworkProblem, sendOnce } from './api';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('sends the token and Idempotency-Key, and turns the error body into an ApiProblem', async () => {
    const seen: RequestInit[] = [];
    const sut = new ApiClient(() => 'tok', () => undefined, async (_url, init) => {
      seen.push(init);
      return json(409, { error: { code: 'OUT_OF_STOCK', message: 'no stock left', details: [] } });
    });
    const err = await sut.post('/v1/claims', { body: { couponId: 'c' }, idempotencyKey: 'k-1' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiProblem);
    expect(err).toMatchObject({ status: 409, code: 'OUT_OF_STOCK' });
    expect(seen[0].headers).toMatchObject({ authorization: 'Bearer tok', 'idempotency-key': 'k-1', 'content-type': 'application/json' });
  });

  it('signs out on a 401 with a token', async () => {
    let signedOut = false;
    const sut = new ApiClient(() => 'old', () => (signedOut = true), async () => json(401, { error: { code: 'UNAUTHORIZED', message: 'expired' } }));
    await expect(sut.get('/v1/wallet')).rejects.toBeInstanceOf(ApiProblem);
    expect(signedOut).toBe(true);
  });

  it('reports no answer as a NetworkProblem', async () => {
    const sut = new ApiClient(() => null, () => undefined, async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(sut.get('/v1/wallet')).rejects.toBeInstanceOf(NetworkProblem);
  });
});

describe('sendOnce', () => {
  it('retries a lost answer with the same key, and stops at the first answer', async () => {
    const keys: string[] = [];
    const sut = await sendOnce(async (key) => {
      keys.push(key);
      if (keys.length < 3) throw new NetworkProblem('down');
      return 'claimed';
    }, 'press-1', 3, 1);
    expect(sut).toBe('claimed');
    expect(keys).toEqual(['press-1', 'press-1', 'press-1']);
  });

  it('never retries a refusal', async () => {
    let tries = 0;
    await expect(sendOnce(async () => {
      tries++;
      throw new ApiProblem(409, 'OUT_OF_STOCK', 'gone');
    }, 'k', 3, 1)).rejects.toBeInstanceOf(ApiProblem);
    expect(tries).toBe(1);
  });
});
