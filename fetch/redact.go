package fetch

import (
	"errors"
	"net/url"

	"github.com/wirestory/aggregator/news"
)

// redact returns raw without its secrets (news.RedactURL with the
// configured secret parameters).
func (c *Client) redact(raw string) string {
	return news.RedactURL(raw, c.opts.SecretParams.Names()...)
}

// redactedError is an error whose message has the secrets of every URL in
// it removed; errors.Is and errors.As still reach the cause.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr returns err with the secrets of the URLs in its message
// removed: the URL of a *url.Error in its chain (net/http's errors embed
// the URL, and redact only its password) is rewritten in place, and the
// whole message is passed through news.RedactText. Every error a Fetch
// returns, and every State.LastError, goes through it.
func (c *Client) redactErr(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.redact(ue.URL)
	}
	return &redactedError{msg: news.RedactText(err.Error(), c.opts.SecretParams.Names()...), err: err}
}
