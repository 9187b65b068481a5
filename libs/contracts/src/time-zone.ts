import { ValidateBy, ValidationOptions } from 'class-validator';

/** The zone a coupon's daily caps are counted in when it names none (the platform's home market). */
export const DEFAULT_COUPON_TIME_ZONE = 'Asia/Shanghai';

/**
 * Whether `name` is a time zone the runtime's tz database knows (an IANA name such as Europe/Berlin, or UTC): Intl
 * throws RangeError for any other. Offsets like "+08:00" are refused: a cap's day must follow the zone's DST rules.
 */
export function isTimeZone(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64 || /^[+-]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** class-validator rule for a time zone field: {@link isTimeZone}. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value: unknown) => isTimeZone(value),
        defaultMessage: (args) => `${args?.property} must be an IANA time zone name like Asia/Shanghai or Europe/Berlin`,
      },
    },
    options,
  );
}
