import { Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { GatewayEnv } from '@nitro/config';
import { JwtKeyProvider } from './jwt-key.provider';
import { randomToken } from './token.util';

const ISSUER = 'nitro-ai';
const AUDIENCE = 'nitro-ai:api';

export interface AccessClaims {
  /** The user id (username as registered). */
  sub: string;
  /** The refresh-token family (session) this token belongs to. */
  sid: string;
}

/** Short-lived HS256 access tokens (jose). Only HS256 is accepted: `alg: none` or RS/ES tricks fail verification. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly key: JwtKeyProvider,
    private readonly env: GatewayEnv,
  ) {}

  async sign(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = this.env.ACCESS_TOKEN_TTL_S;
    const token = await new SignJWT({ sid: claims.sid, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomToken(12))
      .setExpirationTime(`${expiresIn}s`)
      .sign(await this.key.get());
    return { token, expiresIn };
  }

  /** The claims of a valid token, or null for anything else (expired, tampered, wrong key, wrong kind). */
  async verify(token: string): Promise<AccessClaims | null> {
    // A key that cannot be loaded is our failure (503 upstream), not a bad token: load it outside the try.
    const key = await this.key.get();
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload.typ !== 'access' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') return null;
      return { sub: payload.sub, sid: payload.sid };
    } catch {
      return null;
    }
  }
}
