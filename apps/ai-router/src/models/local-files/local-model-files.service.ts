import { Injectable } from '@nestjs/common';
import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AiRouterEnv } from '@nitro/config';
import {
  ERROR_CODE,
  isModelFileName,
  LocalModelNameDto,
  type LocalModelDeletedDto,
  type LocalModelFileDto,
  type LocalModelFilesDto,
} from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { ServiceError, validateDto } from '@nitro/service-kit';
import { LocalLlamaProvider } from '../../providers/local/local-llama.provider';
import { listModelFiles, modelsDirFrom } from '../../providers/local/model-file.util';
import { ProviderRegistry } from '../../providers/provider-registry';
import { effectiveDefaultModel, fileNameOf } from '../provisioning/default-model';
import { sha256File } from '../provisioning/file-digest';
import { ModelDownloadError } from '../provisioning/model-fetcher';
import { ModelRegistry } from '../model-registry.service';

/**
 * The local model files as the admin manages them (GET/DELETE /admin/models): name, size, sha256,
 * loaded or not. A file's sha256 is computed once and kept in this process's memory, keyed by path,
 * size and modification time (a replaced file is hashed again; a restart hashes each file once more).
 */
@Injectable()
export class LocalModelFilesService {
  private readonly digests = new Map<string, { key: string; sha256: Promise<string> }>();
  readonly modelsDir: string;

  constructor(
    private readonly providers: ProviderRegistry,
    private readonly registry: ModelRegistry,
    private readonly env: AiRouterEnv,
  ) {
    this.modelsDir = modelsDirFrom(env.MODELS_DIR);
  }

  async list(): Promise<LocalModelFilesDto> {
    const local = this.local();
    const files = listModelFiles(this.env.LOCAL_MODEL_PATH, this.modelsDir);
    const models = await Promise.all(
      files.map(async (f, i): Promise<LocalModelFileDto | undefined> => {
        const st = await stat(f.path).catch(() => undefined);
        if (!st) return undefined; // deleted meanwhile
        const state = local?.engineState(f.path) ?? { loaded: false, busy: false };
        return {
          name: f.file,
          model_id: `local/${f.name}`,
          size_bytes: st.size,
          sha256: await this.digest(f.path, st.size, st.mtimeMs),
          modified_at: st.mtime.toISOString(),
          loaded: state.loaded,
          busy: state.busy,
          default: i === 0,
          source: f.source,
        };
      }),
    );
    const pin = effectiveDefaultModel(this.env);
    const fileName = fileNameOf(pin.url);
    const present = models.filter((m): m is LocalModelFileDto => !!m);
    return {
      models_dir: this.modelsDir,
      models: present,
      recommended: {
        name: pin.name,
        model: pin.url,
        ...(pin.sha256 ? { sha256: pin.sha256 } : {}),
        file_name: fileName,
        approx_bytes: pin.approxBytes,
        licence: pin.licence,
        present: present.some((m) => m.name === fileName),
      },
    };
  }

  /**
   * Deletes a file of MODELS_DIR (unloading it first). 400 for a name that is not a plain .gguf file
   * name (no path), 404 when there is no such file, 409 MODEL_IN_USE while a request generates on it
   * or when it is LOCAL_MODEL_PATH's file (configuration, not managed here).
   */
  async remove(payload: unknown): Promise<LocalModelDeletedDto> {
    const { name } = validateDto(LocalModelNameDto, payload);
    const file = /\.gguf$/i.test(name) ? name : `${name}.gguf`;
    const path = join(this.modelsDir, file);
    if (!isModelFileName(file) || dirname(path) !== this.modelsDir)
      throw new ServiceError(400, ERROR_CODE.VALIDATION_FAILED, `name must be a model file name without a path, not "${name}"`, {
        param: 'name',
      });
    const found = listModelFiles(this.env.LOCAL_MODEL_PATH, this.modelsDir).find((f) => f.file === file);
    if (found?.source === 'LOCAL_MODEL_PATH')
      throw new ServiceError(409, ERROR_CODE.MODEL_IN_USE, `${file} is LOCAL_MODEL_PATH: unset that variable to stop using it`, {
        name: file,
      });
    if (!found) throw new ServiceError(404, ERROR_CODE.NOT_FOUND, `no model file ${file} in MODELS_DIR (GET /admin/models lists them)`);
    const unloaded = (await this.local()?.unload(found.path)) ?? 'not_loaded';
    if (unloaded === 'busy')
      throw new ServiceError(409, ERROR_CODE.MODEL_IN_USE, `${file} is generating an answer now; delete it when it is idle`, {
        name: file,
      });
    await rm(found.path, { force: true });
    this.digests.delete(found.path);
    getLogger().info({ model: file, unloaded: unloaded === 'unloaded' }, 'local model file deleted');
    await this.registry.refresh();
    return { deleted: file, unloaded: unloaded === 'unloaded' };
  }

  /**
   * Before a pull replaces the file at `path`: unloads its engine (the next request loads the new file).
   * Throws ModelDownloadError `in_use` while it generates an answer, so the old file stays.
   */
  async unloadForReplace(path: string): Promise<void> {
    const unloaded = (await this.local()?.unload(path)) ?? 'not_loaded';
    if (unloaded === 'busy')
      throw new ModelDownloadError('in_use', `${basename(path)} is generating an answer now; pull it again with replace when it is idle`);
    this.digests.delete(path);
  }

  /** A digest already known (a pull just computed it), so the next listing does not read the file again. */
  async remember(path: string, sha256: string): Promise<void> {
    const st = await stat(path).catch(() => undefined);
    if (st) this.digests.set(path, { key: `${st.size}:${st.mtimeMs}`, sha256: Promise.resolve(sha256) });
  }

  private digest(path: string, size: number, mtimeMs: number): Promise<string> {
    const key = `${size}:${mtimeMs}`;
    const hit = this.digests.get(path);
    if (hit?.key === key) return hit.sha256;
    // Concurrent listings share one read of the file.
    const sha256 = sha256File(path).catch((err) => {
      this.digests.delete(path);
      throw err;
    });
    this.digests.set(path, { key, sha256 });
    return sha256;
  }

  private local(): LocalLlamaProvider | undefined {
    const p = this.providers.get('local');
    return p instanceof LocalLlamaProvider ? p : undefined;
  }
}
