/**
 * A URL-safe slug from a name: "Łódź Café" → "lodz-cafe". Company slugs take 40 characters; an
 * article's (lib/knowledge/articles.ts) takes more and falls back to its own word.
 */
export function slugify(name: string, { maxLength = 40, fallback = "workspace" } = {}): string {
  const slug = name
    .replace(/[łŁ]/g, "l")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/g, "");
  return slug || fallback;
}

/** A first division tag from a company name: "Acme Corp" → "ACME". */
export function tagFromName(name: string): string {
  const letters = slugify(name).replace(/-/g, "").toUpperCase().replace(/^[0-9]+/, "");
  return letters.length >= 2 ? letters.slice(0, 6) : "HD";
}

/** Paths of the app that are not a company's: a company named "Invite" gets "invite-2". */
export const RESERVED_SLUGS = [
  "sign-in",
  "sign-up",
  "forgot-password",
  "reset-password",
  "invite",
  "unsubscribe",
  "api",
  // The public help centers: /{locale}/help/{company}.
  "help",
] as const;
