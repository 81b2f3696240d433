"use client";

import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { useRouter } from "@/lib/i18n/navigation";
import type { OutboxCounts } from "@/lib/outbox/admin";

/** Sent, waiting and failed mails of one mailing, as a bar and in numbers. */
export function MailingProgress({ counts }: { counts: OutboxCounts }) {
  const t = useTranslations("massMail.history");
  const waiting = counts.ready + counts.sending;
  const total = counts.sent + waiting + counts.error;
  const share = (n: number) => `${total === 0 ? 0 : (n / total) * 100}%`;
  return (
    <div className="space-y-1.5">
      <div
        role="progressbar"
        aria-label={t("progress")}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={counts.sent}
        className="h-2 overflow-hidden rounded-full bg-zinc-100"
      >
        {/* SVG geometry rather than a `style` attribute, which the pages' Content-Security-Policy refuses. */}
        <svg aria-hidden="true" className="block size-full">
          <rect className="fill-emerald-500" width={share(counts.sent)} height="100%" />
          <rect className="fill-red-500" x={share(counts.sent)} width={share(counts.error)} height="100%" />
        </svg>
      </div>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600">
        <span data-count="sent" className="inline-flex items-center gap-1.5">
          <span className="size-2 rounded-full bg-emerald-500" />
          {t("sent", { count: counts.sent })}
        </span>
        <span data-count="waiting" className="inline-flex items-center gap-1.5">
          <span className="size-2 rounded-full bg-zinc-300" />
          {t("waiting", { count: waiting })}
        </span>
        {counts.error > 0 && (
          <span data-count="error" className="inline-flex items-center gap-1.5 text-red-700">
            <span className="size-2 rounded-full bg-red-500" />
            {t("errors", { count: counts.error })}
          </span>
        )}
      </p>
    </div>
  );
}

const REFRESH_EVERY_MS = 15_000;

/** While mail of a mailing waits in the outbox, the page reloads its numbers now and then. */
export function RefreshWhileSending({ active }: { active: boolean }) {
  const t = useTranslations("massMail.history");
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), REFRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [active, router]);
  return active ? <span className="text-xs text-zinc-500">{t("updating")}</span> : null;
}
