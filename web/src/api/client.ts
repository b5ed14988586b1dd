// One fetch wrapper for every call: same-origin cookie auth (the session cookie is HttpOnly, so the
// page never holds a token) and the API's error object turned into an ApiError the forms can place.

export interface ApiErrorBody {
  code: string;
  field?: string | null;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly details: unknown;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field ?? null;
    this.details = body.details;
  }
}

/** Any failure as an ApiError, so that every place that shows errors handles one type. */
export function asApiError(cause: unknown): ApiError {
  return cause instanceof ApiError ? cause : new ApiError(0, { code: 'CLIENT', message: String(cause) });
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Dispatched on `window` when the API answers 401 to anything but the session routes. */
export const sessionExpiredEvent = 'wattledger:session-expired';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch (cause) {
    throw new ApiError(0, { code: 'NETWORK', message: String(cause) });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json: unknown = text === '' ? undefined : safeParse(text);
  if (!response.ok) {
    // A session that expired while a page was open: let the session holder know (it sends the
    // reader to the log-in page) instead of every page showing "unauthenticated" on its own.
    if (response.status === 401 && !path.startsWith('/session'))
      window.dispatchEvent(new Event(sessionExpiredEvent));
    throw new ApiError(response.status, errorBody(json, response));
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorBody(json: unknown, response: Response): ApiErrorBody {
  if (typeof json === 'object' && json !== null && 'error' in json) {
    const error = (json as { error: unknown }).error;
    if (typeof error === 'object' && error !== null && 'message' in error) return error as ApiErrorBody;
  }
  return { code: `HTTP_${response.status}`, message: response.statusText || `HTTP ${response.status}` };
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** A query string from the defined entries only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
