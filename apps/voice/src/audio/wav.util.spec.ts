import { concatWav, parseWav, wavHeader } from './wav.util';

const pcm = (samples: number, rate = 16000) => Buffer.concat([wavHeader(samples * 2, rate), Buffer.alloc(samples * 2, 1)]);

describe('wav utilities', () => {
  it('reads rate, channels and duration from the chunks', () => {
    expect(parseWav(pcm(8000))).toEqual({
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 44,
      dataBytes: 16000,
      duration: 0.5,
    });
  });

  it('skips chunks before data (LIST from ffmpeg) and copes with a streamed size of 0xFFFFFFFF', () => {
    const header = wavHeader(0, 22050);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([4, 0, 0, 0]), Buffer.from('INFO')]);
    const streamed = Buffer.concat([
      header.subarray(0, 36),
      list,
      Buffer.from('data'),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.alloc(22050 * 2),
    ]);
    const info = parseWav(streamed);
    expect(info.dataOffset).toBe(56);
    expect(info.duration).toBe(1);
  });

  it('refuses what is not a WAV', () => {
    expect(() => parseWav(Buffer.from('OggS0000000000000000'))).toThrow(/RIFF/);
    expect(() => parseWav(wavHeader(10, 16000).subarray(0, 36))).toThrow(/no data/);
  });

  it('joins parts of one format into one file', () => {
    const joined = concatWav([pcm(16000), pcm(8000)]);
    expect(parseWav(joined).duration).toBe(1.5);
    expect(joined.length).toBe(44 + 48000);
  });

  it('refuses to join parts of different rates', () => {
    expect(() => concatWav([pcm(100, 16000), pcm(100, 22050)])).toThrow(/differ/);
  });
});
