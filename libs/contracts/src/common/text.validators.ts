import { type ValidationOptions, ValidateBy, buildMessage } from 'class-validator';
import { codePointLength, exceedsCodePoints, hasVisibleContent } from './text.util';

/**
 * Text limits in Unicode code points (the unit JSON Schema's maxLength uses and our Swagger documents),
 * shared by the gateway's request DTOs and the services' command DTOs. class-validator's MaxLength
 * counts differently (it also discounts U+FE0E/U+FE0F), and a hand check with `.length` counts UTF-16
 * units: use these instead so every limit agrees.
 */
export function MaxChars(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxChars',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !exceedsCodePoints(value, max),
        defaultMessage: buildMessage((each) => `${each}$property must be at most $constraint1 characters (Unicode code points)`, options),
      },
    },
    options,
  );
}

export function MinChars(min: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'minChars',
      constraints: [min],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && codePointLength(value) >= min,
        defaultMessage: buildMessage((each) => `${each}$property must be at least $constraint1 characters (Unicode code points)`, options),
      },
    },
    options,
  );
}

/**
 * The field must hold something visible (see hasVisibleContent): a string of U+200B, NUL, bidi marks,
 * U+3164 or U+2800 is refused with a 400 that names the field, like an empty one.
 */
export function HasVisibleText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasVisibleText',
      validator: {
        validate: (value: unknown) => hasVisibleContent(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must contain visible text (letters, digits, punctuation or symbols)`,
          options,
        ),
      },
    },
    options,
  );
}

/**
 * A model name or id (`local/stories260K`, `phi3`, `tts-1`, `default`): a string with visible text, at most
 * `max` characters. One rule and one message, so an empty `model` is refused by name instead of routed as if
 * it were absent, and a missing one says what is expected.
 */
export function ModelName(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'modelName',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && hasVisibleContent(value) && !exceedsCodePoints(value, max),
        defaultMessage: buildMessage((each) => `${each}$property must be a model name of 1 to $constraint1 characters`, options),
      },
    },
    options,
  );
}
