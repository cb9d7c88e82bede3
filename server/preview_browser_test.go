package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/ogcard/ogcard/internal/testrig/browsertest"
)

// browser starts a headless Chromium with a fresh profile and returns a
// tab's context, and a function returning the page's script errors so far.
func browser(t *testing.T, chrome string, width, height int) (context.Context, func() []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
	}
	for _, f := range browsertest.Flags {
		opts = append(opts, chromedp.Flag(strings.TrimPrefix(f, "--"), true))
	}
	var mu sync.Mutex
	var errs []string
	// Script errors are collected rather than reported at once: the
	// listener runs in chromedp's read loop and must return fast.
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			errs = append(errs, ev.ExceptionDetails.Text+" "+ev.ExceptionDetails.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError && len(ev.Args) > 0 {
				errs = append(errs, fmt.Sprintf("console.error: %s", ev.Args[0].Description))
			}
		}
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithListener(listen))
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), errs...) }
}

// waitJS waits until a JavaScript expression is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))
}

// cardLoaded is true once the card shown is a new render (after seq) and
// the browser has decoded it.
func cardLoaded(seq int) string {
	return fmt.Sprintf(`(() => { const c = document.getElementById("card");
		return Number(c.dataset.seq || 0) > %d && c.complete && c.naturalWidth === 1200 && document.getElementById("render-error").hidden; })()`, seq)
}

// shows is true once the image at selector is loaded and decoded at w x h
// (its natural size: the file itself, whatever the CSS crops it to).
func shows(selector string, w, h int) string {
	return fmt.Sprintf(`(() => { const i = document.querySelector(%q);
		return i !== null && i.complete && i.naturalWidth === %d && i.naturalHeight === %d; })()`, selector, w, h)
}

// variantsFresh is true once every variant in the Variants list is drawn
// for the card shown (they follow it, one at a time).
const variantsFresh = `(() => { const seq = document.getElementById("card").dataset.seq;
	const imgs = [...document.querySelectorAll("#variants img")];
	return imgs.length > 0 && imgs.every((i) => i.dataset.seq === seq && i.complete); })()`

// variantSrc is the blob URL of the square variant in the Variants list.
const variantSrc = `document.querySelector('#variants figure[data-variant="square"] img')?.src || ""`

