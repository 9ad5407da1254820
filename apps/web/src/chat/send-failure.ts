/** How the chat tab treats a send that failed: what to say, and whether Retry can help. */
/** A refusal of the message itself (an image no model reads, too long, invalid): sending it again cannot help, so no Retry. */
export function isFinalRefusal(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && ![408, 409, 429].includes(status);
}

/** How one send differs from the composer's: its files, and what a failure does (Retry, restore, the text back or not). */
export interface SendFailure {
  /** Replaces sending the text again. */
  retry?: () => void;
  /** Runs before the error is shown (under the conversation, then): e.g. show the version from before a Regenerate. */
  restore?: () => Promise<void>;
  /** false: leave the composer as it is. */
  giveTextBack?: boolean;
  /** A send that is not the composer's (Regenerate, Edit): its files; the composer's text and files are not touched. */
  files?: { attachments?: string[] };
}

/** Errors whose server wording speaks of tokens and request fields, as a person would want to read them. */
export function forPerson(code: string | undefined, message: string): string {
  if (code === 'CONTEXT_TOO_LONG')
    return 'This message is too long for the model to read at once. Shorten it, attach less, or start a new conversation.';
  return message;
}
