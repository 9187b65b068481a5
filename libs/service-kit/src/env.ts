import 'reflect-metadata';
import { ClassConstructor, Transform, plainToInstance } from 'class-transformer';
import {
  ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy, ValidationError,
  getMetadataStorage, validateSync,
} from 'class-validator';
import { hostname } from 'node:os';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const HOST_PORT = /^[A-Za-z0-9._-]+:\d{1,5}$/;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** An empty variable counts as unset: `FOO= node main.js` should behave like leaving FOO out. */
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** Validates a PostgreSQL connection URL (postgres:// or postgresql://). */
export function IsPostgresUrl() {
  return ValidateBy({
    name: 'isPostgresUrl',
    validator: {
      validate(value: unknown) {
        if (typeof value !== 'string') return false;
        try {
          const u = new URL(value);
          return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname.length > 0;
        } catch {
          return false;
        }
      },
      defaultMessage: () => "must be a postgres:// or postgresql:// URL",
    },
  });
}

/** Applies several property decorators as one, so a variable's rules are written once and reused. */
function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/** Comma-separated host:port list, parsed into an array. */
export const KafkaBrokersVar = () =>
  compose(
    Transform(({ value }) => (typeof value === 'string' && value.trim() !== '' ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined)),
    IsArray({ message: 'must be a comma-separated list of host:port' }),
    ArrayMinSize(1, { message: 'must name at least one broker' }),
    Matches(HOST_PORT, { each: true, message: 'must be a comma-separated list of host:port' }),
  );
export const DatabaseUrlVar = () => compose(Transform(emptyToUndefined), IsPostgresUrl());
export const DatabaseSchemaVar = () =>
  compose(Transform(emptyToUndefined), IsOptional(), IsString(), Matches(SCHEMA_NAME, { message: 'must be a lower-case SQL identifier' }));
/**
 * KAFKA_REPLICATION_FACTOR: replicas of the topics a service creates; unset, min(3, brokers in the cluster). Set it
 * where brokers may join after the services start (docker-compose's 3-node profile sets 3).
 */
export const ReplicationFactorVar = () =>
  compose(
    Transform(({ value }) => (value === '' || value === undefined ? undefined : /^\d+$/.test(String(value)) ? Number(value) : value)),
    IsOptional(),
    IsInt({ message: 'must be an integer 1..5' }),
    Min(1, { message: 'must be an integer 1..5' }),
    Max(5, { message: 'must be an integer 1..5' }),
  );

export const PortVar = () =>
  compose(
    Transform(({ value }) => (value === '' || value === undefined ? undefined : /^\d+$/.test(String(value)) ? Number(value) : value)),
    IsInt({ message: 'must be an integer 1..65535' }),
    Min(1, { message: 'must be an integer 1..65535' }),
    Max(65535, { message: 'must be an integer 1..65535' }),
  );

/** LOG_LEVEL and INSTANCE_ID: every process reads them; always validated by {@link validateEnv}. */
export class LoggingEnv {
  @Transform(emptyToUndefined) @IsOptional() @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
  /** Identifies this process in logs and Kafka client ids; defaults to hostname-pid. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @Matches(/^[\x21-\x7E]{1,100}$/, { message: 'must be 1..100 printable characters' })
  INSTANCE_ID: string = `${hostname()}-${process.pid}`;
}

export class KafkaEnv {
  @KafkaBrokersVar() KAFKA_BROKERS!: string[];
  @ReplicationFactorVar() KAFKA_REPLICATION_FACTOR?: number;
}

export class DatabaseEnv {
  @DatabaseUrlVar() DATABASE_URL!: string;
  /** The service's own schema; a service env class gives the default with a property initializer. */
  @DatabaseSchemaVar() DATABASE_SCHEMA?: string;
}

export class HttpEnv {
  /** Health/metrics/API port; a service env class gives its default with a property initializer. */
  @PortVar() HTTP_PORT!: number;
}

/**
 * Everything a database-backed service reads: Kafka, PostgreSQL, HTTP port, logging. Extend it and give defaults
 * with initializers: `class CatalogEnv extends ServiceEnv { override HTTP_PORT = 3101; override DATABASE_SCHEMA = 'coupon_catalog' }`.
 */
export class ServiceEnv extends LoggingEnv {
  @KafkaBrokersVar() KAFKA_BROKERS!: string[];
  @ReplicationFactorVar() KAFKA_REPLICATION_FACTOR?: number;
  @DatabaseUrlVar() DATABASE_URL!: string;
  @DatabaseSchemaVar() DATABASE_SCHEMA?: string;
  @PortVar() HTTP_PORT!: number;
}

type Instance<C> = C extends ClassConstructor<infer T> ? T : never;
type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
/** One env class, or several whose variables are validated together (e.g. `[KafkaEnv, HttpEnv, GatewayEnv]`). */
export type EnvClasses = ClassConstructor<object> | readonly ClassConstructor<object>[];
/** The validated environment: the properties of every class given, plus LoggingEnv's. */
export type EnvOf<C extends EnvClasses> = (C extends readonly (infer E)[] ? UnionToIntersection<Instance<E>> : Instance<C>) & LoggingEnv;

/** Names of the properties a class declares validation for (its own and inherited). */
function declaredKeys(cls: ClassConstructor<object>): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const messages = Object.values(e.constraints ?? {});
    if (messages.length === 0) return [`${e.property}: invalid`];
    // One line per variable: the first failing constraint says enough, and is less noisy than all of them.
    const missing = e.value === undefined;
    return [`${e.property}: ${missing ? 'missing (required). ' : `invalid value ${JSON.stringify(redact(e.property, e.value))}. `}${messages[0]}`];
  });
}

