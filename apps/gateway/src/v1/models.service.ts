import { Injectable, NotFoundException } from '@nestjs/common';
import { ERROR_CODE, type ModelInfoDto, type ModelListDto } from '@nitro/contracts';
import { AiRouterClient } from '@nitro/transport';
import type { AuthUser } from '../auth/auth-user';
import { modelReasonForUser } from '../common/no-provider.redact';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The model registry (ai-router) at the edge: natively (GET /models) and in OpenAI's list shape. */
@Injectable()
export class ModelsService {
  constructor(private readonly aiRouter: AiRouterClient) {}

  /** The registry; a user who is not the admin reads each `reason` in plain words (no paths, hosts or variables). */
  async list(user: AuthUser, refresh = false): Promise<ModelListDto> {
    const list = await this.aiRouter.models(refresh);
    if (user.role === 'admin') return list;
    const plain = <T extends { reason?: string }>(x: T): T => (x.reason ? { ...x, reason: modelReasonForUser(x.reason) } : x);
    return { ...list, models: list.models.map(plain), providers: list.providers.map(plain) };
  }

  /** Only models that can serve now: a client picks from this list. */
  async openAiList(user: AuthUser): Promise<{ object: 'list'; data: OpenAiModel[] }> {
    const list = await this.list(user);
    return { object: 'list', data: list.models.filter((m) => m.available).map((m) => toOpenAi(m, list.refreshed_at)) };
  }

  async openAiModel(user: AuthUser, id: string): Promise<OpenAiModel> {
    const list = await this.list(user);
    const found = list.models.find((m) => m.id === id) ?? (await this.list(user, true)).models.find((m) => m.id === id);
    if (!found)
      throw new NotFoundException({
        error: ERROR_CODE.MODEL_NOT_FOUND,
        message: `The model \`${id}\` does not exist. Models: ${list.models.map((m) => m.id).join(', ') || 'none'}.`,
        details: { param: 'model' },
      });
    return toOpenAi(found, list.refreshed_at);
  }
}

function toOpenAi(m: ModelInfoDto, refreshedAt: string): OpenAiModel {
  return { id: m.id, object: 'model', created: Math.floor(Date.parse(refreshedAt) / 1000), owned_by: m.provider };
}
