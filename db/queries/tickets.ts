import { and, isNull } from "drizzle-orm";
import { tickets } from "../schema";

/**
 * The tickets that are worked: not in the trash, and not merged into another (a merged ticket's
 * messages live on the survivor). What the queue, ticket pickers and a customer's history show.
 */
export const liveTicket = () => and(isNull(tickets.deletedAt), isNull(tickets.mergedIntoId));
