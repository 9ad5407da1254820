/** ai-router message patterns. WARNING: renaming one breaks replicas of other versions in a rolling deploy. */
export const CHAT_PATTERNS = {
  send: 'chat.send',
  stream: 'chat.stream',
  history: 'chat.history',
  clear: 'chat.clear',
  sessions: 'chat.sessions',
  deleteSession: 'chat.session.delete',
  renameSession: 'chat.session.rename',
  fork: 'chat.session.fork',
  selectBranch: 'chat.session.branch',
  stats: 'chat.stats',
  providers: 'chat.providers',
} as const;
