import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { tenantRequest } from "@/lib/auth/request";
import { canReadReports } from "@/lib/auth/roles";

/**
 * Refuses members without the right before the page's loading state streams: past that point the
 * response has gone out as 200, and a light agent must get the usual 404.
 */
export default async function ReportsLayout({ children, params }: { children: ReactNode; params: Promise<{ tenant: string }> }) {
  const { ctx } = await tenantRequest((await params).tenant);
  if (!canReadReports(ctx.role)) notFound();
  return children;
}
