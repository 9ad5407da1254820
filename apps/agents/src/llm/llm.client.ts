/** One completion from whatever model serves it. */
export interface LlmAnswer {
  text: string;
  ai_model: string;
  ai_source: string;
}

export interface LlmRequest {
  prompt: string;
  system: string;
  user_id: string;
  max_tokens: number;
  timeout_ms: number;
}

/** The outside world of the agents' LLM passes: ai-router over the transport in production. */
export abstract class LlmClient {
  abstract complete(request: LlmRequest): Promise<LlmAnswer>;
}
