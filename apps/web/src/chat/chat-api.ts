import { api, apiJson, errorFrom } from '../api';
import type { ChatHistoryDto, ChatSessionDto } from '@nitro/contracts';

/** The chat routes the tab uses, for one user. */
export function chatApi(user: string) {
  const u = encodeURIComponent(user);
  const s = (id: string) => `/chat/sessions/${u}/${encodeURIComponent(id)}`;
  return {
    /** With `q`: only the conversations whose title or a message contains it, each with a `snippet`. */
    sessions: (q?: string) => apiJson<ChatSessionDto[]>(`/chat/sessions/${u}${q ? `?q=${encodeURIComponent(q)}` : ''}`),
    history: (id: string, limit?: number) =>
      apiJson<ChatHistoryDto>(`/chat/history/${u}?session_id=${encodeURIComponent(id)}${limit ? `&limit=${limit}` : ''}`),
    rename: (id: string, title: string) => apiJson<{ title: string }>(s(id), { method: 'PATCH', json: { title } }),
    fork: (id: string, index: number, kind: 'regenerate' | 'edit') =>
      apiJson<{ count: number }>(`${s(id)}/fork`, { method: 'POST', json: { index, kind } }),
    select: (id: string, index: number, variant: number) =>
      apiJson<ChatHistoryDto>(`${s(id)}/branches`, { method: 'PUT', json: { index, variant } }),
    remove: async (id: string) => {
      const res = await api(s(id), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw await errorFrom(res);
    },
  };
}
export type ChatApi = ReturnType<typeof chatApi>;
