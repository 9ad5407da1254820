import { parseEspeakVoices } from './espeak.tts-provider';
import type { TtsVoice } from './tts-provider.interface';
import { matchVoices, splitVoiceSpec, voiceId, type EngineVoices } from './voice-match.util';

const v = (engine: TtsVoice['engine'], name: string, languages: string[]): TtsVoice => ({ engine, name, languages });
const ENGINES: EngineVoices[] = [
  { engine: 'flite', voices: [v('flite', 'kal', ['en-US']), v('flite', 'kal16', ['en-US']), v('flite', 'slt', ['en-US'])] },
  { engine: 'espeak', voices: [v('espeak', 'de', ['de']), v('espeak', 'en-us', ['en-us']), v('espeak', 'en-gb', ['en-gb'])] },
  { engine: 'google', voices: [v('google', 'de-DE-Wavenet-A', ['de-DE']), v('google', 'en-US-Wavenet-D', ['en-US'])] },
];

describe('voice matching', () => {
  it('finds a voice by exact name (any case), or pinned to an engine', () => {
    expect(matchVoices('KAL16', ENGINES).map(voiceId)).toEqual(['flite:kal16']);
    expect(matchVoices('google:en-US-Wavenet-D', ENGINES).map(voiceId)).toEqual(['google:en-US-Wavenet-D']);
    expect(matchVoices('espeak:kal16', ENGINES)).toEqual([]);
  });

  it('treats a language code as one voice per engine, in engine order', () => {
    expect(matchVoices('de', ENGINES).map(voiceId)).toEqual(['espeak:de', 'google:de-DE-Wavenet-A']);
    expect(matchVoices('en-GB', ENGINES).map(voiceId)).toEqual(['flite:kal', 'espeak:en-gb', 'google:en-US-Wavenet-D']);
    expect(matchVoices('flite:en', ENGINES).map(voiceId)).toEqual(['flite:kal']);
  });

  it('matches nothing for unknown names and languages nobody speaks', () => {
    expect(matchVoices('robot-9000', ENGINES)).toEqual([]);
    expect(matchVoices('xx', ENGINES)).toEqual([]);
  });

  it('only strips known engine prefixes', () => {
    expect(splitVoiceSpec('flite:slt')).toEqual({ engine: 'flite', name: 'slt' });
    expect(splitVoiceSpec('acme:slt')).toEqual({ name: 'acme:slt' });
  });
});

describe('parseEspeakVoices', () => {
  // Head of `espeak-ng --voices` (1.51, Debian), including an mbrola voice and a duplicate language.
  const LISTING = ` Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  af              --/M      Afrikaans          gmw/af
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  en-us           --/M      us-mbrola-2        mb/mb-us2            (en 7)
 5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)
 5  de              --/F      German             gmw/de
`;

  it('lists one voice per language, without mbrola voices', () => {
    expect(parseEspeakVoices(LISTING)).toEqual([
      { name: 'af', engine: 'espeak', languages: ['af'], gender: 'male', sampleRate: 22050 },
      { name: 'en-us', engine: 'espeak', languages: ['en-us'], gender: 'male', sampleRate: 22050 },
      { name: 'de', engine: 'espeak', languages: ['de'], gender: 'female', sampleRate: 22050 },
    ]);
  });
});
