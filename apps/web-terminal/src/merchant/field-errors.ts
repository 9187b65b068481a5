import type { ErrorDetail } from '@coupons/contracts';
import { ApiProblem } from '../shared/api';

/** What a form shows after a refusal: a message beside each field the API named, the rest on top of the form. */
export interface FormErrors {
  fields: Record<string, string>;
  top: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, top: [] };

/** Refusal codes that are about one request field (DESIGN's error codes for the admin routes). */
const CODE_FIELDS: Record<string, string> = {
  STORE_ID_TAKEN: 'storeId',
  GTIN_IN_USE: 'gtin',
  BELOW_ISSUED: 'totalQuantity',
  LIMIT_LOWERED: 'perUserLimit',
  CLAIMABLE_UNTIL_EARLIER: 'claimableUntil',
};

/**
 * The API names fields by their path in the request body, dotted or bracketed (`discount.amount`, `items.0.sku`,
 * `items[0].sku`): one spelling, `items.0.sku`, for the form to look up.
 */
export function normalizeField(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}

/**
 * Spreads an API refusal over a form. `toFormField` turns a request path into the form's field name (a coupon form
 * has one `amount` input for `discount.amount`, one `skus` input for every `target.skus.N`), or null for a path the
 * form has no input for; the first message for a field wins. A refusal without details, or one that is not an
 * ApiProblem, goes on top.
 */
export function formErrors(err: unknown, toFormField: (path: string) => string | null, fallback: string): FormErrors {
  if (!(err instanceof ApiProblem)) return { fields: {}, top: [fallback] };
  const fields: Record<string, string> = {};
  const top: string[] = [];
  // A refusal whose code is about one field but whose details name none still goes beside that field.
  const codeField = CODE_FIELDS[err.code] ? toFormField(CODE_FIELDS[err.code]) : null;
  if (codeField && !(err.details as Array<Partial<ErrorDetail>>).some((d) => typeof d?.field === 'string')) {
    return { fields: { [codeField]: err.message }, top: [] };
  }
  for (const raw of err.details as Array<Partial<ErrorDetail>>) {
    if (!raw || typeof raw.message !== 'string') continue;
    const name = typeof raw.field === 'string' ? toFormField(normalizeField(raw.field)) : null;
    if (name === null) top.push(raw.message);
    else if (!(name in fields)) fields[name] = raw.message;
  }
  // The summary goes on top unless every detail found its field (then the fields say it better).
  if (top.length || !Object.keys(fields).length) top.unshift(err.message);
  return { fields, top: [...new Set(top)] };
}

/** Client-side checks give the same shape, so a form shows its own refusals and the API's in one place. */
export function hasErrors(errors: FormErrors): boolean {
  return errors.top.length > 0 || Object.keys(errors.fields).length > 0;
}

/** The errors without those of the fields just edited: a message stays beside a field only until it is changed. */
export function withoutField(errors: FormErrors, ...names: string[]): FormErrors {
  if (!names.some((n) => n in errors.fields)) return errors;
  const fields = { ...errors.fields };
  for (const n of names) delete fields[n];
  return { ...errors, fields };
}
