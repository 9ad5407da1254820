/** ai-router patterns of the model registry and the stateless API. WARNING: renaming breaks rolling deploys. */
export const MODEL_PATTERNS = {
  list: 'models.list',
  complete: 'chat.complete',
  embed: 'embeddings.create',
} as const;
