import type { ReactNode } from "react";
import { LanguageSwitcher } from "@/app/_components/language-switcher";
import { Logo } from "@/app/_components/logo";
import { setPageLocale } from "@/app/_i18n/page-locale";

export default async function AuthLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string }>;
}) {
  setPageLocale((await params).locale);
  return (
    <div className="relative isolate flex min-h-screen flex-col">
      <div
        aria-hidden="true"
        className="absolute inset-x-0 top-0 -z-10 h-96 bg-[radial-gradient(ellipse_at_top,var(--color-brand-100),transparent_70%)]"
      />
      <header className="flex items-center justify-between px-6 py-5 sm:px-10">
        <Logo />
        <LanguageSwitcher />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:pt-12">
        <div className="w-full max-w-md">{children}</div>
      </main>
    </div>
  );
}
