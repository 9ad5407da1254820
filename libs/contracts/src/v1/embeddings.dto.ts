import { ArrayMaxSize, ArrayMinSize, IsArray, IsString } from 'class-validator';
import type { ProviderName } from '../chat/chat.dto';
import { ModelCommand } from './models.dto';

/** Inputs per embeddings request (OpenAI allows 2048). */
export const MAX_EMBEDDING_INPUTS = 2048;

/** embeddings.create: vectors for texts from a registry model (omitted: the first available that embeds). */
export class EmbedCommand extends ModelCommand {
  @IsArray()
  @ArrayMinSize(1, { message: 'input must not be empty' })
  @ArrayMaxSize(MAX_EMBEDDING_INPUTS)
  @IsString({ each: true, message: 'input must be a string or an array of strings' })
  input!: string[];
}

export interface EmbedResult {
  model_id: string;
  provider: ProviderName;
  model: string;
  /** One vector per input, same order. */
  vectors: number[][];
  prompt_tokens: number;
}
