package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// post sends {"text": text} to the webhook within Options.Timeout.
func (s *Slack) post(ctx context.Context, text string) error {
	body, err := json.Marshal(map[string]string{"text": escape(text)})
	if err != nil {
		return fmt.Errorf("alert: encoding: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("alert: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		// The URL holds the webhook's secret: keep it out of logs.
		return fmt.Errorf("alert: posting to the webhook: %w", redact(err))
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused; Slack's answers are short.
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("alert: webhook answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// escape makes text literal for Slack, which reads &, < and > as markup:
// unescaped, an error message could turn into an @channel mention or a
// broken link.
func escape(text string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
}

// redact hides the webhook URL, which is its own credential, in the
// error of a failed request.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: "(webhook URL)", Err: ue.Err}
	}
	return err
}
