import createMiddleware from "next-intl/middleware";
import { routing } from "./lib/i18n/routing";

// `/` redirects by the NEXT_LOCALE cookie (the user's last choice), then Accept-Language.
export default createMiddleware(routing);

export const config = {
  // `/unsubscribe/<token>` is a mass mail's List-Unsubscribe address: a mail client's one-click POST
  // (RFC 8058) must reach app/unsubscribe/[token]/route.ts rather than be redirected to a locale.
  matcher: ["/((?!api|unsubscribe/|_next|_vercel|.*\\..*).*)"],
};
