import { freePort } from '@nitro/testing';
import { Platform, TestUser, startPlatform } from '../support/platform';

/** What the intruder knows about the victim's data: ids a real attacker could guess or see. */
interface Ctx {
  victim: string;
  intruder: string;
  sessionId: string;
  taskId: string;
  keyId: string;
  /** The victim's queued image job, and the gallery file name it will produce. */
  jobId: string;
  filename: string;
  /** The victim's chat stream (its events stay readable after the end). */
  streamId: string;
}

interface Row {
  /** As in the OpenAPI document: the coverage check below matches rows against it. */
  route: string;
  url(c: Ctx): string;
  body?(c: Ctx): unknown;
  form?(c: Ctx): FormData;
  /** 403 when the id in the request is not the caller's; 404 when a resource id is looked up in the caller's own space. */
  expect: number;
}

const WAV = (() => {
  const b = Buffer.alloc(44 + 3200);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + 3200, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(16000, 24);
  b.writeUInt32LE(32000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(3200, 40);
  return b;
})();
const audioForm = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('audio', new Blob([WAV], { type: 'audio/wav' }), 'hello.wav');
  return f;
};

/**
 * Every route that takes a user id or a resource id, called by another user with the victim's
 * ids. Capability owners: add a row for each new route (the coverage test names missing ones).
 */
