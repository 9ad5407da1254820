/** The gateway's REST API as the PWA uses it: bearer token, one refresh on 401, errors as readable text. */
const TOKENS = 'nitro.tokens';

export interface Session {
  /** Empty when the server runs with AUTH_DISABLED (single-user mode): no token is sent. */
  access: string;
  refresh?: string;
  userId: string;
  role?: string;
  via?: string;
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
    /** The request field the error is about: the gateway's `details.param` (e.g. "current_password"), when it names one. */
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Turns the gateway's `{ statusCode, error, message, details? }` into one sentence a person can act on. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  let code: string | undefined;
  let param: string | undefined;
  try {
    const body = await res.json();
    message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? message);
    code = body.error;
    if (typeof body.details?.param === 'string') param = body.details.param;
  } catch {
    /* not JSON */
  }
  if (res.status === 429) message = `Too many requests: ${message}. Try again in ${res.headers.get('retry-after') ?? 'a few'} seconds.`;
  return new ApiError(res.status, message, code, param);
}

function authHeaders(): Record<string, string> {
  return session?.access ? { authorization: `Bearer ${session.access}` } : {};
}

/**
 * Without a stored session, asks the server who we are: a server with AUTH_DISABLED answers
 * /auth/me for everyone (as "local"), so the sign-in form is skipped there.
 */
export async function detectOpenServer(): Promise<boolean> {
  try {
    const res = await fetch('/auth/me', { cache: 'no-store' });
    if (!res.ok) return false;
    const me = await res.json();
    if (me.via !== 'disabled') return false;
    setSession({ access: '', userId: me.id, role: me.role, via: me.via });
    return true;
  } catch {
    return false;
  }
}

let refreshing: Promise<boolean> | null = null;

/**
 * Refresh tokens are single use and reusing one revokes the session, so two open tabs must not
 * both spend the same one: a Web Lock serialises them, and a tab that finds a newer token in
 * localStorage (another tab refreshed) adopts it instead of refreshing again.
 */
async function refresh(): Promise<boolean> {
  if (!session?.refresh) return false;
  const stale = session.access;
  const run = async (): Promise<boolean> => {
    const stored = load();
    if (stored?.access && stored.access !== stale) {
      session = stored;
      return true;
    }
    try {
      const res = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: session?.refresh }),
      });
      if (!res.ok) return false;
      const t = await res.json();
      setSession({ ...session!, access: t.access_token, refresh: t.refresh_token });
      return true;
    } catch {
      return false;
    }
  };
  const locked: Promise<boolean> = navigator.locks ? (navigator.locks.request('nitro-refresh', run) as unknown as Promise<boolean>) : run();
  const pending = (refreshing ??= locked.finally(() => setTimeout(() => (refreshing = null), 0)));
  return pending;
}

/** fetch() whose network failure reads as what it means to a person ("Failed to fetch" does not). */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'The server is unreachable. Check the connection and try again.', 'NETWORK');
  }
}

/** fetch() with the session's token; on 401 it refreshes once and retries, else signs out. */
export async function api(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const build = (): RequestInit => ({
    ...rest,
    headers: {
      ...authHeaders(),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...((rest.headers as Record<string, string>) ?? {}),
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  let res = await send(path, build());
  if (res.status === 401 && (await refresh())) res = await send(path, build());
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
