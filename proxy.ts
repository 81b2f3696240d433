import type { NextRequest } from "next/server";
import createMiddleware from "next-intl/middleware";
import { routing } from "./lib/i18n/routing";
import { mailReaderOf, newNonce, pageContentSecurityPolicy } from "./lib/security/content-policy";

// `/` redirects by the NEXT_LOCALE cookie (the user's last choice), then Accept-Language.
const localeRouting = createMiddleware(routing);

/**
 * Every page gets its locale and a Content-Security-Policy with a nonce of its own. The policy goes
 * on the request too: Next.js reads the nonce from the request's policy while rendering and puts it
 * on its scripts, and next-intl passes the request's headers on to the page. The response's policy
 * replaces the plain `frame-ancestors` one of next.config.ts, so a page carries one policy.
 */
export default function proxy(request: NextRequest) {
  const policy = pageContentSecurityPolicy(newNonce(), {
    development: process.env.NODE_ENV === "development",
    mailReader: mailReaderOf(request.nextUrl),
  });
  request.headers.set("Content-Security-Policy", policy);
  const response = localeRouting(request);
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // `/unsubscribe/<token>` is a mass mail's List-Unsubscribe address: a mail client's one-click POST
  // (RFC 8058) must reach app/unsubscribe/[token]/route.ts rather than be redirected to a locale.
  // An attachment download (`/<locale>/<tenant>/tickets/<id>/attachments/<id>`) is no page: its
  // route sends a sandbox policy of its own, which a header set here would replace.
  matcher: ["/((?!api|unsubscribe/|_next|_vercel|.*\\..*|[^/]+/[^/]+/tickets/[^/]+/attachments/).*)"],
};
