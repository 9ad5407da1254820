/** The gateway's REST API as the PWA uses it: bearer token, one refresh on 401, errors as readable text. */
const TOKENS = 'nitro.tokens';

export interface Session {
  access: string;
  refresh?: string;
  userId: string;
  role?: string;
}

let session: Session | null = load();

function load(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(TOKENS) ?? 'null');
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return session;
}

export function setSession(s: Session | null): void {
  session = s;
  if (s) localStorage.setItem(TOKENS, JSON.stringify(s));
  else localStorage.removeItem(TOKENS);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Turns the gateway's `{ statusCode, error, message }` into one sentence a person can act on. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  let code: string | undefined;
  try {
    const body = await res.json();
    message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? message);
    code = body.error;
  } catch {
    /* not JSON */
  }
  if (res.status === 429) message = `Too many requests: ${message}. Try again in ${res.headers.get('retry-after') ?? 'a few'} seconds.`;
  return new ApiError(res.status, message, code);
}

function authHeaders(): Record<string, string> {
  return session ? { authorization: `Bearer ${session.access}` } : {};
}

let refreshing: Promise<boolean> | null = null;

async function refresh(): Promise<boolean> {
  if (!session?.refresh) return false;
  refreshing ??= (async () => {
    try {
      const res = await fetch('/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: session?.refresh }) });
      if (!res.ok) return false;
      const t = await res.json();
      setSession({ ...session!, access: t.access_token ?? t.accessToken, refresh: t.refresh_token ?? t.refreshToken ?? session!.refresh });
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

/** fetch() with the session's token; on 401 it refreshes once and retries, else signs out. */
export async function api(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const build = (): RequestInit => ({
    ...rest,
    headers: { ...authHeaders(), ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...((rest.headers as Record<string, string>) ?? {}) },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  let res = await fetch(path, build());
  if (res.status === 401 && (await refresh())) res = await fetch(path, build());
  if (res.status === 401) {
    setSession(null);
    window.dispatchEvent(new CustomEvent('nitro:signed-out'));
  }
  return res;
}

export async function apiJson<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const res = await api(path, init);
  if (!res.ok) throw await errorFrom(res);
  return res.json() as Promise<T>;
}
