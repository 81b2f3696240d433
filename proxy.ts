import createMiddleware from "next-intl/middleware";
import { routing } from "./lib/i18n/routing";

// `/` redirects by the NEXT_LOCALE cookie (the user's last choice), then Accept-Language.
export default createMiddleware(routing);

export const config = {
  matcher: ["/((?!api|_next|_vercel|.*\\..*).*)"],
};
