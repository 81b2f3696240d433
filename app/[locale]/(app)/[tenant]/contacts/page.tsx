import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { inputClasses } from "@/app/_components/form";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { scopeOf } from "@/lib/auth/context";
import { tenantRequest } from "@/lib/auth/request";
import { listContacts } from "@/lib/contacts/directory";
import { Link } from "@/lib/i18n/navigation";

type SearchParam = string | string[] | undefined;

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
  searchParams: Promise<{ q?: SearchParam; after?: SearchParam }>;
}

function first(value: SearchParam): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "contacts" });
  return { title: t("title") };
}

/**
 * The company's customers by name, a page at a time: `?q=` searches address, name and
 * organization, `?after=` is where the next page starts (lib/contacts/directory.ts).
 */
export default async function ContactsPage({ params, searchParams }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const query = (first((await searchParams).q) ?? "").trim();
  const after = first((await searchParams).after);
  const list = await run((tx) => listContacts(tx, scopeOf(ctx), { query, cursor: after }));
  const t = await getTranslations("contacts");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const path = `/${slug}/contacts`;
  const pageHref = (cursor?: string) => {
    const search = new URLSearchParams({ ...(query ? { q: query } : {}), ...(cursor ? { after: cursor } : {}) }).toString();
    return search ? `${path}?${search}` : path;
  };

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <form role="search" action={`/${locale}${path}`} className="mb-6 flex flex-wrap gap-2">
        <label htmlFor="contact-search" className="sr-only">
          {t("searchLabel")}
        </label>
        <input
          id="contact-search"
          type="search"
          name="q"
          defaultValue={query}
          placeholder={t("searchPlaceholder")}
          className={`${inputClasses()} min-w-0 flex-1 basis-48`}
        />
        <button type="submit" className={buttonClasses("primary")}>
          {t("search")}
        </button>
        {query && (
          <Link href={path} className={buttonClasses("ghost")}>
            {t("clearSearch")}
          </Link>
        )}
      </form>

      {list.total === 0 ? (
        query ? (
          <EmptyState icon="users" title={t("noMatchTitle")} description={t("noMatchDescription", { query })} />
        ) : (
          <EmptyState icon="users" title={t("emptyTitle")} description={t("emptyDescription")} />
        )
      ) : (
        <Card>
          <CardHeader title={query ? t("found", { count: list.total, query }) : t("count", { count: list.total })} />
          <ul className="divide-y divide-zinc-100" data-contact-list>
            {list.contacts.map((contact) => (
              <li key={contact.id} data-contact={contact.email}>
                <Link
                  href={`${path}/${contact.id}`}
                  className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-5 py-3 hover:bg-zinc-50 sm:px-6"
                >
                  <span className="min-w-0 flex-1 basis-56">
                    <span className="block truncate font-medium text-zinc-900">{contact.name ?? contact.email}</span>
                    <span className="block truncate text-sm text-zinc-500">
                      {[contact.name ? contact.email : null, contact.organization].filter(Boolean).join(" · ")}
                    </span>
                  </span>
                  <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-zinc-500">
                    {contact.ticketCount > 0 && (
                      <span
                        data-open-tickets={contact.openTicketCount}
                        className={contact.openTicketCount > 0 ? "font-medium text-brand-700" : undefined}
                      >
                        {t("openTickets", { count: contact.openTicketCount })}
                      </span>
                    )}
                    <span data-tickets={contact.ticketCount}>{t("tickets", { count: contact.ticketCount })}</span>
                    {contact.lastActivityAt && (
                      <span>{t("lastActivity", { when: format.dateTime(contact.lastActivityAt, "date") })}</span>
                    )}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {(after || list.nextCursor) && (
            <nav
              aria-label={t("pagination")}
              className="flex flex-wrap items-center justify-end gap-2 border-t border-zinc-100 px-5 py-3 sm:px-6"
            >
              {after && (
                <Link href={pageHref()} className={buttonClasses("secondary", "sm")}>
                  {t("firstPage")}
                </Link>
              )}
              {list.nextCursor && (
                <Link href={pageHref(list.nextCursor)} rel="next" className={buttonClasses("secondary", "sm")}>
                  {t("next")}
                </Link>
              )}
            </nav>
          )}
        </Card>
      )}
    </>
  );
}
