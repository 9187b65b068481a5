import { ApiError } from './api-error';

/** How much structure a request body may have; bodies past it are refused before anything walks them. */
export interface JsonBodyLimits {
  /** Nesting of objects and arrays (the body object itself is level 1). */
  maxDepth: number;
  /** Keys of one object. */
  maxKeys: number;
  /** Items of one array. */
  maxItems: number;
}

/** `application/json`, with no charset or UTF-8 (JSON is UTF-8 on the wire: RFC 8259 §8.1). */
const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*(?:"utf-8"|utf-8)\s*)?$/i;

export function isAcceptedJsonType(contentType: string): boolean {
  return JSON_TYPE.test(contentType.trim());
}

/** Keys that mean something to JavaScript objects, and keys no API field looks like. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

function refused(message: string, field = '(body)'): ApiError {
  return ApiError.validation([{ field, message }], message);
}

/**
 * The deepest nesting of `{`/`[` in a JSON text, counted outside strings, stopping as soon as `max` is passed: a
 * 2,000-level body is refused after reading `max` + 1 brackets, before JSON.parse or class-transformer recurse.
 */
function depthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The first problem in a parsed body (depth is bounded already, so the walk's recursion is too), or null. */
function shapeProblem(value: unknown, path: string, limits: JsonBodyLimits): ApiError | null {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) {
    if (value.length > limits.maxItems) return refused(`an array has more than ${limits.maxItems} items`, path || '(body)');
    for (let i = 0; i < value.length; i++) {
      const p = shapeProblem(value[i], at(i), limits);
      if (p) return p;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const keys = Object.keys(value);
  if (keys.length > limits.maxKeys) return refused(`an object has more than ${limits.maxKeys} keys`, path || '(body)');
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key) || !KEY_PATTERN.test(key)) return refused(`${JSON.stringify(key.slice(0, 64))} is not a field name`, at(key.slice(0, 64)));
    const p = shapeProblem((value as Record<string, unknown>)[key], at(key), limits);
    if (p) return p;
  }
  return null;
}

/**
 * Parses a request body with limits on depth, keys and array sizes, and refuses keys that are not field names
 * (`__proto__`, `constructor`, spaces, control characters), naming the field's dotted path. Every refusal is 400
 * VALIDATION_FAILED; a text that is not JSON is 400 INVALID_JSON.
 */
export function parseJsonBody(text: string, limits: JsonBodyLimits): unknown {
  if (text.trim() === '') throw new ApiError(400, 'INVALID_JSON', 'the body is empty but the content type is JSON');
  if (depthExceeds(text, limits.maxDepth)) throw refused(`the body is nested deeper than ${limits.maxDepth} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON');
  }
  const problem = shapeProblem(parsed, '', limits);
  if (problem) throw problem;
  return parsed;
}
