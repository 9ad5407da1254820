import type { ChatMessageDto } from '@nitro/contracts';
import type { ProviderMessage } from '../providers/chat-provider.interface';
import { attachmentNote, withAttachments } from './attachment-context.util';

/**
 * The history sent to the model with a new message: the newest stored turns, at most
 * `maxMessages` and `maxChars` characters (a turn that would cross the budget ends the window).
 * A question with attached files is replayed with their text when it fits, else with a note naming them.
 * The window opens on a user turn, which is what chat templates and Gemini expect.
 */
export function contextWindow(history: ChatMessageDto[], maxMessages: number, maxChars: number): ProviderMessage[] {
  const out: ProviderMessage[] = [];
  let chars = 0;
  for (let i = history.length - 1; i >= 0 && out.length < maxMessages; i--) {
    const m = history[i];
    if (m.role === 'system' || !m.content) continue;
    let content = m.role === 'user' && m.attachments?.length ? withAttachments(m.content, m.attachments) : m.content;
    if (content !== m.content && chars + content.length > maxChars) content = attachmentNote(m);
    if (chars + content.length > maxChars) break;
    chars += content.length;
    out.unshift({ role: m.role, content });
  }
  while (out[0]?.role === 'assistant') out.shift();
  return out;
}
