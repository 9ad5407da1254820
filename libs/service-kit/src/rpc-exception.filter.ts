import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { ERROR_CODES, isRpcErrorPayload, RpcErrorPayload } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { ServiceError } from './service-error';

/** Every error leaving a message handler becomes an RpcErrorPayload; unknown ones are logged and hidden. */
@Catch()
export class AllRpcExceptionsFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly service: string) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  private toPayload(exception: unknown): RpcErrorPayload {
    if (exception instanceof ServiceError) return exception.toPayload();
    if (exception instanceof RpcException) {
      const err = exception.getError();
      if (isRpcErrorPayload(err)) return err;
      return { status: 500, code: ERROR_CODES.internal, message: typeof err === 'string' ? err : 'internal error' };
    }
    if (isRpcErrorPayload(exception)) return exception;
    getLogger().error({ err: exception }, `unhandled error in ${this.service}`);
    return { status: 500, code: ERROR_CODES.internal, message: `internal error in ${this.service}` };
  }
}
