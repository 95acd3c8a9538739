package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/wirestory/aggregator/pipeline"
)

// verbosity is how much `fetch` says on standard error.
type verbosity int

const (
	quiet   verbosity = iota // nothing but errors
	normal                   // the summary (and a progress line on a terminal)
	verbose                  // a line per feed as it finishes, and the summary
)

// redrawEvery is the shortest time between two drawings of the progress
// line: about ten a second, which reads as live without flooding a slow
// terminal (or an ssh session) with redraws.
const redrawEvery = 100 * time.Millisecond

// progress shows a poll's progress on standard error: on a terminal one
// line, redrawn in place (\r) as feeds finish and as time passes, and
// cleared at the end; in verbose mode a line per finished feed. Its feed
// method is the pipeline's Progress hook and may be called concurrently;
// start and finish are called by the poll's caller. The zero value is not
// usable: make it with newProgress.
type progress struct {
	w     io.Writer
	term  bool // w is a terminal: draw the live line
	width int  // the terminal's columns
	verb  verbosity
	now   func() time.Time

	mu                     sync.Mutex
	start, drawnAt         time.Time
	done, total            int
	items, fresh, failures int
	shown                  string // the line on the screen; "" when none
	quit, stopped          chan struct{}
}

// newProgress returns the progress display of a fetch writing to w;
// term reports whether w is a terminal of width columns.
func newProgress(w io.Writer, v verbosity, term bool, width int) *progress {
	if width <= 0 {
		width = 80
	}
	return &progress{w: w, term: term && v != quiet, width: width, verb: v, now: time.Now}
}

// terminal reports whether w is a terminal that can redraw a line, and its
// width: TERM=dumb (Emacs' shell, some CI logs) is treated as none.
func terminal(w io.Writer) (bool, int) {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		width = 80
	}
	return true, width
}

// begin starts the clock and, on a terminal, the redrawing of the elapsed
// time; finish stops it.
func (p *progress) begin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start = p.now()
	if !p.term {
		return
	}
	p.quit, p.stopped = make(chan struct{}), make(chan struct{})
	go p.tick()
}

// tick redraws the line while the poll runs, so that the elapsed time
// moves on when no feed finishes for a while (a slow server).
func (p *progress) tick() {
	defer close(p.stopped)
	t := time.NewTicker(redrawEvery)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			p.mu.Lock()
			if p.total > 0 {
				p.draw(false)
			}
			p.mu.Unlock()
		}
	}
}

// feed takes the report of one finished feed (pipeline.PollOptions.Progress).
func (p *progress) feed(fr pipeline.FeedReport, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = p.done+1, total
	p.items += fr.Items
	p.fresh += fr.New
	if fr.Status == pipeline.StatusFailed {
		p.failures++
	}
	if p.verb == verbose {
		p.clear()
		fmt.Fprintln(p.w, feedLine(fr))
		p.draw(true)
		return
	}
	p.draw(p.done == total)
}

// draw shows the progress line when w is a terminal and the last drawing
// is old enough (or force); the caller holds mu.
func (p *progress) draw(force bool) {
	if !p.term {
		return
	}
	now := p.now()
	if !force && now.Sub(p.drawnAt) < redrawEvery {
		return
	}
	line := p.line(now.Sub(p.start))
	if line == p.shown {
		return
	}
	fmt.Fprint(p.w, "\r"+line+"\x1b[K")
	p.shown, p.drawnAt = line, now
}

// clear erases the progress line; the caller holds mu.
func (p *progress) clear() {
	if p.shown != "" {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = ""
	}
}

// finish stops the redrawing and erases the line, leaving the terminal as
// it was for the summary.
func (p *progress) finish() {
	if p.quit != nil {
		close(p.quit)
		<-p.stopped
		p.quit = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

// line is the progress line: a bar when the terminal is wide enough, then
// the counts, cut to the terminal's width so that it never wraps (a
// wrapped line cannot be redrawn with \r).
func (p *progress) line(elapsed time.Duration) string {
	const barWidth = 20
	s := fmt.Sprintf("%d/%d feeds, %d items, %d new, %d failed, %s", p.done, p.total, p.items, p.fresh, p.failures, clock(elapsed))
	if len(s)+barWidth+3 <= p.width-1 && p.total > 0 {
		filled := barWidth * p.done / p.total
		s = "[" + strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled) + "] " + s
	}
	for utf8.RuneCountInString(s) > p.width-1 && s != "" {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}

// clock formats an elapsed time as m:ss (h:mm:ss past an hour).
func clock(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// feedLine is the verbose line of one finished feed: name, status, items,
// new, duration and the error.
func feedLine(fr pipeline.FeedReport) string {
	s := fmt.Sprintf("%-20s %-12s %4d items %4d new %8s", fr.Name, fr.Status, fr.Items, fr.New, fr.Duration.Round(time.Millisecond))
	if fr.Err != nil {
		s += "  " + fr.Err.Error()
	}
	return s
}

// printReport writes what a poll did: in normal mode a line per failed
// feed and the summary line, which counts the feeds not due (with adaptive
// polling most feeds wait at most runs: they are not listed); in verbose
// mode (the feeds had a line each as they finished) a line per skipped
// feed and the summary; in quiet mode only the failed feeds.
func printReport(w io.Writer, rep *pipeline.Report, v verbosity) {
	var items, fresh, merged int
	for _, f := range rep.Feeds {
		items += f.Items
		fresh += f.New
		merged += f.Merged
		switch {
		case f.Status == pipeline.StatusFailed && v != verbose:
			fmt.Fprintf(w, "%-20s failed: %v\n", f.Name, f.Err)
		case f.Status == pipeline.StatusSkipped && v == verbose:
			fmt.Fprintf(w, "%-20s skipped (not due; --force polls it now)\n", f.Name)
		}
	}
	if v == quiet {
		return
	}
	polled := len(rep.Feeds) - rep.Count(pipeline.StatusSkipped)
	fmt.Fprintf(w, "polled %d %s in %s: %d ok, %d not modified, %d failed; %d items, %d new, %d merged into existing stories",
		polled, plural(polled, "feed", "feeds"), rep.Duration.Round(1e6), rep.Count(pipeline.StatusOK),
		rep.Count(pipeline.StatusNotModified), rep.Count(pipeline.StatusFailed), items, fresh, merged)
	if n := rep.Count(pipeline.StatusSkipped); n > 0 {
		fmt.Fprintf(w, "; %d not due (--force polls them now)", n)
	}
	fmt.Fprintln(w)
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
