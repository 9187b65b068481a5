import type { ErrorBody } from '@coupons/contracts';

/**
 * The gateway's public HTTP API, same origin. Answers are JSON; errors are `{"error": {code, message, details}}`
 * (DESIGN §4) and become an ApiProblem; no answer at all (offline, gateway down) is a NetworkProblem, which a caller
 * may retry with the same Idempotency-Key.
 */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export class NetworkProblem extends Error {
  constructor(cause: unknown) {
    super(`no answer from the server: ${(cause as Error)?.message ?? cause}`);
    this.name = 'NetworkProblem';
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export class ApiClient {
  constructor(
    private readonly getToken: () => string | null,
    private readonly onUnauthorized: () => void = () => undefined,
    private readonly fetcher: FetchLike = (input, init) => fetch(input, init),
    private readonly baseUrl = '',
  ) {}

  get<T>(path: string, opts: RequestOptions = {}): Promise<ApiAnswer<T>> {
    return this.send<T>('GET', path, opts);
  }

  post<T>(path: string, opts: RequestOptions = {}): Promise<ApiAnswer<T>> {
    return this.send<T>('POST', path, opts);
  }

  put<T>(path: string, opts: RequestOptions = {}): Promise<ApiAnswer<T>> {
    return this.send<T>('PUT', path, opts);
  }

  patch<T>(path: string, opts: RequestOptions = {}): Promise<ApiAnswer<T>> {
    return this.send<T>('PATCH', path, opts);
  }

  async send<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let res: Response;
    try {
      res = await this.fetcher(`${this.baseUrl}${path}`, {
        method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal,
      });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw new NetworkProblem(err);
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (res.status >= 400) {
      // Partial: a proxy or a crashed gateway may answer with another body.
      const error = (body as { error?: Partial<ErrorBody['error']> } | undefined)?.error;
      if (res.status === 401 && token) this.onUnauthorized();
      throw new ApiProblem(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText, error?.details ?? []);
    }
    return { status: res.status, body: body as T };
  }
}

/**
 * Sends a command until it gets an answer, with one Idempotency-Key for all tries, so a retry after a lost answer
 * has the first try's effect only. Only NetworkProblems are retried; the server's answers, refusals included, are final.
 */
export async function sendOnce<T>(attempt: (idempotencyKey: string) => Promise<T>, idempotencyKey: string, retries = 2, delayMs = 500): Promise<T> {
  for (let tried = 0; ; tried++) {
    try {
      return await attempt(idempotencyKey);
    } catch (err) {
      if (!(err instanceof NetworkProblem) || tried >= retries) throw err;
      await new Promise((r) => setTimeout(r, delayMs * (tried + 1)));
    }
  }
}

/** A fresh key per press of a button (crypto.randomUUID needs a secure context; the fallback is for plain http on a LAN). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      // not a secure context
    }
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
