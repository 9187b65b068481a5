/**
 * librdkafka's mock cluster, the broker figures' same-run baseline (issue 6): kcat started with
 * `test.mock.num.brokers=1` runs an in-process mock Kafka cluster and logs its bootstrap address. The benchmark drives
 * it with the same kafkajs code as the dev-broker, so the ratio compares brokers, not clients or machines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { NotAvailable } from './scenarios';

export interface MockCluster {
  brokers: string;
  close(): Promise<void>;
}

const BOOTSTRAP = /Mock cluster enabled: .* replaced with (\S+:\d+)/;

export async function startMockCluster(timeoutMs = 10_000): Promise<MockCluster> {
  if (spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status !== 0) throw new NotAvailable('kcat is not installed (apt-get install kcat)');
  // A consumer of a throw-away topic keeps kcat (and the mock cluster inside it) alive until it is killed.
  const child: ChildProcess = spawn('kcat', ['-X', 'test.mock.num.brokers=1', '-b', '127.0.0.1:9', '-C', '-t', 'mock-keepalive', '-o', 'end', '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const brokers = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new NotAvailable(`kcat printed no mock bootstrap address in ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err) => fail(new NotAvailable(`kcat: ${err.message}`)));
    child.once('exit', (code) => fail(new NotAvailable(`kcat exited with ${code} before the mock cluster was up: ${seen.trim()}`)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      seen += chunk;
      const m = BOOTSTRAP.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(m[1]);
      }
    });
  });
  child.stderr!.resume();
  return {
    brokers,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
