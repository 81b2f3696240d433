import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { isLocale, locales } from "@/lib/i18n/routing";
import { scopeOf } from "@/lib/auth/context";
import { listTemplates, templateKinds } from "@/lib/templates/templates";
import { readOrNotFound } from "../../../../read-or-not-found";
import { AdminsOnlyNote } from "../admins-only-note";
import { DivisionSectionBreadcrumb } from "../division-section-breadcrumb";
import { createTemplateAction } from "./actions";
import { NewTemplateForm } from "./new-template-form";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "templates" });
  return { title: t("title") };
}

export default async function TemplatesPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, templates } = await readOrNotFound(run, [divisionId], async (tx) => {
    const scope = scopeOf(ctx);
    return { division: await getDivision(tx, scope, divisionId), templates: await listTemplates(tx, scope, divisionId) };
  });
  const t = await getTranslations("templates");
  const tLanguage = await getTranslations("language");
  const slug = ctx.tenant.slug;
  const admin = canManageMailSettings(ctx.role);
  const listHref = `/${slug}/settings/divisions/${division.id}/templates`;

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="templates" />}
        title={t("title")}
        description={t("description", { division: division.name })}
      />
      <div className="space-y-6">
        {!admin && <AdminsOnlyNote>{t("onlyAdmins")}</AdminsOnlyNote>}

        {templateKinds.map((kind) => {
          const ofKind = templates.filter((template) => template.kind === kind);
          return (
            <Card key={kind}>
              <section aria-labelledby={`kind-${kind}`} data-kind={kind}>
                <CardHeader
                  id={`kind-${kind}`}
                  title={t(`kinds.${kind}.title`)}
                  description={t(`kinds.${kind}.description`)}
                  actions={<span className="text-sm text-zinc-500">{t("count", { count: ofKind.length })}</span>}
                />
                {ofKind.length === 0 ? (
                  <p className="flex items-center gap-2 px-5 py-4 text-sm text-zinc-500 sm:px-6">
                    <Icon name="info" className="size-5 shrink-0 text-zinc-400" />
                    {t("noneOfKind")}
                  </p>
                ) : (
                  <ul className="divide-y divide-zinc-100">
                    {ofKind.map((template) => (
                      <li key={template.id} data-template={template.id}>
                        <Link
                          href={`${listHref}/${template.id}`}
                          className="group flex items-center gap-4 px-5 py-3.5 hover:bg-zinc-50 sm:px-6"
                        >
                          <Badge tone="neutral">
                            <span title={isLocale(template.locale) ? tLanguage(`name.${template.locale}`) : undefined}>
                              {isLocale(template.locale) ? tLanguage(`short.${template.locale}`) : template.locale.toUpperCase()}
                            </span>
                          </Badge>
                          <span className="min-w-0 flex-1">
                            <span className="flex flex-wrap items-center gap-2">
                              <span className="truncate text-sm font-medium text-zinc-900 group-hover:text-brand-700">
                                {template.name}
                              </span>
                              {template.id === division.unprocessedTemplateId && (
                                <Badge tone="brand">{t("chosenForUnprocessed")}</Badge>
                              )}
                            </span>
                            <span className="block truncate text-sm text-zinc-500">{template.subject}</span>
                          </span>
                          <Icon name="chevronRight" className="size-5 shrink-0 text-zinc-300 group-hover:text-brand-500" />
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </Card>
          );
        })}

        {admin && (
          <Card>
            <CardHeader title={t("create.title")} description={t("create.description")} />
            <NewTemplateForm
              divisionId={division.id}
              kinds={[...templateKinds]}
              locales={[...locales]}
              defaultLocale={isLocale(division.language) ? division.language : undefined}
              listHref={listHref}
              action={createTemplateAction.bind(null, slug)}
            />
          </Card>
        )}
      </div>
    </>
  );
}
