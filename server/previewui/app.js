// ogcard /preview: pick a layout, edit its data and JSON, see the card as
// it renders and as each platform shows it. Plain JavaScript, no build step:
// the server embeds this file as it is.
"use strict";

const $ = (id) => document.getElementById(id);
const LINE_HEIGHT = 20; // px; must match .gutter and textarea in style.css
const WHATSAPP_MAX_BYTES = 300000;

const state = {
  layouts: [],
  saveAllowed: false,
  gen: -1,
  current: "", // layout name
  values: {}, // layout name → {field: value}, kept across switches
  draft: null, // editor text being rendered instead of the served layout
  loaded: "", // the source as last loaded from the server
  problems: [],
  timer: 0,
  abort: null,
  seq: 0,
  last: null, // the last rendered card: {bytes, format, width, height, warnings, layers, url}
  variants: [], // the drawn layout's size variants: [{name, width, height}], from X-Variants
  variantCards: {}, // variant name → its last rendered card (as last, plus variant), or {variant, error}
};

// api fetches a preview endpoint. The preview token, when the server wants
// one, rides in a cookie set when the page was opened with ?token=.
async function api(path, opts = {}) {
  return fetch("/preview/api/" + path, { credentials: "same-origin", ...opts });
}

async function errorText(res) {
  try {
    const j = await res.json();
    return j.error || res.statusText;
  } catch {
    return res.status + " " + res.statusText;
  }
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// key names a layout in the API: its name, or its file while it has never
// compiled (and so has no name).
function key(l) {
  return l.name || l.file;
}

function base(file) {
  return String(file).replace(/^.*[\\/]/, "");
}

function layout() {
  return state.layouts.find((l) => key(l) === state.current);
}

// ---- layouts list ---------------------------------------------------------

async function loadLayouts() {
  const res = await api("layouts");
  if (!res.ok) throw new Error(await errorText(res));
  const j = await res.json();
  state.layouts = j.layouts || [];
  state.saveAllowed = !!j.saveAllowed;
  state.gen = j.generation;
  renderList();
  updateSaveButton();
}

function renderList() {
  const ul = $("layouts");
  ul.innerHTML = "";
  for (const l of state.layouts) {
    const li = document.createElement("li");
    const p = (l.problems || [])[0];
    const badge = l.ok ? `<span class="badge ok">ok</span>` : `<span class="badge err">error</span>`;
    let detail = `<span class="file mono" title="${esc(l.file)}">${esc(base(l.file))}</span>`;
    if (p) {
      detail += `<span class="problem">${esc(p.line)}:${esc(p.column)} ${esc(p.message)}</span>`;
      if (l.problems.length > 1) detail += `<span class="more">and ${l.problems.length - 1} more</span>`;
      detail += `<span class="serving">${l.serving ? "serving the last good version" : "not served"}</span>`;
    }
    li.innerHTML = `<button type="button" class="layout ${key(l) === state.current ? "active" : ""}" data-name="${esc(key(l))}" data-ok="${l.ok}">
      <span class="row"><span class="name">${esc(l.name || base(l.file))}</span>${badge}</span>${detail}</button>`;
    li.firstElementChild.addEventListener("click", () => pick(key(l)));
    ul.appendChild(li);
  }
}

async function pick(name) {
  if (state.current !== name) {
    state.draft = null;
    dropVariantCards(() => true); // another layout's "square" is not this one's
    state.variants = [];
  }
  state.current = name;
  history.replaceState(null, "", "#" + encodeURIComponent(name));
  renderList();
  const l = layout();
  $("layout-title").textContent = name;
  $("editor-file").textContent = l ? base(l.file) : "";
  $("editor-file").title = l ? l.file : "";
  $("format-default").textContent = l && l.format ? `the layout's (${formatName(l.format)})` : "the layout's";
  buildForm(true);
  await loadSource();
  renderNow();
}

// ---- data form ------------------------------------------------------------

function fieldsSignature(l) {
  return (l && l.fields ? l.fields : []).map((f) => f.name + ":" + f.type).join(",");
}

// buildForm lays out one input per field, keeping what was typed; it
// rebuilds only when the fields changed, so a reload never steals focus.
function buildForm(force) {
  const l = layout();
  const form = $("fields");
  const sig = fieldsSignature(l);
  if (!force && form.dataset.sig === sig) return;
  form.dataset.sig = sig;
  form.innerHTML = "";
  const vals = (state.values[state.current] ||= {});
  if (!l || !l.fields) {
    form.innerHTML = `<p class="muted">No fields to show until this layout compiles.</p>`;
    return;
  }
  // Required fields first, then the rest by name (as the server lists them).
  const fields = [...l.fields].sort((a, b) => Number(b.required) - Number(a.required));
  for (const f of fields) {
    if (!(f.name in vals)) vals[f.name] = f.sample || f.default || "";
    const row = document.createElement("label");
    row.className = "field";
    const long = f.type === "string" && (f.maxLength > 80 || String(vals[f.name]).length > 60);
    row.innerHTML = `<span class="field-name">${esc(f.name)}${f.required ? ' <span class="req" title="required">*</span>' : ""}
        <span class="field-type">${esc(f.type)}${f.maxLength ? " · max " + f.maxLength : ""}</span></span>
      ${long ? "<textarea rows=\"2\"></textarea>" : "<input type=\"text\">"}
      <span class="field-desc">${esc(f.description || "")}${f.type === "image" ? " An http(s) URL, or a path inside the layouts folder." : ""}</span>`;
    const input = row.querySelector("input, textarea");
    input.name = f.name;
    input.value = vals[f.name];
    input.placeholder = f.default || "";
    if (f.maxLength) input.maxLength = f.maxLength;
    input.addEventListener("input", () => {
      vals[f.name] = input.value;
      scheduleRender();
    });
    form.appendChild(row);
  }
}

// ---- rendering ------------------------------------------------------------

function scheduleRender() {
  clearTimeout(state.timer);
  state.timer = setTimeout(renderNow, 250);
}

function renderQuery() {
  const q = new URLSearchParams({ layout: state.current });
  if ($("format").value) q.set("format", $("format").value);
  if ($("debug").checked) q.set("debug", "1");
  for (const [k, v] of Object.entries(state.values[state.current] || {})) q.set(k, v);
  return q;
}

// renderNow asks for the card (the served layout, or the editor's draft),
// dropping any render still in flight: only the latest keystroke matters.
async function renderNow() {
  clearTimeout(state.timer);
  if (!state.current) return;
  if (state.abort) state.abort.abort();
  const ctl = (state.abort = new AbortController());
  const opts = { signal: ctl.signal };
  if (state.draft !== null) Object.assign(opts, { method: "POST", body: state.draft });
  let res;
  try {
    res = await api("render?" + renderQuery(), opts);
  } catch (e) {
    if (e.name !== "AbortError") showRenderError(String(e));
    return;
  }
  if (res.status === 422) {
    const j = await res.json();
    showProblems(j.problems || []);
    state.draft = null;
    $("draft-note").hidden = true;
    return showRenderError("The editor's version has problems: see the list under the editor.");
  }
  if (!res.ok) return showRenderError(await errorText(res));
  const blob = await res.blob();
  if (ctl.signal.aborted) return;
  await showCard(res, blob);
  await renderVariants(header(res, "X-Variants", []), ctl, opts);
}

// renderVariants draws each of the layout's size variants after the card,
// one at a time (a page never holds more than one render worker), with the
// same data and the same version (the draft is posted again), and shows
// each in the mockups and the Variants list as it arrives. A newer render
// aborts it like the card's.
async function renderVariants(list, ctl, opts) {
  const seq = state.seq; // the card's: a variant drawn for it carries it too
  state.variants = list;
  dropVariantCards((name) => !list.some((v) => v.name === name));
  renderShare(state.last, shareMeta());
  for (const v of list) {
    const q = renderQuery();
    q.delete("debug"); // the layer boxes are the card's only
    q.set("variant", v.name);
    let res, blob;
    try {
      res = await api("render?" + q, opts);
      blob = res.ok ? await res.blob() : null;
    } catch (e) {
      if (e.name === "AbortError") return;
      res = { ok: false, error: String(e) };
    }
    if (ctl.signal.aborted) return;
    const card = res.ok
      ? {
          variant: v.name,
          seq,
          url: URL.createObjectURL(blob),
          bytes: Number(res.headers.get("X-Bytes")) || blob.size,
          format: (res.headers.get("Content-Type") || "").replace("image/", ""),
          width: v.width,
          height: v.height,
          warnings: header(res, "X-Warnings", []),
        }
      : { variant: v.name, width: v.width, height: v.height, error: res.error || (await errorText(res)) };
    const old = state.variantCards[v.name];
    state.variantCards[v.name] = card;
    renderShare(state.last, shareMeta());
    if (old && old.url) URL.revokeObjectURL(old.url); // after the page let go of it
  }
}

// dropVariantCards forgets the variant cards whose name drop(name) is true.
function dropVariantCards(drop) {
  for (const [name, card] of Object.entries(state.variantCards)) {
    if (!drop(name)) continue;
    if (card.url) URL.revokeObjectURL(card.url);
    delete state.variantCards[name];
  }
}

function header(res, name, fallback) {
  const v = res.headers.get(name);
  if (v === null) return fallback;
  try {
    return JSON.parse(decodeURIComponent(v));
  } catch {
    return fallback;
  }
}

async function showCard(res, blob) {
  const img = $("card");
  const url = URL.createObjectURL(blob);
  const loaded = new Promise((resolve) => {
    img.onload = img.onerror = resolve;
  });
  const old = img.src;
  img.src = url;
  await loaded;
  img.hidden = false;
  $("placeholder").hidden = true;
  if (old.startsWith("blob:")) URL.revokeObjectURL(old);
  const l = layout() || {};
  state.last = {
    url,
    bytes: Number(res.headers.get("X-Bytes")) || blob.size,
    format: (res.headers.get("Content-Type") || "").replace("image/", ""),
    width: img.naturalWidth,
    height: img.naturalHeight,
    warnings: header(res, "X-Warnings", []),
    layers: header(res, "X-Layers", []),
    maxBytes: l.maxBytes || 0,
  };
  img.dataset.seq = String(++state.seq);
  $("render-error").hidden = true;
  $("frame").classList.remove("stale");
  $("variants").classList.remove("stale");
  // A broken file keeps its last good version serving: say so, or the
  // designer would take the old card for the result of the edit.
  const lastGood = !l.ok && state.draft === null;
  $("frame").classList.toggle("last-good", lastGood);
  $("last-good-note").hidden = !lastGood;
  $("stat-render").textContent = res.headers.get("X-Render-Ms") + " ms";
  $("stat-encode").textContent = res.headers.get("X-Encode-Ms") + " ms";
  $("stat-bytes").textContent = kb(state.last.bytes);
  $("stat-size").textContent = `${state.last.width} × ${state.last.height}`;
  $("stat-format").textContent = state.last.format.toUpperCase();
  $("warnings").innerHTML = state.last.warnings.map((w) => `<li>${esc(w)}</li>`).join("");
  drawOverlay();
  renderShare(state.last, shareMeta());
}

function kb(n) {
  return n < 1000 ? n + " B" : (n / 1000).toFixed(1) + " KB";
}

function showRenderError(msg) {
  const el = $("render-error");
  el.textContent = msg;
  el.hidden = false;
  $("frame").classList.add("stale");
  $("variants").classList.add("stale");
}

// drawOverlay outlines every drawn layer's box, labelled with its name and,
// for text, the size auto-fit settled on.
function drawOverlay() {
  const ov = $("overlay");
  const on = $("debug").checked && state.last;
  ov.hidden = !on;
  if (!on) return;
  const { width: w, height: h } = state.last;
  ov.innerHTML = state.last.layers
    .map((l, i) => {
      const name = (/^"(.*)" \(/.exec(l.name) || [null, l.name])[1];
      const size = l.fontSize ? ` · ${Math.round(l.fontSize * 10) / 10}px` : "";
      const { Min: a, Max: b } = l.box;
      const style = `left:${(a.X / w) * 100}%;top:${(a.Y / h) * 100}%;width:${((b.X - a.X) / w) * 100}%;height:${((b.Y - a.Y) / h) * 100}%`;
      // Labels sit above their box; one at the card's top edge goes inside,
      // and a full-card layer's at the bottom right, clear of the others.
      const where = b.X - a.X >= w * 0.95 && a.Y <= 0 ? "corner" : a.Y < 20 ? "inside" : "";
      return `<div class="box c${i % 6} ${where}" style="${style}"><span>${esc(name)} · ${esc(l.kind)}${size}</span></div>`;
    })
    .join("");
}

// shareMeta guesses what a page would put in og:title, og:description and
// og:site_name from the layout's fields.
function shareMeta() {
  const v = state.values[state.current] || {};
  const l = layout() || {};
  const pick = (...names) => names.map((n) => v[n]).find((x) => x && String(x).trim());
  const site = pick("brand", "site", "publication", "organizer") || "Example";
  return {
    title: pick("title", "headline", "name", "quote", "event") || l.description || state.current,
    description: pick("description", "subtitle", "summary", "excerpt", "author") || "The page's og:description shows here.",
    site,
    domain: String(site).toLowerCase().replace(/[^a-z0-9]+/g, "") + ".com",
  };
}

// ---- where it is shared ---------------------------------------------------

// PLATFORMS are the link previews the card ends up in: each crops the
// image it gets to its own aspect ratio (CSS object-fit: cover), or shows
// it whole (aspect null), inside a frame close enough to judge the crop.
// fits is the aspect ratio a card made for the platform has, and names
// the variant names meant for it: see cardFor.
const PLATFORMS = [
  { id: "x", name: "X", note: "summary_large_image · 2:1 crop", aspect: 2, fits: 2, names: ["x", "twitter"], frame: frameX },
  { id: "facebook", name: "Facebook", note: "1.91:1 crop", aspect: 1.91, fits: 1.91, names: ["facebook"], frame: frameFacebook },
  { id: "linkedin", name: "LinkedIn", note: "1.91:1 crop", aspect: 1.91, fits: 1.91, names: ["linkedin"], frame: frameLinkedIn, noWebP: true },
  { id: "whatsapp", name: "WhatsApp", note: "large preview · 1.91:1", aspect: 1.91, fits: 1.91, frame: frameWhatsApp, noWebP: true, maxBytes: WHATSAPP_MAX_BYTES },
  { id: "whatsapp-small", name: "WhatsApp", note: "small preview · square thumbnail", aspect: 1, fits: 1, names: ["whatsapp"], frame: frameWhatsAppSmall, noWebP: true, maxBytes: WHATSAPP_MAX_BYTES },
  { id: "imessage", name: "iMessage", note: "rich link · whole image", aspect: null, fits: 1, names: ["imessage"], frame: frameIMessage },
  { id: "pinterest", name: "Pinterest", note: "pin · whole image, 2:3 best", aspect: null, fits: 2 / 3, names: ["pinterest", "pin"], frame: framePinterest },
  { id: "slack", name: "Slack", note: "unfurl · whole image", aspect: null, frame: frameSlack },
  { id: "discord", name: "Discord", note: "embed · whole image", aspect: null, frame: frameDiscord },
];

// FIT_TOLERANCE is how far (10%) a variant's aspect ratio may be from a
// platform's and still count as made for it.
const FIT_TOLERANCE = Math.log(1.1);

// cardFor picks the card a platform would get: the one a page made for it
// would put in og:image (or twitter:image, or the pin). The rule, also in
// the README's preview section:
//  1. a variant named for the platform (one of p.names: "x" or "twitter"
//     for X, "pinterest" or "pin" for Pinterest, "whatsapp" for its small
//     preview…);
//  2. else the variant whose aspect ratio is nearest the platform's fits,
//     if within 10% of it and nearer than the base card's (so "square"
//     800x800 goes to WhatsApp's small preview and iMessage, 1200x600 to
//     X, 1000x1500 to Pinterest);
//  3. else the base card. Slack and Discord (no fits) show whatever
//     og:image is: always the base card.
// Only variants already rendered take part; one that failed shows nowhere.
function cardFor(p, base) {
  if (!p.fits) return base;
  const ready = state.variants.map((v) => state.variantCards[v.name]).filter((c) => c && c.url);
  const named = ready.find((c) => (p.names || []).includes(c.variant));
  if (named) return named;
  const off = (c) => Math.abs(Math.log(c.width / c.height / p.fits));
  let best = base;
  for (const c of ready) if (off(c) <= FIT_TOLERANCE && off(c) < off(best)) best = c;
  return best;
}

function pic(card, aspect, cls = "") {
  const style = aspect ? `aspect-ratio:${aspect}` : `aspect-ratio:${card.width}/${card.height}`;
  return `<img class="pic ${cls}" src="${card.url}" style="${style}" data-variant="${esc(card.variant || "")}" data-seq="${card.seq || ""}" alt="">`;
}

function frameX(c, m) {
  return `<div class="post"><span class="avatar"></span><div><b>${esc(m.site)}</b> <span class="muted">@${esc(m.domain.replace(".com", ""))}</span>
    <p>${esc(m.title)}</p></div></div>
    <div class="x-card">${pic(c, 2)}<span class="x-domain">${esc(m.domain)}</span></div>
    <div class="muted small">From ${esc(m.domain)}</div>`;
}

function frameFacebook(c, m) {
  return `<div class="fb">${pic(c, 1.91)}<div class="fb-meta"><div class="fb-domain">${esc(m.domain.toUpperCase())}</div>
    <div class="fb-title">${esc(m.title)}</div><div class="fb-desc">${esc(m.description)}</div></div></div>`;
}

function frameLinkedIn(c, m) {
  return `<div class="li">${pic(c, 1.91)}<div class="li-meta"><div class="li-title">${esc(m.title)}</div>
    <div class="muted small">${esc(m.domain)} · 3 min read</div></div></div>`;
}

function frameWhatsApp(c, m) {
  return `<div class="wa-chat"><div class="wa-bubble"><div class="wa-preview">${pic(c, 1.91)}
    <div class="wa-meta"><div class="wa-title">${esc(m.title)}</div><div class="wa-desc">${esc(m.description)}</div>
    <div class="wa-domain">${esc(m.domain)}</div></div></div>
    <div class="wa-link">https://${esc(m.domain)}/…</div><div class="wa-time">12:04 ✓✓</div></div></div>`;
}

function frameWhatsAppSmall(c, m) {
  return `<div class="wa-chat"><div class="wa-bubble"><div class="wa-preview wa-row">${pic(c, 1, "thumb")}
    <div class="wa-meta"><div class="wa-title">${esc(m.title)}</div><div class="wa-domain">${esc(m.domain)}</div></div></div>
    <div class="wa-link">https://${esc(m.domain)}/…</div><div class="wa-time">12:04 ✓✓</div></div></div>`;
}

function frameIMessage(c, m) {
  return `<div class="im-chat"><div class="im-bubble">${pic(c, null)}
    <div class="im-meta"><div class="im-title">${esc(m.title)}</div><div class="im-domain">${esc(m.domain)}</div></div></div>
    <div class="im-status">Delivered</div></div>`;
}

function framePinterest(c, m) {
  return `<div class="pin">${pic(c, null)}<div class="pin-title">${esc(m.title)}</div>
    <div class="pin-site"><span class="favicon"></span>${esc(m.site)}</div></div>`;
}

function frameSlack(c, m) {
  return `<div class="slack"><div class="slack-site"><span class="favicon"></span>${esc(m.site)}</div>
    <div class="slack-title">${esc(m.title)}</div><div class="slack-desc">${esc(m.description)}</div>${pic(c, null)}</div>`;
}

function frameDiscord(c, m) {
  return `<div class="discord"><div class="dc-embed"><div class="dc-site">${esc(m.site)}</div>
    <div class="dc-title">${esc(m.title)}</div><div class="dc-desc">${esc(m.description)}</div>${pic(c, null)}</div></div>`;
}

// platformWarning says why a platform would show no picture at all.
function platformWarning(p, card) {
  if (p.maxBytes && card.bytes > p.maxBytes) return `Over ${kb(p.maxBytes)}: ${p.name} shows no picture`;
  // A crawler that does not name image/webp gets the layout's crawler
  // format (JPEG by default) from the URL without an extension; only an
  // og:image ending in .webp would reach it as WebP.
  if (p.noWebP && card.format === "webp") return `${p.name} gets JPEG from the URL without .webp`;
  return "";
}

// renderShare draws each platform's mockup with the card it would get,
// and the Variants list.
function renderShare(base, meta) {
  if (!base) return;
  $("mockups").innerHTML = PLATFORMS.map((p) => {
    const card = cardFor(p, base);
    const warn = platformWarning(p, card);
    const which = card.variant
      ? `<span class="mock-card is-variant" title="The layout's ${esc(card.variant)} variant">${esc(card.variant)} · ${card.width} × ${card.height}</span>`
      : `<span class="mock-card">base card · ${card.width} × ${card.height}</span>`;
    return `<figure class="mock mock-${p.id}" data-platform="${p.id}"><figcaption><b>${esc(p.name)}</b> <span class="muted">${esc(p.note)}</span> ${which}</figcaption>
      ${warn ? `<div class="mock-warn">⚠ ${esc(warn)}</div>` : ""}<div class="mock-body">${p.frame(card, meta)}</div></figure>`;
  }).join("");
  renderVariantList(base);
  renderChecks(base);
}

// renderVariantList shows every size variant with its name, size and the
// mockups it is in, so that none is hidden when no platform fits it.
function renderVariantList(base) {
  const el = $("variants");
  if (!state.variants.length) {
    el.innerHTML = `<p class="muted">This layout declares no size variants: add <span class="mono">"variants"</span> to give X, WhatsApp, iMessage or Pinterest a card of their own.</p>`;
    return;
  }
  el.innerHTML = state.variants
    .map((v) => {
      const c = state.variantCards[v.name];
      const size = `${v.width} × ${v.height}`;
      let body, detail;
      if (!c) {
        body = `<div class="variant-wait" style="aspect-ratio:${v.width}/${v.height}">rendering…</div>`;
        detail = "";
      } else if (c.error) {
        body = `<div class="variant-error">${esc(c.error)}</div>`;
        detail = "";
      } else {
        const where = PLATFORMS.filter((p) => cardFor(p, base) === c).map((p) => `${p.name} ${p.id === "whatsapp-small" ? "small" : ""}`.trim());
        body = `<img src="${c.url}" style="aspect-ratio:${v.width}/${v.height}" data-variant="${esc(v.name)}" data-seq="${c.seq}" alt="The ${esc(v.name)} variant">`;
        const over = c.bytes > WHATSAPP_MAX_BYTES ? ` <span class="bad">over 300 KB</span>` : "";
        detail = `<span>${kb(c.bytes)}${over}</span><span class="muted">${where.length ? "in " + esc(where.join(", ")) : "no mockup fits it"}</span>`;
      }
      return `<figure class="variant" data-variant="${esc(v.name)}">${body}
        <figcaption><b class="mono">${esc(v.name)}</b> <span class="variant-size">${size}</span>${detail}</figcaption></figure>`;
    })
    .join("");
}

// checks are what crawlers are known to trip on.
function checks(card) {
  const out = [];
  const add = (level, text) => out.push({ level, text });
  if (card.bytes > WHATSAPP_MAX_BYTES) add("bad", `${kb(card.bytes)}: over 300 KB, WhatsApp drops the picture`);
  else add("ok", `${kb(card.bytes)}: under WhatsApp's 300 KB`);
  if (card.maxBytes && card.bytes > card.maxBytes) add("warn", `Over the layout's own budget of ${kb(card.maxBytes)}`);
  if (card.format === "webp") add("ok", "WebP for browsers; crawlers that do not ask for WebP (LinkedIn, WhatsApp, Telegram…) get JPEG from the same URL without an extension: put that one in og:image, not the .webp");
  else add("ok", `${card.format.toUpperCase()}: shown everywhere`);
  const ratio = card.width / card.height;
  if (card.width === 1200 && card.height === 630) add("ok", "1200 × 630, the size every platform expects");
  else if (Math.abs(ratio - 1.91) < 0.02) add("warn", `${card.width} × ${card.height}: 1.91:1 but not 1200 × 630`);
  else add("bad", `${card.width} × ${card.height} is ${ratio.toFixed(2)}:1, not 1.91:1: platforms will crop it`);
  if (card.width < 600) add("warn", "Under 600 px wide: Facebook and LinkedIn fall back to a small thumbnail");
  const glyphs = card.warnings.filter((w) => /missing glyph/i.test(w));
  if (glyphs.length) glyphs.forEach((w) => add("bad", w));
  else add("ok", "Every character has a glyph");
  card.warnings.filter((w) => /fallback/i.test(w)).forEach((w) => add("warn", w));
  return out;
}

function renderChecks(card) {
  const icon = { ok: "✓", warn: "!", bad: "✕" };
  $("checks").innerHTML = checks(card)
    .map((c) => `<li class="${c.level}"><span class="icon">${icon[c.level]}</span>${esc(c.text)}</li>`)
    .join("");
}

// ---- editor ---------------------------------------------------------------

async function loadSource() {
  const ta = $("source");
  const res = await api("layout?layout=" + encodeURIComponent(state.current));
  if (!res.ok) return setEditorStatus(await errorText(res), "err");
  state.loaded = await res.text();
  ta.value = state.loaded;
  showProblems((layout() || {}).problems || []);
  setEditorStatus("");
  syncGutter();
}

function dirty() {
  return $("source").value !== state.loaded;
}

function setEditorStatus(msg, kind = "") {
  const el = $("editor-status");
  el.textContent = msg;
  el.className = "editor-status " + kind;
}

function syncGutter() {
  const ta = $("source");
  const n = ta.value.split("\n").length;
  const bad = new Set(state.problems.map((p) => p.line));
  let html = "";
  for (let i = 1; i <= n; i++) html += bad.has(i) ? `<span class="err">${i}</span>\n` : i + "\n";
  $("gutter").innerHTML = html;
  $("gutter").scrollTop = ta.scrollTop;
  $("marks").style.transform = `translate(${-ta.scrollLeft}px, ${-ta.scrollTop}px)`;
  $("marks").innerHTML = [...bad].map((l) => `<div class="mark" style="top:${(l - 1) * LINE_HEIGHT + 8}px"></div>`).join("");
}

function showProblems(problems) {
  state.problems = problems.filter((p) => p.line > 0 || p.message);
  const ol = $("problems");
  ol.innerHTML = "";
  for (const p of state.problems) {
    const li = document.createElement("li");
    li.innerHTML = `<button type="button" class="link mono">${p.line}:${p.column}</button>
      <span class="ptr mono">${esc(p.pointer || "/")}</span> ${esc(p.message)}`;
    li.querySelector("button").addEventListener("click", () => jumpTo(p.line, p.column));
    ol.appendChild(li);
  }
  if (state.problems.length) setEditorStatus(`${state.problems.length} problem${state.problems.length > 1 ? "s" : ""}`, "err");
  syncGutter();
}

// jumpTo puts the caret at line:col and scrolls it into view.
function jumpTo(line, col) {
  const ta = $("source");
  const lines = ta.value.split("\n");
  let off = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) off += lines[i].length + 1;
  off += Math.max(0, col - 1);
  ta.focus();
  ta.setSelectionRange(off, off);
  scrollToError(line, col);
}

// scrollToError brings line:col into the editor's view, across too: the
// editor does not wrap (the gutter numbers lines), so an error at column
// 59 would otherwise sit off screen.
function scrollToError(line, col) {
  const ta = $("source");
  ta.scrollTop = Math.max(0, (line - 1) * LINE_HEIGHT - ta.clientHeight / 3);
  const x = (col - 1) * charWidth(ta);
  const visible = x >= ta.scrollLeft && x <= ta.scrollLeft + ta.clientWidth - 40;
  if (!visible) ta.scrollLeft = Math.max(0, x - ta.clientWidth / 2);
  syncGutter();
}

// charWidth is the width of one character in the editor's monospace font.
function charWidth(ta) {
  const c = (charWidth.canvas ||= document.createElement("canvas")).getContext("2d");
  c.font = getComputedStyle(ta).font;
  return c.measureText("0").width || 7.5;
}

async function applyDraft() {
  showProblems([]);
  setEditorStatus("Rendering…");
  state.draft = $("source").value;
  $("draft-note").hidden = !dirty();
  if (!dirty()) state.draft = null;
  await renderNow();
  const first = state.problems.find((p) => p.line > 0);
  if (first) scrollToError(first.line, first.column);
  if (state.draft !== null && !state.problems.length) setEditorStatus("Applied: the card shows the editor's version (not saved)", "ok");
  else if (!state.problems.length) setEditorStatus("Same as the file: showing the served version", "ok");
}

async function save() {
  if (!state.saveAllowed) return;
  const res = await api("save?layout=" + encodeURIComponent(state.current), { method: "POST", body: $("source").value });
  if (res.status === 422) return showProblems((await res.json()).problems || []);
  if (!res.ok) return setEditorStatus(await errorText(res), "err");
  state.loaded = $("source").value;
  state.draft = null;
  $("draft-note").hidden = true;
  showProblems([]);
  setEditorStatus("Saved: the server reloads it in a moment", "ok");
}

function updateSaveButton() {
  const b = $("save");
  b.disabled = !state.saveAllowed;
  b.title = state.saveAllowed ? "Write the file to the layouts folder (Ctrl+S)" : SAVE_OFF;
  // A greyed button alone does not say why: the reason is on the page.
  $("save-note").textContent = state.saveAllowed ? "" : SAVE_OFF;
  $("save-note").hidden = state.saveAllowed;
}

const SAVE_OFF = "Save is off: start ogcard serve with --layouts and --preview-save to write files from here";

// formatName is how the format menu names a format.
function formatName(f) {
  return { webp: "WebP", png: "PNG", jpeg: "JPEG", jpg: "JPEG" }[f] || String(f).toUpperCase();
}

// ---- live reload ----------------------------------------------------------

// refresh follows a reload: the list and the card always, the editor only
// when it holds nothing the designer typed.
async function refresh() {
  await loadLayouts();
  buildForm(false);
  if (state.current && !dirty()) await loadSource();
  else if (state.current) setEditorStatus("The file changed on the server: Revert loads it", "warn");
  if (state.draft === null) renderNow();
}

function connect() {
  const live = $("live");
  const es = new EventSource("/preview/events");
  const onGen = (e) => {
    if (Number(e.data) !== state.gen) refresh();
  };
  es.addEventListener("hello", onGen);
  es.addEventListener("reload", onGen);
  es.onopen = () => {
    live.textContent = "live";
    live.className = "live on";
  };
  es.onerror = () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
  };
}

