import type { ProviderName } from '@nitro/contracts';

export interface Embeddings {
  vectors: number[][];
  promptTokens: number;
  model: string;
}

/** Embedding vectors from one vendor; errors as ProviderError (the service maps them to statuses). */
export interface EmbeddingProvider {
  readonly name: ProviderName;
  embed(texts: string[], model: string, signal: AbortSignal): Promise<Embeddings>;
}

export const EMBEDDING_PROVIDERS = Symbol('EMBEDDING_PROVIDERS');
