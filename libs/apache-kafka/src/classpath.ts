import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApacheKafkaUnavailable, checkMaven } from './requirements';

/** The folder holding tools/kafka/pom.xml (the repository root), from this file's place in src or dist. */
export function kafkaWorkspaceRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools', 'kafka', 'pom.xml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`tools/kafka/pom.xml not found above ${from}`);
  }
}

/**
 * The JVM classpath of tools/kafka/pom.xml (Kafka pinned there), resolved by Maven into its local cache. The computed
 * classpath is kept in tmp/apache-kafka/, keyed by the pom's hash, so only a changed pom (or a cleaned Maven cache)
 * runs Maven again.
 */
export async function kafkaClasspath(root = kafkaWorkspaceRoot()): Promise<string> {
  const pom = join(root, 'tools', 'kafka', 'pom.xml');
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16);
  const cached = join(root, 'tmp', 'apache-kafka', `classpath-${hash}.txt`);
  if (existsSync(cached)) {
    const cp = readFileSync(cached, 'utf8').trim();
    if (cp && cp.split(':').every((jar) => existsSync(jar))) return cp;
  }
  checkMaven();
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  const out = await run('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${partial}`]);
  if (out.code !== 0 || !existsSync(partial)) {
    const tail = out.output.trim().split('\n').slice(-5).join(' | ');
    throw new ApacheKafkaUnavailable(`Maven could not resolve ${pom} (Maven Central reachable?): ${tail}`);
  }
  // A rename, so that concurrent launchers never read a half-written file.
  renameSync(partial, cached);
  return readFileSync(cached, 'utf8').trim();
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ code: 127, output: err.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
