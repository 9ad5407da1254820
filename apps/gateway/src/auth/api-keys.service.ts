import { ForbiddenException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { GatewayEnv } from '@nitro/config';
import { ApiKeyRepository } from './api-key.repository';
import { AuthUser } from './auth-user';
import { ApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ERROR_CODE } from '@nitro/contracts';

/** Keys for programs. Managed only from a signed-in session: a leaked key cannot mint or delete keys. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly env: GatewayEnv,
  ) {}

  async create(user: AuthUser, name: string): Promise<CreatedApiKeyDto> {
    this.assertSession(user);
    const created = await this.keys.create(user.id, name, this.env.API_KEYS_MAX_PER_USER);
    if (!created)
      throw new HttpException(
        {
          error: ERROR_CODE.TOO_MANY_KEYS,
          message: `you already have ${this.env.API_KEYS_MAX_PER_USER} API keys (API_KEYS_MAX_PER_USER): delete one first`,
        },
        HttpStatus.CONFLICT,
      );
    return created;
  }

  list(user: AuthUser): Promise<ApiKeyDto[]> {
    return this.keys.list(user.id);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    this.assertSession(user);
    if (!(await this.keys.delete(user.id, id)))
      throw new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: `you have no API key with id "${id}"` });
  }

  private assertSession(user: AuthUser): void {
    if (user.via === 'api_key')
      throw new ForbiddenException({
        error: ERROR_CODE.SESSION_REQUIRED,
        message: 'API keys are created and deleted from a signed-in session (access token), not with an API key',
      });
  }
}
