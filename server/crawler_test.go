package server

import (
	"bytes"
	"fmt"
	"image"
	"strings"
	"testing"
)

// crawlers are the link crawlers that fetch og:image, each with the
// User-Agent it sends, the Accept it sends (taken from published request
// logs; several send none), and the largest picture its platform shows.
// Platforms that publish no limit get X's 5 MB, the strictest of the big
// ones after WhatsApp.
var crawlers = []struct {
	name, userAgent, accept string
	limit                   int
}{
	{"Facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "*/*", 8 << 20},
	{"Facebot", "Facebot", "*/*", 8 << 20},
	{"X", "Twitterbot/1.0", "*/*", 5 << 20},
	{"LinkedIn", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "", 5 << 20},
	{"WhatsApp", "WhatsApp/2.23.20.0 A", "", 300_000},
	{"Telegram", "TelegramBot (like TwitterBot)", "*/*", 5 << 20},
	{"Slack unfurl", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "*/*", 5 << 20},
	{"Slack image proxy", "Slack-ImgProxy (+https://api.slack.com/robots)", "image/*", 5 << 20},
	{"Discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "*/*", 5 << 20},
	{"iMessage", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", "*/*", 8 << 20},
	{"Pinterest", "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)", "image/*", 5 << 20},
}

// TestEveryCrawlerGetsAPictureItShows sends each crawler's own request
// for the demo news card (a WebP layout) with no extension: none of them
// names image/webp, so each must get the layout's crawler format (JPEG),
// a decodable 1200x630 card under its platform's limit, varying by
// Accept only.
func TestEveryCrawlerGetsAPictureItShows(t *testing.T) {
	_, ts := newTestServer(t)
	for _, c := range crawlers {
		t.Run(c.name, func(t *testing.T) {
			header := []string{"User-Agent", c.userAgent}
			if c.accept != "" {
				header = append(header, "Accept", c.accept)
			}
			resp, body := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025", header...)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("%d %s, want 200 image/jpeg; body %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if len(body) > c.limit {
				t.Errorf("%d bytes: over %s's limit of %d", len(body), c.name, c.limit)
			}
			if v := resp.Header.Values("Vary"); len(v) != 1 || v[0] != "Accept" {
				t.Errorf("Vary %q, want Accept alone", v)
			}
			img, format, err := image.Decode(bytes.NewReader(body))
			if err != nil || format != "jpeg" || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
				t.Errorf("body is not a 1200x630 JPEG card: %v %s", err, format)
			}
			t.Logf("%-18s %s %7d bytes", c.name, resp.Header.Get("Content-Type"), len(body))
		})
	}
}

// TestBrowsersStillGetWebP: a browser names image/webp in its Accept, and
// gets the layout's own format; q=0 refuses it.
func TestBrowsersStillGetWebP(t *testing.T) {
	_, ts := newTestServer(t)
	for accept, want := range map[string]string{
		"image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8": "image/webp", // Chrome
		"image/avif,image/webp,*/*":                                        "image/webp", // Firefox
		"image/webp,image/png,image/*;q=0.8":                               "image/webp",
		"image/webp;q=0, */*":                                              "image/jpeg",
		"IMAGE/WEBP":                                                       "image/webp",
	} {
		t.Run(fmt.Sprint(accept), func(t *testing.T) {
			resp, _ := get(t, "GET", ts.URL+"/api/v1/og/news/budget-2025", "Accept", accept)
			if got := resp.Header.Get("Content-Type"); got != want {
				t.Errorf("Accept %q: %s, want %s", accept, got, want)
			}
			if strings.Contains(resp.Header.Get("Vary"), "User-Agent") {
				t.Error("Vary names User-Agent: CDNs would cache per browser build")
			}
		})
	}
}
