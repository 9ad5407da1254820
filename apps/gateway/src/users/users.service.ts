import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { GatewayEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { AuthUser, assertAdmin } from '../auth/auth-user';
import { SessionRepository } from '../auth/session.repository';
import { AdminUserDto, SettingsDto } from './users.dto';
import { UserRepository } from './user.repository';
import { ERROR_CODE } from '@nitro/contracts';

/** The admin's tools: list accounts, disable or enable one, open or close registration. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly env: GatewayEnv,
  ) {}

  list(admin: AuthUser, offset = 0, limit = 100): Promise<AdminUserDto[]> {
    assertAdmin(admin);
    return this.users.list(offset, limit);
  }

  /** Disabling also ends every session; API keys stay stored but are refused while disabled. */
  async setDisabled(admin: AuthUser, userId: string, disabled: boolean): Promise<AdminUserDto> {
    assertAdmin(admin);
    if (disabled && userId.toLowerCase() === admin.id.toLowerCase()) {
      throw new BadRequestException({
        error: ERROR_CODE.CANNOT_DISABLE_SELF,
        message: 'you cannot disable your own account (the server would have no admin)',
      });
    }
    if (!(await this.users.setDisabled(userId, disabled)))
      throw new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: `no user "${userId}"` });
    if (disabled) await this.sessions.revokeAll(userId);
    getLogger().info({ admin: admin.id, user: userId, disabled }, 'account status changed');
    const rec = (await this.users.find(userId))!;
    return { id: rec.id, role: rec.role, disabled: rec.disabled, created_at: rec.created_at };
  }

  async settings(admin: AuthUser): Promise<SettingsDto> {
    assertAdmin(admin);
    const setting = await this.users.registrationSetting();
    return { registration_open: this.env.REGISTRATION_OPEN && setting !== false, registration_open_config: this.env.REGISTRATION_OPEN };
  }

  async updateSettings(admin: AuthUser, registrationOpen: boolean): Promise<SettingsDto> {
    assertAdmin(admin);
    await this.users.setRegistrationOpen(registrationOpen);
    return this.settings(admin);
  }
}
