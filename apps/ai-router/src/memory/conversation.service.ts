import { Injectable } from '@nestjs/common';
import { ChatHistoryDto, ChatHistoryQuery, ChatSessionDto, ChatSessionRef } from '@nitro/contracts';
import { validateDto } from '@nitro/service-kit';
import { ConversationRepository } from './conversation.repository';

const DEFAULT_HISTORY_LIMIT = 100;

/** Reading and deleting conversations (chat.history, chat.clear, chat.sessions, chat.session.delete, chat.stats). */
@Injectable()
export class ConversationService {
  constructor(private readonly repo: ConversationRepository) {}

  /** No session_id: the most recently used conversation, or 'default' when there is none. */
  async history(raw: unknown): Promise<ChatHistoryDto> {
    const q = validateDto(ChatHistoryQuery, raw, 'the query');
    const session_id = q.session_id ?? (await this.repo.latestSession(q.user_id)) ?? 'default';
    return { user_id: q.user_id, session_id, messages: await this.repo.messages(q.user_id, session_id, q.limit ?? DEFAULT_HISTORY_LIMIT) };
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

  sessions(raw: unknown): Promise<ChatSessionDto[]> {
    return this.repo.listSessions(validateDto(ChatHistoryQuery, raw, 'the query').user_id);
  }

  stats(): Promise<{ sessions_active: number; total_messages: number }> {
    return this.repo.stats();
  }
}
