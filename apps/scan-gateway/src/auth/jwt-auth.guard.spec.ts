import { ExecutionContext } from '@nestjs/common';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Reflector } from '@nestjs/core';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { AllowQueryToken, JwtAuthGuard } from './jwt-auth.guard';
import { AuthUser, OptionalAuth, Public, RequireRoles, Role } from './roles';
import { TokenService } from './token.service';

const SECRET = 'unit-test-secret-0123456789';

class Routes {
  @RequireRoles('merchant') merchantOnly() {}
  @RequireRoles('customer') customerOnly() {}
  @OptionalAuth() optional() {}
  @Public() open() {}
  anyUser() {}
  @RequireRoles('customer') @AllowQueryToken() stream() {}
}

function env(overrides: Partial<GatewayEnv> = {}): GatewayEnv {
  return Object.assign(new GatewayEnv(), { KAFKA_BROKERS: ['localhost:9092'], JWT_SECRET: SECRET, ...overrides });
}

function context(handler: keyof Routes, req: { headers: Record<string, string>; query?: Record<string, string>; user?: AuthUser }): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}), getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

async function token(opts: { sub?: string; roles?: Role[] | unknown; secret?: string; exp?: string | number; alg?: string; iat?: number | null } = {}): Promise<string> {
  let jwt = new SignJWT({ roles: opts.roles ?? ['customer'] }).setProtectedHeader({ alg: opts.alg ?? 'HS256' });
  if (opts.iat !== null) jwt = jwt.setIssuedAt(opts.iat);
  if (opts.sub !== '') jwt = jwt.setSubject(opts.sub ?? 'u-1');
  jwt = jwt.setExpirationTime(opts.exp ?? '1h');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

async function outcome(sut: JwtAuthGuard, handler: keyof Routes, headers: Record<string, string>, query?: Record<string, string>) {
  const req: { headers: Record<string, string>; query?: Record<string, string>; user?: AuthUser } = { headers, query };
  try {
    await sut.canActivate(context(handler, req));
    return { status: 200, user: req.user };
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
    throw err;
  }
}

describe('JwtAuthGuard', () => {
  const sut = new JwtAuthGuard(new TokenService(env()), new Reflector());
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it('lets a merchant token through to a merchant route, with the user from sub and roles', async () => {
    expect(await outcome(sut, 'merchantOnly', bearer(await token({ sub: 'm-7', roles: ['merchant'] })))).toEqual({
      status: 200, user: { userId: 'm-7', roles: ['merchant'], merchantId: 'm-7' },
    });
  });

  it.each([
    ['no token', async () => ({})],
    ['a non-bearer Authorization header', async () => ({ authorization: 'Basic dTpw' })],
    ['garbage', async () => bearer('not.a.jwt')],
    ['a forged signature', async () => bearer(await token({ roles: ['merchant'], secret: 'another-secret-0123456789' }))],
    ['an expired token', async () => bearer(await token({ roles: ['merchant'], exp: Math.floor(Date.now() / 1000) - 60 }))],
    ['a token without sub', async () => bearer(await token({ roles: ['merchant'], sub: '' }))],
    ['a token without iat', async () => bearer(await token({ roles: ['merchant'], iat: null }))],
    ['a token meant to live until 9999', async () => bearer(await token({ roles: ['merchant'], exp: 253402300799 }))],
    ['a token living 25 h', async () => bearer(await token({ roles: ['merchant'], exp: '25h' }))],
    ['a token issued 2 days ago', async () => bearer(await token({ roles: ['merchant'], iat: Math.floor(Date.now() / 1000) - 2 * 86_400, exp: '1h' }))],
    ['a tampered payload', async () => {
      const [h, , s] = (await token({ roles: ['customer'] })).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'u-1', roles: ['merchant'], exp: 9999999999 })).toString('base64url');
      return bearer(`${h}.${payload}.${s}`);
    }],
    ['an unsigned token (alg none)', async () => {
      const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const p = Buffer.from(JSON.stringify({ sub: 'u-1', roles: ['merchant'], exp: 9999999999 })).toString('base64url');
      return bearer(`${h}.${p}.`);
    }],
  ])('answers 401 UNAUTHORIZED for %s', async (_, headers) => {
    expect(await outcome(sut, 'merchantOnly', await headers())).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('says when a token has expired', async () => {
    const r = await outcome(sut, 'anyUser', bearer(await token({ exp: Math.floor(Date.now() / 1000) - 60 })));
    expect(r).toMatchObject({ status: 401, message: expect.stringContaining('expired') });
  });

  it.each([
    ['a customer on a merchant route', 'merchantOnly' as const, ['customer']],
    ['a merchant on a customer route', 'customerOnly' as const, ['merchant']],
    ['a token without roles', 'merchantOnly' as const, []],
    ['a token with other roles only', 'merchantOnly' as const, ['admin', 'root']],
    ['roles that are not an array', 'merchantOnly' as const, 'merchant'],
  ])('answers 403 FORBIDDEN for %s', async (_, handler, roles) => {
    expect(await outcome(sut, handler, bearer(await token({ roles })))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('takes the maximum lifetime from JWT_MAX_LIFETIME_SECONDS', async () => {
    const lenient = new JwtAuthGuard(new TokenService(env({ JWT_MAX_LIFETIME_SECONDS: 3 * 86_400 })), new Reflector());
    expect(await outcome(lenient, 'anyUser', bearer(await token({ exp: '48h' })))).toMatchObject({ status: 200 });
    expect(await outcome(sut, 'anyUser', bearer(await token({ exp: '24h' })))).toMatchObject({ status: 200 });
  });

  it('lets any valid token through to a route that only needs a user', async () => {
    expect(await outcome(sut, 'anyUser', bearer(await token({ roles: [] })))).toMatchObject({ status: 200 });
  });

  it('accepts no token on an optional route, but refuses a bad one there', async () => {
    expect(await outcome(sut, 'optional', {})).toEqual({ status: 200, user: undefined });
    expect(await outcome(sut, 'optional', bearer('garbage'))).toMatchObject({ status: 401 });
  });

  it('does not look at tokens on a public route', async () => {
    expect(await outcome(sut, 'open', bearer('garbage'))).toMatchObject({ status: 200 });
  });

  it('takes ?access_token= only where allowed (the SSE stream)', async () => {
    const t = await token({ roles: ['customer'] });
    expect(await outcome(sut, 'stream', {}, { access_token: t })).toMatchObject({ status: 200, user: { userId: 'u-1' } });
    expect(await outcome(sut, 'customerOnly', {}, { access_token: t })).toMatchObject({ status: 401 });
  });

  it('checks issuer and audience when configured', async () => {
    const strict = new JwtAuthGuard(new TokenService(env({ JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'coupons' })), new Reflector());
    expect(await outcome(strict, 'anyUser', bearer(await token()))).toMatchObject({ status: 401 });
    const good = await new SignJWT({ roles: ['customer'] }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setSubject('u-1').setIssuer('https://idp')
      .setAudience('coupons').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    expect(await outcome(strict, 'anyUser', bearer(good))).toMatchObject({ status: 200 });
  });

  it('verifies dev tokens it issued', async () => {
    const tokens = new TokenService(env());
    const issued = await tokens.issueDevToken('u-9', ['customer', 'merchant']);
    expect(issued).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    expect(await outcome(sut, 'merchantOnly', bearer(issued.accessToken))).toEqual({ status: 200, user: { userId: 'u-9', roles: ['customer', 'merchant'], merchantId: 'u-9' } });
  });

  it("carries a merchant dev token's merchant id as mid, and gives none to a customer token", async () => {
    const tokens = new TokenService(env());
    const merchant = await tokens.issueDevToken('u-9', ['merchant'], 'm-acme');
    expect(await outcome(sut, 'merchantOnly', bearer(merchant.accessToken))).toEqual({ status: 200, user: { userId: 'u-9', roles: ['merchant'], merchantId: 'm-acme' } });
    const customer = await tokens.issueDevToken('u-8', ['customer'], 'm-acme');
    expect(await outcome(sut, 'customerOnly', bearer(customer.accessToken))).toEqual({ status: 200, user: { userId: 'u-8', roles: ['customer'] } });
  });

  it('refuses a merchant token whose mid is not an id', async () => {
    const t = await new SignJWT({ roles: ['merchant'], mid: 'has space' }).setProtectedHeader({ alg: 'HS256' }).setSubject('m-1').setIssuedAt().setExpirationTime('1h')
      .sign(new TextEncoder().encode(env().JWT_SECRET!));
    expect(await outcome(sut, 'merchantOnly', bearer(t))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('verifies RS256 tokens against JWT_JWKS_URL, and refuses HS256 ones there (no algorithm confusion)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      const jwksGuard = new JwtAuthGuard(new TokenService(env({ JWT_SECRET: undefined, JWT_JWKS_URL: url })), new Reflector());
      const rs = await new SignJWT({ roles: ['merchant'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setSubject('m-1').setExpirationTime('1h').sign(privateKey);
      expect(await outcome(jwksGuard, 'merchantOnly', bearer(rs))).toEqual({ status: 200, user: { userId: 'm-1', roles: ['merchant'], merchantId: 'm-1' } });
      expect(await outcome(jwksGuard, 'anyUser', bearer(await token()))).toMatchObject({ status: 401 });
    } finally {
      server.close();
    }
  });
});
