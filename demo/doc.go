// Package demo holds the feeds that `aggregator serve --demo` and
// `aggregator fetch --demo` poll: six feeds of fictional news outlets,
// embedded in the binary so that the demo needs no network. Serve FS on a
// loopback HTTP server and point the pipeline at the Feeds; the files are
// exactly what the outlets' servers would send.
//
// Everything in them is invented for the demo: two news agencies, the
// Meridian Press Agency (MPA, Port Ellis) and the Coastline News Service
// (CNS, Harwick Bay), file 15 stories between 10 and 14 November 2026
// (see AsOf), and four outlets reprint them in their own way, a few
// minutes to a few hours after the agency, for 45 items in all:
//
//	feed             format                        what it does to the agency copy
//	meridian-wire    RSS 2.0, content:encoded      MPA's own wire: plain headlines, dateline
//	                 (lead in description)         "PORT ELLIS, Nov 10 (MPA) - ", credit
//	                                               "(Reporting by ...; Editing by ...)", straight quotes
//	coastline-news   JSON Feed 1.1, content_html   CNS's own wire: dateline "HARWICK BAY, Nov. 10 (CNS) — ",
//	                                               sign-off "--CNS" and desk initials ("jm/rt")
//	harbour-gazette  Atom 1.0, content type=html   rewritten headlines; dateline and credit dropped;
//	                                               "By Staff Writer" byline, "Source:" line and a
//	                                               LATEST NEWS block of 4 links in every entry;
//	                                               curly quotes as UTF-8; one updated entry
//	northstar-daily  RSS 1.0 (RDF), HTML in        rewritten headlines; dateline and credit kept; quotes
//	                 description                   and dashes as entities (&ldquo; &rsquo; &ndash;);
//	                                               "Share this: Facebook | X | Email" in every item
//	tidewater-times  RSS 2.0, HTML in CDATA        rewritten headlines, one clickbait; MPA credit cut to
//	                 description                   "--MPA"; disclaimer paragraph and a line of relative
//	                                               links in every item; relative links and utm_* tracking
//	                                               parameters in bodies and on every other item link;
//	                                               one item without a guid
//	valley-courier   RSS 2.0, summary only         the first 1-2 sentences, dateline dropped; utm_*
//	                                               tracking parameters on every link
//
// The stories, and the groups the demo should merge its items into (the
// same groups as Expected, which a test can score against):
//
//	story                 by, date   carried by (items)                  what it shows
//	quay-closure          MPA 10 Nov meridian, northstar, harbour,       one story, five outlets: rewritten and
//	                                 valley, tidewater (5)               clickbait ("You won't believe what the port
//	                                                                     authority just did") headlines, datelines
//	                                                                     kept or dropped, summary-only copy
//	quay-union-challenge  MPA 11 Nov meridian, harbour, tidewater (3)    follow-up: new lead, but two background
//	                                                                     paragraphs copied from quay-closure; APART
//	markets-nov-11        MPA 11 Nov meridian, northstar (2)             market bulletins from one template, only
//	markets-nov-12        MPA 12 Nov meridian, northstar (2)             the numbers differ; APART from each other
//	larkspur-bridge       MPA 12 Nov meridian, harbour (updated, with    an updated version with two added
//	                                 two more paragraphs), northstar     paragraphs beside the original
//	                                 (original), valley (4)
//	orlen-frost           MPA 13 Nov meridian, valley, northstar (3)     copy edits (northstar changes a few words)
//	central-library       MPA 13 Nov meridian, harbour, tidewater (3)    copy edits: words changed, en dash for
//	                                                                     hyphen, a relative link (tidewater)
//	museum-figurehead     MPA 14 Nov meridian (1)                        a story only its agency carries
//	ferry-fares           CNS 10 Nov coastline, harbour, northstar,      one story, five outlets (as quay-closure,
//	                                 valley, tidewater (5)               for the other agency's style)
//	grey-shoals-wind      CNS 11 Nov coastline, northstar, harbour,      entity in the body (&amp;), relative link
//	                                 tidewater (4)
//	weather-nov-12        CNS 12 Nov coastline, tidewater (2)            weather bulletins from one template, only
//	weather-nov-13        CNS 13 Nov coastline, tidewater (2)            the numbers differ; APART from each other
//	cod-quota-blockade    CNS 12 Nov coastline, valley, tidewater (3)    the tidewater item has no guid
//	robotics-title        CNS 13 Nov coastline, harbour, valley (3)
//	childrens-wing        CNS 14 Nov coastline, harbour, northstar (3)
//
// Items of one outlet share that outlet's furniture (LATEST NEWS, share
// line, disclaimer) and nothing else: they too must stay apart.
//
// The feeds and expected.go are generated from the story text in
// internal/gen; edit that, then run go generate.
package demo

//go:generate go run ./internal/gen -dir .
