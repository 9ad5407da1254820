import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import type { ProviderName } from '../chat/chat.dto';

/** Inputs per embeddings request (OpenAI allows 2048). */
export const MAX_EMBEDDING_INPUTS = 2048;

/** embeddings.create: vectors for texts from a registry model (omitted: the first available that embeds). */
export class EmbedCommand {
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  model?: string;

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
