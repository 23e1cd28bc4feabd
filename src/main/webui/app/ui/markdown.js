// Message and agent output as markdown: marked renders (HTML in the text is shown as text),
// DOMPurify sanitises what markdown makes (a `javascript:` link never runs), highlight.js colours
// code, and every code block gets a copy button. The libraries are WebJars loaded by index.html as globals.

const { marked, DOMPurify, hljs } = globalThis;

// Text that looks like HTML is the user's words: shown as typed, never parsed (markdown still renders).
const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;');
marked.use({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text, block }) => (block ? `<p>${escapeHtml(text.replace(/\n+$/, '')).replace(/\n/g, '<br>')}</p>`
      : escapeHtml(text)),
  },
});

const PURIFY = {
  ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2',
    'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'input'],
  ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'start'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/)/i,
};

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') { node.setAttribute('target', '_blank'); node.setAttribute('rel', 'noopener noreferrer nofollow'); }
  if (node.tagName === 'INPUT' && node.getAttribute('type') !== 'checkbox') node.remove();
});

/** A sanitised fragment for `text` (markdown), with `@mentions` marked and code highlighted. */
export function render(text, { mentions = [], me = null } = {}) {
  const html = DOMPurify.sanitize(marked.parse(String(text ?? '')), PURIFY);
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const root = tpl.content;
  markMentions(root, mentions, me);
  for (const pre of root.querySelectorAll('pre')) decorateCode(pre);
  return root;
}

function decorateCode(pre) {
  const code = pre.querySelector('code');
  if (code) {
    try { hljs.highlightElement(code); } catch (e) { /* unknown language: left plain */ }
  }
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'copy';
  copy.textContent = 'Copy';
  copy.setAttribute('aria-label', 'Copy code');
  copy.addEventListener('click', () => {
    navigator.clipboard?.writeText(code ? code.textContent : pre.textContent).then(
      () => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy'; }, 1500); },
      () => { copy.textContent = 'Copy failed'; });
  });
  pre.classList.add('code');
  pre.prepend(copy);
}

/** Wraps `@name` in text nodes (not inside code or links) in a highlight span. */
function markMentions(root, mentions, me) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const hits = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement?.closest('code, a, pre')) continue;
    if (/(^|\s)@[A-Za-z0-9]/.test(n.nodeValue)) hits.push(n);
  }
  for (const n of hits) {
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of n.nodeValue.matchAll(/(^|\s)@([A-Za-z0-9][\w.@-]{0,63})/g)) {
      const at = m.index + m[1].length;
      frag.append(n.nodeValue.slice(last, at));
      const span = document.createElement('span');
      const name = m[2].replace(/[.@-]+$/, '');
      span.className = 'mention' + (name === me ? ' me' : '') + (mentions.includes(name) || name === me ? ' known' : '');
      span.textContent = '@' + name;
      frag.append(span);
      last = at + 1 + name.length;
    }
    frag.append(n.nodeValue.slice(last));
    n.replaceWith(frag);
  }
}
