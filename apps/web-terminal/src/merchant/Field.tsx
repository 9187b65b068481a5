import { ReactNode, useId } from 'react';
import type { FormErrors } from './field-errors';

/**
 * A labelled input with its error beside it: the error is the input's accessible description and marks it invalid,
 * so a screen reader (and a browser test) finds the message by the field's label.
 */
export function Field({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: (props: FieldProps) => ReactNode }) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && <small id={`${id}-hint`} className="hint">{hint}</small>}
      {error && <small id={`${id}-error`} className="field-error" role="alert">{error}</small>}
    </div>
  );
}

export interface FieldProps {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** The refusal's messages that name no field of the form, above it. */
export function FormProblems({ errors }: { errors: FormErrors }) {
  if (!errors.top.length) return null;
  return (
    <div className="form-problems" role="alert">
      {errors.top.map((m) => <p key={m}>{m}</p>)}
    </div>
  );
}
