import type { FastifyReply, FastifyRequest } from 'fastify';

/** How the session cookie is named and flagged for a deployment. */
export interface SessionCookiePolicy {
  readonly name: string;
  readonly secure: boolean;
}

/**
 * `__Host-` prefixed (no Domain, Path=/, Secure: the browser refuses it from a subdomain or over http)
 * when the server is reached over https or on loopback, where browsers treat http as secure; a plain
 * name otherwise (a development server on a LAN address over http).
 */
export function sessionCookiePolicy(publicUrl: URL): SessionCookiePolicy {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(publicUrl.hostname);
  const secure = publicUrl.protocol === 'https:' || loopback;
  return { name: secure ? '__Host-portalkit-session' : 'portalkit-session', secure };
}

export function readSessionToken(request: FastifyRequest, policy: SessionCookiePolicy): string | undefined {
  const value = request.cookies[policy.name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function setSessionCookie(reply: FastifyReply, policy: SessionCookiePolicy, token: string, expiresAt: number): void {
  reply.setCookie(policy.name, token, {
    httpOnly: true,
    secure: policy.secure,
    sameSite: 'lax',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, policy: SessionCookiePolicy): void {
  reply.clearCookie(policy.name, { httpOnly: true, secure: policy.secure, sameSite: 'lax', path: '/' });
}
