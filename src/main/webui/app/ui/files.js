// Files: uploads from the picker, paste and drag & drop (each with its own progress, checked
// against the node's limits first), previews (images, PDF page text, text), and attachments on
// messages with download. Files are fetched with the bearer token (as blobs), never by URL token.

import { h } from './dom.js';
import { icon } from './icons.js';
import { bytes } from '../core/format.js';

/** An upload tray bound to a container: add(files) uploads each; ids() the finished ones; clear(). */
export function uploadTray(app, container, onChange = () => {}) {
  const items = [];
  const limits = app.config.uploads || {};

  function add(fileList) {
    for (const file of fileList) {
      const ext = (file.name.split('.').pop() || '').toLowerCase();
      const item = { file, progress: 0, state: 'uploading', result: null, error: null };
      if (limits.extensions && !limits.extensions.includes(ext)) item.error = `.${ext} files are not accepted`;
      else if (limits.maxFileBytes && file.size > limits.maxFileBytes) item.error = `larger than ${bytes(limits.maxFileBytes)}`;
      else if (limits.maxFiles && items.filter((i) => !i.error).length >= limits.maxFiles) item.error = `at most ${limits.maxFiles} files at once`;
      if (item.error) item.state = 'failed';
      items.push(item);
      if (!item.error) upload(item);
    }
    render();
  }

  function upload(item) {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    form.append('sessionId', app.conn.session);
    form.append('file', item.file, item.file.name);
    xhr.open('POST', '/api/upload');
    xhr.setRequestHeader('Authorization', 'Bearer ' + app.tokenNow());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) { item.progress = e.loaded / e.total; render(); } };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status === 200 && body?.files?.[0]) { item.state = 'done'; item.result = body.files[0]; item.progress = 1; }
      else { item.state = 'failed'; item.error = body?.message || `upload failed (HTTP ${xhr.status})`; }
      render();
    };
    xhr.onerror = () => { item.state = 'failed'; item.error = 'the server could not be reached'; render(); };
    item.xhr = xhr;
    xhr.send(form);
  }

  function render() {
    container.replaceChildren(...items.map((it, i) => h('div.chip', { class: it.state, dataset: { state: it.state } },
      it.file.type.startsWith('image/') ? h('img.thumb', { src: it.thumb || (it.thumb = URL.createObjectURL(it.file)), alt: '' }) : h('span.ficon', icon('file-text')),
      h('span.fname', it.file.name), h('span.muted', bytes(it.file.size)),
      it.state === 'uploading' ? h('progress', { max: 1, value: it.progress, 'aria-label': `Uploading ${it.file.name}` }) : null,
      it.state === 'done' ? h('span.ok', { title: previewText(it.result.processedContent) }, icon('check', 'processed')) : null,
      // What the agents will read of it: the first lines of a text, the first page's text of a PDF.
      it.state === 'done' ? h('span.preview-text', { title: it.result.processedContent?.preview || '' },
        [previewText(it.result.processedContent), String(it.result.processedContent?.preview || '').slice(0, 80)].filter(Boolean).join(' — ')) : null,
      it.error ? h('span.err', it.error) : null,
      h('button.icon', { type: 'button', 'aria-label': `Remove ${it.file.name}`, onclick: () => { it.xhr?.abort(); items.splice(i, 1); render(); } }, icon('x')))));
    container.hidden = items.length === 0;
    onChange();
  }

  return {
    add,
    busy: () => items.some((i) => i.state === 'uploading'),
    ids: () => items.filter((i) => i.state === 'done').map((i) => i.result.fileId),
    clear: () => { items.forEach((i) => i.thumb && URL.revokeObjectURL(i.thumb)); items.length = 0; render(); },
  };
}

/** What a file's processed content says, in a line. */
export function previewText(p) {
  if (!p) return '';
  switch (p.type) {
    case 'text': return `${p.lines ?? '?'} lines${p.language ? ' of ' + p.language : ''}`;
    case 'json': return p.valid ? `JSON: ${(p.topLevelKeys || []).slice(0, 6).join(', ')}` : 'JSON (invalid)';
    case 'csv': return `CSV: ${(p.columns || []).length} columns, ${p.rows ?? '?'} rows`;
    case 'pdf': return `PDF: ${p.pages} pages`;
    case 'image': return `${(p.format || '').toUpperCase()} ${p.width}×${p.height}`;
    case 'error': return `could not be read: ${p.message}`;
    default: return '';
  }
}

/** A message's attachments: name, size, download; images previewed inline. */
export function attachmentList(app, attachments) {
  return h('div.attachments', attachments.map((a) => {
    const isImage = /^image\//.test(a.contentType || '');
    const card = h('div.attachment', { dataset: { file: a.fileId } },
      isImage ? h('div.preview.loading') : h('span.ficon', icon(a.contentType === 'application/pdf' ? 'file' : 'file-text')),
      h('span.fname', a.originalName || a.fileId), h('span.muted', bytes(a.size)),
      a.removed ? h('span.muted', ' (removed)') : h('button.link', { type: 'button', onclick: () => download(app, a) }, 'Download'));
    if (isImage && !a.removed) {
      app.api.blob('/api/files/' + encodeURIComponent(a.fileId)).then((blob) => {
        card.querySelector('.preview').replaceChildren(h('img', { src: URL.createObjectURL(blob), alt: a.originalName || 'image' }));
        card.querySelector('.preview').classList.remove('loading');
      }).catch(() => card.querySelector('.preview').remove());
    }
    return card;
  }));
}

async function download(app, a) {
  try {
    const blob = await app.api.blob('/api/files/' + encodeURIComponent(a.fileId));
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: a.originalName || a.fileId });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    app.emit('toast', `Download failed: ${e.message}`);
  }
}

/** Drag & drop anywhere over `zone` shows `overlay`; dropped files go to `onFiles`. */
export function dropZone(zone, overlay, onFiles) {
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  zone.addEventListener('dragenter', (e) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; overlay.hidden = false; });
  zone.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
  zone.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) overlay.hidden = true; });
  zone.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    onFiles(e.dataTransfer.files);
  });
}
