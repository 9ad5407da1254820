import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ChatCommand, ChatHistoryQuery, ChatOptionsDto, ERROR_CODES, ID_MESSAGE, ID_PATTERN, MAX_MESSAGE_CHARS } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

/**
 * The gateway validates at the edge, but search, agents and voice call ai-router directly:
 * check the command again here (cheaply) so a bad one is a 400 naming the field, never a crash.
 */
export function validateChatCommand(raw: unknown): ChatCommand {
  const c = asObject(raw);
  if (typeof c.message !== 'string' || !c.message.trim()) throw invalid('message must be a non-empty string');
  if (c.message.length > MAX_MESSAGE_CHARS) throw invalid(`message must be shorter than or equal to ${MAX_MESSAGE_CHARS} characters`);
  const user_id = id('user_id', c.user_id) as string;
  const session_id = id('session_id', c.session_id, true);
  if (c.ephemeral !== undefined && typeof c.ephemeral !== 'boolean') throw invalid('ephemeral must be a boolean');
  if (c.stream_id !== undefined && (typeof c.stream_id !== 'string' || !UUID.test(c.stream_id))) throw invalid('stream_id must be a UUID');
  return { message: c.message, user_id, session_id, options: options(c.options), ephemeral: c.ephemeral === true, ...(c.stream_id ? { stream_id: c.stream_id as string } : {}) };
}

export function validateUserQuery(raw: unknown, sessionRequired = false): ChatHistoryQuery {
  const c = asObject(raw);
  const limit = c.limit === undefined || c.limit === null ? undefined : Number(c.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) throw invalid('limit must be an integer from 1 to 1000');
  return { user_id: id('user_id', c.user_id) as string, session_id: id('session_id', c.session_id, !sessionRequired), limit };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Short random ids for new conversations: 12 URL-safe characters, valid under ID_PATTERN. */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

function asObject(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('the request must be a JSON object');
  return raw as Record<string, unknown>;
}

function id(field: string, value: unknown, optional = false): string | undefined {
  if ((value === undefined || value === null) && optional) return undefined;
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) throw invalid(`${field} ${ID_MESSAGE}`);
  return value;
}

function options(value: unknown): ChatOptionsDto | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('options must be an object');
  const dto = plainToInstance(ChatOptionsDto, value);
  const [first] = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (first) throw invalid(`options.${first.property}: ${Object.values(first.constraints ?? {}).join('; ')}`);
  return dto;
}

function invalid(message: string): ServiceError {
  return new ServiceError(400, ERROR_CODES.validation, message);
}
