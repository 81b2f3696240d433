import type { MailboxDispatchState } from "@/lib/dispatch/status";

const dotStyles: Record<MailboxDispatchState, string> = {
  paused: "bg-zinc-300 ring-zinc-100",
  notConnected: "bg-amber-500 ring-amber-100",
  stopped: "bg-zinc-300 ring-zinc-100",
  polling: "bg-brand-500 ring-brand-100 animate-pulse",
  backoff: "bg-red-500 ring-red-100",
  authFailed: "bg-red-500 ring-red-100",
  needsReconnect: "bg-amber-500 ring-amber-100",
  idle: "bg-emerald-500 ring-emerald-100",
  new: "bg-zinc-400 ring-zinc-100",
  waiting: "bg-emerald-500 ring-emerald-100",
};

/** A mailbox's dispatch state as a coloured dot, beside its words (the dispatcher page, All accounts). */
export function DispatchStateDot({ state }: { state: MailboxDispatchState }) {
  return <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ring-4 ${dotStyles[state]}`} />;
}
