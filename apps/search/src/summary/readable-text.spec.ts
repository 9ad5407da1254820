import { extractReadableText } from './readable-text';

describe('extractReadableText', () => {
  it('keeps the main content, one line per block, without scripts and page chrome', () => {
    const html = `<html><head><title> A  page </title><script>x()</script></head><body><nav>Menu</nav>
      <main><h1>Heading</h1><p>First   paragraph.</p><ul><li><p>Nested item</p></li></ul></main><footer>Foot</footer></body></html>`;
    expect(extractReadableText(html)).toEqual({ title: 'A page', text: 'Heading\nFirst paragraph.\nNested item' });
  });

  it('reads pages made of bare divs', () => {
    const html = `<html><body><div>${'Line of text in a div. '.repeat(20)}</div><div>Another div with text.</div></body></html>`;
    const { text } = extractReadableText(html);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toMatch(/^Line of text/);
  });

  it('caps the text', () => {
    expect(extractReadableText(`<p>${'a'.repeat(500)}</p>`, 100).text).toHaveLength(100);
  });
});
