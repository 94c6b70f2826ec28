import type { Element, ElementContent } from 'hast';

/**
 * E-readers get highlighting as classes in one stylesheet, not an inline style on every token (Kindle drops
 * some inline styles, and a class per token category keeps the XHTML small). Shiki's light theme names
 * the category by its colour; each known colour becomes a named class whose rule also carries a weight or
 * style, so keywords and comments stay distinct on greyscale e-ink, where colour is lost.
 */
// Comments and functions are a shade darker than the theme's: 4.5:1 against a highlighted line too (DAISY Ace).
const categories: Record<string, { name: string; css: string }> = {
  '#CF222E': { name: 'tok-keyword', css: 'color: #CF222E; font-weight: bold;' },
  '#6E7781': { name: 'tok-comment', css: 'color: #57606A; font-style: italic;' },
  '#0A3069': { name: 'tok-string', css: 'color: #0A3069;' },
  '#0550AE': { name: 'tok-constant', css: 'color: #0550AE;' },
  '#953800': { name: 'tok-definition', css: 'color: #953800;' },
  '#8250DF': { name: 'tok-function', css: 'color: #6639BA;' },
  '#116329': { name: 'tok-type', css: 'color: #116329;' },
  '#82071E': { name: 'tok-invalid', css: 'color: #82071E; text-decoration: underline;' },
};

/** The theme's default text colour: tokens in it need no class at all. */
const defaultColour = '#1F2328';

export class CodeClasses {
  /** Colours outside the known categories, as class → rule (kept sorted so the stylesheet is reproducible). */
  private readonly extra = new Map<string, string>();

  /** Replaces Shiki's per-token styles in a `<pre>` with classes. */
  apply(pre: Element): void {
    const visit = (node: Element): ElementContent[] => {
      const children = node.children.flatMap((child) => (child.type === 'element' ? visit(child) : [child]));
      node.children = children;
      if (node.tagName !== 'span' || typeof node.properties.style !== 'string') return [node];
      const style = node.properties.style;
      delete node.properties.style;
      const className = this.classFor(style);
      // A token in the default colour is only its text: no element, so no structure for a reader to walk.
      if (className.length === 0) return hasOwnProperties(node) ? [node] : children;
      node.properties.className = [...asList(node.properties.className), ...className];
      return [node];
    };
    delete pre.properties.style;
    visit(pre);
  }

  /** Rules for every class that was used beyond the fixed categories. */
  css(): string {
    const fixed = Object.values(categories).map((c) => `pre .${c.name} { ${c.css} }`);
    const extra = [...this.extra].sort(([a], [b]) => a.localeCompare(b)).map(([name, rule]) => `pre .${name} { ${rule} }`);
    return [...fixed, ...extra, 'pre .tok-italic { font-style: italic; }', 'pre .tok-bold { font-weight: bold; }', 'pre .tok-underline { text-decoration: underline; }'].join('\n');
  }

  private classFor(style: string): string[] {
    const colour = /--shiki-light:(#[0-9A-Fa-f]{3,8})/.exec(style)?.[1]?.toUpperCase();
    const fontStyle = /--shiki-light-font-style:([a-z]+)/.exec(style)?.[1];
    const fontWeight = /--shiki-light-font-weight:([a-z]+)/.exec(style)?.[1];
    const decoration = /--shiki-light-text-decoration:([a-z]+)/.exec(style)?.[1];
    const out: string[] = [];
    if (colour && colour !== defaultColour) {
      const known = categories[colour];
      if (known) out.push(known.name);
      else {
        const name = `tok-${colour.slice(1).toLowerCase()}`;
        this.extra.set(name, `color: ${colour};`);
        out.push(name);
      }
    }
    if (fontStyle === 'italic') out.push('tok-italic');
    if (fontWeight === 'bold') out.push('tok-bold');
    if (decoration === 'underline') out.push('tok-underline');
    return out;
  }
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

function hasOwnProperties(node: Element): boolean {
  return Object.keys(node.properties).length > 0;
}
