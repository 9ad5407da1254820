import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiServiceUnavailableResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OpenAiErrorDto } from '@nitro/contracts';

/** The errors every /v1 route documents, in OpenAI's shape. */
export const V1Errors = () =>
  applyDecorators(
    ApiBadRequestResponse({ type: OpenAiErrorDto, description: 'invalid_request_error; `param` names the field.' }),
    ApiUnauthorizedResponse({ type: OpenAiErrorDto, description: 'No valid API key or access token (code invalid_api_key).' }),
    ApiTooManyRequestsResponse({
      type: OpenAiErrorDto,
      description: 'Over the rate limit (code rate_limit_exceeded); Retry-After says when to try again.',
    }),
    ApiServiceUnavailableResponse({
      type: OpenAiErrorDto,
      description: 'The model or every provider is unavailable; the message gives the reason.',
    }),
  );
