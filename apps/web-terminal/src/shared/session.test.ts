import { describe, expect, it } from 'vitest';
import { SESSION_KEYS, loadSession, saveSession, sessionFromToken, tokenFromFragment } from './session';

const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('session', () => {
  it('reads the user id and expiry of a token, and refuses an expired or subject-less one', () => {
    expect(sessionFromToken(jwt({ sub: 'alice', exp: 2000 }), 1000)).toEqual({ token: jwt({ sub: 'alice', exp: 2000 }), userId: 'alice', expiresAt: 2000, roles: [], merchantId: null });
    expect(sessionFromToken(jwt({ sub: '张三' }), 1000)?.userId).toBe('张三');
    expect(sessionFromToken(jwt({ sub: 'alice', exp: 999 }), 1000)).toBeNull();
    expect(sessionFromToken(jwt({ exp: 2000 }), 1000)).toBeNull();
    expect(sessionFromToken('garbage', 1000)).toBeNull();
  });

  it('takes a token an identity provider put in the fragment', () => {
    expect(tokenFromFragment('#access_token=abc.def.ghi&token_type=Bearer')).toBe('abc.def.ghi');
    expect(tokenFromFragment('')).toBeNull();
  });

  it('keeps the token in the given storage', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
    const token = jwt({ sub: 'bob', exp: Date.now() / 1000 + 60 });
    saveSession(storage, sessionFromToken(token));
    expect(loadSession(storage)?.userId).toBe('bob');
    saveSession(storage, null);
    expect(loadSession(storage)).toBeNull();
  });

  it('reads a merchant token\'s roles and merchant id', () => {
    expect(sessionFromToken(jwt({ sub: 'm-1', roles: ['merchant', 7], mid: 'acme' }), 1000)).toMatchObject({ roles: ['merchant'], merchantId: 'acme' });
    expect(sessionFromToken(jwt({ sub: 'm-1', roles: ['merchant'] }), 1000)?.merchantId).toBeNull();
  });

  it('keeps the merchant\'s session apart from the shopper\'s', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
    saveSession(storage, sessionFromToken(jwt({ sub: 'shop-owner', roles: ['merchant'] })), SESSION_KEYS.merchant);
    expect(loadSession(storage)).toBeNull();
    expect(loadSession(storage, SESSION_KEYS.merchant)?.userId).toBe('shop-owner');
  });
});
