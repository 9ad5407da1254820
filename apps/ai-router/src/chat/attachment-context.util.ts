import type { AttachmentKind, ChatAttachmentTextDto, ChatMessageDto } from '@nitro/contracts';

type Attached = Pick<ChatAttachmentTextDto, 'name' | 'text'> & { truncated?: boolean; kind?: AttachmentKind };

/** A name that cannot close or forge the markers around it (newlines and brackets out). */
const safeName = (name: string) => name.replace(/[\r\n[\]]+/g, ' ').trim() || 'attachment';

/**
 * The user message as the model receives it when files are attached: each file's text between plain
 * markers, then the message. Plain text rather than a vendor feature, so every provider (Ollama's chat
 * templates, Gemini, the local completion model) gets the same prompt, and a replayed turn reads the same.
 */
export function withAttachments(message: string, attachments: Attached[] | undefined): string {
  if (!attachments?.length) return message;
  // A stored image has no bytes to replay: the model is told one was shown (it saw it on that turn, if at all).
  const files = attachments.map((a) =>
    a.kind === 'image'
      ? `[Image shown earlier, not repeated here: ${safeName(a.name)}]`
      : `[Attached file: ${safeName(a.name)}${a.truncated ? ' (cut short)' : ''}]\n${a.text}\n[End of ${safeName(a.name)}]`,
  );
  return `${files.join('\n\n')}\n\n${message}`;
}

/** A stored user message that had files, when their text no longer fits the context budget: say they were there. */
export function attachmentNote(m: Pick<ChatMessageDto, 'content' | 'attachments'>): string {
  const names = (m.attachments ?? []).map((a) => safeName(a.name)).join(', ');
  return `[Earlier attached, not repeated here: ${names}]\n\n${m.content}`;
}
