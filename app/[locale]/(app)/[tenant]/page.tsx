import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { redirect } from "@/lib/i18n/navigation";

export default async function TenantHome({ params }: { params: Promise<{ locale: string; tenant: string }> }) {
  const { locale: localeParam, tenant } = await params;
  const locale = setPageLocale(localeParam);
  const { ctx } = await tenantRequest(tenant);
  redirect({ href: `/${ctx.tenant.slug}/tickets`, locale });
}
