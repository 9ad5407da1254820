// KaTeX and its stylesheet (fonts as woff2): its own chunk, loaded on the first formula.
import katex from 'katex';
import 'katex/dist/katex.min.css';

export { katex };
