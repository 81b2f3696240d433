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
 * - No `style-src-attr 'unsafe-inline'`: no component of ours writes a `style` attribute (styles live
 *   in the stylesheet; Next.js's route announcer styles itself through the DOM, which the policy
 *   allows). A mail's inline styles will need a decision of their own once a ticket shows mail HTML.
 * - `img-src` has no remote hosts: the app has no "show remote images", so a mail's remote images
 *   stay blocked even if one escaped the sanitizer's `data-remote-src` (lib/mail/sanitize.ts).
 *   A mail's own images come from our attachment routes or as `data:`.
 * - `form-action 'self'`: Chromium also checks the redirects that follow a form's submission, but
 *   signing in with a provider and connecting a mailbox leave for the provider from script, not by
 *   submitting a form, so no provider's address belongs here.
 */
export function pageContentSecurityPolicy(nonce: string, { development = false }: { development?: boolean } = {}): string {
  const directives = {
    "default-src": ["'self'"],
    // `next dev` only, and nowhere else: React's dev build rebuilds server stacks with eval, and
    // Next.js's dev overlay adds <style> elements without a nonce (a nonce beside 'unsafe-inline'
    // would void it). Both are refused without this, seen in Chromium; `next build` needs neither.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", development ? "'unsafe-inline'" : `'nonce-${nonce}'`],
    "img-src": ["'self'", "data:", "blob:"],
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

/** 128 random bits in base64, fresh for every response: a nonce an attacker cannot guess or reuse. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
