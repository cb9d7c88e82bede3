// Package alert tells people when ogcard needs them: Slack posts alerts
// to a Slack incoming webhook, and SpikeDetector turns a stream of
// failures into one alert when they pile up.
//
// # Delivery
//
// Alerts are raised on request paths, so raising one must cost nothing
// there: Slack.Alert only puts the text on a bounded queue, and a single
// goroutine per notifier posts {"text": ...} to the webhook, one alert at
// a time, each within Options.Timeout. Alerts are advice, not a log:
// when the queue is full the alert is dropped, a failed post is not
// retried, and both are counted in Stats so they can be exported as
// metrics. Text is escaped for Slack (&, <, >), so an error message
// cannot ping @channel. The webhook URL is a credential: it is kept out
// of error messages.
//
// # Rate limit
//
// Each kind of alert goes out at most once per Options.MinInterval (five
// minutes by default). The alerts of a kind held back in between are
// counted, and the next one that goes says how many there were, so a
// flood of failures makes one message every few minutes, not hundreds.
//
// # Spikes
//
// SpikeDetector.Add counts an event in a sliding window of fixed memory
// and returns true once when the count reaches the threshold, and not
// again until it has fallen back under it:
//
//	if fetchFailures.Add() {
//		slack.Alert("fetch-failures", "20 picture fetches failed within a minute")
//	}
//
// # Nil values and concurrency
//
// A nil *Slack and a nil *SpikeDetector are valid and do nothing, and
// NewSlack returns nil for an empty webhook URL, so call sites need no
// "if configured". Every method of both is safe for concurrent use.
// Slack.Close stops the goroutine: it delivers what is queued for up to
// Options.Timeout, then gives up, so shutting down never hangs on Slack.
package alert
