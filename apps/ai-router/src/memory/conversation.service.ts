import { Injectable } from '@nestjs/common';
import {
  ChatBranchSelectCommand,
  ChatForkCommand,
  ChatHistoryDto,
  ChatHistoryQuery,
  ChatSessionDto,
  ChatSessionRef,
  ChatSessionsQuery,
  ChatSessionRenameCommand,
  ERROR_CODE,
} from '@nitro/contracts';
import { ServiceError, validateDto } from '@nitro/service-kit';
import { ConversationRepository } from './conversation.repository';

const DEFAULT_HISTORY_LIMIT = 100;
const notFound = () => new ServiceError(404, ERROR_CODE.NOT_FOUND, 'no such conversation');

/** Reading, renaming, branching and deleting conversations (chat.history, chat.clear, chat.sessions, chat.session.*, chat.stats). */
@Injectable()
export class ConversationService {
  constructor(private readonly repo: ConversationRepository) {}

  /** No session_id: the most recently used conversation, or 'default' when there is none. */
  async history(raw: unknown): Promise<ChatHistoryDto> {
    const q = validateDto(ChatHistoryQuery, raw, 'the query');
    const session_id = q.session_id ?? (await this.repo.latestSession(q.user_id)) ?? 'default';
    const [messages, total, branches] = await Promise.all([
      this.repo.messages(q.user_id, session_id, q.limit ?? DEFAULT_HISTORY_LIMIT),
      this.repo.count(q.user_id, session_id),
      this.repo.branches(q.user_id, session_id),
    ]);
    return { user_id: q.user_id, session_id, messages, offset: Math.max(0, total - messages.length), branches };
  }

  /** A person's own title for a conversation. @throws 404 when there is no such conversation. */
  async rename(raw: unknown): Promise<{ session_id: string; title: string }> {
    const c = validateDto(ChatSessionRenameCommand, raw);
    if (!(await this.repo.rename(c.user_id, c.session_id, c.title))) throw notFound();
    return { session_id: c.session_id, title: c.title.trim() };
  }

  /** Regenerate / Edit: the messages from `index` on become an alternative; the next message sent continues from there. */
  async fork(raw: unknown): Promise<{ index: number; count: number }> {
    const c = validateDto(ChatForkCommand, raw);
    const count = await this.repo.fork(c.user_id, c.session_id, c.index, c.kind ?? 'regenerate');
    if (!count) throw new ServiceError(404, ERROR_CODE.NOT_FOUND, `there is no message at index ${c.index} in this conversation`);
    if (count < 0)
      throw new ServiceError(
        400,
        ERROR_CODE.VALIDATION_FAILED,
        `index must point at a question (a user message); message ${c.index} is an answer: fork at the question before it`,
      );
    return { index: c.index, count };
  }

  /** Shows another alternative at a position; answers the history as it now is. */
  async selectBranch(raw: unknown): Promise<ChatHistoryDto> {
    const c = validateDto(ChatBranchSelectCommand, raw);
    if (!(await this.repo.selectBranch(c.user_id, c.session_id, c.index, c.variant)))
      throw new ServiceError(404, ERROR_CODE.NOT_FOUND, `there is no alternative ${c.variant} at index ${c.index}`);
    return this.history({ user_id: c.user_id, session_id: c.session_id });
  }

  /** One conversation, or (no session_id) all of the user's. `cleared` counts deleted messages. */
  async clear(raw: unknown): Promise<{ cleared: number }> {
    const q = validateDto(ChatHistoryQuery, raw, 'the query');
    return { cleared: await this.repo.deleteSessions(q.user_id, q.session_id ? [q.session_id] : undefined) };
  }

  async deleteSession(raw: unknown): Promise<{ cleared: number }> {
    const q = validateDto(ChatSessionRef, raw, 'the query');
    return { cleared: await this.repo.deleteSessions(q.user_id, [q.session_id]) };
  }

  /** The user's live conversations, most recent first; with `q`, only those that contain it (ChatSessionsQuery). */
  sessions(raw: unknown): Promise<ChatSessionDto[]> {
    const q = validateDto(ChatSessionsQuery, raw, 'the query');
    return q.q === undefined ? this.repo.listSessions(q.user_id) : this.repo.searchSessions(q.user_id, q.q);
  }

  stats(): Promise<{ sessions_active: number; total_messages: number }> {
    return this.repo.stats();
  }
}
