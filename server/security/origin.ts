/**
 * The one same-origin rule for cookie-authenticated requests, shared by the HTTP CSRF guard
 * (server/http/auth.ts) and the socket handshake (server/realtime/socket.ts): when the browser
 * says where a request comes from (`Origin`), it must be this server's own host (a page on another
 * port of the same host is same-site, so the Lax cookie is sent, but it is another origin); a
 * browser's `Sec-Fetch-Site: cross-site` is refused too. No `Origin` (non-browser clients,
 * same-origin GETs of old browsers) passes.
 */
export function isCrossOrigin(h: { origin?: string | null; host?: string | null; secFetchSite?: string | null }): boolean {
  if (h.origin) {
    let host: string | null = null;
    try {
      host = new URL(h.origin).host;
    } catch {
      host = null;
    }
    if (host !== (h.host ?? null)) return true;
  }
  return h.secFetchSite === 'cross-site';
}
