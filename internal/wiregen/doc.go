// Package wiregen generates fictional wire copy and the RSS and Atom feeds
// that carry it, deterministically, for benchmarks and tests that want
// realistic news text without a corpus: the same Spec always gives the same
// bytes.
//
// # Vocabulary and sentences
//
// No text of any corpus is used. The words are invented: from the Seed, a
// lexicon strings 2 to 4 of 28 syllables ("ba", "ko", "tan", "vel", ...)
// into 4,000 nouns, 900 verbs, 900 adjectives, 600 given names, 2,500
// surnames, 900 places and 400 organisations ("Tesri Commission", "Quimo
// Ministry"), held together by ordinary English function words in eight
// sentence templates: a person said on a weekday that something would
// happen in a place, officials at an organisation said, so many things
// changed by so many percent, a quotation, critics said, an analyst's view.
//
// Each story has a cast (two people, an organisation, a place and four
// topic words) that recurs through its sentences, so a story hangs together
// and differs from the next one. Its headline follows one of four
// templates built from the cast; its text is paragraphs of two or three
// sentences, about Spec.Bytes bytes in all (3,000 gives the ~3 KB of a
// typical news item), opened by a dateline "PLACE, March 14 (Wirenet) - ".
//
// # Feeds and duplicates
//
// Feed i is one outlet ("Prilin Herald", host news1.prilin.example): one in
// four outlets is an agency, one in five publishes Atom 1.0 rather than RSS
// 2.0. Each feed has Spec.Items items. With probability Spec.Dup an item
// copies a wire story drawn from a pool of Feeds×Items×Dup/4 stories (at
// least one), so a wire story is republished by about four feeds; the other
// items are stories of the outlet's own. Items copying the same story share
// Item.Story.
//
// An agency, and every story of an outlet's own, carries the copy as sent:
// the wire headline, the full text, the dateline and a sign-off "(Reporting
// by X; Editing by Y)". Other outlets rewrite the wire copy: the headline is
// kept, prefixed "UPDATE 1-", suffixed with the outlet's name (one in five
// each) or rewritten from the story's cast (two in five); the body is the
// full text, a summary-only copy (the first two or three paragraphs, one in
// five) or a copy-edited one (the last paragraph dropped and one "the"
// changed to "a", three in twenty); the dateline is kept or dropped at even
// odds; there is no sign-off.
//
// Every item also carries its outlet's furniture, the same on each of the
// feed's items, which a deduplicator has to see past: above the text a
// header line (for half the outlets), below it a "LATEST NEWS" list of
// three headline links and two footer paragraphs (follow and share,
// copyright).
//
// An outlet's own stories are dated in the 48 hours before Spec.Now. A wire
// story is sent 1 to 48 hours before Now and each copy is published up to
// two hours after it, so a copy can be dated up to an hour after Now. A
// feed lists its items newest first. Links carry utm_ tracking parameters;
// GUIDs are URNs, not links.
//
// # A running news event
//
// GenerateEvent builds a harder, labelled corpus: one event (an earthquake
// striking before dawn) covered over two days by a few agencies and many
// outlets, so that different stories share a cast (the place, the
// officials, the figures, the quotes of the same press conferences, the
// same photos). EventSpec sizes it; SmallEvent (about 200 items) is for
// tests, MediumEvent (about 600 items, 75 feeds) has the shape of a real
// event's coverage. EventCorpus.Write lays it out for the evaluation tool
// and cmd/wirecorpus writes it from the command line.
//
// Each agency writes a running story through the day of the quake in five
// to thirty versions (Versions for the first agency): a one- or
// two-paragraph brief, then write-throughs that put a new lead over the
// body (the old lead moving down two to four paragraphs or dropped),
// insert quotes, figures and colour, drop paragraphs from the end or the
// middle, swap two, copy-edit a word, and update the figures (the toll,
// the injured, the aftershocks, the hour of the statement) in the lead
// always and in the other paragraphs often; the headline changes with
// them. Each agency writes the shared facts in its own wording (five per
// kind of paragraph) and house words, and quotes the same press
// conferences word for word. Neighbouring versions overlap strongly,
// distant ones weakly (the Jaccard of word 3-shingles has a median near
// 0.75 between neighbours and near 0.2 eight versions apart: see
// EventStory.Overlaps and wirecorpus -stats).
//
// Outlets take the version current some minutes to hours before they
// publish, mostly from one agency, one to many times; a quarter update one
// page in place (same link, the newest version, an Updated date), the
// others have a page per version. They rewrite headlines, keep or drop
// datelines and sign-offs, trim the end, drop a paragraph, change a word,
// or (a few) run the first one to three paragraphs only; and they put
// their page furniture around the text, drawn per page from the outlet's
// template: a repeated headline, a byline, an "Updated 3:42 p.m. EST"
// line, a photo caption, "Listen to this article", newsletter and share
// widgets, a section line, "Advertisement" and "RELATED:" lines between
// paragraphs, and after the text "LATEST NEWS" (the outlet's own earlier
// headlines), related coverage, tags, comments, disclaimers and
// copyright. Most outlets run two to nine items.
//
// Labels follow the policy of issue 13: every version and every copy of
// one agency's running story is one story. Apart from it, each its own
// story: the agencies' follow-ups of the next day (one to three versions
// each) repeating the quake's facts, a quote and the background paragraph
// word for word; the other agencies' running stories; outlets' analyses
// quoting the running story's lead; templated aftershock bulletins with
// other numbers (a bulletin's copies are one story); each snapshot of a
// live page (newest posts on top, quoting the agencies); morning roundups
// quoting the lead of two stories; outlets' own local stories. The same
// photo caption shows on different stories.
package wiregen