/** Never print credentials: URLs lose their password, secrets their value. */
function redact(name: string, value: unknown): unknown {
  if (/SECRET|PASSWORD|TOKEN|KEY/i.test(name)) return '***';
  if (typeof value === 'string' && /^[a-z]+:\/\//i.test(value)) {
    try {
      const u = new URL(value);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return value;
    }
  }
  return value;
}

/** Thrown by {@link validateEnv}; `problems` has one line per bad or missing variable. */
export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvValidationError';
  }
}

/**
 * Builds a validate function for `ConfigModule.forRoot({ validate })`: converts the raw variables with
 * class-transformer (defaults come from property initializers), validates them with class-validator and throws an
 * {@link EnvValidationError} naming every bad or missing variable. {@link LoggingEnv} is always included.
 */
export function validateEnv<C extends EnvClasses>(classes: C): (raw: Record<string, unknown>) => EnvOf<C> {
  const list: readonly ClassConstructor<object>[] = Array.isArray(classes) ? classes : [classes as ClassConstructor<object>];
  // LoggingEnv first: a class that extends it (ServiceEnv) overrides its defaults.
  const all: ClassConstructor<object>[] = [LoggingEnv, ...list.filter((c) => c !== LoggingEnv)];
  return (raw) => {
    const problems: string[] = [];
    const out: Record<string, unknown> = {};
    for (const cls of all) {
      const keys = declaredKeys(cls);
      const plain = Object.fromEntries(keys.filter((k) => raw[k] !== undefined && raw[k] !== '').map((k) => [k, raw[k]]));
      const instance = plainToInstance(cls, plain, { exposeDefaultValues: true }) as Record<string, unknown>;
      const errors = validateSync(instance, { skipMissingProperties: false });
      problems.push(...describe(errors).filter((p) => !problems.includes(p)));
      for (const k of keys) if (instance[k] !== undefined) out[k] = instance[k];
    }
    if (problems.length) throw new EnvValidationError(problems);
    return out as EnvOf<C>;
  };
}

/**
 * For main.ts, before Nest starts: validates `raw` (default process.env) against the env classes, and on failure
 * prints the message naming every bad variable to stderr and exits with status 1.
 */
export function loadEnv<C extends EnvClasses>(classes: C, raw: Record<string, unknown> = process.env): EnvOf<C> {
  try {
    return validateEnv(classes)(raw);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
