/**
 * Links in mail we send (a ticket for staff, an unsubscribe page for customers) need the app's public
 * address: POSTDESK_URL, else NEXTAUTH_URL, else where `npm start` listens (its PORT, else 3000).
 */
export function appUrl(path: string): string {
  const local = `http://localhost:${process.env.PORT || 3000}`;
  const base = (process.env.POSTDESK_URL || process.env.NEXTAUTH_URL || local).replace(/\/+$/, "");
  return `${base}${path.startsWith("/") ? path : `/${path}`}`;
}

export function ticketPath(locale: string, tenantSlug: string, ticketId: string): string {
  return `/${locale}/${tenantSlug}/tickets/${ticketId}`;
}
