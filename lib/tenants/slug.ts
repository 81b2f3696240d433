/** A URL-safe slug from a company name: "Łódź Café" → "lodz-cafe". */
export function slugify(name: string): string {
  const slug = name
    .replace(/[łŁ]/g, "l")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug || "workspace";
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
] as const;
