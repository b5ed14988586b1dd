import { useState, type FormEvent, type ReactNode } from 'react';
import { asApiError, type ApiError } from '../api/client';

// Forms submit through `useSubmit`: one pending flag, and the API's error kept whole so that each
// field can show the error naming it and the form shows the rest.

export interface Submit {
  pending: boolean;
  error: ApiError | null;
  done: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

export function useSubmit(action: () => Promise<unknown>): Submit {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    setDone(false);
    action().then(
      () => {
        setPending(false);
        setDone(true);
      },
      (cause: unknown) => {
        setPending(false);
        setError(asApiError(cause));
      },
    );
  };
  return { pending, error, done, onSubmit };
}

/** The error for a field, when the API named it. */
export function fieldError(error: ApiError | null, field: string): string | null {
  return error !== null && error.field === field ? error.message : null;
}

interface FieldProps {
  label: string;
  name: string;
  error: ApiError | null;
  children: ReactNode;
}

export function Field({ label, name, error, children }: FieldProps) {
  const message = fieldError(error, name);
  return (
    <label className={message === null ? 'field' : 'field invalid'}>
      <span className="field-label">{label}</span>
      {children}
      {message !== null && (
        <span className="field-error" data-testid={`error-${name}`} role="alert">
          {message}
        </span>
      )}
    </label>
  );
}

/** The error no field of this form names (or a network failure). */
export function FormError({ error, fields }: { error: ApiError | null; fields: readonly string[] }) {
  if (error === null || (error.field !== null && fields.includes(error.field))) return null;
  return (
    <p className="form-error" data-testid="form-error" role="alert">
      {error.message}
    </p>
  );
}

export function ErrorBox({ error }: { error: ApiError | null }) {
  if (error === null) return null;
  return (
    <p className="form-error" data-testid="load-error" role="alert">
      {error.message}
    </p>
  );
}

interface TextFieldProps {
  label: string;
  /** The API's name for the field: its errors show here. */
  name: string;
  error: ApiError | null;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password';
  autoComplete?: string;
  inputMode?: 'decimal' | 'numeric';
  pattern?: string;
  maxLength?: number;
  /** Required unless false (an empty value then means "none"). */
  required?: boolean;
  title?: string;
}

/** A required text input with its label and the API's error for it. */
export function TextField({ label, name, error, testId, value, onChange, ...input }: TextFieldProps) {
  return (
    <Field label={label} name={name} error={error}>
      <input
        data-testid={testId}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        required
        {...input}
      />
    </Field>
  );
}