const ROWS: Row[] = [
  { route: 'POST /chat', url: () => '/chat', body: (c) => ({ message: 'hi', user_id: c.victim, session_id: c.sessionId }), expect: 403 },
  {
    route: 'POST /chat/stream',
    url: () => '/chat/stream',
    body: (c) => ({ message: 'hi', user_id: c.victim, session_id: c.sessionId }),
    expect: 403,
  },
  { route: 'GET /chat/history/{user_id}', url: (c) => `/chat/history/${c.victim}?session_id=${c.sessionId}`, expect: 403 },
  { route: 'DELETE /chat/clear/{user_id}', url: (c) => `/chat/clear/${c.victim}`, expect: 403 },
  { route: 'GET /chat/sessions/{user_id}', url: (c) => `/chat/sessions/${c.victim}`, expect: 403 },
  { route: 'GET /chat/sessions/{user_id}', url: (c) => `/chat/sessions/${c.victim}?q=hello`, expect: 403 },
  { route: 'DELETE /chat/sessions/{user_id}/{session_id}', url: (c) => `/chat/sessions/${c.victim}/${c.sessionId}`, expect: 403 },
  {
    route: 'PATCH /chat/sessions/{user_id}/{session_id}',
    url: (c) => `/chat/sessions/${c.victim}/${c.sessionId}`,
    body: () => ({ title: 'renamed by an intruder' }),
    expect: 403,
  },
  {
    route: 'POST /chat/sessions/{user_id}/{session_id}/fork',
    url: (c) => `/chat/sessions/${c.victim}/${c.sessionId}/fork`,
    body: () => ({ index: 0 }),
    expect: 403,
  },
  {
    route: 'PUT /chat/sessions/{user_id}/{session_id}/branches',
    url: (c) => `/chat/sessions/${c.victim}/${c.sessionId}/branches`,
    body: () => ({ index: 0, variant: 0 }),
    expect: 403,
  },
  { route: 'GET /chat/streams/{stream_id}', url: (c) => `/chat/streams/${c.streamId}`, expect: 404 },
  { route: 'POST /chat/streams/{stream_id}/stop', url: (c) => `/chat/streams/${c.streamId}/stop`, body: () => ({}), expect: 404 },
  { route: 'POST /search', url: () => '/search', body: (c) => ({ query: 'nitro', user_id: c.victim }), expect: 403 },
  { route: 'POST /search/stream', url: () => '/search/stream', body: (c) => ({ query: 'nitro', user_id: c.victim }), expect: 403 },
  { route: 'POST /video/search', url: () => '/video/search', body: (c) => ({ query: 'nitro', user_id: c.victim }), expect: 403 },
  { route: 'POST /agent/execute', url: () => '/agent/execute', body: (c) => ({ task: 'list_tasks', user_id: c.victim }), expect: 403 },
  {
    route: 'POST /agent/code-review',
    url: () => '/agent/code-review',
    body: (c) => ({ code: 'x = 1', language: 'python', user_id: c.victim }),
    expect: 403,
  },
  {
    route: 'POST /agent/file-analyze',
    url: (c) => `/agent/file-analyze?user_id=${c.victim}`,
    form: () => {
      const f = new FormData();
      f.append('file', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'data.csv');
      return f;
    },
    expect: 403,
  },
  {
    route: 'POST /agent/tasks/{user_id}',
    url: (c) => `/agent/tasks/${c.victim}`,
    body: () => ({ delay_ms: 3_600_000, prompt: 'hijack' }),
    expect: 403,
  },
  { route: 'GET /agent/tasks/{user_id}', url: (c) => `/agent/tasks/${c.victim}`, expect: 403 },
  { route: 'DELETE /agent/tasks/{user_id}/{task_id}', url: (c) => `/agent/tasks/${c.victim}/${c.taskId}`, expect: 403 },
  { route: 'DELETE /agent/tasks/{user_id}/{task_id}', url: (c) => `/agent/tasks/${c.intruder}/${c.taskId}`, expect: 404 },
  { route: 'GET /agent/tasks/{user_id}/{task_id}/runs', url: (c) => `/agent/tasks/${c.victim}/${c.taskId}/runs`, expect: 403 },
  { route: 'GET /agent/tasks/{user_id}/{task_id}/runs', url: (c) => `/agent/tasks/${c.intruder}/${c.taskId}/runs`, expect: 404 },
  {
    route: 'POST /voice/chat',
    url: () => '/voice/chat',
    form: (c) => audioForm({ user_id: c.victim, session_id: c.sessionId }),
    expect: 403,
  },
  {
    route: 'POST /voice/chat/stream',
    url: () => '/voice/chat/stream',
    form: (c) => audioForm({ user_id: c.victim, session_id: c.sessionId }),
    expect: 403,
  },
  { route: 'POST /generate-image', url: () => '/generate-image', body: (c) => ({ prompt: 'a cat', user_id: c.victim }), expect: 403 },
  { route: 'GET /images/jobs/{id}', url: (c) => `/images/jobs/${c.jobId}`, expect: 404 },
  { route: 'GET /images/jobs/{id}/events', url: (c) => `/images/jobs/${c.jobId}/events`, expect: 404 },
  { route: 'GET /gallery/{user_id}', url: (c) => `/gallery/${c.victim}`, expect: 403 },
  { route: 'GET /gallery/download/{filename}', url: (c) => `/gallery/download/${c.filename}`, expect: 404 },
  { route: 'DELETE /gallery/{user_id}/{filename}', url: (c) => `/gallery/${c.victim}/${c.filename}`, expect: 403 },
  { route: 'DELETE /gallery/{user_id}/{filename}', url: (c) => `/gallery/${c.intruder}/${c.filename}`, expect: 404 },
  { route: 'DELETE /auth/api-keys/{id}', url: (c) => `/auth/api-keys/${c.keyId}`, expect: 404 },
  { route: 'GET /auth/users', url: () => '/auth/users', expect: 403 },
  { route: 'POST /auth/users/{user_id}/disable', url: (c) => `/auth/users/${c.victim}/disable`, body: () => ({}), expect: 403 },
  { route: 'POST /auth/users/{user_id}/enable', url: (c) => `/auth/users/${c.victim}/enable`, body: () => ({}), expect: 403 },
  { route: 'PATCH /auth/settings', url: () => '/auth/settings', body: () => ({ registration_open: false }), expect: 403 },
  { route: 'GET /admin/models/pull/{job_id}', url: () => '/admin/models/pull/pull-000000000000000000000000', expect: 403 },
  { route: 'DELETE /admin/models/{name}', url: () => '/admin/models/stories260K.gguf', expect: 403 },
];

/** Routes whose ids are not another user's data (the caller's own scope by construction). */
const NOT_USER_SCOPED = new Set([
  'POST /auth/register',
  'POST /auth/login',
  'GET /v1/models/{path}' /* a model id: the same for everyone */,
]);

