// Short-lived signed JWTs for staff and for customers of one conversation.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Actor } from '../../platform/actor.js';
import { unauthenticated } from '../../platform/errors.js';
import { UserRole } from './user.entity.js';

const ISSUER = 'switchboard';

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
    private readonly customerTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** `sessionId` (the refresh-token family) lets log-out and reuse detection end this token too. */
  signAccess(user: { id: string; workspaceId: string; role: UserRole; sessionId?: string }): Promise<string> {
    return new SignJWT({ typ: 'access', wid: user.workspaceId, role: user.role, ...(user.sessionId ? { sid: user.sessionId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(this.key);
  }

  signCustomer(c: { contactId: string; conversationId: string; workspaceId: string }): Promise<string> {
    return new SignJWT({ typ: 'customer', wid: c.workspaceId, cid: c.conversationId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.contactId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.customerTtlSeconds}s`)
      .sign(this.key);
  }

  /** Verifies a bearer token; throws UNAUTHENTICATED when invalid or expired. */
  async verify(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const wid = payload.wid as string;
      const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
      if (payload.typ === 'access' && Object.values(UserRole).includes(payload.role as UserRole)) {
        const sessionId = typeof payload.sid === 'string' ? payload.sid : undefined;
        return { kind: 'user', userId: payload.sub!, workspaceId: wid, role: payload.role as UserRole, sessionId, expiresAt };
      }
      if (payload.typ === 'customer') {
        return { kind: 'customer', contactId: payload.sub!, conversationId: payload.cid as string, workspaceId: wid, expiresAt };
      }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired');
    }
    throw unauthenticated('Invalid token');
  }
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

declare module '../../platform/context.js' {
  interface AppDeps {
    tokens: TokenService;
  }
}
