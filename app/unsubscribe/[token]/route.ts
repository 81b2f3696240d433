import { getDb } from "@/db";
import { preferredLocale } from "@/lib/i18n/preferred-locale";
import { unsubscribeContact } from "@/lib/mass-mail/unsubscribe";

/**
 * The address in a mass mail's `List-Unsubscribe` header and its body link. Outside `[locale]` and
 * the locale middleware (see proxy.ts), because a mail client's one-click POST must land here and
 * not be redirected.
 */

interface Context {
  params: Promise<{ token: string }>;
}

/**
 * RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` with no cookie and no
 * page in between. Anything else posted here is refused, so a stray form post unsubscribes nobody.
 */
export async function POST(request: Request, { params }: Context): Promise<Response> {
  const { token } = await params;
  const form = await request.formData().catch(() => null);
  if (form?.get("List-Unsubscribe") !== "One-Click") {
    return new Response("Expected List-Unsubscribe=One-Click (RFC 8058).\n", { status: 400 });
  }
  const done = await unsubscribeContact(await getDb(), token);
  return new Response(done ? "Unsubscribed.\n" : "Unknown unsubscribe link.\n", { status: done ? 200 : 404 });
}

/**
 * A person following the link: the page in their language, which asks before it unsubscribes (link
 * checkers of mail providers open every link, and must not unsubscribe anyone by doing so).
 */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { token } = await params;
  const cookie = /(?:^|;\s*)NEXT_LOCALE=([^;]*)/.exec(request.headers.get("cookie") ?? "")?.[1];
  const locale = preferredLocale(request.headers.get("accept-language"), cookie);
  // A relative Location (RFC 9110 §10.2.2) stays right behind a proxy that rewrites the host.
  return new Response(null, {
    status: 303,
    headers: { Location: `/${locale}/unsubscribe/${encodeURIComponent(token)}` },
  });
}
