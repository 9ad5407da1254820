import type { ProviderName } from '@nitro/contracts';

/** A function call the model asked for; `arguments` is a JSON string. */
export interface ProviderToolCall {
  id: string;
  name: string;
  arguments: string;
  /** Gemini's opaque thoughtSignature of the call, to be sent back with it on the next turn. */
  signature?: string;
}

/** An image on a user message: its type (PNG, JPEG, WebP, GIF) and its bytes as standard base64. */
export interface ProviderImage {
  mime: string;
  data: string;
}

/** One turn of the conversation as every provider receives it (the system prompt is separate). */
export interface ProviderMessage {
  /** 'tool' (a tool's result) only reaches providers with `supportsTools`. */
  role: 'user' | 'assistant' | 'tool';
  content: string;
  /**
   * User messages: images for the model to read. The router only hands a request with images to a provider whose
   * supportsImages(model) is true: Ollama sends them as the message's `images`, Gemini as `inline_data` parts.
   */
  images?: ProviderImage[];
  /** An assistant turn that called tools. */
  toolCalls?: ProviderToolCall[];
  /** A tool result: the call it answers. */
  toolCallId?: string;
}

export interface ProviderRequest {
  system?: string;
  /** Oldest first; the last one is the user's new message. */
  messages: ProviderMessage[];
  /** Overrides the provider's configured model. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  /** Strings that end the answer (not included in it). */
  stop?: string[];
  /** OpenAI-style function tools; only sent to providers with `supportsTools`. */
  tools?: Record<string, unknown>[];
  /** OpenAI's tool_choice ("auto" when absent; one function as `{ name }`); Gemini honours it, Ollama has no such option. */
  toolChoice?: ToolChoice;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface ProviderUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** 'stop' (natural end or a stop string), 'length' (max tokens), or the vendor's own word in lower case. */
export type FinishReason = string;

export interface ProviderResult {
  text: string;
  model: string;
  usage: ProviderUsage;
  finishReason: FinishReason;
  toolCalls?: ProviderToolCall[];
}

export interface ProviderDone {
  done: true;
  model: string;
  usage: ProviderUsage;
  finishReason: FinishReason;
  toolCalls?: ProviderToolCall[];
}

/** A stream is text chunks, then exactly one `done`. Ending without `done` is a broken stream. */
export type ProviderChunk = { text: string } | ProviderDone;

/**
 * A chat vendor behind one interface. Adapters translate their vendor's errors into ProviderError;
 * the router owns timeouts (through `signal`), fallback and circuit breaking.
 */
export interface ChatProvider {
  readonly name: ProviderName;
  /** Per-attempt timeout: the whole answer for generate(), the longest gap between chunks for stream(). */
  readonly timeoutMs: number;
  /** Takes `tools` and answers with tool calls (Ollama, Gemini); others get a 400 before routing. */
  readonly supportsTools?: boolean;
  /**
   * Whether `model` reads images on messages (ProviderMessage.images). Asked by the router only for requests with
   * images, after unavailable(); never rejects (an unknown answer is false), bounded by its own timeout. Absent: no.
   * Ollama: its /api/show lists "vision" (cached per model); Gemini: yes; the local model: no.
   */
  supportsImages?(model: string, signal: AbortSignal): Promise<boolean>;
  /**
   * Why the provider cannot be used at all (no key, no model file), naming what to set
   * ("not configured: set GEMINI_API_KEY ..."), shown in fallbacks, 503s and chat.providers;
   * null when it can be tried. The same method every capability's providers have (media, voice, search).
   */
  unavailable(): string | null;
  /** The model a request would use. */
  modelFor(req: ProviderRequest): string;
  generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult>;
  stream(req: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk>;
  /** Release engines and sockets at shutdown. */
  dispose?(): Promise<void>;
}

/** DI token: the array of ChatProvider instances built from config (tests inject fakes). */
export const CHAT_PROVIDERS = Symbol('CHAT_PROVIDERS');
