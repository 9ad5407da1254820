import type { ProviderMessage } from './chat-provider.interface';
import { budgetRequest, estimatePromptTokens, estimateTokens } from './context-budget.util';
import { ContextTooLongError } from './provider-error';

const turn = (role: ProviderMessage['role'], content: string): ProviderMessage => ({ role, content });

describe('estimateTokens: a high count without the tokenizer', () => {
  it('counts ASCII at a third of a token, rounded up, and every other code point as a whole token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(2);
    expect(estimateTokens('x'.repeat(3000))).toBe(1000);
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('😀😀')).toBe(2); // code points, not UTF-16 units
    expect(estimateTokens('café')).toBe(2);
  });

  it('adds each turn, the system prompt, their role markers and tool calls', () => {
    const plain = estimatePromptTokens('sys', [turn('user', 'abc')]);
    expect(plain).toBe(1 + 5 + 1 + 5);
    const withCall = estimatePromptTokens(undefined, [
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
    ]);
    expect(withCall).toBeGreaterThan(5 + 4);
  });
});

describe('budgetRequest', () => {
  const ctx = (contextSize: number) => ({ contextSize, source: 'test' });
  const history = [
    turn('user', 'a'.repeat(600)),
    turn('assistant', 'b'.repeat(600)),
    turn('user', 'c'.repeat(600)),
    turn('assistant', 'd'.repeat(600)),
  ];

  it('leaves the request alone when the context is unknown or everything fits', () => {
    const req = { system: 'Be brief.', messages: [...history, turn('user', 'now?')], maxTokens: 64 };
    expect(budgetRequest('ollama', req, null)).toBe(req);
    expect(budgetRequest('ollama', req, ctx(32_768))).toBe(req);
  });

  it('drops the oldest turns first, keeps the newest message, and opens on a user turn', () => {
    // Each 600-character turn is 200 + 5 tokens, "now?" 2 + 5: 512 of context minus 64 for the answer keeps c, d and now.
    const req = { messages: [...history, turn('user', 'now?')], maxTokens: 64 };
    const out = budgetRequest('ollama', req, ctx(512));
    expect(out.messages.map((m) => m.content[0])).toEqual(['c', 'd', 'n']);
    expect(estimatePromptTokens(undefined, out.messages) + 64).toBeLessThanOrEqual(512);
    // 300 affords d and now: a window opening on the assistant's turn loses it too.
    expect(budgetRequest('ollama', req, ctx(300)).messages).toEqual([turn('user', 'now?')]);
  });

  it('a system prompt and message that cannot fit: ContextTooLongError with the tokens over and the context size', () => {
    const req = { system: 's'.repeat(4_000), messages: [turn('user', 'hi')], maxTokens: 256 };
    const err = (() => {
      try {
        budgetRequest('ollama', req, ctx(1_024));
      } catch (e) {
        return e as ContextTooLongError;
      }
    })();
    expect(err).toBeInstanceOf(ContextTooLongError);
    const prompt = estimatePromptTokens(req.system, req.messages); // 1334 + 5 + 1 + 5
    expect(err).toMatchObject({ provider: 'ollama', kind: 'client', contextSize: 1_024, overBy: prompt + 17 - 1_024 });
    expect(err!.message).toMatch(/about \d+ tokens \(estimated\).*context is 1024 \(test\).*\d+ tokens over/);
  });

  it("caps max_tokens to a separate output limit (Gemini's outputTokenLimit)", () => {
    const req = { messages: [turn('user', 'hi')], maxTokens: 100_000 };
    expect(budgetRequest('gemini', req, { contextSize: 1_048_576, maxOutputTokens: 8_192, source: 't' }).maxTokens).toBe(8_192);
  });
});
