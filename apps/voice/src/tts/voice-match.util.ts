import { TTS_ENGINES, type TtsEngineName, type TtsVoice } from './tts-provider.interface';

export interface EngineVoices {
  engine: TtsEngineName;
  voices: TtsVoice[];
}

const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const primary = (lang: string) => lang.split('-')[0].toLowerCase();

export const voiceId = (v: Pick<TtsVoice, 'engine' | 'name'>): string => `${v.engine}:${v.name}`;

/** "flite:slt" -> engine flite, name slt; "slt" -> any engine. Unknown prefixes stay part of the name. */
export function splitVoiceSpec(spec: string): { engine?: TtsEngineName; name: string } {
  const i = spec.indexOf(':');
  const prefix = i > 0 ? spec.slice(0, i) : '';
  return (TTS_ENGINES as readonly string[]).includes(prefix)
    ? { engine: prefix as TtsEngineName, name: spec.slice(i + 1) }
    : { name: spec };
}

/**
 * The voices that can speak `spec`, best first, at most one per engine (engines in configured
 * order). A voice name matches exactly (case-insensitive). A spec that is also a language code
 * ("de", "en-US") then adds, from each engine without an exact match, a voice of that exact
 * language, else one of the same primary language ("de" -> de-DE).
 */
export function matchVoices(spec: string, engines: EngineVoices[]): TtsVoice[] {
  const { engine, name } = splitVoiceSpec(spec);
  const pool = engine ? engines.filter((e) => e.engine === engine) : engines;
  const wanted = name.toLowerCase();
  const isLanguage = LANGUAGE.test(name);
  return pool.flatMap((e) => {
    const v =
      e.voices.find((x) => x.name.toLowerCase() === wanted) ??
      (isLanguage
        ? (e.voices.find((x) => x.languages.some((l) => l.toLowerCase() === wanted)) ??
          e.voices.find((x) => x.languages.some((l) => primary(l) === primary(wanted))))
        : undefined);
    return v ? [v] : [];
  });
}
