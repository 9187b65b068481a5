import { ClassConstructor, TransformationType } from 'class-transformer';
import { ValidationArguments, ValidationTypes, ValidatorConstraintInterface, getMetadataStorage } from 'class-validator';

// class-transformer's own metadata (what @Type and friends recorded): not re-exported by its index, but the file
// plainToInstance reads. Typed from the package's declaration of the same module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage: transformerMetadata } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

type TypeMetadata = NonNullable<ReturnType<typeof transformerMetadata.findTypeMetadata>>;

interface Check {
  constraint: ValidatorConstraintInterface;
  constraints: any[];
  each: boolean;
}

interface PropertyPlan {
  name: string;
  /** IsOptional / ValidateIf: the property is validated only when every one says so. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** The property's constraints (IsString, Matches, Min, ..., IsDefined), as class-validator runs them. */
  checks: Check[];
  /** ValidateNested with the @Type class-transformer would build the nested value as. */
  nested?: TypeMetadata;
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
 * Whether a freshly parsed JSON payload is certainly valid for `cls` as `plainToInstance(cls, payload)` followed by
 * `validateSync(instance, { whitelist: true, forbidNonWhitelisted: true })` judges it, and whether the instance that
 * plainToInstance builds holds exactly the payload's values (same keys, same values, only the prototypes differ).
 * When it says true, the payload can be used as it is; when it says false, nothing is known: run the full path.
 *
 * It runs the very constraint objects class-validator runs (the metadata the decorators registered), property by
 * property, without class-validator's per-call bookkeeping (metadata look-ups, error objects) and without building
 * instances: about a tenth of the cost on the events on Kafka. It answers false, leaving the decision to the full
 * path, for anything it does not follow exactly: a class without validation metadata, class-transformer options other
 * than @Type (Expose, Exclude, Transform), a discriminator that drops its property, async or validateIf constraints,
 * @Type without ValidateNested (a conversion), nested arrays, keys class-transformer skips (`__proto__`,
 * `constructor`), and any value that fails a check (the full path then says why).
 */
export function conformsTo(cls: Class, payload: unknown): boolean {
  return objectConforms(cls, payload);
}

function objectConforms(cls: Class, value: unknown): boolean {
  const plan = planFor(cls);
  if (!plan || !isPlainObject(value)) return false;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!plan.allowed.has(key)) return false;
  for (const p of plan.properties) {
    const v = obj[p.name];
    let validate = true;
    for (const c of p.conditions) validate = c(obj, v) && validate;
    if (!validate) continue;
    for (const c of p.checks) {
      const args: ValidationArguments = { targetName: plan.name, property: p.name, object: obj, value: v, constraints: c.constraints };
      if (c.each && Array.isArray(v)) {
        for (const item of v) if (!c.constraint.validate(item, args)) return false;
      } else if (!c.constraint.validate(v, args)) {
        return false;
      }
    }
    if (p.nested) {
      if (v === undefined) continue;
      if (Array.isArray(v)) {
        for (const item of v) if (!isPlainObject(item) || !objectConforms(nestedClass(p.nested, item, obj, p.name), item)) return false;
      } else if (!isPlainObject(v) || !objectConforms(nestedClass(p.nested, v, obj, p.name), v)) {
        return false;
      }
    } else if (!copiedAsIs(v)) {
      return false;
    }
  }
  return true;
}

/** The class plainToInstance builds a nested object as: a discriminator's subtype when one matches, else the @Type. */
function nestedClass(meta: TypeMetadata, value: Record<string, unknown>, parent: object, property: string): Class {
  const d = meta.options?.discriminator;
  if (d?.property && d.subTypes) {
    const sub = d.subTypes.find((s) => d.property in value && s.name === value[d.property]);
    if (sub) return sub.value as Class;
  }
  return meta.typeFunction({ newObject: {}, object: parent, property }) as Class;
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
  if (transformerMetadata.getStrategy(cls) !== 'none' || transformerMetadata.getExposedMetadatas(cls).length || transformerMetadata.getExcludedMetadatas(cls).length) return null;
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
        const t = transformerMetadata.findTypeMetadata(cls, m.propertyName);
        if (!t || !t.typeFunction) return null; // a plain object would be validated as an unknown value
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
  for (const p of byProperty.values()) {
    if (!p.nested && transformerMetadata.findTypeMetadata(cls, p.name)) return null; // @Type alone converts the value
    if (transformerMetadata.findTransformMetadatas(cls, p.name, TransformationType.PLAIN_TO_CLASS).length) return null;
  }
  return { name: cls.name, allowed: new Set(byProperty.keys()), properties: [...byProperty.values()] };
}
