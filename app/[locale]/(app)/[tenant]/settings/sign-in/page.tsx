import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMembers } from "@/lib/auth/roles";
import { configuredProviders } from "@/lib/oauth/providers";
import { SettingsBreadcrumb } from "../breadcrumb";
import { setRequiredSignInAction, setRequireTwoFactorAction } from "./actions";
import { RequireTwoFactorForm } from "./require-two-factor-form";
import { RequiredSignInForm } from "./required-sign-in-form";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "signInSettings" });
  return { title: t("title") };
}

export default async function SignInSettingsPage({ params }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx } = await tenantRequest(tenant);
  const t = await getTranslations("signInSettings");
  const providers = configuredProviders(process.env).map(({ id, name }) => ({ id, name }));
  const nameOf = (id: string) => providers.find((provider) => provider.id === id)?.name ?? id;
  const required = ctx.tenant.requiredSignIn;

  return (
    <>
      <PageHeader
        eyebrow={<SettingsBreadcrumb tenant={ctx.tenant.slug} trail={[{ label: t("title") }]} />}
        title={t("title")}
        description={t("description", { company: ctx.tenant.name })}
      />
      <Card className="max-w-2xl">
        <CardHeader
          title={required ? t("current.only", { provider: nameOf(required) }) : t("current.any")}
          description={
            ctx.signInMethod === "password" ? t("yourSession.password") : t("yourSession.provider", { provider: nameOf(ctx.signInMethod) })
          }
        />
        <CardBody>
          {providers.length === 0 ? (
            <p className="text-sm text-zinc-600">{t("noProviders")}</p>
          ) : canManageMembers(ctx.role) ? (
            <RequiredSignInForm action={setRequiredSignInAction.bind(null, ctx.tenant.slug)} providers={providers} required={required} />
          ) : (
            <p className="text-sm text-zinc-600">{t("adminsOnly")}</p>
          )}
        </CardBody>
      </Card>
      <Card className="mt-6 max-w-2xl">
        <CardHeader
          title={ctx.tenant.requireTwoFactor ? t("twoStep.required") : t("twoStep.optional")}
          description={ctx.twoFactor ? t("twoStep.yourSession") : t("twoStep.yourSessionNot")}
        />
        {/* Members see the rule; only owners and admins get the form to change it. */}
        {canManageMembers(ctx.role) && (
          <CardBody>
            <RequireTwoFactorForm action={setRequireTwoFactorAction.bind(null, ctx.tenant.slug)} required={ctx.tenant.requireTwoFactor} />
          </CardBody>
        )}
      </Card>
    </>
  );
}
