package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wirestory/aggregator/news"
)

// TestErrorsAreRedacted: every error a Fetch returns, and the state's
// LastError, leaves out the user information and secret query values of
// the feed's URL, whatever produced the error (our own messages, a status,
// a redirect loop, net/http's connection errors).
func TestErrorsAreRedacted(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		case "/gone":
			w.WriteHeader(http.StatusGone)
		default:
			http.NotFound(w, r)
		}
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // nothing listens there any more: connection refused
	withSecrets := func(base, path string) string {
		return strings.Replace(base, "http://", "http://agent-bob:hunter2@", 1) + path + "?token=t0k3n&page=2&Sig=s1gn"
	}
	c := newTestClient(Options{SecretParams: news.NewSecretParams("Session")})
	for name, u := range map[string]string{
		"status":     withSecrets(srv.URL, "/missing"),
		"loop":       withSecrets(srv.URL, "/loop"),
		"gone":       withSecrets(srv.URL, "/gone"),
		"refused":    withSecrets(closed.URL, "/feed"),
		"configured": strings.Replace(srv.URL, "http://", "http://x:hunter2@", 1) + "/missing?session=t0k3n",
	} {
		t.Run(name, func(t *testing.T) {
			res := c.Fetch(context.Background(), news.FeedState{URL: u}, testNow)
			if res.Err == nil {
				t.Fatal("no error")
			}
			for _, msg := range []string{res.Err.Error(), res.State.LastError} {
				for _, secret := range []string{"agent-bob", "hunter2", "t0k3n", "s1gn"} {
					if strings.Contains(msg, secret) {
						t.Errorf("message shows %q: %s", secret, msg)
					}
				}
				if !strings.Contains(msg, "***") {
					t.Errorf("message does not mark what it removed: %s", msg)
				}
			}
			// Fetch's own state still holds the URL, secrets and all.
			if res.State.URL != u {
				t.Errorf("state URL %q, want %q", res.State.URL, u)
			}
		})
	}
	res := c.Fetch(context.Background(), news.FeedState{URL: withSecrets(srv.URL, "/gone")}, testNow)
	if !errors.Is(res.Err, ErrGone) {
		t.Errorf("redacted error lost its cause: %v", res.Err)
	}
}
