/**
 * Links in mail we send (a ticket for staff, an unsubscribe page for customers) need the app's public
 * address: POSTDESK_URL, else NEXTAUTH_URL, else the local default of `npm start`.
 */
export function appUrl(path: string): string {
  const base = (process.env.POSTDESK_URL || process.env.NEXTAUTH_URL || "http://localhost:3000").replace(/\/+$/, "");
  return `${base}${path.startsWith("/") ? path : `/${path}`}`;
}

export function ticketPath(locale: string, tenantSlug: string, ticketId: string): string {
  return `/${locale}/${tenantSlug}/tickets/${ticketId}`;
}
