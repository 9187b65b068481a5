import { DecodeResult, Envelope, decodeMessage } from '@coupons/contracts';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/**
 * Every valid envelope of `topics`, from offset 0 to their ends as they stand when called (a fresh consumer group
 * reads them; what fails to decode is counted but left out). For replay tests that fold topics by hand: those pass the
 * services' decoding (messaging's decodeWithUpcasters) to read older events as the services and the replay tool do.
 */
export async function readEnvelopes(
  kafka: Kafka, topics: string[], timeoutMs = 30_000, decode: (value: Buffer | null) => DecodeResult = decodeMessage,
): Promise<Envelope[]> {
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) total += Number(p.high) - Number(p.low);
  } finally {
    await admin.disconnect();
  }
  const out: Envelope[] = [];
  const reader = kafka.consumer({ groupId: `read-envelopes-${randomUUID()}` });
  await reader.connect();
  try {
    await reader.subscribe({ topics, fromBeginning: true });
    let seen = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await reader.run({
      eachMessage: async ({ message }) => {
        const decoded = decode(message.value);
        if (decoded.ok) out.push(decoded.envelope);
        if (++seen >= total) done();
      },
    });
    if (total > 0) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`read ${seen} of the ${total} messages of ${topics.join(', ')} in ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([all, late]).finally(() => clearTimeout(timer));
    }
  } finally {
    await reader.disconnect();
  }
  return out;
}
