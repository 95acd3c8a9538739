// Package output publishes merged stories: it renders them as RSS 2.0,
// Atom 1.0 and JSON Feed 1.1 (through gorilla/feeds, the only package that
// sees its types), writes the rendered feeds to files, and serves them over
// HTTP with validators, compression and an HTML page for people.
//
// Every body published is sanitised here: stories arrive with the HTML their
// feeds delivered, and nothing of it reaches a reader unchecked.
package output

import (
	"net/http"
	"time"
)

// Options configures rendering and serving. The zero value renders
// untitled feeds with relative self links, no item limit, no caching hint
// and no WebSub. Options values are plain data; the maps
// and functions they hold must not change once passed in.
type Options struct {
	// Title, Link and Description are the feed metadata. Link is the
	// public base URL (e.g. http://127.0.0.1:8080/); feed and self URLs
	// are resolved against it.
	Title, Link, Description string
	// MaxItems is the number of stories per feed; 0 means no limit.
	MaxItems int
	// MaxAge is sent as Cache-Control max-age (the poll interval).
	MaxAge time.Duration
	// WebSubHub is the hub URL advertised in the feeds and pinged after
	// an Update that changed them; "" turns WebSub off.
	WebSubHub string
	// OnError, when set, receives failures that have no caller to return
	// to, such as failed hub pings. It may be called from any goroutine.
	OnError func(error)
	// Observe, when set, is called after each request served with the
	// route (one of "/", "/feed.EXT", "/tags/{tag}.EXT", or "other") and
	// the status code, for metrics. It may be called concurrently.
	Observe func(route string, status int)
	// HubClient sends the WebSub pings; nil means a client with a
	// 10-second timeout.
	HubClient *http.Client
	// ShowFeedURLs shows each feed's URL (redacted) in the page's
	// feed-health table; by default the public page names feeds only.
	ShowFeedURLs bool
	// SecretParams names query parameters, besides the common ones of
	// news.IsSecretParam, whose values are redacted from URLs shown.
	SecretParams []string
	// StoryPages links every entry to its story page, Link +
	// "stories/ID" (from the page, and as the feeds' related link), for
	// a server that serves them (the daemon does).
	StoryPages bool
	// Archives publishes the main Atom feed's history (RFC 5005): a
	// prev-archive link to Input.PrevArchive, or fh:complete when the
	// feed holds every story, for a server that serves the archives.
	Archives bool
}

// Formats lists the formats Render accepts: "rss", "atom", "json". It is
// read-only.
var Formats = []string{"rss", "atom", "json"}

// contentTypes maps a format, or "html" for the page, to its media type.
var contentTypes = map[string]string{
	"rss":  "application/rss+xml; charset=utf-8",
	"atom": "application/atom+xml; charset=utf-8",
	"json": "application/feed+json; charset=utf-8",
	"html": "text/html; charset=utf-8",
}
