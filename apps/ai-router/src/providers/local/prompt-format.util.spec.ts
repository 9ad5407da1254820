import { DEFAULT_SYSTEM, fitToContext, renderTranscript } from './prompt-format.util';
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

  it('keeps the tail of a single message that is too long on its own', () => {
    const long = Array.from({ length: 500 }, (_, i) => `w${i}`).join(' ');
    const fitted = fitToContext({ messages: [{ role: 'user', content: long }] }, 128, words);
    expect(fitted.promptTokens).toBeLessThanOrEqual(64);
    expect(fitted.messages[0].content.endsWith('w499')).toBe(true);
    expect(fitted.maxTokens).toBeGreaterThanOrEqual(64);
  });
});
