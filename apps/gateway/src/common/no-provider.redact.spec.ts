import { errorForCaller, modelReasonForUser, NO_MODEL_MESSAGE } from './no-provider.redact';

describe('errorForCaller', () => {
  const chat = {
    statusCode: 503,
    error: 'NO_PROVIDER_AVAILABLE',
    message: 'No chat provider could answer. Tried: local (LOCAL_MODEL_PATH=/srv/models/x.gguf is not a file). Configure …',
    details: { tried: [{ provider: 'local', reason: 'not a file' }] },
  };

  it("gives a user the plain sentence and none of the server's details", () => {
    expect(errorForCaller(chat, { role: 'user' })).toEqual({ statusCode: 503, error: 'NO_PROVIDER_AVAILABLE', message: NO_MODEL_MESSAGE });
  });

  it('keeps the detail for the admin and says how to add a model', () => {
    const out = errorForCaller(chat, { role: 'admin' });
    expect(out.details).toEqual(chat.details);
    expect(out.message).toMatch(/LOCAL_MODEL_PATH.*POST \/admin\/models\/pull/s);
  });

  it("leaves search's and voice's NO_PROVIDER_AVAILABLE alone (their messages are about their own providers)", () => {
    const search = {
      statusCode: 503,
      error: 'NO_PROVIDER_AVAILABLE',
      message: 'no web search provider could answer; tried: searxng (set SEARXNG_URL)',
    };
    expect(errorForCaller(search, { role: 'user' })).toBe(search);
    const event = { code: 'NO_PROVIDER_AVAILABLE', message: 'no video search provider could answer; tried: searxng' };
    expect(errorForCaller(event, undefined)).toBe(event);
  });

  it('keeps which model and provider is unavailable for a user, not the reason', () => {
    const body = {
      statusCode: 503,
      error: 'MODEL_UNAVAILABLE',
      message: 'The model `ollama/phi3` cannot be served: ollama is unavailable (127.0.0.1:11434: connection refused).',
      details: { model: 'ollama/phi3', reason: '127.0.0.1:11434: connection refused' },
    };
    expect(errorForCaller(body, { role: 'user' })).toEqual({
      statusCode: 503,
      error: 'MODEL_UNAVAILABLE',
      message: 'The model `ollama/phi3` cannot be served: ollama is unavailable. Ask your administrator, or choose another model.',
    });
  });
});

describe('modelReasonForUser', () => {
  it('says which kind of problem and who fixes it, never the host, path or variable', () => {
    expect(modelReasonForUser('not configured: set GEMINI_API_KEY (and GEMINI_MODEL to choose the model)')).toBe(
      'Not set up on this server. Ask your administrator.',
    );
    const down = modelReasonForUser('unreachable: 127.0.0.1:11434: connection refused');
    expect(down).toBe('Unavailable right now. Ask your administrator if it stays so.');
    expect(down).not.toMatch(/127|refused/);
  });
});
