import { AiRouterEnv } from '@nitro/config';
import { ChatProvider } from './chat-provider.interface';
import { GeminiProvider } from './gemini.provider';
import { LocalLlamaProvider } from './local/local-llama.provider';
import { modelsDirFrom } from './local/model-file.util';
import { OllamaProvider } from './ollama.provider';

/** One instance per vendor from the validated env; the routing order is the registry's business. */
export function createProviders(env: AiRouterEnv): ChatProvider[] {
  return [
    new OllamaProvider({ host: env.OLLAMA_HOST, model: env.OLLAMA_MODEL, timeoutMs: env.OLLAMA_TIMEOUT_MS }),
    new LocalLlamaProvider({
      modelPath: env.LOCAL_MODEL_PATH,
      modelsDir: modelsDirFrom(env.MODELS_DIR),
      idleUnloadMs: env.LOCAL_MODEL_IDLE_UNLOAD_MS,
      contextSize: env.LOCAL_CONTEXT_SIZE,
      threads: env.LOCAL_THREADS,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
    }),
    new GeminiProvider({
      apiKey: env.GEMINI_API_KEY,
      model: env.GEMINI_MODEL,
      baseUrl: env.GEMINI_BASE_URL || undefined,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
    }),
  ];
}
