import { ClassConstructor, Type, TypeOptions } from 'class-transformer';
import { ValidateNested } from 'class-validator';

/** What {@link ValidateNestedType} recorded for a property: the class plainToInstance builds its value as. */
export interface NestedType {
  typeFunction: () => ClassConstructor<object>;
  options?: TypeOptions;
  each: boolean;
}

const recorded = new Map<object, Map<string, NestedType>>();

/**
 * `@ValidateNested()` with class-transformer's `@Type()`, the only way payload classes declare nested values. It also
 * records the type where the fast conformance check reads it: class-transformer keeps its own metadata private.
 */
export function ValidateNestedType(typeFunction: () => ClassConstructor<object>, options: TypeOptions & { each?: boolean } = {}): PropertyDecorator {
  const { each = false, ...typeOptions } = options;
  const type = Type(typeFunction, Object.keys(typeOptions).length ? typeOptions : undefined);
  const validate = ValidateNested(each ? { each: true } : undefined);
  return (target, key) => {
    validate(target, key);
    type(target, key);
    const byProperty = recorded.get(target.constructor) ?? new Map<string, NestedType>();
    byProperty.set(String(key), { typeFunction, options: Object.keys(typeOptions).length ? typeOptions : undefined, each });
    recorded.set(target.constructor, byProperty);
  };
}

/** The nested type recorded for `property` of `cls` or a class it extends. */
export function nestedTypeOf(cls: ClassConstructor<object>, property: string): NestedType | undefined {
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const t = recorded.get(c as object)?.get(property);
    if (t) return t;
  }
  return undefined;
}
