import type { AiRouterEnv } from '@nitro/config';
import { resolveModelFile } from '../../providers/local/model-file.util';

export type SummaryEnv = Pick<
  AiRouterEnv,
  'AI_PROVIDERS' | 'OLLAMA_HOST' | 'OLLAMA_MODEL' | 'GEMINI_API_KEY' | 'GEMINI_MODEL' | 'LOCAL_MODEL_PATH'
>;

/**
 * One line per chat provider in AI_PROVIDERS saying whether it can answer now: Ollama is asked
 * (GET /api/tags, `probeTimeoutMs`), Gemini needs a key, local needs a .gguf file.
 */
export async function providerSummary(env: SummaryEnv, modelsDir: string, probeTimeoutMs = 1500): Promise<string[]> {
  const lines: string[] = [];
  for (const name of env.AI_PROVIDERS) {
    if (name === 'ollama') {
      const answering = await fetch(new URL('/api/tags', env.OLLAMA_HOST), { signal: AbortSignal.timeout(probeTimeoutMs) }).then(
        (r) => r.ok,
        () => false,
      );
      lines.push(
        answering
          ? `ollama: answering at ${env.OLLAMA_HOST} (model ${env.OLLAMA_MODEL}; pull it with \`ollama pull ${env.OLLAMA_MODEL}\` if it is missing)`
          : `ollama: no answer at OLLAMA_HOST=${env.OLLAMA_HOST} (start Ollama and \`ollama pull ${env.OLLAMA_MODEL}\`)`,
      );
    } else if (name === 'gemini') {
      lines.push(
        env.GEMINI_API_KEY ? `gemini: GEMINI_API_KEY is set (model ${env.GEMINI_MODEL})` : 'gemini: not configured (no GEMINI_API_KEY)',
      );
    } else {
      const { path, problem } = resolveModelFile(env.LOCAL_MODEL_PATH, modelsDir);
      lines.push(path ? `local: ${path}${problem ? ` (${problem})` : ''}` : `local: ${problem}`);
    }
  }
  return lines;
}
