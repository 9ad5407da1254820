import { SpeakCommand, VoiceChatCommand } from '@nitro/contracts';
import { ServiceError, validateDto } from '@nitro/service-kit';

const ok = { job_id: 'job-12345678', audio: { blob_id: 'blob-12345678', bytes: 10 }, user_id: 'u1', stream: true };
const validateVoiceCommand = (cmd: unknown) => validateDto(VoiceChatCommand, cmd, 'the voice command');

describe('voice command DTOs through validateDto (the one RPC validation path)', () => {
  it('accepts well-formed commands', () => {
    expect(() =>
      validateVoiceCommand({ ...ok, language: 'en-US', voice: 'google:en-US-Wavenet-D', format: 'ogg', session_id: 's-1', max_tokens: 64 }),
    ).not.toThrow();
    expect(() => validateDto(SpeakCommand, { job_id: ok.job_id, text: 'hi', rate: 1.5 })).not.toThrow();
  });

  it('refuses a rate out of range for speech', () => {
    expect(() => validateDto(SpeakCommand, { job_id: ok.job_id, text: 'hi', rate: 5 })).toThrow(/rate/);
  });

  it('refuses an unknown field', () => {
    expect(() => validateVoiceCommand({ ...ok, admin: true })).toThrow(/admin/);
  });

  it.each([
    ['no object', null, /command/],
    ['no job id', { ...ok, job_id: undefined }, /job_id/],
    ['no audio', { ...ok, audio: undefined }, /audio/],
    ['a bad blob id', { ...ok, audio: { blob_id: '../x', bytes: 1 } }, /audio\.blob_id/],
    ['bad language', { ...ok, language: 'english please' }, /language/],
    ['bad voice', { ...ok, voice: '../../etc' }, /voice/],
    ['bad format', { ...ok, format: 'flac' }, /format/],
    ['bad user id', { ...ok, user_id: 'a b' }, /user_id/],
    ['bad max_tokens', { ...ok, max_tokens: 1.5 }, /max_tokens/],
  ])('refuses %s with a 400 naming the field', (_name, cmd, field) => {
    let err: unknown;
    try {
      validateVoiceCommand(cmd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).status).toBe(400);
    expect((err as ServiceError).message).toMatch(field);
  });
});
