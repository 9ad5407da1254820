import { toOpenAiError } from './openai-error';

const validation = (message: string) => toOpenAiError({ statusCode: 400, error: 'VALIDATION_FAILED', message } as never).error;

describe("toOpenAiError: the field a 400 is about becomes OpenAI's `param`", () => {
  it.each([
    ['frequency_penalty must not be greater than 2', 'frequency_penalty'],
    ['foo: property foo should not exist', 'foo'],
    ['logit_bias must be an object', 'logit_bias'],
    ['stream_options.include_usage must be a boolean value', 'stream_options.include_usage'],
    ['messages[0].role must be one of: system, user', 'messages[0].role'],
  ])('%s → %s', (message, param) => {
    expect(validation(message)).toMatchObject({ param, type: 'invalid_request_error', code: 'invalid_value' });
  });

  it('names no field when the whole body is refused, or for a non-validation error that names none', () => {
    expect(validation('body must be a JSON object').param).toBeNull();
    expect(toOpenAiError({ statusCode: 400, error: 'SOMETHING', message: 'the answer was cut off' } as never).error.param).toBeNull();
  });
});
