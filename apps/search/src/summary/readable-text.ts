import { load } from 'cheerio';
import { FAST_HTML } from '../providers/result-text.util';

const NOISE =
  'script, style, noscript, template, svg, canvas, iframe, object, nav, header, footer, aside, form, button, select, [hidden], [aria-hidden="true"], [role="navigation"], [role="banner"], [role="contentinfo"]';
const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, dt, dd, td, th, figcaption';

/**
 * The readable text of an HTML page for a summary prompt: the main content (article, main or
 * body) without scripts, navigation and chrome, one line per block, whitespace collapsed.
 */
export function extractReadableText(html: string, maxChars = 20_000): { title: string; text: string } {
  const $ = load(html, FAST_HTML);
  const title = $('title').first().text().replace(/\s+/g, ' ').trim();
  $(NOISE).remove();
  const main = ['article', 'main', '[role="main"]', 'body'].find((sel) => $(sel).first().text().trim());
  // Fragments (no <html>/<body> under htmlparser2) are read from their top-level elements.
  const root = main ? $(main).first() : $.root().children();
  const lines: string[] = [];
  root.find(BLOCKS).each((_, el) => {
    // Nested blocks (li > p) would repeat text: take the innermost.
    if ($(el).find(BLOCKS).length) return;
    const line = $(el).text().replace(/\s+/g, ' ').trim();
    if (line) lines.push(line);
  });
  let text = lines.join('\n');
  // Pages built from bare <div>s have few blocks: take all the text, one line per element.
  const all = root.find('div, section, br, tr').append('\n').end().text();
  const allLines = all
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  if (allLines.join('\n').length > 2 * text.length + 200) text = allLines.join('\n');
  return { title, text: text.slice(0, maxChars) };
}