describe('per-user isolation across two gateways (every route with a user or resource id)', () => {
  let p: Platform;
  let intruder: TestUser;
  let ctx: Ctx;
  const gateways: string[] = [];

  beforeAll(async () => {
    const deadOllama = await freePort();
    p = await startPlatform({
      services: ['ai-router', 'agents'],
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local', OLLAMA_HOST: `http://127.0.0.1:${deadOllama}` } },
    });
    await p.startApp('gateway', 'gateway-b');
    gateways.push(p.baseUrl, p.urlOf('gateway-b'));
    intruder = await p.createUser('intruder');
    const victim = p.user!;
    const chat = await p.request('/chat', {
      method: 'POST',
      json: { message: 'my secret plan', user_id: victim.id, session_id: 'secret-s', options: { temperature: 0, max_tokens: 8 } },
    });
    expect(chat.status).toBe(200);
    const streamed = await p.request('/chat/stream', {
      method: 'POST',
      json: { message: 'my secret plan', user_id: victim.id, session_id: 'secret-stream', options: { temperature: 0, max_tokens: 8 } },
    });
    await streamed.text();
    const task = await p.request(`/agent/tasks/${victim.id}`, {
      method: 'POST',
      json: { name: 'private', delay_ms: 3_600_000, prompt: 'my private prompt' },
    });
    expect(task.status).toBe(201);
    const key = await p.request('/auth/api-keys', { method: 'POST', json: { name: 'victim key' } });
    expect(key.status).toBe(201);
    // Queued only (no media worker runs): the job and its owner live in Redis, which is what the gateway checks.
    const image = await p.request('/generate-image', { method: 'POST', json: { prompt: 'my secret picture', user_id: victim.id } });
    expect(image.status).toBe(202);
    const jobId = (await image.json()).job_id;
    ctx = {
      victim: victim.id,
      intruder: intruder.id,
      sessionId: 'secret-s',
      taskId: (await task.json()).task_id,
      keyId: (await key.json()).id,
      jobId,
      filename: `${jobId}-0.png`,
      streamId: streamed.headers.get('x-stream-id')!,
    };
  });
  afterAll(() => p?.stop());

  /** The victim's data as the victim sees it. */
  async function snapshot() {
    const get = async (path: string) => (await p.request(path)).json();
    return {
      history: await get(`/chat/history/${ctx.victim}?session_id=${ctx.sessionId}`),
      sessions: await get(`/chat/sessions/${ctx.victim}`),
      tasks: await get(`/agent/tasks/${ctx.victim}`),
      keys: await get('/auth/api-keys'),
      job: await get(`/images/jobs/${ctx.jobId}`),
      me: await get('/auth/me'),
    };
  }

  it("refuses each row with 403/404 on both instances and leaves the victim's data unchanged", async () => {
    const before = await snapshot();
    expect(before.history.messages.length).toBe(2);
    expect(before.tasks.map((t: { task_id: string }) => t.task_id)).toEqual([ctx.taskId]);
    const results: string[] = [];
    for (const row of ROWS) {
      for (const base of gateways) {
        const method = row.route.split(' ')[0];
        const init: RequestInit = { method, headers: { ...intruder.headers } };
        if (row.form) init.body = row.form(ctx);
        else if (row.body) {
          init.body = JSON.stringify(row.body(ctx));
          (init.headers as Record<string, string>)['content-type'] = 'application/json';
        }
        const res = await fetch(`${base}${row.url(ctx)}`, init);
        const text = await res.text();
        results.push(`${row.route} -> ${res.status}`);
        expect([row.route, row.url(ctx), res.status]).toEqual([row.route, row.url(ctx), row.expect]);
        // A refusal never echoes the victim's data.
        expect(text).not.toContain('my secret plan');
        expect(text).not.toContain('my private prompt');
        expect(text).not.toContain('my secret picture');
      }
    }
    expect(results).toHaveLength(ROWS.length * 2);
    expect(await snapshot()).toEqual(before);
  });

  it("keeps the intruder's guess of the victim's session id inside the intruder's own space", async () => {
    const res = await fetch(`${gateways[1]}/chat/history/${intruder.id}?session_id=${ctx.sessionId}`, { headers: intruder.headers });
    expect(res.status).toBe(200);
    expect((await res.json()).messages).toEqual([]);
  });

  it('lets the admin read (not only the owner), as documented', async () => {
    const res = await fetch(`${gateways[0]}/chat/history/${ctx.victim}?session_id=${ctx.sessionId}`, { headers: p.admin!.headers });
    expect(res.status).toBe(200);
    expect((await res.json()).messages.length).toBe(2);
  });

  it('has a row for every route of the OpenAPI document that takes a user id or a resource id', async () => {
    const doc = await (await fetch(`${p.baseUrl}/docs-json`)).json();
    const bodyHasUserId = (op: any): boolean => {
      const content = op.requestBody?.content ?? {};
      return Object.values<any>(content).some((c) => {
        const schema = c.schema?.$ref ? doc.components.schemas[c.schema.$ref.split('/').pop()] : c.schema;
        return !!schema?.properties?.user_id;
      });
    };
    const scoped: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        const idParam = /\{[^}]+\}/.test(path) || (op.parameters ?? []).some((q: { name: string }) => q.name === 'user_id');
        if ((idParam || bodyHasUserId(op)) && !NOT_USER_SCOPED.has(key)) scoped.push(key);
      }
    }
    const covered = new Set(ROWS.map((r) => r.route));
    expect(scoped.filter((k) => !covered.has(k))).toEqual([]);
    expect(scoped.length).toBeGreaterThanOrEqual(15);
  });
});
