import { escapeHtml } from '../render/theme.js';

/**
 * Snapshots keep prose as text with Markdown-like inline marks (so a changed link target or emphasis is a
 * change). Readers of a "what changed" page should see formatting, not asterisks: this turns the marks
 * that are whole within one piece of text back into HTML. A mark split by an insertion or deletion stays
 * as written, which is still readable.
 */
export function inlineMarksHtml(text: string): string {
  const slots: string[] = [];
  // Code spans first, so nothing inside them is read as another mark.
  const keep = (html: string) => `\u0000${slots.push(html) - 1}\u0000`;
  // CommonMark code spans: a run of N backticks closes at the next run of exactly N; one space of padding
  // on both sides is dropped, so "`` ` ``" is the backtick character.
  let out = text.replace(/(`+)((?:(?!\1)[\s\S])*?[^`])\1(?!`)/g, (_m, _fence: string, code: string) =>
    keep(`<code>${escapeHtml(/^ .* $/s.test(code) && code.trim() ? code.slice(1, -1) : code)}</code>`),
  );
  out = out.replace(/!\[([^\]]*)\]\(([^)\s]+)\)(\{sha256:[0-9a-f]+\})?/g, (_m, alt: string) => keep(`<span class="image-ref">[image${alt ? `: ${escapeHtml(alt)}` : ''}]</span>`));
  out = out.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) =>
    keep(/^https?:\/\//.test(url) ? `<a href="${escapeHtml(url)}">${inlineMarksHtml(label)}</a>` : `<span class="link-ref">${inlineMarksHtml(label)}</span>`),
  );
  out = out.replace(/\[\^([^\]]+)\]/g, (_m, id: string) => keep(`<sup>${escapeHtml(id)}</sup>`));
  out = escapeHtml(out);
  out = out.replace(/\*\*(\S(?:.*?\S)?)\*\*/g, '<strong>$1</strong>');
  // Diff pages mark insertions and deletions with private-use characters (see diffHtml.ts): they may sit next to a mark.
  out = out.replace(/(^|[\s(\uE000-\uE003])_(\S(?:.*?\S)?)_(?=$|[\s).,;:!?\uE000-\uE003])/g, '$1<em>$2</em>');
  out = out.replace(/~~(\S(?:.*?\S)?)~~/g, '<s>$1</s>');
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => slots[Number(i)]!);
}
