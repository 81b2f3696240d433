/**
 * The message key for the `error` next-auth puts in the sign-in page's address after a provider
 * sign-in went wrong. Ours (lib/auth/options.ts) say why no account was found; next-auth's own
 * (OAuthCallback, AccessDenied, …) all mean the provider sign-in did not complete.
 */
export function providerErrorOf(error: string | string[] | undefined): string | null {
  if (typeof error !== "string" || error === "") return null;
  if (error === "ssoUnverified" || error === "ssoNoAccount") return error;
  return "ssoFailed";
}
