import { Injectable } from '@nestjs/common';
import { ID_PATTERN } from '@coupons/contracts';
import { webcrypto } from 'node:crypto';
import { JWTPayload, JWTVerifyGetKey, SignJWT, createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { GatewayEnv } from '../config/gateway.env';
import { AuthUser, ROLES, Role } from './roles';

const copyUser = (u: AuthUser): AuthUser => ({ userId: u.userId, roles: [...u.roles], ...(u.merchantId !== undefined ? { merchantId: u.merchantId } : {}) });

/** Lifetime of tokens minted by POST /v1/auth/dev-token. */
export const DEV_TOKEN_TTL_SECONDS = 3600;

export class InvalidTokenError extends Error {}

/** Verified tokens kept (until they expire) so a terminal's repeated requests skip the signature check. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Verifies bearer JWTs with jose: HS256 with JWT_SECRET, or the keys published at JWT_JWKS_URL (asymmetric
 * algorithms only, so a JWKS-configured gateway can't be fooled by an HMAC token signed with a public key).
 */
@Injectable()
export class TokenService {
  /**
   * The HS256 key as a CryptoKey, imported once: given the secret's bytes (or a KeyObject, which it exports back to
   * bytes), jose imports a CryptoKey on every call, 40% of a verification.
   */
  private readonly secret?: Promise<webcrypto.CryptoKey>;
  private readonly jwks?: JWTVerifyGetKey;
  private readonly verified = new Map<string, { user: AuthUser; expiresAtMs: number }>();

  constructor(private readonly env: GatewayEnv) {
    if (env.JWT_SECRET) {
      this.secret = webcrypto.subtle.importKey('raw', new TextEncoder().encode(env.JWT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      // Awaited by each use; this only keeps a (never seen) import failure from being reported as unhandled at start-up.
      this.secret.catch(() => undefined);
    }
    if (env.JWT_JWKS_URL) this.jwks = createRemoteJWKSet(new URL(env.JWT_JWKS_URL));
  }

  /**
   * The caller of a valid token. A token verified before is answered from a bounded cache until its `exp` (the only
   * check whose answer changes with time once the signature, issuer and audience have passed), so the signature is
   * checked once per token rather than once per request.
   */
  async verify(token: string): Promise<AuthUser> {
    const hit = this.verified.get(token);
    if (hit) {
      if (Date.now() < hit.expiresAtMs) return copyUser(hit.user);
      this.verified.delete(token);
    }
    return this.verifyNow(token);
  }

  private async verifyNow(token: string): Promise<AuthUser> {
    let payload: JWTPayload;
    // maxTokenAge refuses tokens issued too long ago (and needs iat); the exp - iat check below, tokens meant to live too long.
    const maxAge = this.env.JWT_MAX_LIFETIME_SECONDS;
    const options = { issuer: this.env.JWT_ISSUER, audience: this.env.JWT_AUDIENCE, requiredClaims: ['sub', 'exp', 'iat'], maxTokenAge: maxAge };
    try {
      if (this.secret) {
        ({ payload } = await jwtVerify(token, await this.secret, { ...options, algorithms: ['HS256'] }));
      } else if (this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] }));
      } else {
        throw new InvalidTokenError('no verification key configured');
      }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('the token has expired');
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iat') {
        throw new InvalidTokenError(`the token has no iat or was issued more than ${maxAge} s ago`);
      }
      if (err instanceof joseErrors.JOSEError || err instanceof InvalidTokenError) throw new InvalidTokenError('the token is not valid');
      throw err;
    }
    if (typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp - payload.iat > maxAge) {
      throw new InvalidTokenError(`the token lives longer than the ${maxAge} s allowed`);
    }
    if (typeof payload.sub !== 'string' || !ID_PATTERN.test(payload.sub)) throw new InvalidTokenError('the token has no valid sub');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
    const user: AuthUser = { userId: payload.sub, roles: [...new Set(roles)] };
    // A merchant's id is its `mid` claim; a merchant token without one (older scripts, other issuers) is its own merchant.
    if (user.roles.includes('merchant') || user.roles.includes('admin')) {
      if (payload.mid !== undefined && (typeof payload.mid !== 'string' || !ID_PATTERN.test(payload.mid))) throw new InvalidTokenError('the token has no valid mid');
      user.merchantId = (payload.mid as string | undefined) ?? payload.sub;
    }
    if (typeof payload.exp === 'number') {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { user: copyUser(user), expiresAtMs: Math.min(payload.exp, (payload.iat ?? 0) + maxAge) * 1000 });
    }
    return user;
  }

  /** Mints a dev token (AUTH_DEV_TOKENS only; the env check guarantees a JWT_SECRET). */
  async issueDevToken(userId: string, roles: Role[], merchantId?: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    if (!this.secret) throw new Error('dev tokens need JWT_SECRET');
    const merchant = roles.includes('merchant') || roles.includes('admin');
    let jwt = new SignJWT({ roles, ...(merchant ? { mid: merchantId ?? userId } : {}) }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuedAt()
      .setExpirationTime(`${DEV_TOKEN_TTL_SECONDS}s`);
    if (this.env.JWT_ISSUER) jwt = jwt.setIssuer(this.env.JWT_ISSUER);
    if (this.env.JWT_AUDIENCE) jwt = jwt.setAudience(this.env.JWT_AUDIENCE);
    return { accessToken: await jwt.sign(await this.secret), tokenType: 'Bearer', expiresIn: DEV_TOKEN_TTL_SECONDS };
  }
}
