import { audioInputKind } from './voice-formats';

describe('audioInputKind', () => {
  it.each([
    ['audio/webm;codecs=opus', 'blob', 'webm'],
    ['video/webm', 'recording.webm', 'webm'],
    ['audio/x-wav', 'a.wav', 'wav'],
    ['audio/mpeg', 'a.mp3', 'mp3'],
    ['audio/mp4', 'a.m4a', 'm4a'],
    ['application/octet-stream', 'voice.OGG', 'ogg'],
    ['', 'clip.opus', 'ogg'],
  ])('%s %s -> %s', (mime, name, kind) => {
    expect(audioInputKind(mime, name)).toBe(kind);
  });

  it('refuses other types, and generic types without a known extension', () => {
    expect(audioInputKind('image/png', 'a.wav')).toBeUndefined();
    expect(audioInputKind('audio/flac', 'a.flac')).toBeUndefined();
    expect(audioInputKind('application/octet-stream', 'a.bin')).toBeUndefined();
    expect(audioInputKind(undefined, undefined)).toBeUndefined();
  });
});
