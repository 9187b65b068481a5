import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationArguments, ValidationTypes, ValidatorConstraintInterface, getMetadataStorage } from 'class-validator';
import { NestedType, nestedTypeOf } from './nested-type';

// Public APIs only: class-validator's metadata storage (exported by its index), the nested types payload classes
// declare with ValidateNestedType, and plainToInstance itself, run once per class on a probe (see buildPlan).

interface Check {
  constraint: ValidatorConstraintInterface;
  constraints: unknown[];
  each: boolean;
}

interface PropertyPlan {
  name: string;
  /** IsOptional / ValidateIf: the property is validated only when every one says so. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** The property's constraints (IsString, Matches, Min, ..., IsDefined), as class-validator runs them. */
  checks: Check[];
  /** ValidateNestedType: the class plainToInstance builds the nested value as. */
  nested?: NestedType;
}

interface ClassPlan {
  name: string;
  allowed: ReadonlySet<string>;
  properties: PropertyPlan[];
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor']);
type Class = ClassConstructor<object>;
const plans = new Map<Class, ClassPlan | null>();

/**
 * The instance `plainToInstance(cls, payload)` builds, when a freshly parsed JSON payload is certainly valid for `cls`
 * as `validateSync(instance, { whitelist: true, forbidNonWhitelisted: true })` judges it; undefined when nothing is
 * known (run the full path). The instance is built the way plainToInstance builds it (`new cls()`, the payload's keys
 * in order, nested values as their classes), so decodeMessage gives one shape whichever path answered.
 *
 * It runs the very constraint objects class-validator runs (the metadata the decorators registered), property by
 * property, without class-validator's per-call bookkeeping (metadata look-ups, error objects) and without
 * class-transformer's generic walk: a fraction of the cost on the events on Kafka. It answers undefined, leaving the
 * decision to the full path, for anything it does not follow exactly: a class without validation metadata, a property
 * plainToInstance does not copy as it is (Expose, Exclude, Transform, a bare @Type: found by the probe), ValidateNested
 * without ValidateNestedType, a discriminator that drops its property, async or validateIf constraints, nested arrays,
 * keys class-transformer skips (`__proto__`, `constructor`), and any value that fails a check (the full path then
 * says why).
 */
export function conformingInstance(cls: Class, payload: unknown): object | undefined {
  return buildConforming(cls, payload);
}

/** Whether {@link conformingInstance} vouches for the payload. */
export function conformsTo(cls: Class, payload: unknown): boolean {
  return buildConforming(cls, payload) !== undefined;
}

function buildConforming(cls: Class, value: unknown): object | undefined {
  const plan = planFor(cls);
  if (!plan || !isPlainObject(value)) return undefined;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!plan.allowed.has(key)) return undefined;
  const nestedValues = new Map<string, unknown>();
  for (const p of plan.properties) {
    const v = obj[p.name];
    let validate = true;
    for (const c of p.conditions) validate = c(obj, v) && validate;
    if (!validate) continue;
    for (const c of p.checks) {
      const args: ValidationArguments = { targetName: plan.name, property: p.name, object: obj, value: v, constraints: c.constraints };
      if (c.each && Array.isArray(v)) {
        for (const item of v) if (!c.constraint.validate(item, args)) return undefined;
      } else if (!c.constraint.validate(v, args)) {
        return undefined;
      }
    }
    if (p.nested) {
      if (v === undefined) continue;
      if (Array.isArray(v)) {
        const built: object[] = [];
        for (const item of v) {
          const b = isPlainObject(item) ? buildConforming(nestedClass(p.nested, item), item) : undefined;
          if (!b) return undefined;
          built.push(b);
        }
        nestedValues.set(p.name, built);
      } else {
        const b = isPlainObject(v) ? buildConforming(nestedClass(p.nested, v), v) : undefined;
        if (!b) return undefined;
        nestedValues.set(p.name, b);
      }
    } else if (!copiedAsIs(v)) {
      return undefined;
    }
  }
  // As plainToInstance: a new instance, then the payload's keys in order (plain values as they are, nested ones built).
  const out = new cls() as Record<string, unknown>;
  for (const key of Object.keys(obj)) out[key] = nestedValues.has(key) ? nestedValues.get(key) : obj[key];
  return out;
}