func TestPreviewInBrowser(t *testing.T) {
	chrome := browsertest.Chrome(t) // first: skipping needs no server
	_, base, dir := newPreviewServer(t)
	// After the server, so that its cleanup runs first: the page's event
	// stream would hold the server's Close until the browser goes.
	// 1400 wide: above 1100 px the page has three columns, and the sticky
	// editor once covered the mockups below the card.
	ctx, scriptErrors := browser(t, chrome, 1400, 1000)
	file := filepath.Join(dir, "news.json")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var seq int
	var src, oldSrc string
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v (script errors: %v)", what, err, scriptErrors())
		}
	}
	// readCard notes which render the page shows, to wait for the next.
	readCard := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		card, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
			Seq int
			Src string
		}](`(() => { const c = document.getElementById("card"); return {Seq: Number(c.dataset.seq), Src: c.src}; })()`))
		seq, src = card.Seq, card.Src
		return err
	})

	step("open the page and pick news",
		chromedp.Navigate(base+"/preview"),
		chromedp.WaitVisible(`#layouts button[data-name="news"]`),
		chromedp.Click(`#layouts button[data-name="news"]`),
		waitJS(`document.querySelector('#layouts button[data-name="news"]').classList.contains("active")`),
		waitJS(cardLoaded(0)), readCard,
		waitJS(`document.getElementById("source").value.includes('"maxLines": 3')`),
		waitJS(`document.getElementById("live").textContent === "live"`),
	)
	oldSrc = src

	step("the page says what it means: the format menu names the layout's format, the greyed Save says why, the placeholder is gone",
		waitJS(`document.getElementById("format-default").textContent === "the layout's (WebP)"`),
		waitJS(`(() => { const n = document.getElementById("save-note");
			return document.getElementById("save").disabled && !n.hidden && n.offsetHeight > 0 && n.textContent.includes("--preview-save"); })()`),
		waitJS(`document.getElementById("placeholder").hidden && !document.getElementById("card").hidden`),
		waitJS(`document.querySelectorAll("#mockups .mock").length > 0`),
	)
	overlapped, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](overlappedMockups))
	if err != nil {
		t.Fatal(err)
	}
	if len(overlapped) > 0 {
		t.Errorf("at 1400x1000 the layout JSON panel covers these mockups: %v", overlapped)
	}

	// news declares "square" (800x800): it is what WhatsApp's small preview
	// and iMessage get, and it is listed with its size; X, 2:1, keeps the
	// base card (1.91:1 is nearer than 1:1).
	step("see the square variant in the mockups it fits and in the Variants list",
		waitJS(shows(`#mockups .mock-whatsapp-small img.pic[data-variant="square"]`, 800, 800)),
		waitJS(shows(`#mockups .mock-imessage img.pic[data-variant="square"]`, 800, 800)),
		waitJS(shows(`#variants figure[data-variant="square"] img`, 800, 800)),
		waitJS(`(() => { const f = document.querySelector('#variants figure[data-variant="square"] figcaption').textContent;
			return f.includes("square") && f.includes("800 × 800") && f.includes("iMessage"); })()`),
		waitJS(shows(`#mockups .mock-x img.pic[data-variant=""]`, 1200, 630)),
		waitJS(`document.querySelector('#mockups .mock-whatsapp-small figcaption').textContent.includes("square · 800 × 800")`),
	)
	oldVariant, err := chromedp.Run(ctx, chromedp.Evaluate[string](variantSrc))
	if err != nil || !strings.HasPrefix(oldVariant, "blob:") {
		t.Fatalf("square variant src %q: %v", oldVariant, err)
	}

	step("type a new title and see the card change",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#fields [name=title]").value = ""`),
		chromedp.SendKeys(`#fields [name="title"]`, "Typed in a real browser"),
		waitJS(cardLoaded(seq)), readCard,
		waitJS(`state.values.news.title === "Typed in a real browser"`),
		// The variants follow the edit too.
		waitJS(fmt.Sprintf(`(%s) !== %q && %s`, variantSrc, oldVariant, shows(`#mockups .mock-whatsapp-small img.pic[data-variant="square"]`, 800, 800))),
	)
	if src == oldSrc || !strings.HasPrefix(src, "blob:") {
		t.Errorf("card src %q after typing, was %q: want a new image", src, oldSrc)
	}

	// Break the file on disk: the list shows the problem within seconds,
	// and the last good version keeps serving.
	if err := os.WriteFile(file, brokenNews(dir), 0o644); err != nil {
		t.Fatal(err)
	}
	step("see the error in the status list, and the card marked as the last good version",
		waitJS(`(() => { const b = document.querySelector('#layouts button[data-name="news"]');
			return b.dataset.ok === "false" && b.querySelector(".badge.err") !== null && b.querySelector(".problem")?.textContent.startsWith("29:"); })()`),
		waitJS(`document.querySelector("#problems li") !== null && document.querySelector("#gutter .err")?.textContent === "29"`),
		waitJS(`document.getElementById("frame").classList.contains("last-good") && !document.getElementById("last-good-note").hidden`),
		readCard,
	)
	shot := screenshot(ctx, t, "preview-broken.png")
	t.Logf("screenshot with the layout broken: %s", shot)

	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	step("fix it and see the card return",
		waitJS(`document.querySelector('#layouts button[data-name="news"]').dataset.ok === "true"`),
		waitJS(cardLoaded(seq)),
		waitJS(`!document.getElementById("frame").classList.contains("last-good") && document.querySelector("#problems li") === null`),
	)

	// The editor: Apply renders without saving; problems are listed with
	// line:column and jump to their line.
	setSource := func(js string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.getElementById("source");
			ta.value = ` + js + `; ta.dispatchEvent(new Event("input")); })()`)
	}
	step("apply a broken draft", setSource(`ta.value.replace('"maxLines": 3', '"maxLines": 0')`), chromedp.Click(`#apply`),
		waitJS(`document.querySelector("#problems li button")?.textContent === "29:46"`),
		chromedp.Click(`#problems li button`),
		waitJS(`(() => { const ta = document.getElementById("source");
			return ta.value.slice(0, ta.selectionStart).split("\n").length === 29 && document.activeElement === ta; })()`),
		readCard,
	)
	// The draft adds variants of its own, never saved: each goes to the
	// mockup its shape fits, and one no mockup fits is still listed.
	step("apply a good draft", setSource(`ta.value.replace('"maxLines": 0', '"maxLines": 3').replace('#e11d48', '#2563eb').replace('"variants": {',
			'"variants": {"x": {"canvas": {"width": 1200, "height": 600}}, "story": {"canvas": {"width": 1000, "height": 1500}}, "banner": {"canvas": {"width": 1200, "height": 300}},')`),
		chromedp.Click(`#apply`), waitJS(cardLoaded(seq)),
		waitJS(`!document.getElementById("draft-note").hidden && document.querySelector("#problems li") === null`),
		waitJS(shows(`#mockups .mock-x img.pic[data-variant="x"]`, 1200, 600)),
		waitJS(shows(`#mockups .mock-pinterest img.pic[data-variant="story"]`, 1000, 1500)),
		waitJS(shows(`#mockups .mock-whatsapp-small img.pic[data-variant="square"]`, 800, 800)),
		waitJS(shows(`#variants figure[data-variant="banner"] img`, 1200, 300)),
		waitJS(`document.querySelector('#variants figure[data-variant="banner"] figcaption').textContent.includes("no mockup fits it") &&
			document.querySelector('#mockups img.pic[data-variant="banner"]') === null &&
			[...document.querySelectorAll("#variants figure")].map((f) => f.dataset.variant).join() === "banner,square,story,x"`),
	)
	if now, _ := os.ReadFile(file); string(now) != string(good) {
		t.Error("Apply wrote the file")
	}
	step("the draft's variants all drawn", waitJS(variantsFresh))
	t.Logf("screenshot with the draft's variants: %s", screenshot(ctx, t, "preview-variants.png"))
	step("note the draft's card", readCard) // before Revert, whose render is the next
	step("revert", chromedp.Click(`#revert`), waitJS(`document.getElementById("draft-note").hidden`),
		waitJS(`document.getElementById("source").value.includes("#e11d48")`), waitJS(cardLoaded(seq)),
		waitJS(`[...document.querySelectorAll("#variants figure")].map((f) => f.dataset.variant).join() === "square" &&
			document.querySelector('#mockups .mock-x img.pic[data-variant=""]') !== null`), waitJS(variantsFresh))

	step("layer boxes", chromedp.Click(`#debug`),
		waitJS(`document.querySelectorAll("#overlay .box").length === 4 && /headline · text · \d/.test(document.getElementById("overlay").textContent)`),
		waitJS(variantsFresh),
	)
	shot = screenshot(ctx, t, "preview.png")
	t.Logf("screenshot: %s", shot)

	step("at phone width, one column, and an error far along its line scrolled into view",
		chromedp.EmulateViewport(390, 844),
		waitJS(`(() => { const l = (s) => document.querySelector(s).getBoundingClientRect();
			const side = l(".sidebar"), centre = l(".centre"), editor = l(".editor-col"), share = l(".share");
			return side.bottom <= centre.top && centre.bottom <= editor.top && editor.bottom <= share.top &&
				document.documentElement.scrollWidth <= window.innerWidth; })()`),
		setSource(`ta.value.replace('"maxLines": 3', '"maxLines": 0')`), chromedp.Click(`#apply`),
		waitJS(`document.querySelector("#problems li button")?.textContent === "29:46"`),
		waitJS(`(() => { const ta = document.getElementById("source"), x = 45 * charWidth(ta);
			return ta.scrollWidth > ta.clientWidth && x >= ta.scrollLeft && x <= ta.scrollLeft + ta.clientWidth; })()`),
	)
	shot = screenshot(ctx, t, "preview-phone.png")
	t.Logf("screenshot at phone width: %s", shot)
	if errs := scriptErrors(); len(errs) > 0 {
		t.Errorf("script errors on the page: %v", errs)
	}
}

// overlappedMockups scrolls each "Where it is shared" mockup into view
// and names those whose box meets the (sticky) editor column's.
const overlappedMockups = `(() => {
	const hit = [];
	const editor = document.querySelector(".editor-col");
	for (const m of document.querySelectorAll("#mockups .mock")) {
		m.scrollIntoView({block: "center"});
		const a = m.getBoundingClientRect(), b = editor.getBoundingClientRect();
		if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
			hit.push(m.querySelector("figcaption")?.textContent || m.className);
		}
	}
	window.scrollTo(0, 0);
	return hit;
})()`

// screenshot saves the whole page as a PNG among the test's artifacts.
func screenshot(ctx context.Context, t *testing.T, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(browsertest.Artifacts(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
