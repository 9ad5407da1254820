import OpenAI from 'openai';
import { FakeGemini, startFakeGemini, THOUGHT_SIGNATURE } from '../../apps/ai-router/test/support/fake-gemini.server';
import { Platform, startPlatform } from '../support/platform';

/**
 * Tool calls through Gemini with the official `openai` SDK: gateway + ai-router, Gemini pointed at a
 * local server speaking Gemini's REST function-calling format (docs/adr/0008-openai-compatible-api.md).
 * The round trip: tools → functionCall → tool_calls; role "tool" → functionResponse → the answer.
 */
describe('/v1 tool calls on gemini/<model> (openai SDK, fake Gemini REST)', () => {
  let p: Platform;
  let gemini: FakeGemini;
  let client: OpenAI;
  const MODEL = 'gemini/gemini-1.5-flash';
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
      },
    },
  ];
  const question: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

  beforeAll(async () => {
    gemini = await startFakeGemini();
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: {
        'ai-router': { AI_PROVIDERS: 'gemini,local', GEMINI_API_KEY: 'k', GEMINI_BASE_URL: gemini.url, GEMINI_MODEL: 'gemini-1.5-flash' },
      },
    });
    const key = await p.request('/auth/api-keys', { method: 'POST', json: { name: 'openai sdk' } });
    client = new OpenAI({ apiKey: (await key.json()).key, baseURL: `${p.baseUrl}/v1`, maxRetries: 0, timeout: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    await gemini?.close();
  });

  it('lists the Gemini chat model with the tools capability', async () => {
    const res = await p.request('/models');
    const body = await res.json();
    expect(body.models).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: MODEL, available: true, capabilities: expect.arrayContaining(['chat', 'tools']) }),
      ]),
    );
  });

  it('round trip: tool_calls (non-stream and stream), then the tool result answered by the model', async () => {
    const first = await client.chat.completions.create({ model: MODEL, messages: question, tools });
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const call = first.choices[0].message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    // Gemini's thought signature rides where Google's own OpenAI-compatible API puts it.
    expect(call).toEqual({
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      extra_content: { google: { thought_signature: THOUGHT_SIGNATURE } },
    });
    expect(first.choices[0].message.content).toBeNull();
    expect(gemini.requests.at(-1)?.body.tools[0].functionDeclarations[0]).toEqual({
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
    });

    const stream = await client.chat.completions.create({ model: MODEL, messages: question, tools, stream: true });
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta?.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(deltas).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        extra_content: { google: { thought_signature: THOUGHT_SIGNATURE } },
      },
    ]);

    const answer = await client.chat.completions.create({
      model: MODEL,
      tools,
      messages: [...question, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' }],
    });
    expect(gemini.requests.at(-1)?.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } }, thoughtSignature: THOUGHT_SIGNATURE }],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] },
    ]);
    expect(answer.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'Results: get_weather: {"temp":21}' },
    });
  });

  it('tool_choice reaches Gemini as toolConfig; a bad tool_choice is a 400 naming it', async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages: question,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(gemini.requests.at(-1)?.body.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    await client.chat.completions.create({ model: MODEL, messages: question, tools, tool_choice: 'required' });
    expect(gemini.requests.at(-1)?.body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    const none = await client.chat.completions.create({ model: MODEL, messages: question, tools, tool_choice: 'none' });
    expect(none.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Hi from fake Gemini.' } });
    const bad = await client.chat.completions
      .create({ model: MODEL, messages: question, tools, tool_choice: 'sometimes' as never })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
    // Without tools too: a bad value is not silently ignored (a fresh tester got a 200 for "bogus").
    const alone = await client.chat.completions
      .create({ model: MODEL, messages: question, tool_choice: 'bogus' as never })
      .catch((e: unknown) => e);
    expect((alone as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tool_choice');
  });
});
