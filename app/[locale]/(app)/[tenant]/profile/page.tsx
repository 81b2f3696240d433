import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Avatar } from "@/app/_components/avatar";
import { FormSection } from "@/app/_components/form-section";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { tenantRequest } from "@/lib/auth/request";
import { twoFactorStatus } from "@/lib/auth/two-factor";
import { getDb } from "@/db";
import { getNotificationPreferences } from "@/lib/users/preferences";
import { getProfile, SIGNATURE_HTML_MAX, SIGNATURE_TEXT_MAX } from "@/lib/users/profile";
import { scopeOf } from "@/lib/auth/context";
import { cannedReplyVariables, listOwnCannedReplies } from "@/lib/canned-replies/canned-replies";
import { createCannedReplyAction, deleteCannedReplyAction, updateCannedReplyAction } from "../_canned-replies/actions";
import { CannedRepliesEditor } from "../_canned-replies/canned-replies-editor";
import { updateNotificationPreferencesAction, updateProfileAction } from "./actions";
import { ChangePasswordForm } from "./change-password-form";
import { MyEmailAccounts } from "./my-email-accounts";
import { NotificationPreferencesForm } from "./notification-preferences-form";
import { ProfileForm } from "./profile-form";
import { TwoStepVerification } from "./two-step-verification";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "profile" });
  return { title: t("title") };
}

/** The signed-in user's own page: who they are here, their password, two-step verification, and which emails they want. */
export default async function ProfilePage({ params }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const preferences = await run((tx) => getNotificationPreferences(tx, ctx.user.id));
  const profile = await run((tx) => getProfile(tx, ctx.user.id));
  const cannedReplies = await run((tx) => listOwnCannedReplies(tx, scopeOf(ctx)));
  // The account's own recovery codes: outside any tenant (no tenant's work reads them).
  const twoStep = await twoFactorStatus(await getDb(), ctx.user.id);
  const t = await getTranslations("profile");
  const tRoles = await getTranslations("roles");

  return (
    <>
      <PageHeader title={t("title")} description={t("description", { company: ctx.tenant.name })} />
      <div className="space-y-6 lg:space-y-0 lg:divide-y lg:divide-zinc-200">
        <FormSection title={t("account.title")} description={t("account.description")}>
          <div className="flex items-center gap-4">
            <Avatar name={ctx.user.name} />
            <dl className="grid min-w-0 flex-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
              <div className="min-w-0">
                <dt className="text-xs text-zinc-500">{t("account.name")}</dt>
                <dd className="truncate font-medium text-zinc-900">{ctx.user.name}</dd>
              </div>
              <div className="min-w-0">
                <dt className="text-xs text-zinc-500">{t("account.email")}</dt>
                <dd className="truncate text-zinc-900">{ctx.user.email}</dd>
              </div>
              <div className="min-w-0">
                <dt className="text-xs text-zinc-500">{t("account.role", { company: ctx.tenant.name })}</dt>
                <dd className="text-zinc-900">{tRoles(ctx.role)}</dd>
              </div>
            </dl>
          </div>
        </FormSection>
        <ProfileForm
          initial={profile}
          limits={{ html: SIGNATURE_HTML_MAX, text: SIGNATURE_TEXT_MAX }}
          action={updateProfileAction.bind(null, ctx.tenant.slug)}
        />
        <ChangePasswordForm email={ctx.user.email} passwordMin={MIN_PASSWORD_LENGTH} />
        <FormSection title={t("twoStep.title")} description={t("twoStep.description")}>
          <TwoStepVerification
            key={String(twoStep.enabled)}
            enabled={twoStep.enabled}
            recoveryCodesLeft={twoStep.recoveryCodesLeft}
            email={ctx.user.email}
          />
        </FormSection>
        <MyEmailAccounts tenant={tenant} />
        <NotificationPreferencesForm
          initial={preferences}
          action={updateNotificationPreferencesAction.bind(null, ctx.tenant.slug)}
        />
        <FormSection title={t("cannedReplies.title")} description={t("cannedReplies.description")}>
          <div id="canned-replies">
            <CannedRepliesEditor
              replies={cannedReplies.map(({ id, name, body }) => ({ id, name, body }))}
              divisionId={null}
              mayEdit
              variables={cannedReplyVariables}
              createAction={createCannedReplyAction.bind(null, ctx.tenant.slug)}
              updateAction={updateCannedReplyAction.bind(null, ctx.tenant.slug)}
              deleteAction={deleteCannedReplyAction.bind(null, ctx.tenant.slug)}
            />
          </div>
        </FormSection>
      </div>
    </>
  );
}
