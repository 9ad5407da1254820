import { ChatCommand, ChatHistoryQuery, ChatSessionRef } from '@nitro/contracts';
import { ServiceError } from './service-error';
import { validateDto } from './validate-dto.util';

describe('validateDto (the one RPC payload check) on the chat contracts', () => {
  it('returns an instance of the class for a valid payload', () => {
    expect(validateDto(ChatCommand, { message: 'hi', user_id: 'u1', options: { temperature: 0 } })).toBeInstanceOf(ChatCommand);
  });

  it.each([
    ['not an object', ChatCommand, [1], /the command must be a JSON object/],
    ['a blank message', ChatCommand, { message: '  ', user_id: 'u1' }, /^message /],
    [
      'a nested option out of range',
      ChatCommand,
      { message: 'hi', user_id: 'u1', options: { temperature: 9 } },
      /options\.temperature must not be greater than 2/,
    ],
    ['an unknown field', ChatCommand, { message: 'hi', user_id: 'u1', admin: true }, /admin/],
    ['a stream_id that is not a UUID', ChatCommand, { message: 'hi', user_id: 'u1', stream_id: 'x' }, /stream_id must be a UUID/],
    ['a limit out of range', ChatHistoryQuery, { user_id: 'u1', limit: 0 }, /limit must be an integer from 1 to 1000/],
    ['a missing session_id where it is required', ChatSessionRef, { user_id: 'u1' }, /session_id/],
  ])('refuses %s with a 400 naming the field', (_name, cls, payload, message) => {
    let err: unknown;
    try {
      validateDto(cls as new () => object, payload);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
  });
});
