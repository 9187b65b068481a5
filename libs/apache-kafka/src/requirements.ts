import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Apache Kafka cannot run here: `message` says in one line what is missing and how to get it. */
export class ApacheKafkaUnavailable extends Error {
  override readonly name = 'ApacheKafkaUnavailable';
}

/** The java binary: $JAVA, else $JAVA_HOME/bin/java, else java from PATH. */
export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JAVA) return env.JAVA;
  if (env.JAVA_HOME) return join(env.JAVA_HOME, 'bin', 'java');
  return 'java';
}

/** Kafka 4 brokers need Java 17 or later. */
export const MIN_JAVA = 17;

/** Throws {@link ApacheKafkaUnavailable} unless `java` runs and is at least Java {@link MIN_JAVA}. */
export function checkJava(java = javaBinary()): void {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new ApacheKafkaUnavailable(`Apache Kafka needs Java ${MIN_JAVA}+ and \`${java}\` does not run: install it (e.g. \`apt-get install default-jdk-headless\`) or set JAVA_HOME`);
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < MIN_JAVA) {
    throw new ApacheKafkaUnavailable(`Apache Kafka needs Java ${MIN_JAVA}+ but \`${java}\` is Java ${major || 'of unknown version'}: install a newer one (e.g. \`apt-get install default-jdk-headless\`) or set JAVA_HOME`);
  }
}

/** Throws {@link ApacheKafkaUnavailable} unless Maven (`mvn`) runs. */
export function checkMaven(mvn = 'mvn'): void {
  const r = spawnSync(mvn, ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new ApacheKafkaUnavailable('Apache Kafka is resolved from Maven Central with Maven and `mvn` does not run: install it (e.g. `apt-get install maven`)');
  }
}
