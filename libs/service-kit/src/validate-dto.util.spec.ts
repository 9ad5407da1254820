import {
  ChatCommand,
  ChatCompletionRequestDto,
  ChatRequestDto,
  ChatHistoryQuery,
  ChatSessionRef,
  CompletionCommand,
  TranscribeCommand,
} from '@nitro/contracts';
import { ServiceError } from './service-error';
import { flattenValidationErrors, validateDto } from './validate-dto.util';

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
    [
      'five images on one message',
      ChatCommand,
      { message: 'hi', user_id: 'u1', images: Array.from({ length: 5 }, () => ({ mime: 'image/png', data: 'iVBORw0KGgo=' })) },
      /images must hold at most 4 images/,
    ],
    [
      'an image of a type no model reads',
      ChatCommand,
      { message: 'hi', user_id: 'u1', images: [{ mime: 'image/bmp', data: 'Qk0=' }] },
      /images\.0\.mime must be one of/,
    ],
    [
      'an image that is not base64',
      ChatCommand,
      { message: 'hi', user_id: 'u1', images: [{ mime: 'image/png', data: '***' }] },
      /images\.0\.data must be base64/,
    ],
    // A nested object's place refuses an array (class-validator's ValidateNested alone walked it item by item).
    ['an array in place of options', ChatCommand, { message: 'hi', user_id: 'u1', options: [] }, /^options must be an object$/],
    ['a string in place of options', ChatCommand, { message: 'hi', user_id: 'u1', options: 'x' }, /^options must be an object$/],
    ['an array in place of an image', ChatCommand, { message: 'hi', user_id: 'u1', images: [[]] }, /^images must hold only objects$/],
    ['an array in place of a message', CompletionCommand, { user_id: 'u1', messages: [[]] }, /^messages must hold only objects$/],
    [
      'an array in place of audio',
      TranscribeCommand,
      { job_id: 'job-12345', audio: [] },
      /^audio must be an object with blob_id and bytes$/,
    ],
    // A value of the wrong type (or none) says only what type is expected, not every rule of the field.
    ['a missing message', ChatRequestDto, {}, /^message must be a string$/],
    [
      'a max_tokens string',
      ChatCommand,
      { message: 'hi', user_id: 'u1', options: { max_tokens: '5' } },
      /^options\.max_tokens must be an integer number$/,
    ],
    // An empty model was routed as if none had been named.
    [
      'an empty model',
      ChatCompletionRequestDto,
      { model: '', messages: [{ role: 'user', content: 'hi' }] },
      /^model must be a model name of 1 to 256 characters$/,
    ],
    [
      'a blank options.model',
      ChatCommand,
      { message: 'hi', user_id: 'u1', options: { model: ' ' } },
      /options\.model must be a model name/,
    ],
    [
      'a missing model',
      ChatCompletionRequestDto,
      { messages: [{ role: 'user', content: 'hi' }] },
      /^model must be a model name of 1 to 256 characters$/,
    ],
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

describe('flattenValidationErrors', () => {
  it('says a message once when several rules of one field share it, and names nested fields by path', () => {
    const errors = [
      { property: 'index', constraints: { isInt: 'index must be an integer from 0', min: 'index must be an integer from 0' } },
      { property: 'options', children: [{ property: 'temperature', constraints: { max: 'temperature must not be greater than 2' } }] },
    ];
    expect(flattenValidationErrors(errors as never)).toEqual([
      'index must be an integer from 0',
      'options.temperature must not be greater than 2',
    ]);
  });
});