// ---- wiring ---------------------------------------------------------------

function wire() {
  const ta = $("source");
  ta.addEventListener("scroll", syncGutter);
  ta.addEventListener("input", () => {
    syncGutter();
    setEditorStatus(dirty() ? "Edited: Apply renders it, Save writes it" : "");
  });
  ta.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) (e.preventDefault(), applyDraft());
    else if (e.key === "s" && (e.ctrlKey || e.metaKey)) (e.preventDefault(), save());
    else if (e.key === "Tab" && !e.shiftKey) (e.preventDefault(), document.execCommand("insertText", false, "  "));
  });
  $("apply").addEventListener("click", applyDraft);
  $("save").addEventListener("click", save);
  $("revert").addEventListener("click", async () => {
    state.draft = null;
    $("draft-note").hidden = true;
    await loadSource();
    renderNow();
  });
  $("drop-draft").addEventListener("click", () => {
    state.draft = null;
    $("draft-note").hidden = true;
    renderNow();
  });
  $("format").addEventListener("change", renderNow);
  $("debug").addEventListener("change", renderNow);
}

async function main() {
  wire();
  try {
    await loadLayouts();
  } catch (e) {
    return showRenderError("Could not load the layouts: " + e.message);
  }
  const want = decodeURIComponent(location.hash.slice(1));
  const first = state.layouts.find((l) => key(l) === want) || state.layouts.find((l) => l.name === "news" && l.serving) || state.layouts.find((l) => l.serving) || state.layouts[0];
  if (first) await pick(key(first));
  connect();
}

document.addEventListener("DOMContentLoaded", main);
