package main

import (
	"github.com/reelpost/reelpost/internal/redact"

	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal a person reads: progress and
// plain-language warnings go there, never into a log file or a pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows on a terminal how far a long piece of work is, on one line
// that it rewrites and clears when the work is done. It is safe for
// concurrent use; reports may arrive out of order, so a line never counts
// backwards.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	what string // "review pages of %s"
	done map[string]int
}

func newProgress(w io.Writer, what string) *progress {
	return &progress{w: w, what: what, done: map[string]int{}}
}

// report is review.ExtractOptions.Progress's form.
func (p *progress) report(subject string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done < p.done[subject] {
		return
	}
	p.done[subject] = done
	if done >= total {
		delete(p.done, subject)
		fmt.Fprint(p.w, "\r\x1b[K")
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K"+p.what+": %d/%d", redact.URL(subject), done, total)
}

// line shows s as the progress line.
func (p *progress) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\x1b[K"+s)
}

// clear removes the progress line.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\x1b[K")
}

// clearing is p's terminal for other writers (a log handler): each write
// first clears the progress line, so that the two do not run together.
func (p *progress) clearing() io.Writer { return clearingWriter{p} }

type clearingWriter struct{ p *progress }

func (c clearingWriter) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	if _, err := io.WriteString(c.p.w, "\r\x1b[K"); err != nil {
		return 0, err
	}
	return c.p.w.Write(b)
}

// humanHandler writes log records for a person at a terminal: "warning:
// what happened (key value, ...)", without times or quoting. The daemon's
// logs keep LOG_FORMAT; this is for the commands a person runs by hand.
// Its writer is a progress line's clearing writer, which it shares the
// terminal with.
type humanHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	attrs []slog.Attr
	group string
}

func newHumanLogger(w io.Writer, level string) *slog.Logger {
	return slog.New(&humanHandler{mu: &sync.Mutex{}, w: w, level: parseLevel(level)})
}

func (h *humanHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *humanHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("error: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("warning: ")
	case r.Level < slog.LevelInfo:
		b.WriteString("debug: ")
	}
	b.WriteString(r.Message)
	attrs := slices.Clone(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		if h.group != "" {
			a.Key = h.group + "." + a.Key
		}
		attrs = append(attrs, a)
		return true
	})
	var hint string
	var parts []string
	for _, a := range attrs {
		v := a.Value.Resolve()
		if v.Kind() == slog.KindGroup || v.String() == "" {
			continue
		}
		if a.Key == "hint" {
			hint = v.String()
			continue
		}
		parts = append(parts, strings.ReplaceAll(a.Key, "_", " ")+" "+v.String())
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if hint != "" {
		b.WriteString(": " + hint)
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *humanHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = slices.Clone(h.attrs)
	for _, a := range as {
		if h.group != "" {
			a.Key = h.group + "." + a.Key
		}
		c.attrs = append(c.attrs, a)
	}
	return &c
}

func (h *humanHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}
