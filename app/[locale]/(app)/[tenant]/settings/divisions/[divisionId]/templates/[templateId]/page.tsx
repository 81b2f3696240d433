import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { Badge } from "@/app/_components/badge";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { isLocale, routing } from "@/lib/i18n/routing";
import { scopeOf } from "@/lib/auth/context";
import { getTemplate } from "@/lib/templates/templates";
import { readOrNotFound } from "../../../../../read-or-not-found";
import { deleteTemplateAction, updateTemplateAction } from "../actions";
import { TemplateEditor } from "../template-editor";
import { DivisionSectionBreadcrumb } from "../../division-section-breadcrumb";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string; templateId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "templates" });
  return { title: t("title") };
}

export default async function TemplatePage({ params }: Props) {
  const { locale, tenant, divisionId, templateId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const { division, template } = await readOrNotFound(run, [divisionId, templateId], async (tx) => {
    const scope = scopeOf(ctx);
    return { division: await getDivision(tx, scope, divisionId), template: await getTemplate(tx, scope, templateId) };
  });
  if (template.divisionId !== division.id) notFound();
  const t = await getTranslations("templates");
  const tLanguage = await getTranslations("language.name");
  const slug = ctx.tenant.slug;
  // A template stored in a language since dropped previews in the default one.
  const templateLocale = isLocale(template.locale) ? template.locale : routing.defaultLocale;

  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={slug} division={division} section="templates" current={template.name} />}
        title={
          <span className="flex flex-wrap items-center gap-3">
            {template.name}
            <Badge tone="brand">{t(`kinds.${template.kind}.title`)}</Badge>
            <Badge tone="neutral">{tLanguage(templateLocale)}</Badge>
          </span>
        }
        description={t(`kinds.${template.kind}.description`)}
      />
      <TemplateEditor
        templateId={template.id}
        kind={template.kind}
        initial={{ name: template.name, subject: template.subject, body: template.body }}
        locale={templateLocale}
        division={{ tag: division.tag, name: division.name }}
        canEdit={canManageMailSettings(ctx.role)}
        inUse={template.id === division.unprocessedTemplateId}
        listHref={`/${slug}/settings/divisions/${division.id}/templates`}
        saveAction={updateTemplateAction.bind(null, slug)}
        deleteAction={deleteTemplateAction.bind(null, slug)}
      />
    </>
  );
}
