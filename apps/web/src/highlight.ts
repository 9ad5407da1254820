// highlight.js with its common languages (~40: JS/TS, Python, Go, Rust, Java, C/C++, C#, SQL, shell,
// JSON, YAML, HTML/XML, CSS, Markdown…): its own chunk, loaded on the first code block.
import hljs from 'highlight.js/lib/common';

export { hljs };