/** The class plainToInstance builds a nested object as: a discriminator's subtype when one matches, else the type. */
function nestedClass(meta: NestedType, value: Record<string, unknown>): Class {
  const d = meta.options?.discriminator;
  if (d?.property && d.subTypes) {
    const sub = d.subTypes.find((s) => d.property in value && s.name === value[d.property]);
    if (sub) return sub.value as Class;
  }
  return meta.typeFunction();
}

/** A value plainToInstance copies without a class: primitives, and arrays and objects of them without skipped keys. */
function copiedAsIs(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(copiedAsIs);
  if (!isPlainObject(v)) return false;
  for (const [k, x] of Object.entries(v)) if (UNSAFE_KEYS.has(k) || !copiedAsIs(x)) return false;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function planFor(cls: Class): ClassPlan | null {
  if (!plans.has(cls)) plans.set(cls, buildPlan(cls));
  return plans.get(cls)!;
}

function buildPlan(cls: Class): ClassPlan | null {
  const storage = getMetadataStorage();
  // What validateSync(instance) reads for an instance of cls (inherited metadata included, no groups).
  const metadatas = storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false, undefined);
  if (metadatas.length === 0) return null; // forbidUnknownValues: the full path refuses it
  const byProperty = new Map<string, PropertyPlan>();
  for (const m of metadatas) {
    let p = byProperty.get(m.propertyName);
    if (!p) byProperty.set(m.propertyName, (p = { name: m.propertyName, conditions: [], checks: [] }));
    switch (m.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        p.conditions.push(m.constraints[0]);
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
      case ValidationTypes.IS_DEFINED:
        if ((m as { validateIf?: unknown }).validateIf) return null;
        for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (c.async) return null;
          p.checks.push({ constraint: c.instance, constraints: m.constraints, each: !!m.each });
        }
        break;
      case ValidationTypes.NESTED_VALIDATION: {
        const t = nestedTypeOf(cls, m.propertyName);
        if (!t) return null; // a @Type this check cannot read, or a plain object validated as an unknown value
        if (t.options?.discriminator && !t.options.keepDiscriminatorProperty) return null;
        p.nested = t;
        break;
      }
      case ValidationTypes.WHITELIST:
        break;
      default:
        return null;
    }
  }
  const properties = [...byProperty.values()];
  return copiesAsIs(cls, properties) ? { name: cls.name, allowed: new Set(byProperty.keys()), properties } : null;
}

/**
 * Whether plainToInstance copies every property of `cls` as it is, and builds nested ones as their recorded classes:
 * found by building a probe with a marker value in each plain property (a Transform, Expose, Exclude or bare @Type
 * changes, renames or drops it) and an empty object of the right kind in each nested one. A transform that leaves the
 * marker as it is goes unnoticed: the property test (conformance.spec.ts) runs every payload class both ways.
 */
function copiesAsIs(cls: Class, properties: PropertyPlan[]): boolean {
  const probe: Record<string, unknown> = {};
  const expected = new Map<string, Class>();
  for (const p of properties) {
    if (!p.nested) {
      probe[p.name] = ` \u0000Probe:${p.name} `; // spaces and capitals: a trimming or case-folding transform shows
      continue;
    }
    const d = p.nested.options?.discriminator;
    const sample = d?.subTypes?.length ? { [d.property]: d.subTypes[0].name } : {};
    expected.set(p.name, nestedClass(p.nested, sample));
    probe[p.name] = p.nested.each ? [sample] : sample;
  }
  try {
    const built = plainToInstance(cls, probe) as Record<string, unknown>;
    const keys = Object.keys(built).filter((k) => built[k] !== undefined);
    if (keys.length !== Object.keys(probe).length) return false;
    for (const p of properties) {
      const v = built[p.name];
      const want = expected.get(p.name);
      if (!want) {
        if (v !== probe[p.name]) return false;
      } else {
        const one = p.nested!.each ? (Array.isArray(v) ? v[0] : undefined) : v;
        if (!(one instanceof want) || Object.getPrototypeOf(one) !== want.prototype) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}
