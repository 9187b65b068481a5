import { createHmac } from 'node:crypto';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: T;
  text: string;
}

/** A terminal's or merchant's view of the gateway: JSON over HTTP, optionally with a bearer token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): Api {
    return new Api(this.baseUrl, token);
  }

  get<T = any>(path: string): Promise<ApiResponse<T>> {
    return this.send('GET', path);
  }
  post<T = any>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.send('POST', path, JSON.stringify(body), headers);
  }
  put<T = any>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.send('PUT', path, JSON.stringify(body));
  }
  patch<T = any>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.send('PATCH', path, JSON.stringify(body));
  }

  /** Sends a raw body (malformed JSON, huge payloads) with the given content type. */
  async send<T = any>(method: string, path: string, rawBody?: string | Buffer, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: rawBody,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body, text };
  }
}

/** An HS256 JWT signed with the given secret (to forge tokens the gateway must refuse). */
export function signHs256(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64(header)}.${b64(payload)}`;
  return `${data}.${createHmac('sha256', secret).update(data).digest('base64url')}`;
}

/** The payload of a JWT, unverified. */
export function jwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** Checks the contract's error shape (DESIGN §4) and returns it. */
export function expectError(res: ApiResponse, status: number, code?: string | RegExp): { code: string; message: string; details?: any[] } {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  const err = res.body?.error;
  expect(err).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String) }));
  if (code) expect(err.code).toMatch(code);
  return err;
}

/** The field names an error's details mention, whatever the exact detail shape ({field}, {path}, {property}). */
export function detailFields(err: { details?: any[] }): string[] {
  return (err.details ?? []).map((d) => (typeof d === 'string' ? d : String(d.field ?? d.path ?? d.property ?? d.name ?? JSON.stringify(d))));
}

/**
 * Posts a body with node:http, resolving on the server's answer even when the server answers early and closes the
 * connection before the body is all sent (as it should for an oversized body; fetch reports that as EPIPE).
 */
export function postLarge(baseUrl: string, path: string, body: string, token?: string): Promise<ApiResponse> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as typeof import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: any = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: parsed, text });
      });
    });
    req.on('error', (err) => {
      // EPIPE/ECONNRESET while still sending: wait for the answer already on its way.
      if (!answered) setTimeout(() => !answered && reject(err), 2_000);
    });
    req.end(body);
  });
}
