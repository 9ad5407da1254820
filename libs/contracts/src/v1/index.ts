export * from './v1.patterns';
export * from './models.dto';
export * from './completion.dto';
export * from './embeddings.dto';
export * from './openai-chat.dto';
export * from './openai-audio.dto';
export * from './openai-embeddings.dto';
