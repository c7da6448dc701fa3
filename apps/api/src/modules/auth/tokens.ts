// Short-lived signed JWTs for staff and for customers of one conversation.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Actor } from '../../platform/actor.js';
import { unauthenticated } from '../../platform/errors.js';
import { UserRole } from './user.entity.js';

const ISSUER = 'switchboard';

/** Tokens whose signature was checked, at most this many (a few hundred bytes each). */
const VERIFIED_TOKENS = 10_000;

/** Who a valid token speaks for. */
type TokenActor = Extract<Actor, { kind: 'user' | 'customer' }>;

export class TokenService {
  /**
   * The HMAC key, imported into WebCrypto once: given raw bytes, jose imports
   * them again on every sign and verify (about a third of a verification's CPU).
   */
  private readonly key: Promise<webcrypto.CryptoKey>;
  /**
   * Actors of tokens already verified, by the token's text. The same token
   * comes with every request of a session, and its HMAC is the costliest step
   * of authentication (80-120 µs of CPU, a sixth of a plain server's whole
   * request); the text includes the signature, so equal text verifies equally.
   * What can change is time: the expiry is checked again on every hit. Whether
   * the session, user or key still stands is not the token's business: the
   * principal check after this (PrincipalChecker) decides it, as before.
   */
  private readonly verified = new LRUCache<string, TokenActor>({ max: VERIFIED_TOKENS });

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
    private readonly customerTtlSeconds: number,
  ) {
    this.key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** `sessionId` (the refresh-token family) lets log-out and reuse detection end this token too. */
  async signAccess(user: { id: string; workspaceId: string; role: UserRole; sessionId?: string }): Promise<string> {
    return new SignJWT({ typ: 'access', wid: user.workspaceId, role: user.role, ...(user.sessionId ? { sid: user.sessionId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(await this.key);
  }

  async signCustomer(c: { contactId: string; conversationId: string; workspaceId: string }): Promise<string> {
    return new SignJWT({ typ: 'customer', wid: c.workspaceId, cid: c.conversationId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.contactId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.customerTtlSeconds}s`)
      .sign(await this.key);
  }

  /** Verifies a bearer token; throws UNAUTHENTICATED when invalid or expired. */
  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known) {
      // As jose decides it: expired once the current second reaches `exp`.
      if (known.expiresAt !== undefined && Date.now() >= known.expiresAt) {
        this.verified.delete(token);
        throw unauthenticated('Token expired');
      }
      return known;
    }
    const actor = await this.check(token);
    this.verified.set(token, actor);
    return actor;
  }

  private async check(token: string): Promise<TokenActor> {
    try {
      const { payload } = await jwtVerify(token, await this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const wid = payload.wid as string;
      const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
      if (payload.typ === 'access' && Object.values(UserRole).includes(payload.role as UserRole)) {
        const sessionId = typeof payload.sid === 'string' ? payload.sid : undefined;
        return Object.freeze({ kind: 'user', userId: payload.sub!, workspaceId: wid, role: payload.role as UserRole, sessionId, expiresAt });
      }
      if (payload.typ === 'customer') {
        return Object.freeze({ kind: 'customer', contactId: payload.sub!, conversationId: payload.cid as string, workspaceId: wid, expiresAt });
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
