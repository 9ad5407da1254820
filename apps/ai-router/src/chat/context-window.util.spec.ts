import type { ChatMessageDto } from '@nitro/contracts';
import { contextWindow } from './context-window.util';

const msg = (role: 'user' | 'assistant', content: string): ChatMessageDto => ({ role, content, timestamp: '2026-01-01T00:00:00.000Z' });
const convo = (n: number) => Array.from({ length: n }, (_, i) => msg(i % 2 ? 'assistant' : 'user', `m${i}`));

describe('contextWindow', () => {
  it('keeps the newest N messages, oldest first', () => {
    expect(contextWindow(convo(10), 4, 1000).map((m) => m.content)).toEqual(['m6', 'm7', 'm8', 'm9']);
  });

  it('stops at the character budget', () => {
    const history = [
      msg('user', 'a'.repeat(50)),
      msg('assistant', 'b'.repeat(50)),
      msg('user', 'c'.repeat(30)),
      msg('assistant', 'd'.repeat(30)),
    ];
    expect(contextWindow(history, 10, 70).map((m) => m.content[0])).toEqual(['c', 'd']);
  });

  it('opens the window on a user turn', () => {
    expect(contextWindow(convo(10), 3, 1000).map((m) => m.content)).toEqual(['m8', 'm9']);
  });

  it('replays a question with its attached text while it fits, and with a note naming the files once it does not', () => {
    const attached: ChatMessageDto = {
      ...msg('user', 'summarise'),
      attachments: [{ name: 'notes.txt', kind: 'text', chars: 40, text: 'x'.repeat(40) }],
    };
    const history = [attached, msg('assistant', 'ok')];
    const [full] = contextWindow(history, 10, 1000);
    expect(full.content).toBe(`[Attached file: notes.txt]\n${'x'.repeat(40)}\n[End of notes.txt]\n\nsummarise`);
    const [noted] = contextWindow(history, 10, 70);
    expect(noted.content).toBe('[Earlier attached, not repeated here: notes.txt]\n\nsummarise');
  });

  it('sends nothing when the limits are zero', () => {
    expect(contextWindow(convo(4), 0, 1000)).toEqual([]);
    expect(contextWindow(convo(4), 10, 0)).toEqual([]);
  });
});
