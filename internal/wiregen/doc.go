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
package wiregen
