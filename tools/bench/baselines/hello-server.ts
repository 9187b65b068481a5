// Baseline for the scan figures: a bare Fastify "hello" route in a process of its own, as the gateway runs in one.
// Prints `listening on <url>` once it accepts connections.
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post('/hello', async () => ({ hello: 'world' }));
  app.get('/hello', async () => ({ hello: 'world' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`listening on ${url}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
