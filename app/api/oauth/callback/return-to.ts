/**
 * Where the callback sends the browser back to: the mailbox page the connect started on, remembered
 * in a cookie for the callback's path only, as the provider's redirect carries nothing of ours but the
 * state. Only a mailbox page is accepted, so the cookie cannot turn the callback into an open redirect.
 */

export const RETURN_COOKIE = "postdesk-oauth-return";
export const CALLBACK_PATH = "/api/oauth/callback";

const MAILBOX_PAGE = /^\/(en|pl)\/[a-z0-9-]+\/settings\/divisions\/[0-9a-f-]{36}\/mailboxes\/[0-9a-f-]{36}$/;

export function mailboxPagePath(locale: string, tenantSlug: string, divisionId: string, mailboxId: string): string {
  return `/${locale}/${tenantSlug}/settings/divisions/${divisionId}/mailboxes/${mailboxId}`;
}

export function returnPathOf(cookie: string | undefined): string | null {
  return cookie && MAILBOX_PAGE.test(cookie) ? cookie : null;
}
