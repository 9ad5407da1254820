import {
  applyDecorators,
  createParamDecorator,
  HttpException,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ERROR_CODE } from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';

/**
 * HTTP stays in controllers: these turn the Fastify request into plain values for the services
 * (an upload read and checked, an AbortSignal for "the client went away"), so no service sees a
 * Fastify object and services can be unit-tested without one.
 */

/** Reads a multipart body into a plain value (throws HttpExceptions naming the field: 400/413/415). */
export type UploadReader<T = unknown> = (req: FastifyRequest, env: GatewayEnv) => Promise<T>;

const UPLOAD_READER = 'nitro:uploadReader';

/** Runs the route's UploadReader before the handler (after the guard: nobody unauthenticated uploads). */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly env: GatewayEnv,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const read = this.reflector.get<UploadReader>(UPLOAD_READER, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { upload?: unknown }>();
    req.upload = await read(req, this.env);
    return next.handle();
  }
}

/** `@ReadUpload(reader)` on a route; the handler then takes `@Uploaded() upload`. */
export const ReadUpload = (read: UploadReader) => applyDecorators(SetMetadata(UPLOAD_READER, read), UseInterceptors(UploadInterceptor));

/** The value the route's UploadReader produced. */
export const Uploaded = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ upload?: unknown }>().upload,
);

/** Nginx's code for "client closed the request": only ever seen in logs, nobody is left to read it. */
export const CLIENT_CLOSED = 499;

/** The reason of a ClientSignal abort: a 499 the error filter logs (no one reads it). */
export function clientClosed(): HttpException {
  return new HttpException({ error: ERROR_CODE.CLIENT_CLOSED, message: 'the client closed the request' }, CLIENT_CLOSED);
}

/**
 * An AbortSignal that aborts when the client goes away before the answer is sent. Watched on the
 * response/socket ('close' before the response finished): the request stream of a POST has
 * already ended by then, so listening there would never fire.
 */
export const ClientSignal = createParamDecorator((_data: unknown, ctx: ExecutionContext): AbortSignal => {
  const raw = ctx.switchToHttp().getResponse<FastifyReply>().raw;
  const ac = new AbortController();
  raw.once('close', () => !raw.writableFinished && ac.abort(clientClosed()));
  return ac.signal;
});
