import { parsePocketsphinxOutput } from './pocketsphinx-output.parser';

// Captured from `pocketsphinx_continuous -infile f.wav -logfn /dev/null -time yes` (0.8, Debian) on two flite sentences with a pause.
const TWO_UTTERANCES = `hello there my friend
<s> 0.120 0.200 1.000100
hello 0.210 0.610 0.660969
there 0.620 0.860 0.983338
my 0.870 1.100 1.000000
friend 1.110 1.410 0.790075
</s> 1.420 1.840 1.000000
the weather is nice today
<s> 3.640 3.720 0.999700
the 3.730 3.800 0.890998
weather(2) 3.810 4.130 0.180649
<sil> 4.130 4.139 0.9
is 4.140 4.270 0.181791
[NOISE] 4.270 4.279 0.5
nice 4.280 4.690 1.000000
today 4.700 5.060 0.207280
</s> 5.070 5.180 1.000000
`;

describe('parsePocketsphinxOutput', () => {
  it('joins utterances, keeps word timings from the start of the file, drops fillers and pronunciation variants', () => {
    const out = parsePocketsphinxOutput(TWO_UTTERANCES);
    expect(out.text).toBe('hello there my friend the weather is nice today');
    expect(out.words.map((w) => w.word)).toEqual(['hello', 'there', 'my', 'friend', 'the', 'weather', 'is', 'nice', 'today']);
    expect(out.words[5]).toEqual({ word: 'weather', start: 3.81, end: 4.13, confidence: 0.180649 });
    expect(out.words.every((w) => w.confidence! >= 0 && w.confidence! <= 1)).toBe(true);
    expect(out.confidence).toBeGreaterThan(0.5);
  });

  it('caps confidences above 1 (pocketsphinx prints 1.000100 for sure words)', () => {
    expect(parsePocketsphinxOutput('yes\nyes 0.1 0.4 1.000100\n').words[0].confidence).toBe(1);
  });

  it('falls back to the hypothesis lines when no timings were printed', () => {
    expect(parsePocketsphinxOutput('good morning\n\nsee you\n')).toEqual({
      text: 'good morning see you',
      words: [],
      confidence: undefined,
    });
  });

  it('returns empty text for silence', () => {
    expect(parsePocketsphinxOutput('\n<s> 0.000 0.500 1.0\n</s> 0.5 0.9 1.0\n').text).toBe('');
  });
});
