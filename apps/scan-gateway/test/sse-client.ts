import { waitFor } from './wait-for';

export interface SseEvent {
  id?: string;
  event?: string;
  data: any;
}

/** A minimal EventSource over fetch: collects the frames of one stream until closed. */
export async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  let buffer = '';
  const pump = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { data: undefined };
          let isEvent = false;
          for (const line of frame.split('\n')) {
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') e.id = value;
            if (field === 'event') e.event = value;
            if (field === 'data') {
              e.data = JSON.parse(value);
              isEvent = true;
            }
          }
          if (isEvent) events.push(e);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    /** Resolves true when the server ends the stream (or it is closed here). */
    ended: pump.then(() => true),
    /** Resolves once `n` events have arrived. */
    waitForEvents: (n: number, timeoutMs = 10_000) => waitFor(`${n} SSE events`, () => (events.length >= n ? events.slice(0, n) : undefined), timeoutMs),
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}
