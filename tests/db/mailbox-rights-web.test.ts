import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { Database } from "../../db/client";
import { tickets } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { testDatabase } from "../setup/db";
import { rightsDesk } from "../setup/rights-desk";

/**
 * "Access to other operators' email accounts" through the web's doors: the real server actions and
 * ticket page, signed in as members of tests/setup/rights-desk.ts, with only what needs a live
 * Next.js request replaced (as in web-isolation.test.ts). Bartek, an agent without the right, is
 * refused Anna's personal ticket everywhere as if it did not exist; Lena, a light agent, reads but
 * changes nothing.
 */

const state = vi.hoisted(() => ({ db: undefined as unknown, userId: null as string | null }));

vi.mock("@/lib/auth/session", () => ({
  currentUserId: async () => state.userId,
  currentSession: async () => (state.userId ? { userId: state.userId, signInMethod: "password" } : null),
}));
vi.mock("@/db", () => ({ getDb: async () => state.db }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));
vi.mock("next-intl/server", () => {
  const t = Object.assign((key: string) => key, { rich: (key: string) => key, has: () => true });
  return {
    setRequestLocale: () => {},
    getLocale: async () => "en",
    getTranslations: async () => t,
    getMessages: async () => ({}),
    getFormatter: async () => ({ dateTime: () => "", number: () => "", relativeTime: () => "", list: () => "" }),
    getNow: async () => new Date(),
  };
});

const db: Database = await testDatabase();
state.db = db;

const { addNoteAction, assignTicketAction, replyToTicketAction, setTicketStatusAction } = await import(
  "@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/actions"
);
const { searchTicketsAction } = await import("@/app/[locale]/(app)/[tenant]/waiting-list/actions");
const { default: TicketPage } = await import("@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/page");

function isNotFound(error: unknown): boolean {
  const digest = (error as { digest?: string } | null)?.digest ?? "";
  return digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;404") || digest === "NEXT_NOT_FOUND";
}

async function ticketPage(slug: string, ticketId: string): Promise<"rendered" | "not-found"> {
  const params = Promise.resolve({ locale: "en", tenant: slug, ticketId });
  return TicketPage({ params, searchParams: Promise.resolve({}) }).then(
    () => "rendered" as const,
    (error: unknown) => {
      if (isNotFound(error)) return "not-found" as const;
      throw error;
    },
  );
}

const statusOf = async (tenantId: string, ticketId: string) =>
  (await withTenant(db, tenantId, (tx) => tx.select().from(tickets).where(eq(tickets.id, ticketId))))[0]!;

describe("another operator's personal ticket, for an agent without the right", () => {
  it("its page is not found, and its owner's page renders", async () => {
    const desk = await rightsDesk(db);
    state.userId = desk.bartek.userId;
    expect(await ticketPage(desk.slug, desk.salary)).toBe("not-found");
    expect(await ticketPage(desk.slug, desk.printer)).toBe("rendered");
    state.userId = desk.anna.userId;
    expect(await ticketPage(desk.slug, desk.salary)).toBe("rendered");
  });

  it("replying, noting, closing or taking it answers not found and changes nothing", async () => {
    const desk = await rightsDesk(db);
    const before = await statusOf(desk.tenantId, desk.salary);
    state.userId = desk.bartek.userId;
    const ticketId = desk.salary;
    expect(await replyToTicketAction(desk.slug, undefined, { ticketId, text: "Peeking", cc: "" })).toEqual({ error: "notFound" });
    expect(await addNoteAction(desk.slug, undefined, { ticketId, text: "Peeking" })).toEqual({ error: "notFound" });
    expect(await setTicketStatusAction(desk.slug, undefined, { ticketId, status: "closed" })).toEqual({ error: "notFound" });
    expect(await assignTicketAction(desk.slug, undefined, { ticketId, assigneeId: desk.bartek.userId })).toEqual({
      error: "notFound",
    });
    expect(await statusOf(desk.tenantId, desk.salary)).toEqual(before);
  });

  it("the ticket pickers' search does not offer it", async () => {
    const desk = await rightsDesk(db);
    state.userId = desk.bartek.userId;
    const bartek = await searchTicketsAction(desk.slug, undefined, { query: "salary" });
    expect(bartek).toEqual({ ok: true, result: [] });
    state.userId = desk.celina.userId;
    const celina = await searchTicketsAction(desk.slug, undefined, { query: "salary" });
    expect(celina.result?.map((ticket) => ticket.id)).toEqual([desk.salary]);
  });
});

describe("a light agent", () => {
  it("reads the tickets it may see, and every change is refused saying the role is read only", async () => {
    const desk = await rightsDesk(db);
    state.userId = desk.light.userId;
    const ticketId = desk.printer;
    expect(await ticketPage(desk.slug, ticketId)).toBe("rendered");
    expect(await searchTicketsAction(desk.slug, undefined, { query: "printer" })).toMatchObject({ ok: true });
    expect(await setTicketStatusAction(desk.slug, undefined, { ticketId, status: "closed" })).toEqual({ error: "readOnlyRole" });
    expect(await replyToTicketAction(desk.slug, undefined, { ticketId, text: "Hello", cc: "" })).toEqual({ error: "readOnlyRole" });
    expect(await addNoteAction(desk.slug, undefined, { ticketId, text: "Hello" })).toEqual({ error: "readOnlyRole" });
    expect((await statusOf(desk.tenantId, ticketId)).status).toBe("open");
  });
});
