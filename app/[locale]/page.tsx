import { getTranslations } from "next-intl/server";
import { Logo } from "@/app/_components/logo";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { getDb } from "@/db";
import { userTenants } from "@/lib/auth/context";
import { currentUserId } from "@/lib/auth/session";
import { redirect } from "@/lib/i18n/navigation";
import { getUserLocale } from "@/lib/users/preferences";

/**
 * The front door: signed out, to sign-in; signed in, to the queue of the user's first workspace, in
 * the language they last chose (which wins over the URL's, so the choice follows them between
 * devices).
 */
export default async function HomePage({ params }: { params: Promise<{ locale: string }> }) {
  const locale = setPageLocale((await params).locale);
  const userId = await currentUserId();
  if (!userId) return redirect({ href: "/sign-in", locale });

  const db = await getDb();
  const [tenants, userLocale] = await Promise.all([userTenants(db, userId), getUserLocale(db, userId)]);
  const first = tenants[0];
  if (first) return redirect({ href: `/${first.slug}/tickets`, locale: userLocale ?? locale });

  // Signed in, but no longer a member anywhere (removed from their last company).
  const t = await getTranslations("home");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-md text-center">
        <Logo />
        <h1 className="mt-8 text-2xl font-semibold tracking-tight text-zinc-900">{t("noWorkspaceTitle")}</h1>
        <p className="mt-2 text-sm leading-6 text-zinc-500">{t("noWorkspaceDescription")}</p>
        <div className="mt-6 flex justify-center">
          <SignOutButton />
        </div>
      </div>
    </main>
  );
}
