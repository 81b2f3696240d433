/**
 * The Content-Security-Policy of every page: scripts and style elements run only with this
 * response's nonce, which Next.js reads back from the request's copy of the policy and puts on the
 * scripts it writes itself (proxy.ts sends the policy both ways). A script injected into a page (a
 * mail's HTML that slipped past the sanitizer, say) has no nonce and does not run.
 *
 * Decisions a reader cannot see in the directives:
 * - `'strict-dynamic'`: a script that runs may add others (Next.js loads page chunks that way), and
 *   browsers that know it ignore `'self'`, so not even a script of our own origin runs from injected
 *   markup (an attachment served as JavaScript, say); `'self'` is for browsers that do not. The
 *   price: script that already runs may add any script, inline ones too (Chromium allows them), so
 *   the policy stops injected markup, not code that is already running.
 * - No `style-src-attr 'unsafe-inline'` and no remote `img-src`, except on the pages that show a
 *   mail (`mailReader`: a ticket, a waiting-list entry). No component of ours writes a `style`
 *   attribute (Next.js's route announcer styles itself through the DOM, which the policy allows).
 *   A mail's HTML is shown in a sandboxed `<iframe srcdoc>`, and a srcdoc document runs under the
 *   page's policy as well as its own (Chromium): without `style-src-attr` the mail's inline styles
 *   could not apply. Remote images are let through the page's policy only when the reader asked for
 *   them (`?images=` on the page's address, `remoteImages`); even then what one mail may load is
 *   decided by the stricter policy inside its frame (lib/mail/reader-document.ts), which allows
 *   remote images only for the mail they were asked for. Without the ask, no remote image loads
 *   anywhere on the page, whatever slipped into it.
 * - `form-action 'self'`: Chromium also checks the redirects that follow a form's submission, but
 *   signing in with a provider and connecting a mailbox leave for the provider from script, not by
 *   submitting a form, so no provider's address belongs here.
 */
export function pageContentSecurityPolicy(
  nonce: string,
  { development = false, mailReader }: { development?: boolean; mailReader?: MailReaderPolicy } = {},
): string {
  const directives = {
    "default-src": ["'self'"],
    // `next dev` only, and nowhere else: React's dev build rebuilds server stacks with eval, and
    // Next.js's dev overlay adds <style> elements without a nonce (a nonce beside 'unsafe-inline'
    // would void it). Both are refused without this, seen in Chromium; `next build` needs neither.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", development ? "'unsafe-inline'" : `'nonce-${nonce}'`],
    ...(mailReader ? { "style-src-attr": ["'unsafe-inline'"] } : {}),
    "img-src": ["'self'", "data:", "blob:", ...(mailReader?.remoteImages ? ["https:", "http:"] : [])],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** What a page that shows a mail needs of the page policy: whether the reader asked for remote images. */
export interface MailReaderPolicy {
  remoteImages: boolean;
}

/**
 * The pages that show a mail's HTML, which need `mailReader`: a ticket
 * (`/<locale>/<tenant>/tickets/<id>`) and a waiting-list entry (`/<locale>/<tenant>/waiting-list/<id>`).
 */
export function showsMail(pathname: string): boolean {
  return /^\/[^/]+\/[^/]+\/(?:tickets|waiting-list)\/[^/]+\/?$/.test(pathname);
}

/** The mail reader's needs for a request's address, or undefined for a page that shows no mail. */
export function mailReaderOf(url: URL): MailReaderPolicy | undefined {
  return showsMail(url.pathname) ? { remoteImages: url.searchParams.has("images") } : undefined;
}

/** 128 random bits in base64, fresh for every response: a nonce an attacker cannot guess or reuse. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
