"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useEffectEvent, useRef, useState } from "react";
import { Icon } from "@/app/_components/icons";
import { useVisibleInterval } from "@/app/_components/use-visible-interval";
import type { ActionState } from "@/lib/auth/action";
import type { OtherViewer } from "@/lib/tickets/presence";

/** Well inside the server's one-minute window (lib/tickets/presence.ts): three reports may be lost. */
const REPORT_EVERY_MS = 15_000;

const REPLYING_EVENT = "postdesk:replying";

/**
 * The reply box got its first character or lost its last (./composer.tsx): the others are told at
 * once, not at the next report.
 */
export function announceReplying(replying: boolean): void {
  window.dispatchEvent(new CustomEvent<boolean>(REPLYING_EVENT, { detail: replying }));
}

type ReportViewing = (
  previous: ActionState<OtherViewer[]> | undefined,
  input: { ticketId: string; replying: boolean },
) => Promise<ActionState<OtherViewer[]>>;

/**
 * "Anna Nowak is viewing this ticket", "Jan Kowalski is replying": the other members who have the
 * ticket open, while this member has it open too (each open page reports itself and hears back).
 */
export function TicketPresence({ ticketId, action }: { ticketId: string; action: ReportViewing }) {
  const t = useTranslations("ticket.presence");
  const format = useFormatter();
  const [others, setOthers] = useState<OtherViewer[]>([]);
  const replying = useRef(false);

  const report = async () => {
    const state = await action(undefined, { ticketId, replying: replying.current });
    if (state.ok && state.result) setOthers(state.result);
  };
  useVisibleInterval(report, REPORT_EVERY_MS);

  const onReplying = useEffectEvent((event: Event) => {
    const now = (event as CustomEvent<boolean>).detail;
    if (now === replying.current) return;
    replying.current = now;
    if (document.visibilityState === "visible") void report();
  });
  useEffect(() => {
    window.addEventListener(REPLYING_EVENT, onReplying);
    return () => window.removeEventListener(REPLYING_EVENT, onReplying);
  }, []);

  const replyingNames = others.filter((other) => other.replying).map((other) => other.name);
  const viewingNames = others.filter((other) => !other.replying).map((other) => other.name);
  const list = (people: string[]) => format.list(people, { type: "conjunction" });
  // Always in the page, so that a screen reader announces what appears in it.
  return (
    <span role="status" aria-live="polite" data-ticket-presence className="inline-flex flex-wrap gap-2 print:hidden">
      {replyingNames.length > 0 && (
        <Pill presence="replying">{t("replying", { count: replyingNames.length, names: list(replyingNames) })}</Pill>
      )}
      {viewingNames.length > 0 && (
        <Pill presence="viewing">{t("viewing", { count: viewingNames.length, names: list(viewingNames) })}</Pill>
      )}
    </span>
  );
}

function Pill({ presence, children }: { presence: "replying" | "viewing"; children: string }) {
  return (
    <span
      data-presence={presence}
      className="inline-flex items-center gap-1.5 rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-sky-200 ring-inset"
    >
      <Icon name={presence === "replying" ? "envelope" : "users"} className="size-3.5" />
      {children}
    </span>
  );
}
