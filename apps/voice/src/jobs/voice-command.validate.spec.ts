import { ServiceError } from '@nitro/service-kit';
import { validateVoiceCommand } from './voice-command.validate';

const ok = { job_id: 'job-12345678' };

describe('validateVoiceCommand', () => {
  it('accepts a well-formed command', () => {
    expect(() => validateVoiceCommand({ ...ok, language: 'en-US', voice: 'google:en-US-Wavenet-D', format: 'ogg', rate: 1.5, user_id: 'u1', session_id: 's-1', max_tokens: 64 })).not.toThrow();
  });

  it.each([
    ['no object', null, /command/],
    ['no job id', {}, /job_id/],
    ['bad language', { ...ok, language: 'english please' }, /language/],
    ['bad voice', { ...ok, voice: '../../etc' }, /voice/],
    ['bad format', { ...ok, format: 'flac' }, /format/],
    ['rate out of range', { ...ok, rate: 5 }, /rate/],
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
