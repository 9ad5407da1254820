import { ERROR_CODE } from '@nitro/contracts';
import type { ErrorBody } from './http-error.filter';

/** What a user (not the admin) reads when no chat provider can answer: plain words, nothing about the server. */
export const NO_MODEL_MESSAGE = 'No chat model is available on this server yet. Ask your administrator to add one.';
/** The errors whose message describes the server's providers (paths, hosts, connection errors), and what a user reads instead. */
const PLAIN: Partial<Record<string, (message: string) => string>> = {
  [ERROR_CODE.NO_PROVIDER_AVAILABLE]: () => NO_MODEL_MESSAGE,
  [ERROR_CODE.MODEL_UNAVAILABLE]: modelUnavailableForUser,
};

/**
 * ai-router's MODEL_UNAVAILABLE names the model and its provider, then the reason (paths, hosts, connection errors):
 * "The model `ollama/phi3` cannot be served: ollama is unavailable (127.0.0.1:11434: connection refused)." A user
 * keeps the sentence up to "unavailable"/"available" (which model, which provider: what an OpenAI client shows),
 * not the reason.
 */
function modelUnavailableForUser(message: string): string {
  const head = /^(.*?\b(?:unavailable|available))\b/.exec(message)?.[1] ?? 'That model cannot answer on this server now';
  return `${head}. Ask your administrator, or choose another model.`;
}
const ADMIN_HINT = " To add a local model: POST /admin/models/pull or the PWA's Download.";

/** An error as the gateway answers it (ErrorBody: `error`) or as an SSE `error` event carries it (`code`). */
type ErrorLike = Pick<ErrorBody, 'message' | 'details'> & { error?: string; code?: string };

/**
 * NO_PROVIDER_AVAILABLE (and MODEL_UNAVAILABLE) as the caller may read it. ai-router's message and `details.tried` name
 * absolute paths, OLLAMA_HOST, connection errors and operator commands: the admin keeps them (plus
 * how to add a model); anyone else gets NO_MODEL_MESSAGE and no details. Other errors pass unchanged.
 */
export function errorForCaller<T extends ErrorLike>(body: T, caller?: { role?: string }): T {
  const plain = PLAIN[body.error ?? body.code ?? ''];
  if (!plain || !aboutChatModels(body)) return body;
  if (caller?.role === 'admin') {
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    return { ...body, message: message.includes('/admin/models/pull') ? message : `${message}${ADMIN_HINT}` };
  }
  const { details: _details, ...rest } = body;
  return { ...rest, message: plain(Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? '')) } as T;
}

/**
 * NO_PROVIDER_AVAILABLE is also what search (no web/video search provider) and voice answer; their messages speak
 * of their own providers and the PWA turns them into "Web search isn't set up…". Only ai-router's chat routing
 * ("No chat provider could answer…") is about chat models. MODEL_UNAVAILABLE always is.
 */
function aboutChatModels(body: ErrorLike): boolean {
  if ((body.error ?? body.code) !== ERROR_CODE.NO_PROVIDER_AVAILABLE) return true;
  const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? '');
  return /^No chat provider could answer/.test(message);
}

/**
 * A model's or provider's `reason` in GET /models as a user (not the admin) reads it. ai-router's reasons name
 * paths, hosts, connection errors and variables to set ("unreachable: 127.0.0.1:11434: connection refused",
 * "not configured: set GEMINI_API_KEY …"): a user learns only which kind of problem it is and who can fix it.
 */
export function modelReasonForUser(reason: string): string {
  return /^not configured/i.test(reason)
    ? 'Not set up on this server. Ask your administrator.'
    : 'Unavailable right now. Ask your administrator if it stays so.';
}

/** The caller the auth guard put on the request (undefined on public routes). */
export function callerOf(request: unknown): { role?: string } | undefined {
  return (request as { user?: { role?: string } } | undefined)?.user;
}
