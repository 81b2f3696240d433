import type { Metadata } from "next";
import { comingSoonPage, comingSoonTitle } from "../coming-soon";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export function generateMetadata({ params }: Props): Promise<Metadata> {
  return comingSoonTitle(params, "knowledgeBase");
}

export default function KnowledgeBasePage({ params }: Props) {
  return comingSoonPage(params, "knowledgeBase", "book");
}
