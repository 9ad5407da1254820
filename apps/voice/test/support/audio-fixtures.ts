import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sentences flite's kal16 says clearly enough for pocketsphinx (0.89-1.0 word accuracy after WebM/Opus here). */
export const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please open the window before the meeting starts.',
  'I would like a cup of coffee with milk.',
  'We will meet at the station tomorrow morning.',
  'My phone number is easy to remember.',
  'The children are playing in the garden.',
  'Thank you very much for your help.',
];

export const fixtureDir = () => mkdtempSync(join(tmpdir(), 'nitro-voice-fixtures-'));

const FFMPEG = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];
const ENCODE: Record<string, string[]> = {
  webm: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'webm'],
  ogg: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'],
  m4a: ['-c:a', 'aac', '-b:a', '64k', '-f', 'ipod'],
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
};

/** Real flite (kal16) speech, converted by real ffmpeg into `format` (webm = what MediaRecorder sends). */
export function spoken(text: string, dir: string, name: string, format: keyof typeof ENCODE = 'webm'): Buffer {
  const wav = join(dir, `${name}.flite.wav`);
  execFileSync('flite', ['-voice', 'kal16', '-t', text, '-o', wav]);
  const out = join(dir, `${name}.${format}`);
  execFileSync('ffmpeg', [...FFMPEG, '-i', wav, ...ENCODE[format], out]);
  return readFileSync(out);
}

/** A tone of `seconds` (to test the duration limit without speech). */
export function tone(seconds: number, dir: string, format: keyof typeof ENCODE = 'webm'): Buffer {
  const out = join(dir, `tone-${seconds}.${format}`);
  execFileSync('ffmpeg', [
    ...FFMPEG,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=16000:duration=${seconds}`,
    ...ENCODE[format],
    out,
  ]);
  return readFileSync(out);
}

/** Digital silence of `seconds`: nothing for a recogniser to hear. */
export function silence(seconds: number, dir: string, format: keyof typeof ENCODE = 'webm'): Buffer {
  const out = join(dir, `silence-${seconds}.${format}`);
  execFileSync('ffmpeg', [...FFMPEG, '-f', 'lavfi', '-i', `anullsrc=r=16000:cl=mono`, '-t', String(seconds), ...ENCODE[format], out]);
  return readFileSync(out);
}

/** What ffprobe says a file is: the test's proof that returned audio is playable. */
export function probe(bytes: Buffer, dir: string, name: string): { format: string; codec: string; duration: number; sampleRate: number } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const out = JSON.parse(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_name,sample_rate', '-of', 'json', path],
      { encoding: 'utf8' },
    ),
  );
  return {
    format: out.format.format_name,
    codec: out.streams[0].codec_name,
    duration: Number(out.format.duration),
    sampleRate: Number(out.streams[0].sample_rate),
  };
}

/** A multipart body with the audio part first or last (clients send fields in any order). */
export function uploadForm(
  audio: Buffer,
  filename: string,
  type: string,
  fields: Record<string, string> = {},
  fileFirst = false,
): FormData {
  const form = new FormData();
  if (fileFirst) form.append('audio', new Blob([audio], { type }), filename);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (!fileFirst) form.append('audio', new Blob([audio], { type }), filename);
  return form;
}
