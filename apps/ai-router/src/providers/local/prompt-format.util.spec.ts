import { ContextOverflow, DEFAULT_SYSTEM, fitToContext, MIN_ANSWER_TOKENS, renderTranscript } from './prompt-format.util';
import type { ProviderMessage } from '../chat-provider.interface';

const words = (messages: ProviderMessage[]) => renderTranscript(undefined, messages).split(/\s+/).length;

describe('renderTranscript', () => {
  it('renders a plain transcript ending where the assistant speaks', () => {
    const text = renderTranscript('Be kind.\nAlways.', [
      { role: 'user', content: 'Hi ' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Tell me a story' },
    ]);
    expect(text).toBe('System: Be kind. Always.\nUser: Hi\nAssistant: Hello!\nUser: Tell me a story\nAssistant:');
  });

  it('uses a short default system line', () => {
    expect(renderTranscript(undefined, [{ role: 'user', content: 'x' }])).toBe(`System: ${DEFAULT_SYSTEM}\nUser: x\nAssistant:`);
  });
});

describe('fitToContext', () => {
  const turn = (i: number): ProviderMessage => ({ role: i % 2 ? 'assistant' : 'user', content: `message number ${i} with some words` });

  it('keeps everything that fits and caps the answer by the room left', () => {
    const fitted = fitToContext({ messages: [turn(0)], maxTokens: 1000 }, 100, words);
    expect(fitted.messages).toHaveLength(1);
    expect(fitted.promptTokens).toBe(words([turn(0)]));
    expect(fitted.maxTokens).toBe(100 - fitted.promptTokens - 1);
  });

  it('drops the oldest turns first, keeping the newest message', () => {
    const history = Array.from({ length: 21 }, (_, i) => turn(i));
    const fitted = fitToContext({ messages: history, maxTokens: 20 }, 80, words);
    expect(fitted.promptTokens).toBeLessThanOrEqual(60);
    expect(fitted.messages[fitted.messages.length - 1]).toEqual(history[20]);
    expect(fitted.messages.length).toBeLessThan(21);
    expect(fitted.maxTokens).toBe(20);
  });

  it('refuses a message too long on its own, saying how many tokens are over (it used to be cut silently)', () => {
    const long = Array.from({ length: 500 }, (_, i) => `w${i}`).join(' ');
    const prompt = words([{ role: 'user', content: long }]);
    expect(() => fitToContext({ messages: [{ role: 'user', content: long }] }, 128, words)).toThrow(ContextOverflow);
    expect(() => fitToContext({ messages: [{ role: 'user', content: long }] }, 128, words)).toThrow(
      `${prompt + MIN_ANSWER_TOKENS + 1 - 128} tokens over`,
    );
  });

  it('counts the system prompt: a long one that leaves no room for an answer is refused, not answered with 1 token (issue 14)', () => {
    const system = Array.from({ length: 120 }, (_, i) => `rule${i}`).join(' ');
    const count = (messages: ProviderMessage[]) => renderTranscript(system, messages).split(/\s+/).length;
    let err: unknown;
    try {
      fitToContext({ system, messages: [turn(0)], maxTokens: 64 }, 128, count);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ContextOverflow);
    expect((err as ContextOverflow).overBy).toBe(count([turn(0)]) + MIN_ANSWER_TOKENS + 1 - 128);
  });

  it('drops history for a long system prompt and shrinks the answer to what is left when that is still enough', () => {
    const system = Array.from({ length: 80 }, (_, i) => `rule${i}`).join(' ');
    const count = (messages: ProviderMessage[]) => renderTranscript(system, messages).split(/\s+/).length;
    const history = Array.from({ length: 9 }, (_, i) => turn(i));
    const fitted = fitToContext({ system, messages: history, maxTokens: 64 }, 128, count);
    expect(fitted.messages).toEqual([history[8]]);
    expect(fitted.promptTokens + fitted.maxTokens).toBeLessThan(128);
    expect(fitted.maxTokens).toBeGreaterThanOrEqual(MIN_ANSWER_TOKENS);
  });
});
