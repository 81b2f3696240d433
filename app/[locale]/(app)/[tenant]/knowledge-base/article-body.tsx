/**
 * An article's HTML as made by lib/knowledge/markdown.ts (rendered and sanitized there, never
 * here), with the typography of a readable article.
 */
export function ArticleBody({ html }: { html: string }) {
  return (
    <div
      data-article-body
      className={
        "text-[15px] leading-7 text-zinc-800 [&>*:first-child]:mt-0 [&>*:last-child]:mb-0 " +
        "[&_h1]:mt-8 [&_h1]:mb-3 [&_h1]:text-2xl [&_h1]:font-semibold [&_h1]:tracking-tight [&_h1]:text-zinc-900 " +
        "[&_h2]:mt-7 [&_h2]:mb-3 [&_h2]:text-xl [&_h2]:font-semibold [&_h2]:text-zinc-900 " +
        "[&_h3]:mt-6 [&_h3]:mb-2 [&_h3]:text-lg [&_h3]:font-semibold [&_h3]:text-zinc-900 " +
        "[&_h4]:mt-5 [&_h4]:mb-2 [&_h4]:font-semibold " +
        "[&_p]:my-3 [&_ul]:my-3 [&_ul]:list-disc [&_ul]:pl-6 [&_ol]:my-3 [&_ol]:list-decimal [&_ol]:pl-6 [&_li]:my-1 " +
        "[&_a]:font-medium [&_a]:text-brand-700 [&_a]:underline [&_a]:underline-offset-2 hover:[&_a]:text-brand-900 " +
        "[&_blockquote]:my-4 [&_blockquote]:border-l-4 [&_blockquote]:border-zinc-200 [&_blockquote]:pl-4 [&_blockquote]:text-zinc-600 " +
        "[&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 [&_code]:py-0.5 [&_code]:font-mono [&_code]:text-[13px] " +
        "[&_pre]:my-4 [&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-zinc-900 [&_pre]:p-4 [&_pre]:text-zinc-100 " +
        "[&_pre_code]:bg-transparent [&_pre_code]:p-0 [&_pre_code]:text-zinc-100 " +
        "[&_img]:my-4 [&_img]:max-w-full [&_img]:rounded-lg [&_img]:border [&_img]:border-zinc-200 " +
        "[&_hr]:my-6 [&_hr]:border-zinc-200 " +
        "[&_table]:my-4 [&_table]:w-full [&_table]:text-sm [&_th]:border-b [&_th]:border-zinc-200 [&_th]:px-2 [&_th]:py-1.5 [&_th]:text-left " +
        "[&_td]:border-b [&_td]:border-zinc-100 [&_td]:px-2 [&_td]:py-1.5"
      }
      // Safe: the HTML comes from renderArticleMarkdown, which escapes raw HTML and allowlists the rest.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
