import { ConfigError, DEFAULT_OPENAI_VOICE_MAP, GatewayEnv, loadConfig, OPENAI_VOICE_NAMES, parseVoiceMap } from '@nitro/config';
import { OPENAI_VOICES, type SpeakRequestDto } from '@nitro/contracts';
import type { AuthUser } from '../auth/auth-user';
import type { VoiceService } from '../voice/voice.service';
import { AudioService, voiceFor } from './audio.service';

describe('OpenAI voice names (OPENAI_VOICE_MAP)', () => {
  const user = { id: 'u1' } as AuthUser;
  const signal = new AbortController().signal;

  function service(env: Record<string, string> = {}) {
    const spoken: (string | undefined)[] = [];
    const voice = {
      speak: async (_u: AuthUser, dto: SpeakRequestDto) => (spoken.push(dto.voice), { bytes: Buffer.alloc(0), speech: {} }),
    } as unknown as VoiceService;
    return { audio: new AudioService(voice, loadConfig(GatewayEnv, env)), spoken };
  }

  it('knows the same names as the contracts (alloy … shimmer and the newer ones)', () => {
    expect([...OPENAI_VOICE_NAMES]).toEqual([...OPENAI_VOICES]);
    expect(Object.keys(parseVoiceMap(DEFAULT_OPENAI_VOICE_MAP)).sort()).toEqual([...OPENAI_VOICE_NAMES].sort());
  });

  it('two OpenAI voices reach two different configured voices (default map and a configured one)', async () => {
    const byDefault = service();
    await byDefault.audio.speech(user, { model: 'tts-1', voice: 'alloy', input: 'hi' }, signal);
    await byDefault.audio.speech(user, { model: 'tts-1', voice: 'nova', input: 'hi' }, signal);
    expect(byDefault.spoken).toEqual(['flite:kal16', 'flite:slt']);

    const configured = service({ OPENAI_VOICE_MAP: 'echo=espeak:de, onyx=rms' });
    await configured.audio.speech(user, { model: 'tts-1', voice: 'echo', input: 'hi' }, signal);
    await configured.audio.speech(user, { model: 'tts-1', voice: 'onyx', input: 'hi' }, signal);
    await configured.audio.speech(user, { model: 'tts-1', voice: 'alloy', input: 'hi' }, signal);
    expect(configured.spoken).toEqual(['espeak:de', 'rms', undefined]); // alloy is not listed: the default voice
  });

  it('an engine named as model keeps its own voices: a mapped voice of another engine is the default voice', () => {
    const map = { alloy: 'flite:kal16', nova: 'slt' };
    expect(voiceFor('alloy', 'flite', map)).toBe('flite:kal16');
    expect(voiceFor('alloy', 'espeak', map)).toBeUndefined();
    expect(voiceFor('nova', 'flite', map)).toBe('flite:slt');
    expect(voiceFor('kal', 'flite', map)).toBe('flite:kal');
    expect(voiceFor('espeak:de', undefined, map)).toBe('espeak:de');
  });

  it('refuses a bad map at start, naming OPENAI_VOICE_MAP and the bad pair', () => {
    const bad = (value: string) => {
      try {
        loadConfig(GatewayEnv, { OPENAI_VOICE_MAP: value });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${value}`);
    };
    expect(bad('alloy')).toMatch(/OPENAI_VOICE_MAP: must be comma-separated openai=voice pairs .*"alloy" is not an openai=voice pair/);
    expect(bad('robot=flite:kal')).toMatch(/OPENAI_VOICE_MAP: .*"robot" is not an OpenAI voice name \(alloy, ash/);
    expect(bad('alloy=flite:kal,alloy=flite:slt')).toMatch(/OPENAI_VOICE_MAP: .*"alloy" is mapped twice/);
    expect(bad('alloy=bad voice')).toMatch(/OPENAI_VOICE_MAP: .*"bad voice" is not a voice name/);
  });
});
