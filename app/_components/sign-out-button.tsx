"use client";

import { signOut } from "next-auth/react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { Icon } from "./icons";

/** `compact`: the icon alone (the label stays for screen readers and as the tooltip), for narrow screens. */
export function SignOutButton({ compact = false, className = "" }: { compact?: boolean; className?: string }) {
  const t = useTranslations("shell");
  const locale = useLocale();
  const [pending, setPending] = useState(false);

  async function onClick() {
    setPending(true);
    await signOut({ redirect: false });
    // A full page load, so nothing rendered for the signed-in user stays in the client cache.
    window.location.assign(`/${locale}/sign-in`);
  }

  return (
    <button
      type="button"
      onClick={onClick}
      disabled={pending}
      title={compact ? t("signOut") : undefined}
      className={`inline-flex items-center gap-2 rounded-lg px-2.5 py-1.5 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 disabled:opacity-60 ${className}`}
    >
      <Icon name="signOut" className="size-4.5" />
      <span className={compact ? "sr-only" : undefined}>{t("signOut")}</span>
    </button>
  );
}
